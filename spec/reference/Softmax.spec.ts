import { softmax, softmaxGrad } from '../../reference/Softmax';
import { tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, maxDiff } from './helpers';

const rng = new Rng(99);

describe('softmax', () => {
  it('by hand: softmax([0, ln 2]) = [1/3, 2/3]; stable at +-1e4 and at 88.7', () => {
    const y = softmax(tensor([2], [0, Math.log(2)]));
    expect(y.data[0]).toBeCloseTo(1 / 3, 15);
    expect(y.data[1]).toBeCloseTo(2 / 3, 15);
    expect(Array.from(softmax(tensor([2], [1e4, -1e4])).data)).toEqual([1, 0]);
    const big = softmax(tensor([2], [88.7, 89.7]));
    expect(big.data[1] / big.data[0]).toBeCloseTo(Math.E, 12);
  });

  it('metamorphic: adding a constant to a row changes nothing (to float64 rounding)', () => {
    const x = rng.tensor([5, 7], -4, 4);
    const shifted = tensor([5, 7], x.data.map((v, i) => v + (Math.floor(i / 7) - 2) * 3.25));
    expect(maxDiff(softmax(x), softmax(shifted))).toBeLessThan(1e-15);
  });

  it('a fully masked row is NaN; -Inf entries get exactly 0; a NaN makes its row NaN', () => {
    const y = softmax(tensor([2, 3], [-Infinity, -Infinity, -Infinity, 0, -Infinity, 0]));
    expect(Array.from(y.data.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(y.data.subarray(3))).toEqual([0.5, 0, 0.5]);
    expect(Array.from(softmax(tensor([3], [1, NaN, 2])).data).every(Number.isNaN)).toBe(true);
  });

  it("order: max, exp(x - max), the sum from 0 in ascending j, one division each; bitwise", () => {
    const x = rng.tensor([6, 11], -5, 5);
    const want = new Float64Array(x.data.length);
    for (let r = 0; r < 6; r++) {
      const row = Array.from(x.data.subarray(r * 11, r * 11 + 11));
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      let sum = 0;
      for (const v of e) sum += v;
      e.forEach((v, j) => (want[r * 11 + j] = v / sum));
    }
    expect(bitwiseDiff(softmax(x), { shape: x.shape, data: want })).toBeUndefined();
  });

  it('rejects a scalar and an empty last axis', () => {
    expect(() => softmax(tensor([]))).toThrow(/Error in softmax: logits must have rank >= 1, got a scalar/);
    expect(() => softmax(tensor([2, 0]))).toThrow(/Error in softmax: the last axis of logits \[2,0\] is empty/);
  });
});

describe('softmaxGrad', () => {
  it('y (dy - sum(dy y)) sums to zero over each row', () => {
    const y = softmax(rng.tensor([4, 6]));
    const dx = softmaxGrad(y, rng.tensor([4, 6]));
    for (let r = 0; r < 4; r++) expect(Math.abs(dx.data.subarray(r * 6, r * 6 + 6).reduce((a, b) => a + b, 0))).toBeLessThan(1e-15);
  });

  it('order: s from 0 adding dy_j y_j in ascending j, then y_j (dy_j - s); bitwise', () => {
    const y = softmax(rng.tensor([5, 9]));
    const dy = rng.tensor([5, 9]);
    const want = new Float64Array(45);
    for (let r = 0; r < 5; r++) {
      let s = 0;
      for (let j = 0; j < 9; j++) s += dy.data[r * 9 + j] * y.data[r * 9 + j];
      for (let j = 0; j < 9; j++) want[r * 9 + j] = y.data[r * 9 + j] * (dy.data[r * 9 + j] - s);
    }
    expect(bitwiseDiff(softmaxGrad(y, dy), { shape: [5, 9], data: want })).toBeUndefined();
  });

  it('rejects a dy of another shape', () => {
    expect(() => softmaxGrad(tensor([2, 3]), tensor([3, 2]))).toThrow(/Error in softmaxGrad: dy must have the shape of y \[2,3\], got \[3,2\]/);
  });
});
