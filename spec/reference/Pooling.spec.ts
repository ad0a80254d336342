import { avgPool } from '../../reference/AvgPool';
import { avgPoolGrad } from '../../reference/AvgPoolGrad';
import { maxPool, maxPoolArgmax } from '../../reference/MaxPool';
import { pool2dInfo } from '../../reference/pool';
import { maxPoolGrad } from '../../reference/MaxPoolGrad';
import { tensor } from '../../reference/tensor';
import { maxPoolSpec } from '../../src/ops/maxPool';
import { poolKind } from '../../src/ops/poolCases';
import { Rng } from '../../src/random';

const x44 = tensor([1, 4, 4, 1], [1, 5, 2, 0, 3, 4, 8, 1, 0, 9, 7, 6, 2, 1, 3, 4]);

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

  it('NaN in a window gives NaN (IEEE maximum); -Inf stays -Inf', () => {
    expect(maxPool(tensor([1, 2, 2, 1], [1, NaN, 3, 2]), 2, 2, 'valid').data[0]).toBeNaN();
    expect(maxPool(tensor([1, 2, 2, 1], [-Infinity, -Infinity, -Infinity, -Infinity]), 2, 2, 'valid').data[0]).toBe(-Infinity);
  });

  it('the value loop gives x[maxPoolArgmax] on every case, ties, NaN and signed zeros included', () => {
    const rng = new Rng(11);
    const specials = [NaN, 0, -0, Infinity, -Infinity, 1, 1];
    for (const c of maxPoolSpec.cases(1)) {
      const { filterSize, strides, pad } = c.params;
      // sprinkle repeated values, NaN and signed zeros over the case's input
      const data = c.inputs.x.data.map((v) => (rng.uniform(1)[0] < 0.2 ? specials[Math.floor(rng.uniform(1, 0, specials.length)[0])] : v));
      const x = tensor(c.inputs.x.shape, data);
      const arg = maxPoolArgmax(x, pool2dInfo('maxPool', x, filterSize, strides, pad));
      expect(Array.from(maxPool(x, filterSize, strides, pad).data)).toEqual(Array.from(arg, (i) => x.data[i]));
    }
  });
});

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

  it('metamorphic: without ties the gradient sums to sum(dy), on every tie-free maxPool case', () => {
    const rng = new Rng(5);
    for (const c of maxPoolSpec.cases(1).filter((k) => k.gradients && poolKind(k) !== 'ties')) {
      const { filterSize, strides, pad } = c.params;
      const y = maxPool(c.inputs.x, filterSize, strides, pad);
      const dy = tensor(y.shape, rng.integers(y.data.length, -9, 9));
      const dx = maxPoolGrad(dy, c.inputs.x, filterSize, strides, pad);
      expect(dx.data.reduce((a, b) => a + b, 0)).toBe(dy.data.reduce((a, b) => a + b, 0));
    }
  });
});

describe('avgPool', () => {
  it("averages the real cells only under 'same' padding, as TensorFlow does", () => {
    const x = tensor([1, 2, 2, 1], [4, 8, 12, 16]);
    expect(Array.from(avgPool(x, 2, 1, 'same').data)).toEqual([10, 12, 14, 16]);
    expect(Array.from(avgPool(x44, 2, 2, 'valid').data)).toEqual([13 / 4, 11 / 4, 12 / 4, 20 / 4]);
  });

  it('its gradient spreads dy / count over each window; the adjoint identity holds', () => {
    const dy = tensor([1, 2, 2, 1], [4, 8, 12, 16]);
    // windows over a 2x2 'same': counts 4, 2, 2, 1
    expect(Array.from(avgPoolGrad(dy, [1, 2, 2, 1], 2, 1, 'same').data)).toEqual([1, 1 + 4, 1 + 6, 1 + 4 + 6 + 16]);
    const rng = new Rng(3);
    const x = tensor([2, 7, 5, 3], rng.uniform(210));
    const y = avgPool(x, [3, 2], [2, 1], 'same');
    const g = tensor(y.shape, rng.uniform(y.data.length));
    const dx = avgPoolGrad(g, x.shape, [3, 2], [2, 1], 'same');
    const lhs = y.data.reduce((s, v, i) => s + v * g.data[i], 0);
    const rhs = x.data.reduce((s, v, i) => s + v * dx.data[i], 0);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-13);
  });
});

describe('pooling argument errors', () => {
  it.each([
    ['window 0', () => maxPool(x44, 0, 1, 'valid'), /Error in maxPool: filterSize must be positive integers, got \[0,0\]/],
    ['negative stride', () => avgPool(x44, 2, [1, -1], 'valid'), /Error in avgPool: strides must be positive integers, got \[1,-1\]/],
    ['window larger than a valid input', () => maxPool(x44, [5, 1], 1, 'valid'), /Error in maxPool: window \[5,1\] with dilations \[1,1\] spans \[5,1\], larger than the input \[4,4\] under 'valid' padding/],
    ['dy of the wrong shape', () => maxPoolGrad(tensor([1, 1, 1, 1]), x44, 2, 2, 'valid'), /Error in maxPoolGrad: dy must have the output shape \[1,2,2,1\], got \[1,1,1,1\]/],
    ['dy of the wrong shape (avg)', () => avgPoolGrad(tensor([1, 3, 3, 1]), [1, 4, 4, 1], 2, 2, 'valid'), /Error in avgPoolGrad: dy must have the output shape \[1,2,2,1\], got \[1,3,3,1\]/],
    ['xShape of 3 dims', () => avgPoolGrad(tensor([1, 2, 2, 1]), [4, 4, 1], 2, 2, 'valid'), /Error in avgPoolGrad: xShape must have 4 dimensions, got \[4,4,1\]/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
