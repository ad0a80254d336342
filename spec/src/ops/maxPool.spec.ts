import { maxPoolSpec } from '../../../src/ops/maxPool';
import { maxPool } from '../../../reference/MaxPool';
import { maxPoolGrad } from '../../../reference/MaxPoolGrad';
import { tensor } from '../../../reference/tensor';
import { useBackend } from '../../../src/tfjs/backends';
import { tf } from '../../../src/tfjs/tf';
import { poolKind } from '../../../src/ops/poolCases';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('maxPool cases', () => {
  const cases = maxPoolSpec.cases(1);

  it('cover the grid and every value kind', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const kinds = new Set(cases.map(poolKind));
    expect([...kinds].sort()).toEqual(['exact', 'inf', 'nan', 'neg', 'neginf', 'rand', 'small', 'ties']);
    const k = (c: (typeof cases)[number]) => c.params.filterSize;
    const s = (c: (typeof cases)[number]) => c.params.strides;
    expect(cases.some((c) => k(c)[0] > s(c)[0] && k(c)[1] > s(c)[1])).toBe(true); // overlapping windows
    expect(cases.some((c) => s(c)[0] > k(c)[0])).toBe(true); // stride larger than the window
    expect(cases.some((c) => k(c)[0] === c.inputs.x.shape[1] && k(c)[1] === c.inputs.x.shape[2] && k(c)[0] > 1)).toBe(true); // window = input
    expect(cases.some((c) => k(c)[0] === 1 && k(c)[1] === 1)).toBe(true);
    expect(new Set(cases.map((c) => c.inputs.x.shape.at(-1)))).toEqual(new Set([1, 2, 3, 4]));
  });

  it('cover every padding form, every rounding mode and rank-3 inputs', () => {
    const pads = cases.map((c) => c.params.pad);
    expect(pads.filter((p) => p === 'valid').length).toBeGreaterThan(50);
    expect(pads.filter((p) => p === 'same').length).toBeGreaterThan(50);
    expect(pads.filter((p) => typeof p === 'number').length).toBeGreaterThan(20);
    expect(pads.filter((p) => Array.isArray(p)).length).toBeGreaterThan(20);
    expect(new Set(cases.map((c) => c.params.dimRoundingMode))).toEqual(new Set([undefined, 'floor', 'round', 'ceil']));
    expect(cases.filter((c) => c.inputs.x.shape.length === 3).length).toBeGreaterThan(5);
    // explicit padding larger than the window, and 'ceil' windows past the padded input: windows with no real cell (-Inf)
    expect(cases.some((c) => Array.isArray(c.params.pad) && c.params.pad[1][0] > c.params.filterSize[0])).toBe(true);
    expect(cases.some((c) => c.params.dimRoundingMode === 'ceil' && maxPool(c.inputs.x, c.params.filterSize, c.params.strides, c.params.pad, 'ceil').data.includes(-Infinity))).toBe(true);
  });

  it('draw tie-free values except in the ties kind, and a constant image there', () => {
    for (const c of cases) {
      const d = c.inputs.x.data;
      if (poolKind(c) === 'ties') expect(new Set(d).size).toBe(1);
      else if (['rand', 'exact', 'neg', 'small'].includes(poolKind(c))) expect(new Set(d).size).toBe(d.length);
    }
  });

  it('have gradients, NaN cases included, except with infinities or a window no cell wins (its output is -Inf)', () => {
    for (const c of cases) {
      const y = maxPool(c.inputs.x, c.params.filterSize, c.params.strides, c.params.pad, c.params.dimRoundingMode);
      expect(c.gradients).toBe(!['inf', 'neginf'].includes(poolKind(c)) && !y.data.includes(-Infinity));
    }
    expect(cases.filter((c) => c.gradients && poolKind(c) === 'nan').length).toBeGreaterThan(10);
  });
});

