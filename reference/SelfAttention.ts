/**
 * Self-attention exactly as the notes define it (part 2): k_t = W_k h_t,
 * q_t = W_q h_t, v_t = W_v h_t; e_{l,t} = q_l . k_t; alpha_{l,.} = softmax_t(e_{l,.});
 * a_l = sum_t alpha_{l,t} v_t — once as the notes' loops, once in the matrix form
 * of part 2b, a = softmax(Q K^T) V with Q = H W_q^T (rows of H are the h_t).
 *
 * Shapes: h [batch, n, d]; W_q, W_k [d_k, d]; W_v [d_v, d]. The notes' form has
 * no scale (scale = 1); a mask as in dotProductAttention.
 */
import { matMul, matMulGrad } from './BatchMatMul';
import { AttentionMask, additiveMask, dotProductAttention, dotProductAttentionGrad } from './DotProductAttention';
import { ArgumentError, Tensor64, expectRank } from './tensor';

export interface SelfAttentionWeights {
  wq: Tensor64;
  wk: Tensor64;
  wv: Tensor64;
}

function check(op: string, h: Tensor64, w: SelfAttentionWeights): { batch: number; n: number; d: number; dk: number; dv: number } {
  expectRank(op, 'h', h, 3);
  for (const name of ['wq', 'wk', 'wv'] as const) expectRank(op, name, w[name], 2);
  const [batch, n, d] = h.shape;
  if (n <= 0 || d <= 0 || batch <= 0) throw new ArgumentError(op, `sequence length and width must be positive, got h [${h.shape.join(',')}].`);
  for (const name of ['wq', 'wk', 'wv'] as const) {
    if (w[name].shape[1] !== d) throw new ArgumentError(op, `${name} must have ${d} columns (the width of h), got [${w[name].shape.join(',')}].`);
  }
  if (w.wq.shape[0] !== w.wk.shape[0]) throw new ArgumentError(op, `wq and wk must have the same number of rows (d_k), got ${w.wq.shape[0]} and ${w.wk.shape[0]}.`);
  return { batch, n, d, dk: w.wq.shape[0], dv: w.wv.shape[0] };
}

/**
 * The notes' loops, one position at a time. Order: every sum starts at 0 and
 * adds one product at a time in ascending index: q_t[i] = sum_j W_q[i, j] h_t[j]
 * (and k_t, v_t); e_{l,t} = (sum_i q_l[i] k_t[i]) * scale + M[l, t]; m = max_t
 * e_{l,t}; z = sum_t exp(e_{l,t} - m); a_l[i] = sum_t (exp(e_{l,t} - m) / z) v_t[i].
 */
export function selfAttentionLoop(h: Tensor64, w: SelfAttentionWeights, mask?: AttentionMask, scale = 1): Tensor64 {
  const { batch, n, d, dk, dv } = check('selfAttention', h, w);
  const M = mask ? additiveMask('selfAttention', mask, batch, n, n) : undefined;
  const out = new Float64Array(batch * n * dv);
  const proj = (W: Tensor64, rows: number, b: number, t: number) => {
    const r = new Float64Array(rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) r[i] += W.data[i * d + j] * h.data[(b * n + t) * d + j];
    return r;
  };
  for (let b = 0; b < batch; b++) {
    const q = Array.from({ length: n }, (_, t) => proj(w.wq, dk, b, t)); // q_t = W_q h_t
    const k = Array.from({ length: n }, (_, t) => proj(w.wk, dk, b, t)); // k_t = W_k h_t
    const v = Array.from({ length: n }, (_, t) => proj(w.wv, dv, b, t)); // v_t = W_v h_t
    for (let l = 0; l < n; l++) {
      const e = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        for (let i = 0; i < dk; i++) e[t] += q[l][i] * k[t][i]; // e_{l,t} = q_l . k_t
        e[t] *= scale;
        if (M) e[t] += M.data[(M.shape.length === 3 ? b * n * n : 0) + l * n + t];
      }
      const m = Math.max(...e);
      const alpha = e.map((x) => Math.exp(x - m));
      const z = alpha.reduce((a, x) => a + x, 0);
      for (let t = 0; t < n; t++) {
        const at = alpha[t] / z; // alpha_{l,t}
        for (let i = 0; i < dv; i++) out[(b * n + l) * dv + i] += at * v[t][i]; // a_l = sum_t alpha_{l,t} v_t
      }
    }
  }
  return { shape: [batch, n, dv], data: out };
}

/**
 * The matrix form: Q = H W_q^T, K = H W_k^T, V = H W_v^T; a = softmax(scale Q K^T + M) V,
 * by matMul and dotProductAttention (their orders).
 */
export function selfAttention(h: Tensor64, w: SelfAttentionWeights, mask?: AttentionMask, scale = 1): Tensor64 {
  check('selfAttention', h, w);
  const q = matMul(h, w.wq, false, true);
  const k = matMul(h, w.wk, false, true);
  const v = matMul(h, w.wv, false, true);
  return dotProductAttention(q, k, v, mask, scale).output;
}

/**
 * Gradients with respect to h and the three projections, for upstream dOut
 * [batch, n, d_v], by dotProductAttentionGrad and matMulGrad; dh = dh_q + dh_k + dh_v,
 * added left to right.
 */
export function selfAttentionGrad(h: Tensor64, w: SelfAttentionWeights, dOut: Tensor64, mask?: AttentionMask, scale = 1): { h: Tensor64; wq: Tensor64; wk: Tensor64; wv: Tensor64 } {
  check('selfAttentionGrad', h, w);
  const q = matMul(h, w.wq, false, true);
  const k = matMul(h, w.wk, false, true);
  const v = matMul(h, w.wv, false, true);
  const d = dotProductAttentionGrad(q, k, v, dOut, mask, scale);
  const gq = matMulGrad(h, w.wq, d.q, false, true);
  const gk = matMulGrad(h, w.wk, d.k, false, true);
  const gv = matMulGrad(h, w.wv, d.v, false, true);
  const dh = { shape: h.shape, data: gq.a.data.map((x, i) => x + gk.a.data[i] + gv.a.data[i]) };
  return { h: dh, wq: gq.b, wk: gk.b, wv: gv.b };
}
