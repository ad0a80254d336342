/**
 * One backend's run of `crosscheck model` (in its own worker process,
 * src/model/worker.ts):
 *
 * 1. the model runs on the `reference` backend (the float64 kernels of
 *    src/tfjs/referenceBackend.ts, cpu's for the rest): every layer's output,
 *    the end-to-end yardstick;
 * 2. on the backend under test it runs once plainly, then once recorded
 *    (src/model/record.ts) — the two outputs must be equal bit for bit, which
 *    is what shows that recording changes nothing — and, with `train`, one
 *    training step's gradient is recorded too;
 * 3. every recorded call whose kernel has a reference is judged on its own
 *    inputs against its derived bound (src/model/kernelChecks.ts): its own
 *    error, whatever error it inherited; the other calls are replayed alone on
 *    cpu with the same inputs and their difference reported, without a bound;
 * 4. per layer: the worst own err/bound, the differential difference, and the
 *    inherited difference (the layer's output against the reference run's).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Tensor } from '@tensorflow/tfjs-node';
import type { Tensor64 } from '../../reference/tensor';
import { tf } from '../tfjs/tf';
import { useBackend } from '../tfjs/backends';
import type { BackendId, NodeBackendId } from '../tfjs/backendIds';
import { jsonNumber } from '../check/elementwise';
import { BeyondStorageRange, FLOAT32, Storage } from '../bounds/gamma';
import type { Status } from '../check/results';
import { writeJson } from '../util/io';
import { Rng, hashSeed } from '../util/random';
import { judgeCall } from './kernelChecks';
import { LoadedModel, loadModel, readInput } from './load';
import { LayerOutputs, PassResult, plainOutput, runPass } from './execute';
import type { LiveCall } from './record';
import type { FirstBreak, Judged, LayerRow, ModelBackendRun, ModelRecord, RecordedTensor } from './types';

export interface ModelJob {
  /** A built-in id or a model.json path. */
  source: string;
  backend: BackendId;
  seed: number;
  /** `--input FILE`, instead of seeded values. */
  input?: string;
  train: boolean;
  /** Where the first break's replay file is written. */
  replayDir: string;
  /** Appended to replay commands (`--register M`). */
  replaySuffix: string;
}

/** What a backend's run produced: the run summary and one record per kernel call. */
export interface BackendOutcome {
  run: ModelBackendRun;
  records: ModelRecord[];
  model: { id: string; format: LoadedModel['format']; inputShape: number[]; outputShape: number[]; layers: number };
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The input of the run: the file's values, or uniform [-1, 1) drawn from the seed. */
export function modelInput(shape: readonly number[], seed: number, file?: string): Float32Array {
  if (file) return readInput(file, [...shape]);
  return Float32Array.from(new Rng(hashSeed(seed, 'model input')).uniform(size(shape)));
}

/** The loss weights r of `--train` (loss = sum(output * r): its gradient is r, a random upstream gradient). */
export function lossWeights(shape: readonly number[], seed: number): Float32Array {
  return Float32Array.from(new Rng(hashSeed(seed, 'model loss')).uniform(size(shape)));
}

/** max |a - b| and max |a - b| / max |b|; NaN matches NaN, Inf matches itself; other special mismatches are Infinity. */
export function difference(a: ArrayLike<number>, b: ArrayLike<number>): { maxAbsErr: number; maxRelErr: number; elements: number } {
  if (a.length !== b.length) return { maxAbsErr: Infinity, maxRelErr: Infinity, elements: b.length };
  let maxAbs = 0;
  let maxRef = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isFinite(y)) maxRef = Math.max(maxRef, Math.abs(y));
    if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) || x === y) continue;
    const d = Number.isFinite(x) && Number.isFinite(y) ? Math.abs(x - y) : Infinity;
    maxAbs = Math.max(maxAbs, d);
  }
  return { maxAbsErr: maxAbs, maxRelErr: maxAbs === 0 ? 0 : maxRef > 0 ? maxAbs / maxRef : Infinity, elements: b.length };
}

function bitwiseEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}

const as64 = (t: RecordedTensor): Tensor64 => ({ shape: [...t.shape], data: Float64Array.from(t.data) });

/** Runs one kernel call alone on the active backend (cpu, for the differential replay): its outputs. */
export function runKernelAlone(call: Pick<LiveCall, 'kernel' | 'attrs' | 'inputs'>): RecordedTensor[] {
  const made: Tensor[] = [];
  const inputs: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(call.inputs)) {
    if (!t) continue;
    const tensor = tf.tensor(t.data as never, t.shape, t.dtype as never);
    made.push(tensor);
    inputs[name] = tensor;
  }
  try {
    const out = tf.engine().runKernel(call.kernel, inputs as never, call.attrs as never) as Tensor | Tensor[];
    const outs = Array.isArray(out) ? out : [out];
    const read = outs.map((o) => ({ shape: [...o.shape], dtype: o.dtype, data: o.dataSync() as RecordedTensor['data'] }));
    for (const o of outs) o.dispose();
    return read;
  } finally {
    for (const t of made) t.dispose();
  }
}

