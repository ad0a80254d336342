/**
 * The attention composition that users write, since TF.js has no attention op
 * (notes, part 2b), shared by the attention op specs:
 *   s = tf.mul(tf.matMul(q, k, false, true), scale); s = tf.add(s, M); out = tf.matMul(tf.softmax(s), v)
 * with M the additive mask (0 or -Inf).
 *
 * Bound propagation matMul -> scale -> mask -> softmax -> matMul, and back
 * through TF.js's gradients, step by step with src/bounds/errorModel.ts: each step
 * bounds its float32 result from the bounds of its operands (gamma_K for the
 * products, one rounding for the scale and the mask, softmaxEV for the
 * exponent and normalisation errors). Large logits widen the bound, as they
 * should: softmax amplifies an absolute error e in a logit into a relative
 * error of about 2e in the weights.
 */
import { AttentionMask } from '../../reference/DotProductAttention';
import type { Tensor64 } from '../../reference/tensor';
import { EV, addEV, input, matMulEV, scaleEV, softmaxEV, softmaxGradEV } from '../bounds/errorModel';
import type { Tf } from '../tfjs/tf';
import type { Tensor } from '@tensorflow/tfjs-node';

export type MaskKind = 'none' | 'causal' | 'boolean' | 'additive' | 'masked';

export interface AttentionParams {
  mask: MaskKind;
  /** The additive mask M (0 / -Inf, or values), when there is one. */
  m?: Tensor64;
  scale: number;
}

/** The reference's mask argument for a case. */
export function maskOf(p: { m?: Tensor64 }): AttentionMask | undefined {
  return p.m ? { kind: 'additive', values: p.m } : undefined;
}

/** Forward of the composition with running error bounds. */
export function attentionEV(q: EV, k: EV, v: EV, p: AttentionParams): { p: EV; out: EV } {
  let s = scaleEV(matMulEV(q, k, false, true), p.scale);
  if (p.m) s = addEV(s, input(p.m));
  const w = softmaxEV(s);
  return { p: w, out: matMulEV(w, v) };
}

/** TF.js's backward of the composition, with running error bounds. */
export function attentionGradEV(q: EV, k: EV, v: EV, dOut: EV, p: AttentionParams): { q: EV; k: EV; v: EV } {
  const { p: w } = attentionEV(q, k, v, p);
  const dP = matMulEV(dOut, v, false, true);
  const dV = matMulEV(w, dOut, true, false);
  const dS = scaleEV(softmaxGradEV(w, dP), p.scale);
  return { q: matMulEV(dS, k), k: matMulEV(dS, q, true, false), v: dV };
}

/** The TF.js composition. */
export function attentionTf(tf: Tf, q: Tensor, k: Tensor, v: Tensor, p: AttentionParams): Tensor {
  let s = tf.mul(tf.matMul(q, k, false, true), tf.scalar(p.scale));
  if (p.m) s = tf.add(s, tf.tensor(Float32Array.from(p.m.data), [...p.m.shape]));
  return tf.matMul(tf.softmax(s), v);
}

