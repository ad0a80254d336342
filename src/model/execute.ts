/**
 * Running a loaded model once on the active backend of a TF.js namespace —
 * Node's (src/model/run.ts) or a browser page's (src/model/page.ts) — reading
 * every layer's output and, when asked, recording every kernel call
 * (src/model/record.ts) and one training step's gradient. Everything is read
 * after the run (`await`), never synchronously inside it, so that GPU backends
 * run exactly as they do for a user.
 */
import type { Tensor } from '@tensorflow/tfjs-node';
import type { Tf } from '../tfjs/tf';
import { LiveCall, assignBackwardCalls, assignCallsToNodes, startRecording } from './record';

/** What a run needs of a loaded model (src/model/load.ts LoadedModel in Node; the page builds its own). */
export interface RunnableModel {
  id: string;
  format: 'layers-model' | 'graph-model';
  inputShape: number[];
  outputShape: number[];
  /** Layer name -> class name (LayersModel); node name -> op (GraphModel). */
  layerKinds: Map<string, string>;
  model: { dispose(): void };
  predict(x: Tensor): Tensor;
}

/** Layer name -> its output's values (the first output of a layer with several). */
export type LayerOutputs = Map<string, Float32Array>;

export interface PassOptions {
  /** Also record one training step: the gradient of sum(output * lossWeights). */
  lossWeights?: Float32Array;
  /** Record every kernel call on this backend. */
  record?: string;
  /** GPU programs run so far (browser pages), recorded per call. */
  programs?: () => number;
}

export interface PassResult {
  output: Float32Array;
  layers: LayerOutputs;
  /** The training step's gradients, concatenated (the model's trainable weights in order; the input for a GraphModel). */
  gradients?: Float32Array;
  /** The backend lacks a kernel the training step needs: the engine's words. */
  trainUnsupported?: string;
  /** With `record`: the calls, attributed to layers (graph nodes) and phases. */
  calls?: LiveCall[];
}

/** A kernel the backend lacks: the engine's words for it. */
const NOT_REGISTERED = /Kernel '([^']+)' not registered for backend/;

type InLayer = <T>(l: string, f: () => T) => T;

interface KeptBackend {
  incRef(dataId: object): void;
  read(dataId: object): Promise<ArrayLike<number>>;
  disposeData(dataId: object): boolean;
}

interface LayerLike {
  name: string;
  call: (...args: unknown[]) => unknown;
  layers?: LayerLike[];
}

/** Graph node names whose outputs are read (every node that computes: not weights, not inputs). */
function computingNodes(m: RunnableModel): string[] {
  return [...m.layerKinds].filter(([, op]) => op !== 'Const' && op !== 'Placeholder').map(([name]) => name);
}

/**
 * Wraps every leaf layer's `call` (nested models included) to attribute its
 * kernels and keep its output alive (incRef) for reading after the run; returns
 * the undo and the kept outputs.
 */
function wrapLayers(tf: Tf, m: RunnableModel, keep: boolean, inLayer?: InLayer): { undo: () => void; kept: Map<string, object> } {
  const undo: (() => void)[] = [];
  const kept = new Map<string, object>();
  const backend = tf.backend() as unknown as KeptBackend;
  const visit = (layer: LayerLike) => {
    if (layer.layers && layer.layers.length > 0) {
      layer.layers.forEach(visit);
      return;
    }
    const call = layer.call;
    layer.call = function (this: unknown, ...args: unknown[]) {
      const run = () => call.apply(this, args);
      const y = inLayer ? inLayer(layer.name, run) : run();
      const first = (Array.isArray(y) ? y[0] : y) as (Tensor & { dataId: object }) | undefined;
      if (keep && first && first.dtype === 'float32' && !kept.has(layer.name)) {
        backend.incRef(first.dataId);
        kept.set(layer.name, first.dataId);
      }
      return y;
    };
    undo.push(() => {
      layer.call = call;
    });
  };
  for (const l of (m.model as unknown as { layers: LayerLike[] }).layers) visit(l);
  return { undo: () => undo.forEach((u) => u()), kept };
}

async function readKept(tf: Tf, kept: Map<string, object>): Promise<LayerOutputs> {
  const backend = tf.backend() as unknown as KeptBackend;
  const out: LayerOutputs = new Map();
  for (const [name, dataId] of kept) {
    out.set(name, Float32Array.from(await backend.read(dataId)));
    backend.disposeData(dataId);
  }
  return out;
}

/** A GraphModel's output dataIds -> the nodes that output them, in execution order (an Identity node may hand on its input's). */
export type NodeOutputs = Map<object, string[]>;