/** The replay file of one call: everything needed to run it again alone (`crosscheck replay FILE`). */
export const REPLAY_SCHEMA = 'tfjs-crosscheck/kernel-call@1';

function writeReplay(job: ModelJob, modelId: string, call: LiveCall): string {
  fs.mkdirSync(job.replayDir, { recursive: true });
  const safe = modelId.replace(/[^A-Za-z0-9_.-]+/g, '_');
  const file = path.join(job.replayDir, `${safe}-${job.backend}-call${call.index}.json`);
  const tensor = (t: RecordedTensor | null) => (t ? { shape: t.shape, dtype: t.dtype, data: Array.from(t.data, jsonNumber) } : null);
  writeJson(file, {
    schema: REPLAY_SCHEMA, model: modelId, backend: job.backend, layer: call.layer, callIndex: call.index, phase: call.phase,
    kernel: call.kernel, attrs: call.attrs, inputs: Object.fromEntries(Object.entries(call.inputs).map(([k, t]) => [k, tensor(t)])),
    outputs: call.outputs.map(tensor),
  });
  return file;
}

const STATUS_RANK: Record<Status, number> = { pass: 0, unsupported: 1, xfail: 2, error: 3, fail: 4 };

/** The run on the `reference` backend, with the job's input and loss weights (the model's weights disposed after). */
export async function referencePass(job: ModelJob): Promise<{ model: LoadedModel; input: Float32Array; lossWeights?: Float32Array; ref: PassResult }> {
  await useBackend('reference');
  const model = await loadModel(job.source);
  const input = modelInput(model.inputShape, job.seed, job.input);
  const r = job.train ? lossWeights(model.outputShape, job.seed) : undefined;
  const ref = await runPass(tf, model, input, { lossWeights: r });
  model.model.dispose();
  return { model, input, lossWeights: r, ref };
}

/** Runs the whole job on one backend. */
export async function runModelOnBackend(job: ModelJob): Promise<BackendOutcome> {
  const started = Date.now();
  // 1. The reference run.
  const { input, lossWeights: r, ref } = await referencePass(job);

  // 2. The backend under test: plain, then recorded.
  await useBackend(job.backend as NodeBackendId);
  const m = await loadModel(job.source);
  const plain = await plainOutput(tf, m, input);
  const pass = await runPass(tf, m, input, { lossWeights: r, record: job.backend });
  m.model.dispose();
  return judgeRun(job, m, pass, ref, plain, started);
}

/**
 * Judges a recorded pass against the reference pass (shared by the Node and
 * the browser backends: src/model/browser.ts): each call on its own inputs,
 * the per-layer rows, the first break, end to end.
 */
