/**
 * Synthetic model files for the report and compare tests (no real model runs
 * here): a 6-layer CNN run on cpu and wasm, built the way `crosscheck model`
 * writes its file — one record per judged kernel call, the per-layer rows
 * derived from those records, the inherited difference growing layer by layer.
 * The numbers are made up, of realistic size; nothing here was measured.
 */
import { MODEL_SCHEMA } from '../../../src/model/types';
import type { FirstBreak, Judged, LayerRow, ModelBackendRun, ModelFile, ModelRecord } from '../../../src/model/types';

/** One kernel call of the synthetic model on every backend. */
interface Call {
  layer: string;
  kind: string;
  kernel: string;
  judged: Judged | 'skipped';
  /** err/bound on cpu and wasm (bound calls); |backend - cpu replay| (differential calls). */
  cpu: number;
  wasm: number;
  bound: number;
  shape: number[];
}

export const MODEL_ID = 'cnn6';

/** conv1 -> pool1 -> conv2 -> pool2 -> flatten -> dense, with a Reshape no reference judges and a Softmax. */
export const CALLS: Call[] = [
  { layer: 'conv1', kind: 'Conv2D', kernel: 'FusedConv2D', judged: 'bound', cpu: 0.02, wasm: 0.03, bound: 2.4e-6, shape: [1, 28, 28, 8] },
  { layer: 'pool1', kind: 'MaxPooling2D', kernel: 'MaxPool', judged: 'bound', cpu: 0, wasm: 0, bound: 0, shape: [1, 14, 14, 8] },
  { layer: 'conv2', kind: 'Conv2D', kernel: 'FusedConv2D', judged: 'bound', cpu: 0.05, wasm: 0.08, bound: 1.1e-5, shape: [1, 14, 14, 16] },
  { layer: 'pool2', kind: 'MaxPooling2D', kernel: 'MaxPool', judged: 'bound', cpu: 0, wasm: 0, bound: 0, shape: [1, 7, 7, 16] },
  { layer: 'flatten', kind: 'Flatten', kernel: 'Reshape', judged: 'skipped', cpu: 0, wasm: 0, bound: 0, shape: [1, 784] },
  { layer: 'dense', kind: 'Dense', kernel: '_FusedMatMul', judged: 'bound', cpu: 0.04, wasm: 37.2, bound: 3.2e-6, shape: [1, 10] },
  { layer: 'dense', kind: 'Dense', kernel: 'Softmax', judged: 'differential', cpu: 0, wasm: 6.0e-8, bound: 0, shape: [1, 10] },
];

/** Inherited max |diff| after each layer, per backend (growing layer by layer). */
const INHERITED: Record<string, Record<string, number>> = {
  cpu: { conv1: 4.8e-8, pool1: 4.8e-8, conv2: 3.1e-7, pool2: 3.1e-7, flatten: 3.1e-7, dense: 2.1e-7 },
  wasm: { conv1: 7.2e-8, pool1: 7.2e-8, conv2: 8.8e-7, pool2: 8.8e-7, flatten: 8.8e-7, dense: 1.2e-4 },
};

export interface Tweak {
  /** err/bound (differential: |diff|) per backend and layer, replacing the table's (a kernel changed). */
  set?: Record<string, Record<string, number>>;
  args?: Partial<ModelFile['args']>;
  backends?: string[];
}

