import { BATCH_FORMS, broadcastAlong, flatBroadcastHolds, matMulSpec } from '../../../src/ops/matMul';
import { matMul } from '../../../reference/BatchMatMul';
import { runChecks } from '../../../src/check/runner';
import { BACKENDS, useBackend } from '../../../src/tfjs/backends';
import { tf } from '../../../src/tfjs/tf';
import { tensor } from '../../../reference/tensor';
import { ALL, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('matMul cases', () => {
  const cases = matMulSpec.cases(1);
  const rank = (c: (typeof cases)[number], name: 'a' | 'b') => c.inputs[name].shape.length;

  it('cover the transposes, ranks 2 to 5 on either side, every batch form, int32 and exact integers', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const tA of [true, false]) for (const tB of [true, false]) expect(cases.some((c) => c.params.transposeA === tA && c.params.transposeB === tB)).toBe(true);
    for (const ra of [2, 3, 4, 5]) for (const rb of [2, 3, 4, 5]) expect(cases.some((c) => rank(c, 'a') === ra && rank(c, 'b') === rb)).toBe(true);
    expect(BATCH_FORMS.length).toBe(10);
    // a rank-2 b under a rank-4 a, a rank-2 a under a batched b, 1s on both sides (a [2,1,3,4] x b [1,5,4,2])
    expect(cases.some((c) => rank(c, 'a') === 4 && rank(c, 'b') === 2)).toBe(true);
    expect(cases.some((c) => rank(c, 'a') === 2 && rank(c, 'b') > 2)).toBe(true);
    expect(cases.filter((c) => broadcastAlong(c, 'a') && broadcastAlong(c, 'b') && rank(c, 'a') === rank(c, 'b')).length).toBeGreaterThan(10);
    expect(cases.some((c) => c.id.startsWith('a=[2,1,3,4] b=[1,5,4,2]'))).toBe(true);
    expect(cases.filter((c) => c.params.dtype === 'int32').length).toBeGreaterThan(30);
    expect(cases.filter((c) => c.exact).length).toBeGreaterThan(60);
    for (const c of cases.filter((k) => k.params.dtype === 'int32')) expect(c.exact && !c.gradients).toBe(true);
  });

  it('exact cases are exact in float32 (every partial sum below 2^24): bound 0', () => {
    for (const c of cases.filter((k) => k.exact)) {
      const { value, bound } = matMulSpec.reference(c);
      expect(bound.every((b) => b === 0)).toBe(true);
      const mag = matMul({ shape: c.inputs.a.shape, data: c.inputs.a.data.map(Math.abs) }, { shape: c.inputs.b.shape, data: c.inputs.b.data.map(Math.abs) }, c.params.transposeA, c.params.transposeB);
      expect(mag.data.every((m) => m < 2 ** 24)).toBe(true);
      expect(value.data.every(Number.isInteger)).toBe(true);
    }
  });

  it("flatBroadcastHolds is true exactly where the output batch modulo a side's batch size indexes that side", () => {
    const hand: [number[], number[], boolean, boolean][] = [
      [[2, 3, 2, 2], [3, 2, 2], true, true],
      [[2, 3, 2, 2], [2, 1, 2, 2], true, false],
      [[2, 1, 2, 2], [1, 5, 2, 2], false, true],
      [[1, 3, 2, 2], [2, 1, 2, 2], true, false],
      [[2, 2], [4, 2, 2], true, true],
      [[1, 1, 2, 2], [3, 2, 2], true, true],
    ];
    for (const [a, b, wantA, wantB] of hand) {
      const c = { id: '', params: { transposeA: false, transposeB: false, dtype: 'float32' as const }, inputs: { a: tensor(a), b: tensor(b) }, exact: false, gradients: true };
      expect([flatBroadcastHolds(c, 'a'), flatBroadcastHolds(c, 'b')]).toEqual([wantA, wantB]);
    }
  });
});

