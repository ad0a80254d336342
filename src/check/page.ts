/**
 * The page side of a browser backend (bundled by scripts/bundle.js into
 * dist/browser/page.js): TF.js with its webgl and webgpu backends and the op
 * specs' TF.js calls. Node sends a call's inputs; the page runs only that call
 * and returns the output, read back with `await t.data()`. The reference and the
 * comparison stay in Node (src/check/browserExecutor.ts).
 */
import * as tfjs from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { Tensor64 } from '../../reference/tensor';
import { OPS } from '../ops';
import type { Tf } from '../tfjs/tf';
import { fromWire, toWire } from '../util/wire';

const tf = tfjs as unknown as Tf;
type Tensor = ReturnType<Tf['tensor']>;

/** GPU programs run since the last reset: wrapped around the one method every GPU kernel goes through. */
let programs = 0;

function countPrograms(): void {
  const backend = tf.backend() as unknown as Record<string, unknown> & { __counted?: boolean };
  const method = tf.getBackend() === 'webgl' ? 'runWebGLProgram' : tf.getBackend() === 'webgpu' ? 'runWebGPUProgram' : undefined;
  if (!method || backend.__counted) return;
  const original = (backend[method] as (...a: unknown[]) => unknown).bind(backend);
  backend[method] = (...args: unknown[]) => {
    programs++;
    return original(...args);
  };
  backend.__counted = true;
}

/** The parts of a WebGL2RenderingContext read here (this file compiles without the DOM types). */
interface GL {
  VERSION: number;
  VENDOR: number;
  RENDERER: number;
  getParameter(p: number): string;
  getExtension(name: string): { UNMASKED_VENDOR_WEBGL: number; UNMASKED_RENDERER_WEBGL: number } | null;
  isContextLost(): boolean;
}

interface PageGlobals {
  navigator: { userAgent: string; gpu?: { requestAdapter(): Promise<{ info?: Record<string, string>; features: Set<string> } | null> } };
  crosscheck: unknown;
}
const page = globalThis as unknown as PageGlobals;

function glOf(): GL | undefined {
  return tf.getBackend() === 'webgl' ? (tf.backend() as unknown as { gpgpu: { gl: GL } }).gpgpu.gl : undefined;
}

/**
 * How the backend stores values, measured: 1 + 2^-12 and 4097 (float32 values
 * that float16 cannot hold) through one GPU program and back. TF.js's own
 * floatPrecision() cannot tell: it reports 16 whenever float32 rendering is on.
 */
async function measuredStorage(): Promise<'float32' | 'float16'> {
  const probe = tf.add(tf.tensor([1 + 2 ** -12, 4097]), tf.zeros([2]));
  const [a, b] = (await probe.data()) as Float32Array;
  probe.dispose();
  return a === 1 + 2 ** -12 && b === 4097 ? 'float32' : 'float16';
}

/** What produced the results: the browser, the GPU (or software rasteriser) and every TF.js flag in force. */
async function pageEnv(): Promise<Record<string, unknown>> {
  const env: Record<string, unknown> = {
    userAgent: page.navigator.userAgent,
    tfBackend: tf.getBackend(),
    tfjs: (tfjs as unknown as { version: Record<string, string> }).version,
    flags: tf.env().getFlags(),
    floatPrecision: (tf.backend() as unknown as { floatPrecision(): number }).floatPrecision(),
    storage: await measuredStorage(),
  };
  const gl = glOf();
  if (gl) {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    env.gl = {
      version: gl.getParameter(gl.VERSION),
      vendor: info ? gl.getParameter(info.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR),
      renderer: info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
    };
  }
  if (tf.getBackend() === 'webgpu') {
    const adapter = await page.navigator.gpu?.requestAdapter();
    const info = adapter?.info ?? {};
    env.webgpu = { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, features: adapter ? [...adapter.features] : [] };
  }
  return env;
}

/** Frees what a failed tf.grad leaves on its tape (as src/check/runner.ts does in Node). */
function releaseFailedTape(): void {
  const engine = tf.engine() as unknown as { state: { activeTape: { saved?: Tensor[] }[] | null; gradientDepth: number } };
  if (engine.state.activeTape && engine.state.gradientDepth === 0) {
    for (const node of engine.state.activeTape) for (const t of node.saved ?? []) t.dispose();
    engine.state.activeTape = null;
  }
}