/** Runs a GraphModel with every computing node requested as an output, the model's output node among them: one execution. */
function executeGraph(m: RunnableModel, x: Tensor, nodeOutputs: NodeOutputs): { output: Tensor; nodes: [string, Tensor][] } {
  const graph = m.model as unknown as { execute(x: Tensor, outputs: string[]): Tensor | Tensor[]; outputNodes: string[] };
  const names = computingNodes(m);
  const outName = graph.outputNodes[0].replace(/:\d+$/, '');
  const at = names.indexOf(outName);
  if (at < 0) throw new Error(`graph model ${m.id}: its output node ${outName} is not among its nodes`);
  const outs = graph.execute(x, names);
  const list = Array.isArray(outs) ? outs : [outs];
  names.forEach((n, i) => {
    const id = (list[i] as unknown as { dataId: object }).dataId;
    nodeOutputs.set(id, [...(nodeOutputs.get(id) ?? []), n]);
  });
  return { output: list[at], nodes: names.map((n, i) => [n, list[i]]) };
}

/** The model's output and every layer's (graph node's) output. */
async function forward(tf: Tf, m: RunnableModel, x: Tensor, nodeOutputs: NodeOutputs, inLayer?: InLayer): Promise<{ output: Tensor; layers: LayerOutputs }> {
  if (m.format === 'graph-model') {
    const { output, nodes } = executeGraph(m, x, nodeOutputs);
    const layers: LayerOutputs = new Map();
    for (const [n, t] of nodes) if (t.dtype === 'float32') layers.set(n, Float32Array.from((await t.data()) as Float32Array));
    for (const [, t] of nodes) if (t !== output) t.dispose();
    return { output, layers };
  }
  const { undo, kept } = wrapLayers(tf, m, true, inLayer);
  let output: Tensor;
  try {
    output = m.predict(x);
  } finally {
    undo();
  }
  return { output, layers: await readKept(tf, kept) };
}

/** The gradient of sum(output * r): of the trainable weights (LayersModel, in their order) or of the input (GraphModel: its weights are constants). */
async function trainingStep(tf: Tf, m: RunnableModel, x: Tensor, r: Tensor, nodeOutputs: NodeOutputs, inLayer?: InLayer): Promise<Float32Array> {
  const grads: Tensor[] = [];
  if (m.format === 'layers-model') {
    const { undo } = wrapLayers(tf, m, false, inLayer);
    try {
      const layers = m.model as unknown as { apply(x: Tensor): Tensor; trainableWeights: { val: Tensor & { name: string } }[] };
      const vars = layers.trainableWeights.map((w) => w.val);
      const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(layers.apply(x), r)) as never, vars as never);
      value.dispose();
      for (const v of vars) grads.push(g[v.name]);
    } finally {
      undo();
    }
  } else {
    grads.push(tf.grad((input: Tensor) => tf.sum(tf.mul(executeGraph(m, input, nodeOutputs).output, r)))(x));
  }
  const flat = new Float32Array(grads.reduce((n, g) => n + g.size, 0));
  let at = 0;
  for (const g of grads) {
    flat.set((await g.data()) as Float32Array, at);
    at += g.size;
    g.dispose();
  }
  return flat;
}

/** One run of the model on `input` on the active backend. */
export async function runPass(tf: Tf, m: RunnableModel, input: Float32Array, o: PassOptions = {}): Promise<PassResult> {
  const x = tf.tensor(input, m.inputShape);
  const r = o.lossWeights ? tf.tensor(o.lossWeights, m.outputShape) : undefined;
  const recorder = o.record ? startRecording(tf, o.record, { deferred: true, programs: o.programs }) : undefined;
  const result: PassResult = { output: new Float32Array(0), layers: new Map() };
  const nodeOutputs: NodeOutputs = new Map();
  try {
    const f = await forward(tf, m, x, nodeOutputs, recorder?.inLayer);
    result.layers = f.layers;
    result.output = Float32Array.from((await f.output.data()) as Float32Array);
    f.output.dispose();
    if (r) {
      try {
        result.gradients = await trainingStep(tf, m, x, r, nodeOutputs, recorder?.inLayer);
      } catch (e) {
        // NOTE: a backend without a gradient's kernel (wasm has no Conv2DBackpropFilter) cannot train this model; the calls up to there are still judged.
        const missing = e instanceof Error ? NOT_REGISTERED.exec(e.message) : null;
        if (!missing) throw e;
        result.trainUnsupported = `the training step needs kernel ${missing[1]}, which ${tf.getBackend()} does not register`;
      }
    }
  } finally {
    recorder?.stop();
    x.dispose();
    r?.dispose();
  }
  if (recorder) {
    await recorder.finish();
    if (m.format === 'graph-model') assignCallsToNodes(recorder.calls, nodeOutputs);
    assignBackwardCalls(recorder.calls);
    result.calls = recorder.calls;
  }
  return result;
}

/** The model's output alone, as a user's predict gives it (for the recording-changes-nothing comparison). */
export async function plainOutput(tf: Tf, m: RunnableModel, input: Float32Array): Promise<Float32Array> {
  const x = tf.tensor(input, m.inputShape);
  const y = m.predict(x);
  const out = Float32Array.from((await y.data()) as Float32Array);
  y.dispose();
  x.dispose();
  return out;
}