describe('known discrepancies: evidence and second oracles', () => {
  it("#40: cpu and wasm are wrong on a two-sided broadcast; the same product with both sides broadcast by tf.broadcastTo first is right (TF.js's other form), and tensorflow is right", async () => {
    const a = [1, 2, 3, 4, -1, 0, 2, 5];
    const b = [1, -1, 2, 0, 3, 1, -2, 4, 0, 1, 1, 1];
    const want = matMul(tensor([2, 1, 2, 2], a), tensor([1, 3, 2, 2], b));
    const run = (f: () => ReturnType<typeof tf.matMul>) => tf.tidy(() => Array.from(f().dataSync()));
    for (const backend of BACKENDS) {
      await useBackend(backend);
      const plain = run(() => tf.matMul(tf.tensor(a, [2, 1, 2, 2]), tf.tensor(b, [1, 3, 2, 2])));
      const broadcastFirst = run(() => tf.matMul(tf.broadcastTo(tf.tensor(a, [2, 1, 2, 2]), [2, 3, 2, 2]), tf.broadcastTo(tf.tensor(b, [1, 3, 2, 2]), [2, 3, 2, 2])));
      expect({ backend, got: broadcastFirst }).toEqual({ backend, got: Array.from(want.data) });
      if (backend === 'tensorflow') expect(plain).toEqual(Array.from(want.data));
      // the output batch [2,3] holds 6 products; the kernels compute max(2, 3) = 3 of them
      else expect(plain.length).toBe(3 * 4);
    }
  });

  it.each([
    ['cpu', 'forward', 'a=[2,1,3,4] b=[1,5,4,2] tA=false tB=false dt=float32 v=rand', 40],
    ['wasm', 'forward', 'a=[2,1,3,4] b=[1,5,4,2] tA=false tB=false dt=float32 v=exact', 40],
    ['wasm', 'forward', 'a=[2,0] b=[0,3] tA=false tB=false dt=float32 v=rand', 41],
    ['wasm', 'forward', 'a=[0,2,3] b=[3,2] tA=false tB=false dt=float32 v=rand', 42],
    ['cpu', 'grad:b', 'a=[2,2,1] b=[1,9,1] tA=false tB=true dt=float32 v=rand', 10],
  ] as const)('%s %s: %s is #%d, and tensorflow passes it', async (backend, check, caseId, readme) => {
    const spec = { ...matMulSpec, grads: matMulSpec.grads.filter((g) => `grad:${g.input}` === check) };
    const records = (await runChecks({ ops: [spec], backends: [...BACKENDS], seed: 1, caseId })).filter((r) => r.check === check);
    const by = Object.fromEntries(records.map((r) => [r.backend, r]));
    expect(by[backend]).toMatchObject({ status: 'xfail', known: readme });
    if (readme !== 10) expect(by.tensorflow.status).toBe('pass');
  });
});

// NOTE: the native backend passes shapes to TensorFlow unchecked and reports its status code with TensorFlow's message.
describeErrorInputs(matMulSpec, {
  'inner dimensions 3 and 4': { cpu: THROWS(/inner shapes \(3\) and \(4\)/), wasm: THROWS(/inner shapes \(3\) and \(4\)/), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'inner dimensions 3 and 2 under transposeB': { cpu: THROWS(/inner shapes \(3\) and \(2\) .* transposeB=true must match/), wasm: THROWS(/inner shapes \(3\) and \(2\) .* transposeB=true must match/), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'rank-1 a': { cpu: THROWS(/new shape \(1,,3\) has NaN elements/), wasm: THROWS(/new shape: 1,,3, old shape: 3/), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'batch 2 against batch 3': { ...ALL(THROWS(/could not be broadcast together with shapes 2 and 3/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'batch [2,3] against batch [3,2]': { ...ALL(THROWS(/could not be broadcast together with shapes 2,3 and 3,2/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
});
