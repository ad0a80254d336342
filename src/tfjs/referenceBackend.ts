/**
 * The float64 reference as a TF.js backend: `registerReferenceBackend(tf)`
 * registers a backend named `reference` on which any TF.js program runs
 * (`await tf.setBackend('reference')`).
 *
 * - The kernels in REFERENCE_KERNELS (src/tfjs/referenceKernels.ts) run the
 *   reference: inputs read as float32 (what a tensor holds), computed in
 *   float64, the result written back as float32; the float64 values stay
 *   available through `float64(tensor)`.
 * - Every other kernel is the cpu backend's own implementation, run on the same
 *   storage (the backend *is* a cpu backend instance), and counted in
 *   `forwarded`, so a caller can tell which parts of a program were the oracle.
 * - An attribute the reference cannot express throws a ReferenceBackendError
 *   naming the kernel, the attribute and its value; nothing falls back silently.
 */
import type { Tensor64 } from '../../reference/tensor';
import { REFERENCE_KERNELS, ReferenceBackendError, ReferenceKernel } from './referenceKernels';

export { ReferenceBackendError, REFERENCE_KERNELS };

/** The parts of a TF.js namespace the backend needs (tfjs, tfjs-node or tfjs-core of any project). */
export interface TfForReference {
  registerBackend(name: string, factory: () => unknown, priority?: number): boolean;
  findBackendFactory(name: string): (() => unknown) | null | undefined;
  registerKernel(config: unknown): void;
  getKernelsForBackend(name: string): readonly { kernelName: string; kernelFunc: unknown; setupFunc?: unknown; disposeFunc?: unknown }[];
}

/** A TensorInfo or Tensor as kernels see it. */
interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface CpuLike {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array | Int32Array): Info;
}

/** What the registered backend did, for its caller. */
export interface ReferenceBackend {
  /** The backend's name (`reference` unless given another). */
  name: string;
  /** Kernel name -> calls that ran the float64 reference. */
  readonly computed: Map<string, number>;
  /** Kernel name -> calls forwarded to the cpu backend's implementation. */
  readonly forwarded: Map<string, number>;
  /** The float64 result behind a tensor a reference kernel wrote, before its rounding to float32. */
  float64(t: { dataId: object }): Tensor64 | undefined;
  /** Zeroes `computed` and `forwarded`. */
  resetCounts(): void;
}

const registered = new Map<string, ReferenceBackend>();

function read(backend: CpuLike, t: Info): Tensor64 {
  const v = backend.readSync(t.dataId);
  return { shape: [...t.shape], data: Float64Array.from(v) };
}

function runReference(k: ReferenceKernel, backend: CpuLike, inputs: Record<string, Info | null | undefined>, attrs: Record<string, unknown>, keep: WeakMap<object, Tensor64>): Info | Info[] {
  k.check?.(attrs);
  const args: Record<string, Tensor64> = {};
  let dtype = 'float32';
  for (const name of k.inputs) {
    const t = inputs[name];
    if (t === null || t === undefined) continue;
    if (t.dtype !== 'float32' && !(k.int32 && t.dtype === 'int32')) {
      throw new ReferenceBackendError(k.name, `input ${name}`, t.dtype, k.int32 ? "'float32' or 'int32'" : "'float32'");
    }
    if (t.dtype === 'int32') dtype = 'int32';
    args[name] = read(backend, t);
  }
  const y = k.run(args, attrs);
  const write = (t: Tensor64, dt: string) => {
    const out = backend.makeTensorInfo([...t.shape], dt, dt === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data));
    keep.set(out.dataId, t);
    return out;
  };
  return Array.isArray(y) ? y.map((t, i) => write(t, k.outputs?.[i] ?? dtype)) : write(y, dtype);
}

/**
 * Registers the `reference` backend (or `name`) on `tf`, once per name; returns
 * its record of computed and forwarded kernels. The cpu backend must be
 * registered (it is, with @tensorflow/tfjs and @tensorflow/tfjs-node).
 */
export function registerReferenceBackend(tf: TfForReference, name = 'reference'): ReferenceBackend {
  const existing = registered.get(name);
  if (existing) return existing;
  const cpu = tf.findBackendFactory('cpu');
  if (!cpu) throw new Error("registerReferenceBackend: the 'cpu' backend is not registered (import @tensorflow/tfjs or @tensorflow/tfjs-backend-cpu first)");
  const keep = new WeakMap<object, Tensor64>();
  const record: ReferenceBackend = {
    name,
    computed: new Map(),
    forwarded: new Map(),
    float64: (t) => keep.get(t.dataId),
    resetCounts() {
      record.computed.clear();
      record.forwarded.clear();
    },
  };
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  // NOTE: priority -1: registering never makes it TF.js's default backend; a program selects it with setBackend.
  tf.registerBackend(name, cpu, -1);
  const ours = new Set(REFERENCE_KERNELS.map((k) => k.name));
  for (const k of REFERENCE_KERNELS) {
    tf.registerKernel({
      kernelName: k.name,
      backendName: name,
      kernelFunc: ({ inputs, attrs, backend }: { inputs: Record<string, Info>; attrs: Record<string, unknown>; backend: CpuLike }) => {
        count(record.computed, k.name);
        return runReference(k, backend, inputs, attrs ?? {}, keep);
      },
    });
  }
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (ours.has(config.kernelName)) continue;
    const f = config.kernelFunc as (args: unknown) => unknown;
    tf.registerKernel({
      ...config,
      backendName: name,
      kernelFunc: (args: unknown) => {
        count(record.forwarded, config.kernelName);
        return f(args);
      },
    });
  }
  registered.set(name, record);
  return record;
}
