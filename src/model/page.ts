/**
 * The page side of `crosscheck model` on a browser backend (bundled with
 * src/check/page.ts into dist/browser/page.js): Node sends the model's
 * artifacts (model.json's topology and the weights' bytes), the input and the
 * loss weights; the page loads the model from memory, runs it once plainly and
 * once recorded (src/model/execute.ts, the same code as in Node, with every
 * tensor read after the run by `await`) and returns the outputs, every layer's
 * output and every kernel call with the GPU programs it ran. Judging stays in
 * Node (src/model/browser.ts).
 */
import * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../tfjs/tf';
import { fromWire, toWire } from '../util/wire';
import { pageProbes } from '../check/page';
import { PassResult, RunnableModel, plainOutput, runPass } from './execute';
// The built-in models' custom layers, registered with the page's TF.js (the transformer fixture needs them).
import './builtins';
import type { RecordedTensor } from './types';

const tf = tfjs as unknown as Tf;

export interface PageModelRequest {
  id: string;
  format: 'layers-model' | 'graph-model';
  modelTopology: unknown;
  weightSpecs: unknown[];
  /** The weights' bytes (all weight files, concatenated in the manifest's order). */
  weightData: Float32Array;
  inputShape: number[];
  outputShape: number[];
  layerKinds: [string, string][];
  input: Float32Array;
  lossWeights?: Float32Array;
}

/** A recorded tensor on the wire: float32 as is (exact, base64), int32 and bool as plain arrays. */
export type WireTensor = { shape: number[]; dtype: string; data: Float32Array | number[] };

export interface PageModelReply {
  plain: Float32Array;
  pass: Omit<PassResult, 'layers' | 'calls'> & {
    layers: [string, Float32Array][];
    calls: { index: number; layer: string; kernel: string; attrs: Record<string, unknown>; phase: 'forward' | 'backward'; gpuPrograms?: number; inputs: Record<string, WireTensor | null>; outputs: WireTensor[] }[];
  };
}

const toWireTensor = (t: RecordedTensor): WireTensor => ({ shape: t.shape, dtype: t.dtype, data: t.data instanceof Float32Array ? t.data : Array.from(t.data) });

async function load(req: PageModelRequest): Promise<RunnableModel> {
  const bytes = req.weightData;
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const handler = tf.io.fromMemory({ modelTopology: req.modelTopology as never, weightSpecs: req.weightSpecs as never, weightData });
  const model = req.format === 'graph-model' ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
  return {
    id: req.id, format: req.format, inputShape: req.inputShape, outputShape: req.outputShape, layerKinds: new Map(req.layerKinds), model,
    predict: (x) => model.predict(x) as never,
  };
}

async function model(wire: string): Promise<string> {
  const req = fromWire<PageModelRequest>(wire);
  try {
    const m = await load(req);
    const plain = await plainOutput(tf, m, req.input);
    const pass = await runPass(tf, m, req.input, { lossWeights: req.lossWeights, record: tf.getBackend(), programs: pageProbes.programs });
    m.model.dispose();
    const reply: PageModelReply = {
      plain,
      pass: {
        output: pass.output, gradients: pass.gradients, trainUnsupported: pass.trainUnsupported,
        layers: [...pass.layers],
        calls: (pass.calls ?? []).map((c) => ({
          index: c.index, layer: c.layer, kernel: c.kernel, attrs: c.attrs, phase: c.phase, gpuPrograms: c.gpuPrograms,
          inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, t ? toWireTensor(t) : null])),
          outputs: c.outputs.map(toWireTensor),
        })),
      },
    };
    if (pageProbes.contextLost()) return toWire({ lost: 'the WebGL context was lost' });
    return toWire({ ok: reply });
  } catch (e) {
    if (pageProbes.contextLost()) return toWire({ lost: 'the WebGL context was lost' });
    return toWire({ error: e instanceof Error ? e.message : String(e) });
  }
}

(globalThis as unknown as { crosscheck: Record<string, unknown> }).crosscheck.model = model;
