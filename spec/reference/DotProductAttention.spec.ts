import { matMul, matMulGrad } from '../../reference/BatchMatMul';
import { additiveMask, attentionInfo, dotProductAttention, dotProductAttentionGrad } from '../../reference/DotProductAttention';
import { softmax, softmaxGrad } from '../../reference/Softmax';
import { Tensor64, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, maxDiff } from './helpers';

const rng = new Rng(99);
const q = rng.tensor([2, 6, 4]);
const k = rng.tensor([2, 6, 4]);
const v = rng.tensor([2, 6, 3]);

describe('masks and metamorphic relations of attention', () => {
  it('the causal mask equals an explicit lower-triangular boolean mask', () => {
    const keep = tensor([6, 6], Array.from({ length: 36 }, (_, i) => (i % 6 <= Math.floor(i / 6) ? 1 : 0)));
    expect(Array.from(dotProductAttention(q, k, v, { kind: 'causal' }).output.data)).toEqual(Array.from(dotProductAttention(q, k, v, { kind: 'boolean', keep }).output.data));
  });

  it('an all-true mask equals no mask', () => {
    const keep = tensor([2, 6, 6], new Array(72).fill(1));
    expect(Array.from(dotProductAttention(q, k, v, { kind: 'boolean', keep }).output.data)).toEqual(Array.from(dotProductAttention(q, k, v).output.data));
  });

  it('permuting keys and values together leaves unmasked attention unchanged', () => {
    const perm = [3, 0, 5, 1, 4, 2];
    const permute = (t: Tensor64) => {
      const [b, n, d] = t.shape;
      const out = new Float64Array(t.data.length);
      for (let bb = 0; bb < b; bb++) for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[(bb * n + i) * d + j] = t.data[(bb * n + perm[i]) * d + j];
      return tensor(t.shape, out);
    };
    expect(maxDiff(dotProductAttention(q, permute(k), permute(v)).output, dotProductAttention(q, k, v).output)).toBeLessThan(1e-15);
  });

  it('a fully masked row gives NaN outputs', () => {
    const keep = tensor([6, 6], Array.from({ length: 36 }, (_, i) => (i < 6 ? 0 : 1)));
    const out = dotProductAttention(q, k, v, { kind: 'boolean', keep }).output;
    expect(Array.from(out.data.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.data.subarray(3, 18)).every(Number.isFinite)).toBe(true);
  });

  it('additiveMask: causal is 0 on and below the diagonal, -Inf above', () => {
    expect(Array.from(additiveMask('op', { kind: 'causal' }, 1, 2, 3).data)).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity]);
  });
});

describe("order: the TF.js composition's steps, each in its own op's order (bitwise)", () => {
  it('forward, with a causal mask and the default scale', () => {
    const c = 1 / Math.sqrt(4);
    let s = matMul(q, k, false, true);
    s = { shape: s.shape, data: s.data.map((x) => x * c) };
    const M = additiveMask('op', { kind: 'causal' }, 2, 6, 6);
    s = { shape: s.shape, data: s.data.map((x, i) => x + M.data[i % 36]) };
    const p = softmax(s);
    const got = dotProductAttention(q, k, v, { kind: 'causal' });
    expect(bitwiseDiff(got.weights, p)).toBeUndefined();
    expect(bitwiseDiff(got.output, matMul(p, v))).toBeUndefined();
  });

  it('gradient: dV = P^T dOut; dP = dOut V^T; dS = softmaxGrad(P, dP); dQ = (scale dS) K; dK = (scale dS)^T Q', () => {
    const dOut = rng.tensor([2, 6, 3]);
    const scale = 0.7;
    const p = dotProductAttention(q, k, v, undefined, scale).weights;
    const { a: dP, b: dV } = matMulGrad(p, v, dOut);
    const dS = softmaxGrad(p, dP);
    const scaled = { shape: dS.shape, data: dS.data.map((x) => x * scale) };
    const { a: dQ, b: dK } = matMulGrad(q, k, scaled, false, true);
    const got = dotProductAttentionGrad(q, k, v, dOut, undefined, scale);
    expect(bitwiseDiff(got.q, dQ)).toBeUndefined();
    expect(bitwiseDiff(got.k, dK)).toBeUndefined();
    expect(bitwiseDiff(got.v, dV)).toBeUndefined();
  });
});

describe('dotProductAttention argument errors', () => {
  it.each([
    ['mismatched d_k', () => dotProductAttention(rng.tensor([1, 2, 4]), rng.tensor([1, 3, 5]), rng.tensor([1, 3, 2])), /Error in dotProductAttention: d_k of q \(4\) must match d_k of k \(5\)/],
    ['a mask of the wrong shape', () => dotProductAttention(q, k, v, { kind: 'boolean', keep: tensor([5, 6]) }), /Error in dotProductAttention: mask must have shape \[6,6\] or \[2,6,6\], got \[5,6\]/],
    ['a boolean mask holding 2', () => dotProductAttention(q, k, v, { kind: 'boolean', keep: tensor([6, 6], new Array(36).fill(2)) }), /Error in dotProductAttention: a boolean mask holds only 0 and 1/],
    ['attentionInfo takes the op name first', () => attentionInfo('someAttention', q, k, rng.tensor([2, 5, 3])), /Error in someAttention: k and v must have the same sequence length, got 6 and 5/],
  ])('rejects %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