describeErrorInputs(maxPoolSpec, {
  // NOTE: TF.js accepts a window of 0 or a negative window: cpu returns non-finite values, wasm garbage; tensorflow throws an opaque status.
  'window 0': { cpu: RETURNS([1, 5, 5, 1]), wasm: RETURNS([1, 5, 5, 1]), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'negative window [-2,2]': { cpu: RETURNS([1, 7, 3, 1]), wasm: RETURNS([1, 7, 3, 1]), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  // NOTE: stride 0: cpu builds an infinite shape, wasm returns a tensor of shape [1,Infinity,Infinity,1].
  'stride 0': { cpu: THROWS(/shape comprised of positive integers but got shape \[1,Infinity,Infinity,1\]/), wasm: RETURNS([1, Infinity, Infinity, 1]), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  "window [3,3] larger than a 'valid' input [2,2]": ALL(RETURNS([1, 0, 0, 1])),
  "unknown padding 'full'": ALL(THROWS(/Unknown padding parameter: full/)),
  'rank-2 x [4,4]': ALL(THROWS(/input must be rank 4 but got rank 2/)),
  "dimRoundingMode 'ceil' with pad 'same'": ALL(THROWS(/pad must be an integer when using dimRoundingMode ceil but got pad same/)),
  // NOTE: TF.js takes a fractional pad without a rounding mode, and reads only the height and width pairs of an explicit pad.
  'fractional pad 1.5': { cpu: RETURNS([1, 6, 6, 1]), wasm: RETURNS([1, 6, 6, 1]), tensorflow: THROWS(/supports only 'valid' and 'same' padding while padding was NUMBER/) },
  'explicit pad on the channel axis': { cpu: RETURNS([1, 5, 5, 1]), wasm: RETURNS([1, 5, 5, 1]), tensorflow: THROWS(/supports only 'valid' and 'same' padding while padding was EXPLICIT/) },
  'gradient: dy [1,2,2,1] for an output [1,3,3,1]': {
    cpu: THROWS(/Requested out of range element/),
    wasm: THROWS(/shape of dy passed in grad\(f\)\(x, dy\) must match/),
    tensorflow: THROWS(/Invalid TF_Status: 3/),
  },
});

/**
 * The second oracle of each maxPool discrepancy: another backend, TF.js's own
 * other form of the same windows, or a hand value.
 */
describe('maxPool discrepancies, each against a second oracle', () => {
  const read = (f: () => import('@tensorflow/tfjs-node').Tensor) => tf.tidy(() => { const y = f(); return { shape: y.shape, data: Array.from(y.dataSync()) }; });

  it("#6: wasm does not ignore a NaN ([NaN,1,3,2] is 3 by hand and on cpu, as TF.js's own test expects)", async () => {
    const x = () => tf.tensor4d([NaN, 1, 3, 2], [1, 2, 2, 1]);
    await useBackend('cpu');
    expect(read(() => tf.maxPool(x(), 2, 2, 'valid')).data).toEqual([3]);
    await useBackend('wasm');
    expect(read(() => tf.maxPool(x(), 2, 2, 'valid')).data).toEqual([-Infinity]);
  });

  it('#29: native MaxPoolGrad sends the gradient of [NaN,1,3,2] to the NaN, where cpu and wasm send it to the 3 (native MaxPool itself returns 3)', async () => {
    const dx = () => read(() => tf.grad((v: import('@tensorflow/tfjs-node').Tensor) => tf.maxPool(v as never, 2, 2, 'valid'))(tf.tensor4d([NaN, 1, 3, 2], [1, 2, 2, 1]), tf.tensor4d([5], [1, 1, 1, 1]))).data;
    for (const b of ['cpu', 'wasm'] as const) {
      await useBackend(b);
      expect(dx()).toEqual([0, 0, 5, 0]);
    }
    await useBackend('tensorflow');
    expect(read(() => tf.maxPool(tf.tensor4d([NaN, 1, 3, 2], [1, 2, 2, 1]), 2, 2, 'valid')).data).toEqual([3]);
    expect(dx()).toEqual([5, 0, 0, 0]);
  });

  it("#27: the gradient under 'ceil' with pad 0 is not that of the same windows written as an explicit pad (cpu)", async () => {
    await useBackend('cpu');
    const x = tf.tensor4d(Array.from({ length: 25 }, (_, i) => (i * 7) % 25), [1, 5, 5, 1]);
    const dy = tf.tensor4d(Array.from({ length: 9 }, (_, i) => i + 1), [1, 3, 3, 1]);
    // 5x5, k=2, s=2: 'ceil' gives 3x3 windows, the last hanging past the input; so does an explicit bottom/right pad of 1 (padded cells never win)
    const explicit = read(() => tf.grad((v: import('@tensorflow/tfjs-node').Tensor) => tf.maxPool(v as never, 2, 2, [[0, 0], [0, 1], [0, 1], [0, 0]]))(x, dy));
    const ceil = read(() => tf.grad((v: import('@tensorflow/tfjs-node').Tensor) => tf.maxPool(v as never, 2, 2, 0, 'ceil'))(x, dy));
    expect(read(() => tf.maxPool(x, 2, 2, 0, 'ceil')).data).toEqual(read(() => tf.maxPool(x, 2, 2, [[0, 0], [0, 1], [0, 1], [0, 0]])).data);
    const want = maxPoolGrad(tensor([1, 3, 3, 1], Array.from(dy.dataSync())), tensor([1, 5, 5, 1], Array.from(x.dataSync())), 2, 2, 0, 'ceil');
    expect(explicit.data).toEqual(Array.from(want.data));
    expect(ceil.data).not.toEqual(Array.from(want.data));
  });

  it('#28: cpu returns x for a 1x1 window, stride 2, pad 1 over [2,2,3]; its own ceil form shows the windows of padding are -Inf', async () => {
    await useBackend('cpu');
    const x = tf.tensor3d(Array.from({ length: 12 }, (_, i) => i + 1), [2, 2, 3]);
    expect(read(() => tf.maxPool(x, 1, 2, 1)).data).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // 'ceil' adds a third row and column of windows, so cpu takes its general path: the first 2x2 windows are the same windows
    const general = read(() => tf.maxPool(x, 1, 2, 1, 'ceil'));
    expect(general.shape).toEqual([3, 3, 3]);
    const first = [0, 1, 3, 4].flatMap((w) => general.data.slice(w * 3, w * 3 + 3));
    expect(first).toEqual(Array.from(maxPool(tensor([2, 2, 3], Array.from(x.dataSync())), 1, 2, 1).data));
  });
});
