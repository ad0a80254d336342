/**
 * Backend selection, the kernel support matrix and the `env` block that goes
 * into every result file.
 */
import * as os from 'os';
import { tf } from './tf';
import { BACKENDS, NodeBackendId, REFERENCE_BACKEND } from './backendIds';
import { registerReferenceBackend } from './referenceBackend';
import { SupportMatrix, supportTable } from './support';
import { cpuFlags } from '../util/cpu';

export { BACKENDS, BackendId, NodeBackendId, parseBackends } from './backendIds';

let quieted = false;

/** Makes `id` the active backend (initialising it on first use). */
export async function useBackend(id: NodeBackendId): Promise<void> {
  if (!quieted) {
    // NOTE: PROD only silences the "install tfjs-node" hint the cpu backend prints in Node;
    // it does not change any kernel.
    tf.env().set('PROD', true);
    quieted = true;
  }
  if (tf.getBackend() === id) return;
  if (id === REFERENCE_BACKEND) registerReferenceBackend(tf);
  const ok = await tf.setBackend(id);
  await tf.ready();
  if (!ok || tf.getBackend() !== id) {
    throw new Error(`Backend '${id}' failed to initialise (active backend: ${tf.getBackend()}).`);
  }
}

/** Kernel names registered for a backend. */
export function kernelsOf(id: NodeBackendId): Set<string> {
  return new Set(tf.getKernelsForBackend(id).map((k) => k.kernelName));
}

/** For each kernel name, which backends register it. */
export function supportMatrix(kernels: readonly string[], backends: readonly NodeBackendId[] = BACKENDS): SupportMatrix {
  return supportTable(kernels, backends, Object.fromEntries(backends.map((b) => [b, [...kernelsOf(b)]])));
}

/** CPU flags worth recording: the instruction sets oneDNN and XNNPACK choose kernels by. */
const ISA_FLAGS = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512_vnni', 'avx512_bf16', 'amx_tile'];

export interface EnvBlock {
  node: string;
  tfjs: Record<string, string>;
  tensorflow: string | null;
  wasm: { simd: boolean; threads: boolean };
  /** `features`: the CPU flags that decide which kernels native libraries pick (oneDNN's ISA). */
  cpu: { model: string; cores: number; arch: string; features: string[] };
  os: string;
  date: string;
}

/** Versions and machine facts, so a result can be traced to what produced it. */
export async function envBlock(): Promise<EnvBlock> {
  let native: string | null = null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    native = (tf.findBackend('tensorflow') as any)?.binding?.TF_Version ?? null;
  } catch {
    native = null;
  }
  const cpus = os.cpus();
  return {
    node: process.version,
    tfjs: { ...tf.version } as Record<string, string>,
    tensorflow: native,
    wasm: {
      simd: await flag('WASM_HAS_SIMD_SUPPORT'),
      threads: await flag('WASM_HAS_MULTITHREAD_SUPPORT'),
    },
    cpu: { model: cpus[0]?.model ?? 'unknown', cores: cpus.length, arch: os.arch(), features: ISA_FLAGS.filter((f) => cpuFlags().has(f)) },
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}

async function flag(name: string): Promise<boolean> {
  try {
    return Boolean(await tf.env().getAsync(name));
  } catch {
    return false;
  }
}
