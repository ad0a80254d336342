import { beats, maxPool, maxPoolArgmax } from '../../reference/MaxPool';
import { pool2dInfo } from '../../reference/pool';
import { Tensor64, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, withSpecials } from './helpers';
import { PoolForm, formId, formShape, poolForms } from './poolForms';

const x44 = tensor([1, 4, 4, 1], [1, 5, 2, 0, 3, 4, 8, 1, 0, 9, 7, 6, 2, 1, 3, 4]);
const x33 = tensor([1, 3, 3, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8]);

/**
 * The winner of each window, found another way: the real cells of the window in
 * row-major order (kh, then kw); among those that are not NaN, the first equal
 * (===, so -0 equals +0) to their largest value, unless that value is -Inf (or
 * there is none): then -1.
 */
function firstMaximum(x: Tensor64, c: PoolForm): Int32Array {
  const g = pool2dInfo('maxPool', x, c.filterSize, c.strides, c.pad, { dilations: c.dilations, dimRoundingMode: c.dimRoundingMode });
  const arg = new Int32Array(g.batch * g.outH * g.outW * g.channels);
  for (let n = 0; n < g.batch; n++) for (let oh = 0; oh < g.outH; oh++) for (let ow = 0; ow < g.outW; ow++) for (let ch = 0; ch < g.channels; ch++) {
    const cells: number[] = [];
    for (let kh = 0; kh < g.kH; kh++) for (let kw = 0; kw < g.kW; kw++) {
      const ih = oh * g.sH + kh * g.dH - g.padTop;
      const iw = ow * g.sW + kw * g.dW - g.padLeft;
      if (ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW) cells.push(((n * g.inH + ih) * g.inW + iw) * g.channels + ch);
    }
    const numbers = cells.filter((i) => !Number.isNaN(x.data[i]));
    const max = Math.max(-Infinity, ...numbers.map((i) => x.data[i]));
    arg[((n * g.outH + oh) * g.outW + ow) * g.channels + ch] = max === -Infinity ? -1 : numbers.find((i) => x.data[i] === max)!;
  }
  return arg;
}

describe('maxPool (notes, part 1d): R[i, j] = max_{a,b} I[s*i + a, s*j + b]', () => {
  it('2x2 windows, stride 2', () => {
    expect(Array.from(maxPool(x44, 2, 2, 'valid').data)).toEqual([5, 8, 9, 7]);
  });

  it("overlapping windows (stride 1) and 'same' padding that never wins", () => {
    expect(Array.from(maxPool(x44, 3, 1, 'valid').data)).toEqual([9, 9, 9, 9]);
    const neg = tensor([1, 2, 2, 1], [-4, -3, -2, -1]);
    // padding is not a zero: the maximum of a window of negatives stays negative
    expect(Array.from(maxPool(neg, 2, 1, 'same').data)).toEqual([-1, -1, -1, -1]);
  });

  it("NaN never wins (TF.js's maxPool test: [[1,2,3],[4,5,6],[7,NaN,9]], 2x2 stride 1 gives 5,6,7,9)", () => {
    const y = maxPool(tensor([3, 3, 1], [1, 2, 3, 4, 5, 6, 7, NaN, 9]), 2, 1, 'valid');
    expect(y.shape).toEqual([2, 2, 1]);
    expect(Array.from(y.data)).toEqual([5, 6, 7, 9]);
    expect(maxPool(tensor([1, 2, 2, 1], [NaN, 1, 3, 2]), 2, 2, 'valid').data[0]).toBe(3);
  });

  it('a window with no cell above -Inf is -Inf: all NaN, all -Inf, NaN and -Inf; ties between zeros keep the first', () => {
    for (const w of [[NaN, NaN, NaN, NaN], [-Infinity, -Infinity, -Infinity, -Infinity], [NaN, -Infinity, -Infinity, NaN]]) {
      expect(maxPool(tensor([1, 2, 2, 1], w), 2, 2, 'valid').data[0]).toBe(-Infinity);
    }
    expect(Object.is(maxPool(tensor([1, 1, 2, 1], [-0, 0]), [1, 2], 1, 'valid').data[0], -0)).toBe(true);
    expect(Object.is(maxPool(tensor([1, 1, 2, 1], [0, -0]), [1, 2], 1, 'valid').data[0], 0)).toBe(true);
  });

  it("explicit padding (TF.js's pool test: 3x3, k=3, pad [[1,2],[0,1]] gives [4,2] of 5,5,8,8,8,8,8,8)", () => {
    const y = maxPool(tensor([3, 3, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8]), 3, 1, [[0, 0], [1, 2], [0, 1], [0, 0]]);
    expect(y.shape).toEqual([4, 2, 1]);
    expect(Array.from(y.data)).toEqual([5, 5, 8, 8, 8, 8, 8, 8]);
  });

  it('dimRoundingMode: the output sizes of TF.js pool_test (3x3, k=3, s=3, pad [[2,2],[1,1]]) and windows with no real cell', () => {
    const pad = [[0, 0], [2, 2], [1, 1], [0, 0]] as const;
    expect(maxPool(x33, 3, 3, pad as never).shape).toEqual([1, 2, 1, 1]);
    expect(maxPool(x33, 3, 3, pad as never, 'floor').shape).toEqual([1, 2, 1, 1]);
    expect(maxPool(x33, 3, 3, pad as never, 'round').shape).toEqual([1, 2, 2, 1]);
    // 'ceil': the third row of windows starts at input row 4, past the padded input: -Inf
    const y = maxPool(x33, 3, 3, pad as never, 'ceil');
    expect(y.shape).toEqual([1, 3, 2, 1]);
    // windows: rows -2..0 x cols -1..1 = {0,1}; cols 2..4 = {2}; rows 1..3 x cols -1..1 = {3,4,6,7}; cols 2..4 = {5,8}
    expect(Array.from(y.data)).toEqual([1, 2, 7, 8, -Infinity, -Infinity]);
  });

  it('explicit padding larger than the window: windows wholly in padding are -Inf', () => {
    const y = maxPool(tensor([1, 1, 2, 1], [4, 5]), [1, 2], 1, [[0, 0], [0, 0], [3, 0], [0, 0]]);
    // windows over columns -3..-2, -2..-1, -1..0, 0..1
    expect(Array.from(y.data)).toEqual([-Infinity, -Infinity, 4, 5]);
  });

  it('a rank-3 x is a batch of one, returned in rank 3', () => {
    const x = tensor([4, 4, 1], x44.data);
    const y = maxPool(x, 2, 2, 'valid');
    expect(y.shape).toEqual([2, 2, 1]);
    expect(Array.from(y.data)).toEqual(Array.from(maxPool(x44, 2, 2, 'valid').data));
  });

  it('the value is x[maxPoolArgmax] (-Inf where no cell wins) on every configuration, ties, NaN and signed zeros included', () => {
    const rng = new Rng(11);
    for (const c of poolForms().filter((f) => f.dilations[0] === 1 && f.dilations[1] === 1)) {
      const x = withSpecials(rng, formShape(c));
      const x4 = tensor(c.x, x.data);
      const arg = maxPoolArgmax(x4, pool2dInfo('maxPool', x4, c.filterSize, c.strides, c.pad, { dimRoundingMode: c.dimRoundingMode }));
      const y = maxPool(x, c.filterSize, c.strides, c.pad, c.dimRoundingMode);
      expect(y.shape.length).toBe(x.shape.length);
      expect(bitwiseDiff({ shape: [y.data.length], data: y.data }, { shape: [arg.length], data: Array.from(arg, (i) => (i < 0 ? -Infinity : x.data[i])) })).toBeUndefined();
    }
  });
});

