/**
 * Scaled dot-product attention with masks (notes, part 2b and "masked
 * decoding"): a(Q, K, V) = softmax(scale * Q K^T + M) V, scale = 1/sqrt(d_k) by
 * default (1 gives the notes' unscaled form). It has no TF.js kernel; it is named
 * for what it does. The steps are the ones the TF.js composition runs:
 *   s = matMul(q, k, false, true); s = s * scale; s = s + M; p = softmax(s); out = matMul(p, v),
 * each step in its own op's order (BatchMatMul.ts, Softmax.ts).
 *
 * Masks (M is 0 where attention is allowed, -Inf where it is not):
 *   causal: position l attends to t <= l (masked decoding);
 *   boolean: `keep` is 1 to attend, 0 to mask, shape [nq, nk] or [batch, nq, nk];
 *   additive: M given directly (any values, -Inf included).
 * A fully masked row has no distribution: its weights and outputs are NaN.
 */
import { matMul, matMulGrad } from './BatchMatMul';
import { softmax, softmaxGrad } from './Softmax';
import { ArgumentError, Tensor64, expectRank } from './tensor';

export type AttentionMask = { kind: 'causal' } | { kind: 'boolean'; keep: Tensor64 } | { kind: 'additive'; values: Tensor64 };

/** The additive mask M, shape [nq, nk] or [batch, nq, nk], 0 or -Inf (or the given values). */
export function additiveMask(op: string, mask: AttentionMask, batch: number, nq: number, nk: number): Tensor64 {
  if (mask.kind === 'causal') {
    const m = new Float64Array(nq * nk);
    for (let l = 0; l < nq; l++) for (let t = 0; t < nk; t++) m[l * nk + t] = t <= l ? 0 : -Infinity;
    return { shape: [nq, nk], data: m };
  }
  const t = mask.kind === 'boolean' ? mask.keep : mask.values;
  const ok = (t.shape.length === 2 && t.shape[0] === nq && t.shape[1] === nk) || (t.shape.length === 3 && t.shape[0] === batch && t.shape[1] === nq && t.shape[2] === nk);
  if (!ok) {
    throw new ArgumentError(op, `mask must have shape [${nq},${nk}] or [${batch},${nq},${nk}], got [${t.shape.join(',')}].`);
  }
  if (mask.kind === 'additive') return t;
  if (!t.data.every((x) => x === 0 || x === 1)) throw new ArgumentError(op, `a boolean mask holds only 0 and 1.`);
  return { shape: t.shape, data: t.data.map((x) => (x === 1 ? 0 : -Infinity)) };
}

function add(a: Tensor64, b: Tensor64): Tensor64 {
  // b broadcasts over a's leading dimensions
  const n = b.data.length;
  return { shape: a.shape, data: a.data.map((x, i) => x + b.data[i % n]) };
}

export interface AttentionShapes {
  batch: number;
  nq: number;
  nk: number;
  dk: number;
  dv: number;
}

export function attentionInfo(op: string, q: Tensor64, k: Tensor64, v: Tensor64): AttentionShapes {
  expectRank(op, 'q', q, 3);
  expectRank(op, 'k', k, 3);
  expectRank(op, 'v', v, 3);
  const [batch, nq, dk] = q.shape;
  const [bk, nk, dk2] = k.shape;
  const [bv, nv, dv] = v.shape;
  if (dk !== dk2) throw new ArgumentError(op, `d_k of q (${dk}) must match d_k of k (${dk2}).`);
  if (bk !== batch || bv !== batch) throw new ArgumentError(op, `batch of q, k and v must match, got ${batch}, ${bk} and ${bv}.`);
  if (nv !== nk) throw new ArgumentError(op, `k and v must have the same sequence length, got ${nk} and ${nv}.`);
  if ([batch, nq, nk, dk, dv].some((d) => d <= 0)) {
    throw new ArgumentError(op, `sequence lengths and widths must be positive, got q [${q.shape.join(',')}], k [${k.shape.join(',')}], v [${v.shape.join(',')}].`);
  }
  return { batch, nq, nk, dk, dv };
}

export interface AttentionForward {
  output: Tensor64;
  /** The attention weights alpha = softmax(scores). */
  weights: Tensor64;
}

/** q [batch, nq, dk], k [batch, nk, dk], v [batch, nk, dv] -> output [batch, nq, dv]. */
export function dotProductAttention(q: Tensor64, k: Tensor64, v: Tensor64, mask?: AttentionMask, scale?: number): AttentionForward {
  const op = 'dotProductAttention';
  const g = attentionInfo(op, q, k, v);
  const c = scale ?? 1 / Math.sqrt(g.dk);
  let s = matMul(q, k, false, true);
  s = { shape: s.shape, data: s.data.map((x) => x * c) };
  if (mask) s = add(s, additiveMask(op, mask, g.batch, g.nq, g.nk));
  const weights = softmax(s);
  return { output: matMul(weights, v), weights };
}

/**
 * Gradients of the attention output with respect to q, k and v, for the
 * upstream gradient dOut [batch, nq, dv]: dV = P^T dOut; dP = dOut V^T;
 * dS = softmaxGrad(P, dP); dQ = (scale dS) K; dK = (scale dS)^T Q, in that
 * order, by matMulGrad and softmaxGrad (the steps of TF.js's composed gradient).
 */
export function dotProductAttentionGrad(
  q: Tensor64, k: Tensor64, v: Tensor64, dOut: Tensor64, mask?: AttentionMask, scale?: number,
): { q: Tensor64; k: Tensor64; v: Tensor64 } {
  const g = attentionInfo('dotProductAttentionGrad', q, k, v);
  const c = scale ?? 1 / Math.sqrt(g.dk);
  const { weights } = dotProductAttention(q, k, v, mask, scale);
  const { a: dP, b: dV } = matMulGrad(weights, v, dOut);
  const dS = softmaxGrad(weights, dP);
  const dScaled = { shape: dS.shape, data: dS.data.map((x) => x * c) };
  const { a: dQ, b: dK } = matMulGrad(q, k, dScaled, false, true);
  return { q: dQ, k: dK, v: dV };
}
