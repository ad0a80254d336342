import { matMul, matMulGrad } from '../../reference/BatchMatMul';
import { dotProductAttention } from '../../reference/DotProductAttention';
import { feedForward, gelu } from '../../reference/FeedForward';
import { multiHeadAttention } from '../../reference/MultiHeadAttention';
import { positionalEncoding, sinusoidalShift } from '../../reference/PositionalEncoding';
import { selfAttention, selfAttentionLoop } from '../../reference/SelfAttention';
import { softmax, softmaxGrad } from '../../reference/Softmax';
import { Tensor64, tensor } from '../../reference/tensor';
import { selfAttentionSpec } from '../../src/ops/attention';
import { Rng } from '../../src/random';

const rng = new Rng(99);
const rand = (shape: number[], lo = -1, hi = 1) => tensor(shape, rng.uniform(shape.reduce((a, b) => a * b, 1), lo, hi));
/** Largest |a - b|; NaN against NaN and equal infinities count as agreement, any other special value as Infinity. */
const maxDiff = (a: Tensor64, b: Tensor64) =>
  a.data.reduce((m, v, i) => {
    const w = b.data[i];
    if ((Number.isNaN(v) && Number.isNaN(w)) || v === w) return m;
    return Math.max(m, Number.isFinite(v) && Number.isFinite(w) ? Math.abs(v - w) : Infinity);
  }, 0);

describe('matMul', () => {
  it('by hand, with transposes and a broadcast batch', () => {
    const a = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = tensor([3, 2], [7, 8, 9, 10, 11, 12]);
    expect(Array.from(matMul(a, b).data)).toEqual([58, 64, 139, 154]);
    expect(Array.from(matMul(b, a, true, true).data)).toEqual([58, 139, 64, 154]);
    const a3 = tensor([2, 2, 3], [1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(matMul(a3, b).data)).toEqual([58, 64, 139, 154, 7, 8, 9, 10]);
  });

  it('its gradient sums over the batch a rank-2 b was broadcast along', () => {
    const a3 = rand([3, 2, 4]);
    const b = rand([4, 5]);
    const dy = rand([3, 2, 5]);
    const g = matMulGrad(a3, b, dy);
    expect(g.b.shape).toEqual([4, 5]);
    let want = 0;
    for (let t = 0; t < 3; t++) for (let i = 0; i < 2; i++) want += a3.data[t * 8 + i * 4 + 1] * dy.data[t * 10 + i * 5 + 2];
    expect(g.b.data[1 * 5 + 2]).toBeCloseTo(want, 12);
  });

  it('rejects mismatched inner dimensions with the shapes in the message', () => {
    expect(() => matMul(tensor([2, 3]), tensor([4, 2]))).toThrow(/Error in matMul: inner dimensions of a \[2,3\] \(transposeA=false\) and b \[4,2\] \(transposeB=false\) must match, got 3 and 4/);
  });
});

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
    const x = rand([5, 7], -4, 4);
    const shifted = tensor([5, 7], x.data.map((v, i) => v + (Math.floor(i / 7) - 2) * 3.25));
    expect(maxDiff(softmax(x), softmax(shifted))).toBeLessThan(1e-15);
  });

  it('a fully masked row is NaN; -Inf entries get exactly 0', () => {
    const y = softmax(tensor([2, 3], [-Infinity, -Infinity, -Infinity, 0, -Infinity, 0]));
    expect(Array.from(y.data.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(y.data.subarray(3))).toEqual([0.5, 0, 0.5]);
  });

  it('its gradient y (dy - sum(dy y)) sums to zero over each row', () => {
    const y = softmax(rand([4, 6]));
    const dx = softmaxGrad(y, rand([4, 6]));
    for (let r = 0; r < 4; r++) expect(Math.abs(dx.data.subarray(r * 6, r * 6 + 6).reduce((a, b) => a + b, 0))).toBeLessThan(1e-15);
  });
});

describe('self-attention: the notes loop form and the matrix form agree to float64 rounding', () => {
  it.each(selfAttentionSpec.cases(1).filter((c) => c.inputs.h.shape[1] <= 9).map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const w = { wq: c.inputs.wq, wk: c.inputs.wk, wv: c.inputs.wv };
    const mask = c.params.mask === 'causal' ? ({ kind: 'causal' } as const) : undefined;
    const loop = selfAttentionLoop(c.inputs.h, w, mask);
    const matrix = selfAttention(c.inputs.h, w, mask);
    const scale = loop.data.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 1);
    expect(maxDiff(loop, matrix)).toBeLessThan(1e-13 * scale);
  });
});