/** Whether two float32 arrays hold the same bits (an identity kernel returns its input). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}

const toTensor = (t: Tensor64) => tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');

interface CallRequest {
  op: string;
  /** Set for a gradient: the input it is taken with respect to. */
  input?: string;
  inputs: Record<string, Tensor64>;
  params: unknown;
  dy?: Tensor64;
}

async function run(wire: string): Promise<string> {
  const req = fromWire<CallRequest>(wire);
  const spec = OPS.find((o) => o.id === req.op);
  if (!spec) return toWire({ error: `the page has no op '${req.op}'` });
  programs = 0;
  try {
    const out = tf.tidy(() => {
      const xs = spec.inputs.map((name) => toTensor(req.inputs[name]));
      if (req.input === undefined) return spec.tfjs(tf, xs, req.params);
      const at = spec.inputs.indexOf(req.input);
      const f = (xi: Tensor) => spec.tfjs(tf, xs.map((t, k) => (k === at ? xi : t)), req.params);
      return tf.grad(f)(xs[at], toTensor(req.dy!));
    });
    const data = (await out.data()) as Float32Array;
    const shape = out.shape;
    out.dispose();
    if (glOf()?.isContextLost()) return toWire({ lost: 'the WebGL context was lost' });
    return toWire({ ok: { shape, data, gpuPrograms: programs, identity: Object.values(req.inputs).some((t) => sameBits(Float32Array.from(t.data), data)) } });
  } catch (e) {
    releaseFailedTape();
    if (glOf()?.isContextLost()) return toWire({ lost: 'the WebGL context was lost' });
    return toWire({ error: e instanceof Error ? e.message : String(e) });
  }
}

/** Every fingerprint of the given ops, probed on the page's backend. */
function fingerprints(ops: string[]): string {
  const out: Record<string, Record<string, string>> = {};
  for (const spec of OPS.filter((o) => ops.includes(o.id))) {
    for (const fp of spec.fingerprints) {
      let verdict: string;
      try {
        verdict = fp.probe(tf);
      } catch (e) {
        verdict = `probe failed: ${e instanceof Error ? e.message : String(e)}`;
      }
      (out[spec.id] ??= {})[fp.name] = verdict;
    }
  }
  return toWire(out);
}

async function init(tfBackend: string, flags: Record<string, unknown>): Promise<string> {
  for (const [k, v] of Object.entries(flags)) tf.env().set(k, v as never);
  const ok = await tf.setBackend(tfBackend);
  await tf.ready();
  if (!ok || tf.getBackend() !== tfBackend) return toWire({ error: `TF.js could not start its '${tfBackend}' backend in this browser (active: ${tf.getBackend()})` });
  countPrograms();
  return toWire({ env: await pageEnv(), kernels: tf.getKernelsForBackend(tfBackend).map((k) => k.kernelName) });
}

/**
 * Runs the `--register` module that the session just added as a script
 * (src/tfjs/browser.ts bundleForPage): its register(tf) with the page's TF.js.
 * Returns `backend/KernelName` of each kernel it added or replaced on webgl or
 * webgpu; a module without register(tf), or one that throws, is an error.
 */
function register(): string[] {
  const g = globalThis as unknown as { __crosscheckRegister?: { register?: (t: Tf) => unknown; default?: { register?: (t: Tf) => unknown } } };
  const mod = g.__crosscheckRegister;
  delete g.__crosscheckRegister;
  const fn = mod?.register ?? mod?.default?.register;
  if (typeof fn !== 'function') throw new Error('the module exports no register(tf) function');
  const registry = () => new Map(['webgl', 'webgpu'].flatMap((b) => tf.getKernelsForBackend(b).map((k) => [`${b}/${k.kernelName}`, k.kernelFunc] as const)));
  const before = registry();
  fn(tf);
  return [...registry()].filter(([k, f]) => before.get(k) !== f).map(([k]) => k).sort();
}

page.crosscheck = { init, run, fingerprints, register };

/**
 * For page code bundled beside this file (src/bench/page.ts, the bench's timed
 * calls): the GPU programs run so far, whether the WebGL context is lost, and
 * the clean-up after a failed tf.grad.
 */
export const pageProbes = { programs: () => programs, contextLost: () => glOf()?.isContextLost() ?? false, releaseFailedTape };