export async function judgeRun(job: ModelJob, m: Pick<LoadedModel, 'id' | 'format' | 'inputShape' | 'outputShape' | 'layerKinds'>, pass: PassResult, ref: PassResult, plain: Float32Array, started: number, storage: Storage = FLOAT32): Promise<BackendOutcome> {
  const calls = pass.calls ?? [];

  // 3. Each call judged on its own inputs, or replayed on cpu.
  const records: ModelRecord[] = [];
  const differential: { call: LiveCall; rec: ModelRecord }[] = [];
  const kernels: ModelBackendRun['kernels'] = {};
  for (const call of calls) {
    const inputShapes = Object.fromEntries(Object.entries(call.inputs).map(([k, t]) => [k, t ? t.shape : null]));
    const base = {
      op: call.kernel, case: `${m.id} #${call.index} ${call.layer}`, backend: job.backend as never, check: call.phase,
      exact: false, model: m.id, layer: call.layer, callIndex: call.index, ...(call.gpuPrograms === undefined ? {} : { gpuPrograms: call.gpuPrograms }), kernel: call.kernel, attrs: call.attrs, inputShapes,
      replay: `npx crosscheck model ${m.id} --backends ${job.backend} --seed ${job.seed}${job.input ? ` --input ${job.input}` : ''}${job.train ? ' --train' : ''}${job.replaySuffix}`,
    };
    const floatIn = Object.values(call.inputs).every((t) => !t || t.dtype === 'float32' || t.dtype === 'int32');
    let judged: Judged = 'differential';
    try {
      const j = floatIn && call.outputs.length > 0 ? judgeCall({
        kernel: call.kernel, attrs: call.attrs, backend: job.backend, storage,
        inputs: Object.fromEntries(Object.entries(call.inputs).map(([k, t]) => [k, t ? as64(t) : null])),
        outputs: call.outputs.map(as64),
      }) : undefined;
      if (j) {
        judged = 'bound';
        const r = j.result;
        records.push({
          ...base, status: j.status, errToBound: r.errToBound, maxAbsErr: r.maxAbsErr, mismatches: r.mismatches,
          signedZeroMismatches: r.signedZeroMismatches, elements: r.elements, worst: r.worst, judged, spec: `${j.spec} ${j.check}`,
          ...(j.message ? { message: j.message } : {}), ...(j.known !== undefined ? { known: j.known } : {}),
          ...(storage.name === 'float16' ? { storage: 'float16' as const } : {}),
        });
      }
    } catch (e) {
      if (e instanceof BeyondStorageRange) {
        judged = 'bound';
        records.push({ ...base, status: 'unsupported', errToBound: 0, maxAbsErr: 0, mismatches: 0, signedZeroMismatches: 0, elements: 0, judged, message: `not judged on float16 storage: ${e.message}` });
      } else {
        judged = 'bound';
        records.push({ ...base, status: 'error', errToBound: Infinity, maxAbsErr: Infinity, mismatches: 0, signedZeroMismatches: 0, elements: 0, judged, message: e instanceof Error ? e.message : String(e) });
      }
    }
    if (judged === 'differential') {
      const rec: ModelRecord = { ...base, status: 'pass', errToBound: 0, maxAbsErr: 0, mismatches: 0, signedZeroMismatches: 0, elements: call.outputs.reduce((n, o) => n + o.data.length, 0), judged };
      records.push(rec);
      differential.push({ call, rec });
    }
    kernels[call.kernel] ??= { calls: 0, judged };
    kernels[call.kernel].calls++;
  }
  if (differential.length > 0) {
    await useBackend('cpu');
    for (const { call, rec } of differential) {
      try {
        const outs = runKernelAlone(call);
        const d = outs.map((o, i) => difference(call.outputs[i]?.data ?? [], o.data)).reduce((a, b) => (b.maxAbsErr > a.maxAbsErr ? b : a), { maxAbsErr: 0, maxRelErr: 0, elements: 0 });
        rec.maxAbsErr = d.maxAbsErr;
        rec.message = `differential, no bound: max |${job.backend} - cpu replay| = ${d.maxAbsErr}`;
      } catch (e) {
        rec.status = 'unsupported';
        rec.message = `differential: the cpu replay failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
      }
    }
  }

  // 4. Per layer, the first break, end to end.
  const layers = layerRows(m, calls, records, pass.layers, ref.layers);
  const breaking = records.find((r) => r.status === 'fail' || r.status === 'error');
  let firstBreak: FirstBreak | undefined;
  if (breaking) {
    const call = calls[breaking.callIndex];
    const replayFile = writeReplay(job, m.id, call);
    firstBreak = {
      callIndex: call.index, layer: call.layer, kernel: call.kernel, phase: call.phase, attrs: call.attrs,
      errToBound: breaking.errToBound, worst: breaking.worst, replayFile,
      replay: `npx crosscheck replay ${replayFile} --backends ${job.backend}${job.replaySuffix}`,
    };
    breaking.replayFile = replayFile;
  }
  const run: ModelBackendRun = {
    backend: job.backend as string, seconds: (Date.now() - started) / 1000, calls: calls.length, kernels, layers,
    ...(firstBreak ? { firstBreak } : {}),
    endToEnd: difference(pass.output, ref.output),
    recordingIdentical: bitwiseEqual(plain, pass.output),
    ...(pass.gradients && ref.gradients ? { gradients: difference(pass.gradients, ref.gradients) } : {}),
    ...(pass.trainUnsupported ? { unsupported: pass.trainUnsupported } : {}),
  };
  return { run, records, model: { id: m.id, format: m.format, inputShape: m.inputShape, outputShape: m.outputShape, layers: new Set(calls.map((c) => c.layer)).size } };
}

function layerRows(m: Pick<LoadedModel, 'layerKinds'>, calls: LiveCall[], records: ModelRecord[], outputs: LayerOutputs, refOutputs: LayerOutputs): LayerRow[] {
  const rows = new Map<string, LayerRow>();
  for (const rec of records) {
    const call = calls[rec.callIndex];
    const key = `${call.phase} ${call.layer}`;
    let row = rows.get(key);
    if (!row) {
      row = { layer: call.layer, kind: m.layerKinds.get(call.layer) ?? '', phase: call.phase, calls: 0, ownErrToBound: 0, ownMaxAbsErr: 0, ownBound: 0, differentialMaxAbs: 0, status: 'pass' };
      const got = outputs.get(call.layer);
      const want = refOutputs.get(call.layer);
      if (call.phase === 'forward' && got && want) {
        const d = difference(got, want);
        row.inheritedMaxAbs = d.maxAbsErr;
        row.inheritedRel = d.maxRelErr;
      }
      rows.set(key, row);
    }
    row.calls++;
    if (rec.judged === 'bound' && (rec.errToBound > row.ownErrToBound || (row.ownErrToBound === 0 && rec.maxAbsErr > row.ownMaxAbsErr))) {
      row.ownErrToBound = rec.errToBound;
      row.ownMaxAbsErr = rec.maxAbsErr;
      row.ownBound = rec.worst ? rec.worst.bound : 0;
    }
    if (rec.judged === 'differential') row.differentialMaxAbs = Math.max(row.differentialMaxAbs, rec.maxAbsErr);
    if (STATUS_RANK[rec.status] > STATUS_RANK[row.status]) row.status = rec.status;
    if (rec.known !== undefined) row.known = [...new Set([...(row.known ?? []), rec.known])];
  }
  return [...rows.values()];
}
