import { maxPool, maxPoolArgmax } from '../../reference/MaxPool';
import { maxPoolGrad } from '../../reference/MaxPoolGrad';
import { pool2dInfo } from '../../reference/pool';
import { tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, poolConfigs, poolId, withSpecials } from './helpers';

const x44 = tensor([1, 4, 4, 1], [1, 5, 2, 0, 3, 4, 8, 1, 0, 9, 7, 6, 2, 1, 3, 4]);

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

  it('NaN: the gradient goes to the first NaN of the window', () => {
    const x = tensor([1, 1, 4, 1], [1, NaN, 5, NaN]);
    expect(Array.from(maxPoolGrad(tensor([1, 1, 1, 1], [7]), x, [1, 4], 1, 'valid').data)).toEqual([0, 7, 0, 0]);
  });

  it('metamorphic: the gradient sums to sum(dy) (integers: exact), on every pooling configuration', () => {
    const rng = new Rng(5);
    for (const c of poolConfigs()) {
      const x = rng.tensor(c.x);
      const y = maxPool(x, c.filterSize, c.strides, c.pad);
      const dy = tensor(y.shape, rng.integers(y.data.length, -9, 9));
      const dx = maxPoolGrad(dy, x, c.filterSize, c.strides, c.pad);
      expect(dx.data.reduce((a, b) => a + b, 0)).toBe(dy.data.reduce((a, b) => a + b, 0));
    }
  });
});

describe("maxPoolGrad's order: a cell adds its windows' dy from 0 in row-major order of the output, bitwise", () => {
  const rng = new Rng(6);
  it.each(poolConfigs().map((c) => [poolId(c), c] as const))('%s', (_id, c) => {
    // few distinct values, so that many overlapping windows share a winner
    const x = rng.pick([0, 1]) ? withSpecials(rng, c.x) : tensor(c.x, rng.integers(c.x.reduce((a, b) => a * b, 1), 0, 2));
    const g = pool2dInfo('maxPoolGrad', x, c.filterSize, c.strides, c.pad);
    const dy = rng.tensor([g.batch, g.outH, g.outW, g.channels]);
    const arg = maxPoolArgmax(x, g);
    const want = new Float64Array(x.data.length);
    for (let o = 0; o < arg.length; o++) want[arg[o]] += dy.data[o];
    expect(bitwiseDiff(maxPoolGrad(dy, x, c.filterSize, c.strides, c.pad), { shape: x.shape, data: want })).toBeUndefined();
  });
});

describe('maxPoolGrad argument errors', () => {
  it.each([
    ['dy of the wrong shape', () => maxPoolGrad(tensor([1, 1, 1, 1]), x44, 2, 2, 'valid'), /Error in maxPoolGrad: dy must have the output shape \[1,2,2,1\], got \[1,1,1,1\]/],
    ['negative stride', () => maxPoolGrad(tensor([1, 1, 1, 1]), x44, 2, [1, -1], 'valid'), /Error in maxPoolGrad: strides must be positive integers, got \[1,-1\]/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
