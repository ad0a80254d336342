import { matMul, matMulGrad } from '../../reference/BatchMatMul';
import { dotProductAttentionGrad } from '../../reference/DotProductAttention';
import { selfAttention, selfAttentionGrad, selfAttentionLoop } from '../../reference/SelfAttention';
import { tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, maxDiff } from './helpers';

const rng = new Rng(99);

/** [batch, n, d, d_k, d_v, mask] */
const CASES = [
  [1, 1, 1, 1, 1, 'none'],
  [1, 3, 4, 2, 3, 'none'],
  [2, 5, 3, 4, 2, 'causal'],
  [1, 9, 8, 8, 8, 'none'],
  [3, 7, 6, 3, 5, 'causal'],
  [2, 9, 4, 6, 1, 'causal'],
] as const;
const id = (c: (typeof CASES)[number]) => `h=[${c[0]},${c[1]},${c[2]}] dk=${c[3]} dv=${c[4]} mask=${c[5]}`;
const inputs = (c: (typeof CASES)[number]) => {
  const [batch, n, d, dk, dv, mask] = c;
  const h = rng.tensor([batch, n, d]);
  const w = { wq: rng.tensor([dk, d]), wk: rng.tensor([dk, d]), wv: rng.tensor([dv, d]) };
  return { h, w, mask: mask === 'causal' ? ({ kind: 'causal' } as const) : undefined };
};

describe('self-attention: the notes loop form and the matrix form agree to float64 rounding', () => {
  it.each(CASES.map((c) => [id(c), c] as const))('%s', (_id, c) => {
    const { h, w, mask } = inputs(c);
    const loop = selfAttentionLoop(h, w, mask);
    const matrix = selfAttention(h, w, mask);
    const scale = loop.data.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 1);
    expect(maxDiff(loop, matrix)).toBeLessThan(1e-13 * scale);
  });
});

describe("selfAttentionLoop's order: the notes' formulas, every sum from 0 in ascending index (bitwise)", () => {
  it.each(CASES.map((c) => [id(c), c] as const))('%s', (_id, c) => {
    const [batch, n, d, dk, dv] = c;
    const { h, w, mask } = inputs(c);
    const scale = 0.5;
    const dotRow = (W: Float64Array, i: number, b: number, t: number) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += W[i * d + j] * h.data[(b * n + t) * d + j];
      return s;
    };
    const want = new Float64Array(batch * n * dv);
    for (let b = 0; b < batch; b++) {
      for (let l = 0; l < n; l++) {
        const e: number[] = [];
        for (let t = 0; t < n; t++) {
          let s = 0;
          for (let i = 0; i < dk; i++) s += dotRow(w.wq.data, i, b, l) * dotRow(w.wk.data, i, b, t); // q_l . k_t
          e[t] = s * scale + (mask && t > l ? -Infinity : 0);
        }
        const m = Math.max(...e);
        let z = 0;
        for (let t = 0; t < n; t++) z += Math.exp(e[t] - m);
        for (let i = 0; i < dv; i++) {
          let a = 0;
          for (let t = 0; t < n; t++) a += (Math.exp(e[t] - m) / z) * dotRow(w.wv.data, i, b, t); // a_l = sum_t alpha_{l,t} v_t
          want[(b * n + l) * dv + i] = a;
        }
      }
    }
    expect(bitwiseDiff(selfAttentionLoop(h, w, mask, scale), { shape: [batch, n, dv], data: want })).toBeUndefined();
  });
});

describe('selfAttentionGrad', () => {
  it('order: dotProductAttentionGrad and matMulGrad; dh = dh_q + dh_k + dh_v left to right (bitwise)', () => {
    const { h, w } = inputs(CASES[2]);
    const dOut = rng.tensor([2, 5, 2]);
    const Q = matMul(h, w.wq, false, true);
    const K = matMul(h, w.wk, false, true);
    const V = matMul(h, w.wv, false, true);
    const d = dotProductAttentionGrad(Q, K, V, dOut, { kind: 'causal' }, 1);
    const gq = matMulGrad(h, w.wq, d.q, false, true);
    const gk = matMulGrad(h, w.wk, d.k, false, true);
    const gv = matMulGrad(h, w.wv, d.v, false, true);
    const got = selfAttentionGrad(h, w, dOut, { kind: 'causal' });
    expect(bitwiseDiff(got.h, { shape: h.shape, data: gq.a.data.map((x, i) => x + gk.a.data[i] + gv.a.data[i]) })).toBeUndefined();
    expect(bitwiseDiff(got.wq, gq.b)).toBeUndefined();
    expect(bitwiseDiff(got.wk, gk.b)).toBeUndefined();
    expect(bitwiseDiff(got.wv, gv.b)).toBeUndefined();
  });
});

describe('selfAttention argument errors', () => {
  it.each([
    ['an empty sequence', () => selfAttention(tensor([1, 0, 4]), { wq: rng.tensor([2, 4]), wk: rng.tensor([2, 4]), wv: rng.tensor([2, 4]) }), /Error in selfAttention: sequence length and width must be positive, got h \[1,0,4\]/],
    ['wq and wk of different d_k', () => selfAttention(rng.tensor([1, 2, 4]), { wq: rng.tensor([2, 4]), wk: rng.tensor([3, 4]), wv: rng.tensor([2, 4]) }), /Error in selfAttention: wq and wk must have the same number of rows \(d_k\), got 2 and 3/],
  ])('rejects %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
