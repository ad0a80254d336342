/**
 * Multi-head self-attention (notes, part 2e): several (query, key, value)
 * projections attend in parallel, each head over its own d_k = d_model / heads
 * columns, and an output projection mixes the concatenated heads:
 *   Q = X W_q, K = X W_k, V = X W_v              (X: [batch, n, d_model], W: [d_model, d_model])
 *   head_h = attention(Q_h, K_h, V_h)            (columns h*d_k .. (h+1)*d_k - 1)
 *   out = concat_h(head_h) W_o
 * with scaled dot-product attention (scale 1/sqrt(d_k)) and an optional mask.
 * Projections multiply on the right, as tfjs-layers' Dense/EinsumDense do.
 */
import { matMul, matMulGrad } from './BatchMatMul';
import { AttentionMask, dotProductAttention, dotProductAttentionGrad } from './DotProductAttention';
import { ArgumentError, Tensor64, expectRank, permute, reshape } from './tensor';

export interface MultiHeadWeights {
  wq: Tensor64;
  wk: Tensor64;
  wv: Tensor64;
  wo: Tensor64;
}

export interface MultiHeadInfo {
  batch: number;
  n: number;
  dm: number;
  heads: number;
  dk: number;
}

export function multiHeadInfo(op: string, x: Tensor64, w: MultiHeadWeights, heads: number): MultiHeadInfo {
  expectRank(op, 'x', x, 3);
  const [batch, n, dm] = x.shape;
  if (n <= 0 || batch <= 0 || dm <= 0) throw new ArgumentError(op, `the sequence length and width must be positive, got x [${x.shape.join(',')}].`);
  if (!Number.isInteger(heads) || heads <= 0 || dm % heads !== 0) {
    throw new ArgumentError(op, `heads (${heads}) must be a positive integer dividing the model width (${dm}).`);
  }
  for (const name of ['wq', 'wk', 'wv', 'wo'] as const) {
    expectRank(op, name, w[name], 2);
    if (w[name].shape[0] !== dm || w[name].shape[1] !== dm) throw new ArgumentError(op, `${name} must have shape [${dm},${dm}], got [${w[name].shape.join(',')}].`);
  }
  return { batch, n, dm, heads, dk: dm / heads };
}

/** [batch * n, d_model] -> [batch * heads, n, d_k] */
export function splitHeads(t: Tensor64, g: MultiHeadInfo): Tensor64 {
  return reshape(permute(reshape(t, [g.batch, g.n, g.heads, g.dk]), [0, 2, 1, 3]), [g.batch * g.heads, g.n, g.dk]);
}

/** [batch * heads, n, d_k] -> [batch * n, d_model] (the concatenation of the heads) */
export function mergeHeads(t: Tensor64, g: MultiHeadInfo): Tensor64 {
  return reshape(permute(reshape(t, [g.batch, g.heads, g.n, g.dk]), [0, 2, 1, 3]), [g.batch * g.n, g.dm]);
}

function project(x: Tensor64, w: MultiHeadWeights, g: MultiHeadInfo) {
  const xf = reshape(x, [g.batch * g.n, g.dm]);
  return { xf, q: splitHeads(matMul(xf, w.wq), g), k: splitHeads(matMul(xf, w.wk), g), v: splitHeads(matMul(xf, w.wv), g) };
}

/** out [batch, n, d_model]: the steps above, by matMul and dotProductAttention (their orders). */
export function multiHeadAttention(x: Tensor64, w: MultiHeadWeights, heads: number, mask?: AttentionMask): Tensor64 {
  const g = multiHeadInfo('multiHeadAttention', x, w, heads);
  const { q, k, v } = project(x, w, g);
  const o = dotProductAttention(q, k, v, mask, 1 / Math.sqrt(g.dk)).output;
  return reshape(matMul(mergeHeads(o, g), w.wo), x.shape);
}

/**
 * Gradients with respect to x and the four projections for the upstream dOut
 * [batch, n, d_model], by matMulGrad and dotProductAttentionGrad; dx = dx_q + dx_k + dx_v,
 * added left to right.
 */
export function multiHeadAttentionGrad(x: Tensor64, w: MultiHeadWeights, heads: number, dOut: Tensor64, mask?: AttentionMask): { x: Tensor64; wq: Tensor64; wk: Tensor64; wv: Tensor64; wo: Tensor64 } {
  const g = multiHeadInfo('multiHeadAttentionGrad', x, w, heads);
  const { xf, q, k, v } = project(x, w, g);
  const scale = 1 / Math.sqrt(g.dk);
  const concat = mergeHeads(dotProductAttention(q, k, v, mask, scale).output, g);
  const out = matMulGrad(concat, w.wo, reshape(dOut, [g.batch * g.n, g.dm]));
  const d = dotProductAttentionGrad(q, k, v, splitHeads(out.a, g), mask, scale);
  const gq = matMulGrad(xf, w.wq, mergeHeads(d.q, g));
  const gk = matMulGrad(xf, w.wk, mergeHeads(d.k, g));
  const gv = matMulGrad(xf, w.wv, mergeHeads(d.v, g));
  const dx = gq.a.data.map((a, i) => a + gk.a.data[i] + gv.a.data[i]);
  return { x: { shape: x.shape, data: dx }, wq: gq.b, wk: gk.b, wv: gv.b, wo: out.b };
}