describe('beats: the one "which cell wins" rule (a running maximum from -Inf, strict >)', () => {
  it.each([
    [2, 1, true],
    [1, 2, false],
    [1, 1, false], // ties keep the first
    [0, -0, false], // +0 and -0 tie
    [-0, 0, false],
    [NaN, 5, false], // a NaN never wins
    [NaN, -Infinity, false],
    [5, -Infinity, true],
    [-Infinity, -Infinity, false], // -Inf never takes the starting -Inf
    [Infinity, 1e308, true],
  ])('beats(%p, %p) = %p', (v, best, want) => {
    expect(beats(v, best)).toBe(want);
  });
});

describe("maxPoolArgmax's order: the first non-NaN maximum in row-major window order (dilated), -1 when it is -Inf", () => {
  const rng = new Rng(12);
  it.each(poolForms().map((c) => [formId(c), c] as const))('%s', (_id, c) => {
    const x = withSpecials(rng, c.x);
    const arg = maxPoolArgmax(x, pool2dInfo('maxPool', x, c.filterSize, c.strides, c.pad, { dilations: c.dilations, dimRoundingMode: c.dimRoundingMode }));
    expect(Array.from(arg)).toEqual(Array.from(firstMaximum(x, c)));
  });
});

describe('maxPool argument errors', () => {
  it.each([
    ['window 0', () => maxPool(x44, 0, 1, 'valid'), /Error in maxPool: filterSize must be positive integers, got \[0,0\]/],
    ['window larger than a valid input', () => maxPool(x44, [5, 1], 1, 'valid'), /Error in maxPool: window \[5,1\] with dilations \[1,1\] spans \[5,1\], larger than the input \[4,4\] under 'valid' padding/],
    ['rank 2', () => maxPool(tensor([4, 4]), 2, 1, 'valid'), /Error in maxPool: x must be rank 4, or rank 3 for a batch of one, got rank 2/],
    ["dimRoundingMode with 'same'", () => maxPool(x44, 2, 1, 'same', 'ceil'), /Error in maxPool: pad must be an integer when using dimRoundingMode ceil but got pad same/],
    ['a negative numeric pad', () => maxPool(x44, 2, 1, -1), /Error in maxPool: pad must be 'valid', 'same', a non-negative integer/],
    ['an explicit pad on the batch axis', () => maxPool(x44, 2, 1, [[1, 0], [0, 0], [0, 0], [0, 0]]), /Error in maxPool: explicit pad of the batch axis must be \[0,0\]/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
