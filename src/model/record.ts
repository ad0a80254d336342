/**
 * Recording every kernel call of a model run on one backend, without changing
 * what the backend computes:
 *
 * - each kernel registered for the backend is re-registered with a wrapper that
 *   calls the very same kernel function with the very same arguments, then
 *   reads (copies) its inputs and outputs through the backend's `readSync`;
 *   only calls the engine makes at the top level are recorded (a kernel that
 *   runs other kernels inside itself is one call);
 * - the layer a call belongs to comes from wrapping each layer's `call`
 *   (LayersModel) or, for a GraphModel, from which node's output tensor a call
 *   wrote (assignCallsToNodes);
 * - a gradient's kernels are attributed to the layer whose forward call put the
 *   node on the tape: the engine's `addTapeNode` is wrapped to remember the
 *   layer, and the node's gradient function runs with it as the context.
 *
 * `stop()` puts the original kernel configurations and methods back. That the
 * recording changes nothing is measured on every run (src/model/run.ts:
 * outputs with and without recording compared bit for bit).
 */
import type { Tf } from '../tfjs/tf';
import type { KernelCall, RecordedTensor } from './types';

/** A TensorInfo as kernels see it. */
interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface KernelBackend {
  readSync(dataId: object): ArrayLike<number> | Uint8Array[];
  read(dataId: object): Promise<ArrayLike<number> | Uint8Array[]>;
  incRef(dataId: object): void;
  disposeData(dataId: object, force?: boolean): boolean;
}

type KernelFunc = (args: { inputs: Record<string, Info | null | undefined>; backend: KernelBackend; attrs?: Record<string, unknown> }) => Info | Info[];

/** A recorded call with the output tensors' identities (for GraphModel node attribution); not serialised. */
export interface LiveCall extends KernelCall {
  outputIds: object[];
  /** A backward call: the forward call whose tape node's gradient ran it (its layer is this call's layer). */
  owner?: number;
  /** GPU backends: GPU programs the call ran. */
  gpuPrograms?: number;
}

export interface Recorder {
  readonly calls: LiveCall[];
  /** Runs `f` with calls attributed to `layer` (nested layers: the innermost). */
  inLayer<T>(layer: string, f: () => T): T;
  /** Stops recording and restores the backend's kernels and the engine. */
  stop(): void;
  /** Deferred recording: reads every kept tensor (`await backend.read`) into the calls and lets it go. */
  finish(): Promise<void>;
}

/**
 * `deferred`: a GPU backend cannot be read synchronously inside a kernel
 * (webgpu's readSync is not dependable): each tensor is kept alive (incRef)
 * and read after the run by `finish()`.
 */
export interface RecordingOptions {
  deferred?: boolean;
  /** GPU programs run so far (a browser page's counter): each call records how many it ran (0: TF.js forwarded it to the CPU). */
  programs?: () => number;
}

const OUTSIDE = '(model)';

function copy(backend: KernelBackend, t: Info): RecordedTensor {
  return typed(t, backend.readSync(t.dataId));
}

function typed(t: Info, v: ArrayLike<number> | Uint8Array[]): RecordedTensor {
  let data: RecordedTensor['data'];
  if (t.dtype === 'int32') data = Int32Array.from(v as ArrayLike<number>);
  else if (t.dtype === 'bool') data = Uint8Array.from(v as ArrayLike<number>);
  else if (t.dtype === 'float32') data = Float32Array.from(v as ArrayLike<number>);
  // NOTE: string and complex64 tensors are not copied (no kernel of the seed's ops uses them); their shape and dtype are kept.
  else data = new Float32Array(0);
  return { shape: [...t.shape], dtype: t.dtype, data };
}

/** Attributes as plain JSON values (typed arrays as arrays, functions dropped). */
function plainAttrs(attrs: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (typeof v === 'function') continue;
    out[k] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
  }
  return out;
}

interface Engine {
  addTapeNode(kernelName: string, inputs: unknown, outputs: unknown, gradientsFunc: unknown, saved: unknown, attrs: unknown): void;
  state: { activeTape: { gradient?: (dys: unknown[]) => Record<string, () => unknown> }[] | null };
}

