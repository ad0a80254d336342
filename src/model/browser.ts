/**
 * `crosscheck model` on a browser backend (webgl, webgpu and their variants):
 * the model's artifacts go to a page of its own (src/model/page.ts), which runs
 * the model plainly and recorded with the TF.js flags the user's page would
 * have (small ops forwarded to the CPU as TF.js does: each call records the GPU
 * programs it ran, 0 for a forwarded one); the reference run, the judging and
 * the cpu replays happen here in Node, as for the Node backends.
 */
import { tf } from '../tfjs/tf';
import type { BrowserBackendId } from '../tfjs/backendIds';
import { BrowserSession } from '../tfjs/browser';
import type { FlagValue } from '../tfjs/flags';
import { FLOAT16, FLOAT32 } from '../bounds/gamma';
import type { PageModelReply, PageModelRequest, WireTensor } from './page';
import type { LiveCall } from './record';
import { BackendOutcome, ModelJob, judgeRun, referencePass } from './run';
import type { RecordedTensor } from './types';

const fromWireTensor = (t: WireTensor): RecordedTensor => ({
  shape: t.shape, dtype: t.dtype,
  data: t.data instanceof Float32Array ? t.data : t.dtype === 'int32' ? Int32Array.from(t.data) : t.dtype === 'bool' ? Uint8Array.from(t.data) : Float32Array.from(t.data),
});

export async function runModelInBrowser(job: ModelJob, opts: { register: readonly string[]; endpoint?: string; flags?: Record<string, FlagValue> }): Promise<BackendOutcome> {
  const started = Date.now();
  const { model: refModel, input, lossWeights: r, ref } = await referencePass(job);

  const artifacts = await tf.io.fileSystem(refModel.path).load();
  const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
  // NOTE: the weights travel as float32 bytes (the wire's exact form); their length is a multiple of 4 (float32 and int32 weights).
  const request: PageModelRequest = {
    id: refModel.id, format: refModel.format, modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs ?? [],
    weightData: new Float32Array(weights.buffer, weights.byteOffset, weights.byteLength / 4),
    inputShape: refModel.inputShape, outputShape: refModel.outputShape, layerKinds: [...refModel.layerKinds], input, lossWeights: r,
  };
  const session = await BrowserSession.open(job.backend as BrowserBackendId, { endpoint: opts.endpoint, flags: opts.flags, register: opts.register });
  let reply: PageModelReply;
  try {
    reply = await session.model<PageModelReply>(request);
  } finally {
    await session.close();
  }
  const calls: LiveCall[] = reply.pass.calls.map((c) => ({
    ...c,
    inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, t ? fromWireTensor(t) : null])),
    outputs: c.outputs.map(fromWireTensor),
    outputIds: [],
  }));
  const pass = { ...reply.pass, layers: new Map(reply.pass.layers), calls };
  // NOTE: the storage the page measured (float16 on webgl-f16): each call's bound is derived for it, as `check` does.
  const storage = session.env.page.storage === 'float16' ? FLOAT16 : FLOAT32;
  const outcome = await judgeRun(job, refModel, pass, ref, reply.plain, started, storage);
  outcome.run.browser = session.env as unknown as Record<string, unknown>;
  return outcome;
}