/** The synthetic model file; `t` changes one thing as a kernel change or another run would. */
export function syntheticModel(t: Tweak = {}): ModelFile {
  const backends = t.backends ?? ['cpu', 'wasm'];
  const args = { model: MODEL_ID, backends, seed: 1, input: null, train: false, ...t.args };
  const results: ModelRecord[] = [];
  const runs: ModelBackendRun[] = backends.map((backend) => {
    const recs: ModelRecord[] = [];
    CALLS.forEach((c, index) => {
      if (c.judged === 'skipped') return;
      const measured = t.set?.[backend]?.[c.layer] ?? (backend === 'cpu' ? c.cpu : c.wasm);
      const bound = c.judged === 'bound';
      const errToBound = bound ? measured : 0;
      const status = errToBound > 1 ? 'fail' : 'pass';
      const elements = c.shape.reduce((a, b) => a * b, 1);
      const caseId = `${MODEL_ID} #${index} ${c.layer}`;
      recs.push({
        op: c.kernel, case: caseId, backend: backend as ModelRecord['backend'], check: 'forward', status, errToBound,
        maxAbsErr: bound ? measured * c.bound : measured, mismatches: status === 'fail' ? 3 : 0, signedZeroMismatches: 0, elements, exact: c.bound === 0,
        worst: bound && c.bound > 0 ? { index: c.shape.map((d) => d - 1), expected: 0.4375, got: 0.4375 + measured * c.bound, bound: c.bound, absErr: measured * c.bound } : undefined,
        replay: `npx crosscheck model ${MODEL_ID} --backends ${backend} --seed ${args.seed} --call ${index}`,
        model: MODEL_ID, layer: c.layer, callIndex: index, kernel: c.kernel, attrs: {}, judged: c.judged, inputShapes: { x: c.shape },
        spec: bound ? (c.kernel === 'MaxPool' ? 'maxPool' : c.kernel === '_FusedMatMul' ? 'matMul' : 'conv2d') : undefined,
        replayFile: status === 'fail' ? `model-replay/${backend}-call${index}.json` : undefined,
      });
    });
    results.push(...recs);
    const layers: LayerRow[] = [...new Set(CALLS.map((c) => c.layer))].map((layer) => {
      const calls = CALLS.filter((c) => c.layer === layer);
      const rs = recs.filter((r) => r.layer === layer);
      const bounded = rs.filter((r) => r.judged === 'bound');
      const worst = bounded.reduce<ModelRecord | undefined>((a, r) => (!a || r.errToBound > a.errToBound ? r : a), undefined);
      return {
        layer, kind: calls[0].kind, phase: 'forward', calls: calls.length,
        ownErrToBound: worst?.errToBound ?? 0, ownMaxAbsErr: worst?.maxAbsErr ?? 0, ownBound: worst?.worst?.bound ?? 0,
        differentialMaxAbs: Math.max(0, ...rs.filter((r) => r.judged === 'differential').map((r) => r.maxAbsErr)),
        inheritedMaxAbs: INHERITED[backend]?.[layer] ?? 1e-7, inheritedRel: (INHERITED[backend]?.[layer] ?? 1e-7) / 0.7,
        status: rs.some((r) => r.status === 'fail') ? 'fail' : 'pass',
      };
    });
    const broke = recs.find((r) => r.status === 'fail');
    const firstBreak: FirstBreak | undefined = broke && {
      callIndex: broke.callIndex, layer: broke.layer, kernel: broke.kernel, phase: 'forward', attrs: {}, errToBound: broke.errToBound,
      worst: broke.worst, replayFile: broke.replayFile, replay: broke.replay,
    };
    const kernels: ModelBackendRun['kernels'] = {};
    for (const c of CALLS) kernels[c.kernel] = { calls: (kernels[c.kernel]?.calls ?? 0) + 1, judged: c.judged };
    const e2e = INHERITED[backend]?.dense ?? 1e-7;
    return { backend, seconds: 0.4, calls: CALLS.length, kernels, layers, firstBreak, endToEnd: { maxAbsErr: e2e, maxRelErr: e2e / 0.7, elements: 10 }, recordingIdentical: true };
  });
  return {
    schema: MODEL_SCHEMA, kind: 'model', args,
    model: { id: MODEL_ID, format: 'layers-model', inputShape: [1, 28, 28, 1], outputShape: [1, 10], layers: 6 },
    runs, results,
  };
}
