import { matMul, matMulGrad } from '../../reference/BatchMatMul';
import { feedForward, feedForwardGrad, gelu, geluDerivative } from '../../reference/FeedForward';
import { reluGradScalar, reluScalar } from '../../reference/Relu';
import { Tensor64, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff } from './helpers';

const rng = new Rng(99);

describe('feedForward', () => {
  it('by hand: y = x + relu(x W1 + b1) W2 + b2', () => {
    const x = tensor([1, 1, 2], [1, -2]);
    const w = { w1: tensor([2, 2], [1, 0, 0, 1]), b1: tensor([2], [0.5, 0.5]), w2: tensor([2, 2], [2, 0, 0, 2]), b2: tensor([2], [0, 1]) };
    // z = [1.5, -1.5]; relu = [1.5, 0]; a W2 = [3, 0]; + b2 = [3, 1]; + x = [4, -1]
    expect(Array.from(feedForward(x, w, 'relu').data)).toEqual([4, -1]);
  });

  it('GELU (tanh form) is 0 at 0, ~x for large x, ~0 for very negative x; its derivative matches differences', () => {
    expect(gelu(0)).toBe(0);
    expect(gelu(10)).toBeCloseTo(10, 10);
    expect(Math.abs(gelu(-10))).toBeLessThan(1e-10);
    expect(gelu(1)).toBeCloseTo(0.8411919906082768, 12);
    for (const z of [-2, -0.3, 0, 0.7, 3]) expect(geluDerivative(z)).toBeCloseTo((gelu(z + 1e-6) - gelu(z - 1e-6)) / 2e-6, 8);
  });

  const x = rng.tensor([2, 3, 4]);
  const w = { w1: rng.tensor([4, 5]), b1: rng.tensor([5]), w2: rng.tensor([5, 4]), b2: rng.tensor([4]) };
  const xf = { shape: [6, 4], data: x.data };
  const addRow = (t: Tensor64, b: Tensor64) => ({ shape: t.shape, data: t.data.map((v, i) => v + b.data[i % b.data.length]) });

  it.each(['relu', 'gelu'] as const)('order (%s): z = matMul(x, W1) + b1, then (matMul(act(z), W2) + b2) + x (bitwise)', (act) => {
    const z = addRow(matMul(xf, w.w1), w.b1);
    const a = { shape: z.shape, data: z.data.map(act === 'relu' ? reluScalar : gelu) };
    const y = addRow(matMul(a, w.w2), w.b2);
    expect(bitwiseDiff(feedForward(x, w, act), { shape: x.shape, data: y.data.map((v, i) => v + x.data[i]) })).toBeUndefined();
  });

  it.each(['relu', 'gelu'] as const)('gradient order (%s): matMulGrad; db sums rows from 0 in ascending order; dx = dz W1^T + dy (bitwise)', (act) => {
    const dy = rng.tensor([2, 3, 4]);
    const z = addRow(matMul(xf, w.w1), w.b1);
    const a = { shape: z.shape, data: z.data.map(act === 'relu' ? reluScalar : gelu) };
    const g2 = matMulGrad(a, w.w2, { shape: [6, 4], data: dy.data });
    const dz = { shape: z.shape, data: g2.a.data.map((g, i) => (act === 'relu' ? reluGradScalar(z.data[i], g) : g * geluDerivative(z.data[i]))) };
    const g1 = matMulGrad(xf, w.w1, dz);
    const db1 = new Float64Array(5);
    for (let r = 0; r < 6; r++) for (let j = 0; j < 5; j++) db1[j] += dz.data[r * 5 + j];
    const db2 = new Float64Array(4);
    for (let r = 0; r < 6; r++) for (let j = 0; j < 4; j++) db2[j] += dy.data[r * 4 + j];
    const got = feedForwardGrad(x, w, act, dy);
    expect(bitwiseDiff(got.x, { shape: x.shape, data: g1.a.data.map((v, i) => v + dy.data[i]) })).toBeUndefined();
    expect(bitwiseDiff(got.w1, g1.b)).toBeUndefined();
    expect(bitwiseDiff(got.w2, g2.b)).toBeUndefined();
    expect(bitwiseDiff(got.b1, { shape: [5], data: db1 })).toBeUndefined();
    expect(bitwiseDiff(got.b2, { shape: [4], data: db2 })).toBeUndefined();
  });

  it('rejects a w1 of the wrong height', () => {
    expect(() => feedForward(x, { ...w, w1: rng.tensor([3, 5]) }, 'relu')).toThrow(/Error in feedForward: w1 must have 4 rows \(the width of x\), got \[3,5\]/);
  });
});
