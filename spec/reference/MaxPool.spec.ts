import { beats, maxPool, maxPoolArgmax } from '../../reference/MaxPool';
import { pool2dInfo } from '../../reference/pool';
import { Tensor64, tensor } from '../../reference/tensor';
import { PoolConfig, Rng, bitwiseDiff, poolConfigs, poolId, withSpecials } from './helpers';

const x44 = tensor([1, 4, 4, 1], [1, 5, 2, 0, 3, 4, 8, 1, 0, 9, 7, 6, 2, 1, 3, 4]);

/**
 * The winner of each window, found another way: the real cells of the window in
 * row-major order (kh, then kw); the first NaN if there is one, else the first
 * cell equal (===, so -0 equals +0) to the largest value.
 */
function firstMaximum(x: Tensor64, c: PoolConfig): Int32Array {
  const g = pool2dInfo('maxPool', x, c.filterSize, c.strides, c.pad);
  const arg = new Int32Array(g.batch * g.outH * g.outW * g.channels);
  for (let n = 0; n < g.batch; n++) for (let oh = 0; oh < g.outH; oh++) for (let ow = 0; ow < g.outW; ow++) for (let ch = 0; ch < g.channels; ch++) {
    const cells: number[] = [];
    for (let kh = 0; kh < g.kH; kh++) for (let kw = 0; kw < g.kW; kw++) {
      const ih = oh * g.sH + kh - g.padTop;
      const iw = ow * g.sW + kw - g.padLeft;
      if (ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW) cells.push(((n * g.inH + ih) * g.inW + iw) * g.channels + ch);
    }
    const nan = cells.find((i) => Number.isNaN(x.data[i]));
    const max = Math.max(...cells.map((i) => x.data[i]));
    arg[((n * g.outH + oh) * g.outW + ow) * g.channels + ch] = nan ?? cells.find((i) => x.data[i] === max)!;
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

  it('NaN in a window gives NaN (IEEE maximum); -Inf stays -Inf; ties between zeros keep the first', () => {
    expect(maxPool(tensor([1, 2, 2, 1], [1, NaN, 3, 2]), 2, 2, 'valid').data[0]).toBeNaN();
    expect(maxPool(tensor([1, 2, 2, 1], [-Infinity, -Infinity, -Infinity, -Infinity]), 2, 2, 'valid').data[0]).toBe(-Infinity);
    expect(Object.is(maxPool(tensor([1, 1, 2, 1], [-0, 0]), [1, 2], 1, 'valid').data[0], -0)).toBe(true);
    expect(Object.is(maxPool(tensor([1, 1, 2, 1], [0, -0]), [1, 2], 1, 'valid').data[0], 0)).toBe(true);
  });

  it('the value is x[maxPoolArgmax] on every configuration, ties, NaN and signed zeros included', () => {
    const rng = new Rng(11);
    for (const c of poolConfigs()) {
      const x = withSpecials(rng, c.x);
      const arg = maxPoolArgmax(x, pool2dInfo('maxPool', x, c.filterSize, c.strides, c.pad));
      const y = maxPool(x, c.filterSize, c.strides, c.pad);
      expect(bitwiseDiff(y, { shape: y.shape, data: Array.from(arg, (i) => x.data[i]) })).toBeUndefined();
    }
  });
});

describe('beats: the one "which cell wins" rule', () => {
  it.each([
    [2, 1, true],
    [1, 2, false],
    [1, 1, false], // ties keep the first
    [0, -0, false], // +0 and -0 tie
    [-0, 0, false],
    [NaN, 5, true], // a NaN wins against any number
    [NaN, -Infinity, true],
    [5, NaN, false], // a held NaN is never replaced
    [NaN, NaN, false],
    [Infinity, 1e308, true],
  ])('beats(%p, %p) = %p', (v, best, want) => {
    expect(beats(v, best)).toBe(want);
  });
});

describe("maxPoolArgmax's order: the first cell in row-major window order that no later cell beats", () => {
  const rng = new Rng(12);
  it.each(poolConfigs().map((c) => [poolId(c), c] as const))('%s', (_id, c) => {
    const x = withSpecials(rng, c.x);
    const arg = maxPoolArgmax(x, pool2dInfo('maxPool', x, c.filterSize, c.strides, c.pad));
    expect(Array.from(arg)).toEqual(Array.from(firstMaximum(x, c)));
  });
});

describe('maxPool argument errors', () => {
  it.each([
    ['window 0', () => maxPool(x44, 0, 1, 'valid'), /Error in maxPool: filterSize must be positive integers, got \[0,0\]/],
    ['window larger than a valid input', () => maxPool(x44, [5, 1], 1, 'valid'), /Error in maxPool: window \[5,1\] with dilations \[1,1\] spans \[5,1\], larger than the input \[4,4\] under 'valid' padding/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
