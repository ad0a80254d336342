import { activationScalar } from '../../reference/activation';
import { fusedMatMul, fusedMatMulGrad } from '../../reference/FusedMatMul';
import { Tensor64, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff } from './helpers';

const rnd = (rng: Rng, shape: number[]) => tensor(shape, rng.uniform(shape.reduce((a, b) => a * b, 1)));

describe('fusedMatMul', () => {
  it('a hand case: [[1,2],[3,4]] [[1],[-1]] + [0.5], relu', () => {
    const y = fusedMatMul({ a: tensor([2, 2], [1, 2, 3, 4]), b: tensor([2, 1], [1, -1]), bias: tensor([1], [0.5]), activation: 'relu' });
    expect(y.shape).toEqual([2, 1]);
    expect(Array.from(y.data)).toEqual([0, 0]);
    const l = fusedMatMul({ a: tensor([2, 2], [1, 2, 3, 4]), b: tensor([2, 1], [1, -1]), bias: tensor([1], [0.5]) });
    expect(Array.from(l.data)).toEqual([-0.5, -0.5]);
  });

  it('prelu weights per column, leakyrelu alpha, default activation linear', () => {
    const a = tensor([1, 2], [1, 1]);
    const b = tensor([2, 2], [-1, -2, -3, 4]);
    expect(Array.from(fusedMatMul({ a, b, activation: 'prelu', preluActivationWeights: tensor([2], [0.5, 3]) }).data)).toEqual([-2, 2]);
    expect(Array.from(fusedMatMul({ a, b, activation: 'leakyrelu', leakyreluAlpha: 0.25 }).data)).toEqual([-1, 2]);
    expect(Array.from(fusedMatMul({ a, b, activation: 'leakyrelu' }).data)).toEqual([-4 * 0.2, 2]);
  });

  it('keeps the stated order, bitwise: each sum from 0 in ascending p, then + bias, then f', () => {
    const rng = new Rng(7);
    for (const act of ['linear', 'relu', 'elu', 'sigmoid', 'leakyrelu'] as const) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
        const [m, k, n] = [3, 5, 4];
        const a = rnd(rng, tA ? [2, k, m] : [2, m, k]);
        const b = rnd(rng, tB ? [n, k] : [k, n]);
        const bias = rnd(rng, [n]);
        const y = fusedMatMul({ a, b, transposeA: tA, transposeB: tB, bias, activation: act, leakyreluAlpha: 0.3 });
        const want = new Float64Array(2 * m * n);
        for (let t = 0; t < 2; t++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += (tA ? a.data[t * k * m + p * m + i] : a.data[t * m * k + i * k + p]) * (tB ? b.data[j * k + p] : b.data[p * n + j]);
          want[(t * m + i) * n + j] = activationScalar(act, s + bias.data[j], 0.3);
        }
        expect(bitwiseDiff(y, { shape: [2, m, n], data: want })).toBeUndefined();
      }
    }
  });

  it('gradients agree with central differences of the forward (sigmoid, elu, leakyrelu)', () => {
    const rng = new Rng(11);
    for (const act of ['sigmoid', 'elu', 'leakyrelu', 'linear'] as const) {
      const args = { a: rnd(rng, [3, 4]), b: rnd(rng, [4, 2]), bias: rnd(rng, [2]), activation: act, leakyreluAlpha: 0.3 };
      const dy = rnd(rng, [3, 2]);
      const g = fusedMatMulGrad(args, dy);
      const loss = (o: typeof args) => fusedMatMul(o).data.reduce((s, v, i) => s + v * dy.data[i], 0);
      for (const name of ['a', 'b', 'bias'] as const) {
        const t: Tensor64 = args[name];
        for (let i = 0; i < t.data.length; i++) {
          const h = 1e-6;
          const plus = Float64Array.from(t.data); plus[i] += h;
          const minus = Float64Array.from(t.data); minus[i] -= h;
          const fd = (loss({ ...args, [name]: { shape: t.shape, data: plus } }) - loss({ ...args, [name]: { shape: t.shape, data: minus } })) / (2 * h);
          expect(g[name]!.data[i]).toBeCloseTo(fd, 6);
        }
      }
    }
  });

  it('rejects ill-formed arguments, naming them', () => {
    const a = tensor([2, 3]);
    const b = tensor([3, 2]);
    expect(() => fusedMatMul({ a, b: tensor([4, 2]) })).toThrow(/Error in fused matMul: inner dimensions of a \[2,3\] \(transposeA=false\) and b \[4,2\] \(transposeB=false\) must match, got 3 and 4/);
    expect(() => fusedMatMul({ a, b, bias: tensor([3]) })).toThrow(/Error in fused matMul: bias of shape \[3\] must be a scalar, \[2\]/);
    expect(() => fusedMatMul({ a, b, activation: 'prelu' })).toThrow(/Error in fused matMul: activation 'prelu' needs preluActivationWeights, got none/);
    expect(() => fusedMatMul({ a, b, activation: 'prelu', preluActivationWeights: tensor([2, 3]) })).toThrow(/Error in fused matMul: preluActivationWeights of shape \[2,3\]/);
    expect(() => fusedMatMul({ a, b, activation: 'swish' as never })).toThrow(/Error in fused matMul: activation must be one of/);
    expect(() => fusedMatMul({ a, b, activation: 'leakyrelu', leakyreluAlpha: NaN })).toThrow(/Error in fused matMul: leakyreluAlpha must be a finite number, got NaN/);
  });
});
