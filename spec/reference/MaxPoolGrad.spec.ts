import { maxPool, maxPoolArgmax } from '../../reference/MaxPool';
import { maxPoolGrad } from '../../reference/MaxPoolGrad';
import { pool2dInfo } from '../../reference/pool';
import { tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, withSpecials } from './helpers';
import { formId, poolForms } from './poolForms';

const x44 = tensor([1, 4, 4, 1], [1, 5, 2, 0, 3, 4, 8, 1, 0, 9, 7, 6, 2, 1, 3, 4]);
const plainForms = poolForms(3, 30, false);

describe('maxPoolGrad (notes, part 1e): the gradient goes only to the neuron that achieved the max', () => {
  it('one window per cell', () => {
    const dy = tensor([1, 2, 2, 1], [10, 20, 30, 40]);
    expect(Array.from(maxPoolGrad(dy, x44, 2, 2, 'valid').data)).toEqual([0, 10, 0, 0, 0, 0, 20, 0, 0, 30, 40, 0, 0, 0, 0, 0]);
  });

  it('ties go to the first maximum in row-major window order; overlapping windows add', () => {
    const ones = tensor([1, 3, 3, 1], new Array(9).fill(1));
    const dy = tensor([1, 2, 2, 1], [1, 2, 3, 4]);
    expect(Array.from(maxPoolGrad(dy, ones, 2, 1, 'valid').data)).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0]);
    const x = tensor([1, 3, 3, 1], [0, 0, 0, 0, 9, 0, 0, 0, 0]);
    expect(Array.from(maxPoolGrad(dy, x, 2, 1, 'valid').data)).toEqual([0, 0, 0, 0, 10, 0, 0, 0, 0]);
  });

  it('NaN never wins: the gradient goes to the first maximum of the other cells, wherever the NaN is', () => {
    const x = tensor([1, 1, 4, 1], [1, NaN, 5, NaN]);
    expect(Array.from(maxPoolGrad(tensor([1, 1, 1, 1], [7]), x, [1, 4], 1, 'valid').data)).toEqual([0, 0, 7, 0]);
    expect(Array.from(maxPoolGrad(tensor([1, 1, 1, 1], [7]), tensor([1, 2, 2, 1], [NaN, 1, 3, 2]), 2, 2, 'valid').data)).toEqual([0, 0, 7, 0]);
  });

  it("a window no cell wins (all NaN, all -Inf, no real cell) passes its gradient to no cell, as TF.js's cpu kernel", () => {
    for (const w of [[NaN, NaN, NaN, NaN], [-Infinity, -Infinity, -Infinity, -Infinity], [-Infinity, NaN, -Infinity, -Infinity]]) {
      expect(Array.from(maxPoolGrad(tensor([1, 1, 1, 1], [7]), tensor([1, 2, 2, 1], w), 2, 2, 'valid').data)).toEqual([0, 0, 0, 0]);
    }
    // 'ceil' with a stride past the window: the second window starts at column 3, past the input
    const dy = tensor([1, 1, 2, 1], [7, 8]);
    expect(Array.from(maxPoolGrad(dy, tensor([1, 1, 2, 1], [3, 1]), 1, 3, 0, 'ceil').data)).toEqual([7, 0]);
  });

  it('a rank-3 x takes a rank-3 dy and returns a rank-3 dx', () => {
    const dx = maxPoolGrad(tensor([2, 2, 1], [10, 20, 30, 40]), tensor([4, 4, 1], x44.data), 2, 2, 'valid');
    expect(dx.shape).toEqual([4, 4, 1]);
    expect(Array.from(dx.data)).toEqual([0, 10, 0, 0, 0, 0, 20, 0, 0, 30, 40, 0, 0, 0, 0, 0]);
  });

  it('metamorphic: the gradient sums to sum(dy) where every window has a real cell (integers: exact)', () => {
    const rng = new Rng(5);
    for (const c of plainForms) {
      const x = rng.tensor(c.x);
      const y = maxPool(x, c.filterSize, c.strides, c.pad, c.dimRoundingMode);
      const dy = tensor(y.shape, rng.integers(y.data.length, -9, 9));
      const dx = maxPoolGrad(dy, x, c.filterSize, c.strides, c.pad, c.dimRoundingMode);
      const reached = dy.data.reduce((a, v, o) => a + (y.data[o] === -Infinity ? 0 : v), 0);
      expect(dx.data.reduce((a, b) => a + b, 0)).toBe(reached);
    }
  });
});

describe("maxPoolGrad's order: a cell adds its windows' dy from 0 in row-major order of the output, bitwise", () => {
  const rng = new Rng(6);
  it.each(plainForms.map((c) => [formId(c), c] as const))('%s', (_id, c) => {
    // few distinct values, so that many overlapping windows share a winner
    const x = rng.pick([0, 1]) ? withSpecials(rng, c.x) : tensor(c.x, rng.integers(c.x.reduce((a, b) => a * b, 1), 0, 2));
    const g = pool2dInfo('maxPoolGrad', x, c.filterSize, c.strides, c.pad, { dimRoundingMode: c.dimRoundingMode });
    const dy = rng.tensor([g.batch, g.outH, g.outW, g.channels]);
    const arg = maxPoolArgmax(x, g);
    const want = new Float64Array(x.data.length);
    for (let o = 0; o < arg.length; o++) if (arg[o] >= 0) want[arg[o]] += dy.data[o];
    expect(bitwiseDiff(maxPoolGrad(dy, x, c.filterSize, c.strides, c.pad, c.dimRoundingMode), { shape: x.shape, data: want })).toBeUndefined();
  });
});

describe('maxPoolGrad argument errors', () => {
  it.each([
    ['dy of the wrong shape', () => maxPoolGrad(tensor([1, 1, 1, 1]), x44, 2, 2, 'valid'), /Error in maxPoolGrad: dy must have the output shape \[1,2,2,1\], got \[1,1,1,1\]/],
    ['negative stride', () => maxPoolGrad(tensor([1, 1, 1, 1]), x44, 2, [1, -1], 'valid'), /Error in maxPoolGrad: strides must be positive integers, got \[1,-1\]/],
    ['a rank-4 dy for a rank-3 x', () => maxPoolGrad(tensor([1, 2, 2, 1]), tensor([4, 4, 1]), 2, 2, 'valid'), /Error in maxPoolGrad: dy must be rank 3, got rank 4/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