describe('masks and metamorphic relations of attention', () => {
  const q = rand([2, 6, 4]);
  const k = rand([2, 6, 4]);
  const v = rand([2, 6, 3]);

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

  it('multi-head attention with one head and identity projections equals dot-product attention', () => {
    const x = rand([2, 5, 4]);
    const eye = tensor([4, 4], Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0)));
    const mha = multiHeadAttention(x, { wq: eye, wk: eye, wv: eye, wo: eye }, 1);
    expect(Array.from(mha.data)).toEqual(Array.from(dotProductAttention(x, x, x).output.data));
  });

  it('a fully masked row gives NaN outputs', () => {
    const keep = tensor([6, 6], Array.from({ length: 36 }, (_, i) => (i < 6 ? 0 : 1)));
    const out = dotProductAttention(q, k, v, { kind: 'boolean', keep }).output;
    expect(Array.from(out.data.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.data.subarray(3, 18)).every(Number.isFinite)).toBe(true);
  });

  it.each([
    ['mismatched d_k', () => dotProductAttention(rand([1, 2, 4]), rand([1, 3, 5]), rand([1, 3, 2])), /Error in dotProductAttention: d_k of q \(4\) must match d_k of k \(5\)/],
    ['a mask of the wrong shape', () => dotProductAttention(q, k, v, { kind: 'boolean', keep: tensor([5, 6]) }), /Error in dotProductAttention: mask must have shape \[6,6\] or \[2,6,6\], got \[5,6\]/],
    ['a boolean mask holding 2', () => dotProductAttention(q, k, v, { kind: 'boolean', keep: tensor([6, 6], new Array(36).fill(2)) }), /Error in dotProductAttention: a boolean mask holds only 0 and 1/],
    ['heads not dividing the width', () => multiHeadAttention(rand([1, 2, 6]), { wq: rand([6, 6]), wk: rand([6, 6]), wv: rand([6, 6]), wo: rand([6, 6]) }, 4), /Error in multiHeadAttention: heads \(4\) must be a positive integer dividing the model width \(6\)/],
    ['a non-positive sequence length', () => positionalEncoding(-3, 4, 'natural'), /Error in positionalEncoding: the sequence length n must be a positive integer, got -3/],
    ['an empty sequence', () => selfAttention(tensor([1, 0, 4]), { wq: rand([2, 4]), wk: rand([2, 4]), wv: rand([2, 4]) }), /Error in selfAttention: sequence length and width must be positive, got h \[1,0,4\]/],
  ])('rejects %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('positional encodings (notes, parts 2c and 2d)', () => {
  it('natural numbers start at 1; normalised values lie in (0, 1], the last exactly 1', () => {
    expect(Array.from(positionalEncoding(4, 2, 'natural').data)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    for (const n of [1, 7, 512]) {
      const pe = positionalEncoding(n, 3, 'normalized').data;
      expect(pe.every((v) => v > 0 && v <= 1)).toBe(true);
      expect(pe[pe.length - 1]).toBe(1);
    }
  });

  it('sinusoidal: PE(pos + k) is the same block rotation of PE(pos) for every pos', () => {
    const n = 64;
    const d = 16;
    const pe = positionalEncoding(n, d, 'sinusoidal');
    for (const k of [1, 5, 17]) {
      const M = sinusoidalShift(k, d);
      for (let pos = 0; pos + k < n; pos++) {
        const row = tensor([d, 1], pe.data.subarray(pos * d, pos * d + d));
        const shifted = matMul(M, row).data;
        for (let i = 0; i < d; i++) expect(Math.abs(shifted[i] - pe.data[(pos + k) * d + i])).toBeLessThan(1e-12);
      }
    }
  });
});

describe('feedForward', () => {
  it('by hand: y = x + relu(x W1 + b1) W2 + b2', () => {
    const x = tensor([1, 1, 2], [1, -2]);
    const w = { w1: tensor([2, 2], [1, 0, 0, 1]), b1: tensor([2], [0.5, 0.5]), w2: tensor([2, 2], [2, 0, 0, 2]), b2: tensor([2], [0, 1]) };
    // z = [1.5, -1.5]; relu = [1.5, 0]; a W2 = [3, 0]; + b2 = [3, 1]; + x = [4, -1]
    expect(Array.from(feedForward(x, w, 'relu').data)).toEqual([4, -1]);
  });

  it('GELU (tanh form) is 0 at 0, ~x for large x, ~0 for very negative x', () => {
    expect(gelu(0)).toBe(0);
    expect(gelu(10)).toBeCloseTo(10, 10);
    expect(Math.abs(gelu(-10))).toBeLessThan(1e-10);
    expect(gelu(1)).toBeCloseTo(0.8411919906082768, 12);
  });
});
