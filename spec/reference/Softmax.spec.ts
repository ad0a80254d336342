import { logSoftmax, logSoftmaxGrad, softmax, softmaxGrad } from '../../reference/Softmax';
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

  it('rejects a scalar, an empty last axis and any dim but the last', () => {
    expect(() => softmax(tensor([]))).toThrow(/Error in softmax: logits must have rank >= 1, got a scalar/);
    expect(() => softmax(tensor([2, 0]))).toThrow(/Error in softmax: the last axis of logits \[2,0\] is empty/);
    expect(() => softmax(tensor([2, 3]), 0)).toThrow(/Error in softmax: dim must be the last axis \(-1 or 1 for logits \[2,3\]\), got 0/);
  });

  it('any rank: a rank-5 tensor is its rows, each softmaxed alone; dim -1 and rank - 1 are the same', () => {
    const x = rng.tensor([2, 1, 3, 2, 4], -4, 4);
    const y = softmax(x);
    expect(bitwiseDiff(softmax(x, 4), y)).toBeUndefined();
    for (let r = 0; r < 12; r++) {
      const row = softmax(tensor([4], x.data.subarray(r * 4, r * 4 + 4)));
      expect(Array.from(y.data.subarray(r * 4, r * 4 + 4))).toEqual(Array.from(row.data));
    }
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

describe('logSoftmax', () => {
  it('by hand: logSoftmax([0, ln 3]) = [-ln 4, ln 3 - ln 4]; a one-element row is 0; stable at +-1e4 and at 88.7', () => {
    const y = logSoftmax(tensor([2], [0, Math.log(3)]));
    expect(y.data[0]).toBeCloseTo(-Math.log(4), 15);
    expect(y.data[1]).toBeCloseTo(Math.log(3) - Math.log(4), 15);
    expect(Array.from(logSoftmax(tensor([3, 1], [5, -2, 1e30])).data)).toEqual([0, 0, 0]);
    expect(Array.from(logSoftmax(tensor([2], [1e4, -1e4])).data)).toEqual([0, -2e4]);
    const big = logSoftmax(tensor([2], [88.7, 89.7]));
    expect(big.data[1] - big.data[0]).toBeCloseTo(1, 12);
    // far below exp's underflow: the max subtraction keeps the row finite
    expect(logSoftmax(tensor([2], [-1000, -1000])).data[0]).toBeCloseTo(-Math.log(2), 15);
  });

  it('is the log of softmax (to float64 rounding), at rank 4', () => {
    const x = rng.tensor([2, 3, 2, 5], -6, 6);
    const y = logSoftmax(x);
    const p = softmax(x);
    for (let i = 0; i < y.data.length; i++) expect(Math.abs(y.data[i] - Math.log(p.data[i]))).toBeLessThan(1e-14);
  });

  it('metamorphic: adding a constant to a row changes nothing (to float64 rounding)', () => {
    const x = rng.tensor([5, 7], -4, 4);
    const shifted = tensor([5, 7], x.data.map((v, i) => v + (Math.floor(i / 7) - 2) * 3.25));
    expect(maxDiff(logSoftmax(x), logSoftmax(shifted))).toBeLessThan(1e-14);
  });

  it('-Inf entries give -Inf; a row of only -Inf, a NaN or a +Inf makes its row NaN', () => {
    const y = logSoftmax(tensor([2, 3], [-Infinity, -Infinity, -Infinity, 0, -Infinity, 0]));
    expect(Array.from(y.data.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(y.data.subarray(3))).toEqual([-Math.log(2), -Infinity, -Math.log(2)]);
    expect(Array.from(logSoftmax(tensor([3], [1, NaN, 2])).data).every(Number.isNaN)).toBe(true);
    expect(Array.from(logSoftmax(tensor([3], [1, Infinity, 2])).data).every(Number.isNaN)).toBe(true);
  });

  it('order: max, d = x - max, the sum of exp(d) from 0 in ascending j, one log, y = d - log; bitwise', () => {
    const x = rng.tensor([6, 11], -5, 5);
    const want = new Float64Array(x.data.length);
    for (let r = 0; r < 6; r++) {
      const row = Array.from(x.data.subarray(r * 11, r * 11 + 11));
      const m = Math.max(...row);
      const d = row.map((v) => v - m);
      let sum = 0;
      for (const v of d) sum += Math.exp(v);
      const l = Math.log(sum);
      d.forEach((v, j) => (want[r * 11 + j] = v - l));
    }
    expect(bitwiseDiff(logSoftmax(x), { shape: x.shape, data: want })).toBeUndefined();
  });

  it('rejects a scalar, an empty last axis and any axis but the last', () => {
    expect(() => logSoftmax(tensor([]))).toThrow(/Error in logSoftmax: logits must have rank >= 1, got a scalar/);
    expect(() => logSoftmax(tensor([2, 0]))).toThrow(/Error in logSoftmax: the last axis of logits \[2,0\] is empty/);
    expect(() => logSoftmax(tensor([2, 3]), 0)).toThrow(/Error in logSoftmax: axis must be the last axis \(-1 or 1 for logits \[2,3\]\), got 0/);
    expect(() => logSoftmax(tensor([2, 3, 4]), 3)).toThrow(/Error in logSoftmax: axis must be the last axis \(-1 or 2 for logits \[2,3,4\]\), got 3/);
    expect(logSoftmax(tensor([2, 3]), 1).shape).toEqual([2, 3]);
  });
});

describe('logSoftmaxGrad', () => {
  it('agrees with central differences of logSoftmax (float64, step 1e-5)', () => {
    const x = rng.tensor([3, 5], -3, 3);
    const dy = rng.tensor([3, 5]);
    const dx = logSoftmaxGrad(logSoftmax(x), dy);
    const loss = (t: Float64Array) => logSoftmax(tensor([3, 5], t)).data.reduce((s, v, i) => s + v * dy.data[i], 0);
    for (let i = 0; i < 15; i++) {
      const plus = Float64Array.from(x.data);
      const minus = Float64Array.from(x.data);
      plus[i] += 1e-5;
      minus[i] -= 1e-5;
      expect(Math.abs((loss(plus) - loss(minus)) / 2e-5 - dx.data[i])).toBeLessThan(1e-8);
    }
  });

  it('the gradient of each row sums to sum(dy) (1 - sum softmax) = 0', () => {
    const y = logSoftmax(rng.tensor([4, 6]));
    const dx = logSoftmaxGrad(y, rng.tensor([4, 6]));
    for (let r = 0; r < 4; r++) expect(Math.abs(dx.data.subarray(r * 6, r * 6 + 6).reduce((a, b) => a + b, 0))).toBeLessThan(1e-15);
  });

  it('order: s from 0 adding dy_j in ascending j, then dy_j - exp(y_j) s; bitwise', () => {
    const y = logSoftmax(rng.tensor([5, 9]));
    const dy = rng.tensor([5, 9]);
    const want = new Float64Array(45);
    for (let r = 0; r < 5; r++) {
      let s = 0;
      for (let j = 0; j < 9; j++) s += dy.data[r * 9 + j];
      for (let j = 0; j < 9; j++) want[r * 9 + j] = dy.data[r * 9 + j] - Math.exp(y.data[r * 9 + j]) * s;
    }
    expect(bitwiseDiff(logSoftmaxGrad(y, dy), { shape: [5, 9], data: want })).toBeUndefined();
  });

  it('rejects a dy of another shape', () => {
    expect(() => logSoftmaxGrad(tensor([2, 3]), tensor([3, 2]))).toThrow(/Error in logSoftmaxGrad: dy must have the shape of y \[2,3\], got \[3,2\]/);
  });
});