/** Starts recording the kernel calls made on `backendName` (which must be the active backend). */
export function startRecording(tf: Tf, backendName: string, opts: RecordingOptions = {}): Recorder {
  const calls: LiveCall[] = [];
  const kept: { backend: KernelBackend; info: Info; into: RecordedTensor }[] = [];
  const take = (backend: KernelBackend, t: Info): RecordedTensor => {
    if (!opts.deferred) return copy(backend, t);
    backend.incRef(t.dataId);
    const into: RecordedTensor = { shape: [...t.shape], dtype: t.dtype, data: new Float32Array(0) };
    kept.push({ backend, info: t, into });
    return into;
  };
  let layer = OUTSIDE;
  let phase: 'forward' | 'backward' = 'forward';
  let owner: number | undefined;
  let depth = 0;
  const withContext = <T>(l: string, p: 'forward' | 'backward', o: number | undefined, f: () => T): T => {
    const saved = [layer, phase, owner] as const;
    layer = l;
    phase = p;
    owner = o;
    try {
      return f();
    } finally {
      [layer, phase, owner] = saved;
    }
  };

  const originals = tf.getKernelsForBackend(backendName).map((k) => ({ ...k }));
  for (const config of originals) {
    const f = config.kernelFunc as unknown as KernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: ((args: Parameters<KernelFunc>[0]) => {
        const programsBefore = depth === 0 ? opts.programs?.() : undefined;
        depth++;
        let out: Info | Info[];
        try {
          out = f(args);
        } finally {
          depth--;
        }
        if (depth === 0) {
          const outs = Array.isArray(out) ? out : [out];
          const inputs: Record<string, RecordedTensor | null> = {};
          for (const [name, t] of Object.entries(args.inputs)) inputs[name] = t ? take(args.backend, t) : null;
          calls.push({
            index: calls.length, layer, kernel: config.kernelName, attrs: plainAttrs(args.attrs), inputs,
            outputs: outs.map((t) => take(args.backend, t)), phase, outputIds: outs.map((t) => t.dataId),
            ...(owner === undefined ? {} : { owner }),
            ...(programsBefore === undefined ? {} : { gpuPrograms: opts.programs!() - programsBefore }),
          });
        }
        return out;
      }) as never,
    });
  }

  const engine = tf.engine() as unknown as Engine;
  const addTapeNode = engine.addTapeNode;
  engine.addTapeNode = function (this: Engine, ...args: Parameters<Engine['addTapeNode']>) {
    addTapeNode.apply(this, args);
    const tape = this.state.activeTape;
    const node = tape?.[tape.length - 1];
    const gradient = node?.gradient;
    if (!node || !gradient) return;
    // NOTE: the engine adds a kernel's tape node right after the kernel returned, so the last call recorded is the node's forward call.
    const forward = calls.length - 1;
    const l = layer;
    // The gradient function returns one thunk per input; the engine calls each right away. Both run as that call's backward.
    node.gradient = (dys) =>
      withContext(l, 'backward', forward, () => {
        const thunks = gradient(dys);
        return Object.fromEntries(Object.entries(thunks).map(([k, g]) => [k, () => withContext(l, 'backward', forward, g)]));
      });
  };

  return {
    calls,
    async finish() {
      const read = new Map<object, RecordedTensor>();
      for (const k of kept.splice(0)) {
        let t = read.get(k.info.dataId);
        if (!t) {
          t = typed(k.info, await k.backend.read(k.info.dataId));
          read.set(k.info.dataId, t);
        }
        k.into.data = t.data;
        k.backend.disposeData(k.info.dataId);
      }
    },
    inLayer: (l, f) => withContext(l, phase, owner, f),
    stop() {
      engine.addTapeNode = addTapeNode;
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config as never);
      }
    },
  };
}

/**
 * GraphModel: assigns each forward call to the graph node whose output it
 * wrote, and the calls before it (since the previous node's) to the same node:
 * nodes run one after another, so the calls between two node outputs are the
 * later node's. `nodeOutputs` maps an output tensor's dataId to the nodes that
 * output it, in execution order (an Identity node may hand on its input's
 * tensor; the first node not yet given a call takes it).
 */
export function assignCallsToNodes(calls: LiveCall[], nodeOutputs: Map<object, string[]>): void {
  let pending: LiveCall[] = [];
  // NOTE: per output tensor: a training step runs the nodes again, with new tensors.
  const used = new Map<object, Set<string>>();
  for (const c of calls) {
    if (c.phase === 'backward') continue;
    pending.push(c);
    const hit = c.outputIds.flatMap((id) => (nodeOutputs.get(id) ?? []).map((n) => [id, n] as const)).find(([id, n]) => !used.get(id)?.has(n));
    if (hit === undefined) continue;
    const [id, node] = hit;
    used.set(id, (used.get(id) ?? new Set()).add(node));
    for (const p of pending) p.layer = node;
    pending = [];
  }
}

/** A backward call belongs to the layer of the forward call it differentiates (after assignCallsToNodes for a GraphModel). */
export function assignBackwardCalls(calls: LiveCall[]): void {
  for (const c of calls) if (c.owner !== undefined && calls[c.owner]) c.layer = calls[c.owner].layer;
}
