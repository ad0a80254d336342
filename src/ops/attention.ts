/**
 * dotProductAttention and selfAttention (notes, part 2): the reference against
 * the TF.js composition that users write, since TF.js has no attention op:
 *   s = tf.mul(tf.matMul(q, k, false, true), scale); s = tf.add(s, M); out = tf.matMul(tf.softmax(s), v)
 * with M the additive mask (0 or -Inf).
 *
 * Bound propagation matMul -> scale -> mask -> softmax -> matMul, and back
 * through TF.js's gradients, step by step with src/errorModel.ts: each step
 * bounds its float32 result from the bounds of its operands (gamma_K for the
 * products, one rounding for the scale and the mask, softmaxEV for the
 * exponent and normalisation errors). Large logits widen the bound, as they
 * should: softmax amplifies an absolute error e in a logit into a relative
 * error of about 2e in the weights.
 */
import { AttentionMask, additiveMask, dotProductAttention, dotProductAttentionGrad } from '../../reference/DotProductAttention';
import { SelfAttentionWeights, selfAttention, selfAttentionGrad } from '../../reference/SelfAttention';
import { Tensor64, sizeOf, tensor } from '../../reference/tensor';
import { EV, addEV, input, matMulEV, reshapeEV, scaleEV, softmaxEV, softmaxGradEV } from '../errorModel';
import { Rng, hashSeed } from '../random';
import type { Tf } from '../tf';
import { OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';
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

/** A mask of a kind for [batch, nq, nk]: causal (as additive), boolean keep (30% masked), additive values with -Inf. */
function drawMask(rng: Rng, kind: MaskKind, batch: number, nq: number, nk: number): Tensor64 | undefined {
  if (kind === 'none') return undefined;
  if (kind === 'causal') return additiveMask('dotProductAttention', { kind: 'causal' }, batch, nq, nk);
  const shape = rng.next() < 0.5 ? [nq, nk] : [batch, nq, nk];
  if (kind === 'additive') {
    const vals = rng.uniform(sizeOf(shape), -3, 1);
    for (let i = 0; i < vals.length; i++) if (rng.next() < 0.2 && i % nk !== 0) vals[i] = -Infinity;
    return tensor(shape, vals);
  }
  const keep = Float64Array.from({ length: sizeOf(shape) }, (_, i) => (i % nk === 0 || rng.next() < 0.7 ? 1 : 0));
  if (kind === 'masked') keep.fill(0, 0, nk); // the first query row attends to nothing
  return additiveMask('dotProductAttention', { kind: 'boolean', keep: tensor(shape, keep) }, batch, nq, nk);
}

type Kind = 'rand' | 'large' | 'limit';
const MASKS: MaskKind[] = ['none', 'causal', 'boolean', 'additive', 'none', 'masked'];

/** Values of q and k for logits of a kind: O(1), ~1e4 (large) or ~88 (the float32 exp limit, limit). */
function qkRange(kind: Kind, dk: number): number {
  if (kind === 'large') return Math.sqrt(1e4);
  if (kind === 'limit') return Math.sqrt(88.7 / Math.max(1, dk / 4));
  return 1;
}

function dpaCase(shape: { batch: number; nq: number; nk: number; dk: number; dv: number }, mask: MaskKind, kind: Kind, scaled: boolean, seed: number): OpCase<AttentionParams> {
  const { batch, nq, nk, dk, dv } = shape;
  const id = `q=${fmtShape([batch, nq, dk])} k=${fmtShape([batch, nk, dk])} v=${fmtShape([batch, nk, dv])} mask=${mask} scale=${scaled ? '1/sqrt(dk)' : '1'} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  const r = qkRange(kind, dk);
  return {
    id,
    params: { mask, m: drawMask(rng, mask, batch, nq, nk), scale: scaled ? 1 / Math.sqrt(dk) : 1 },
    inputs: {
      q: tensor([batch, nq, dk], rng.uniform(batch * nq * dk, -r, r)),
      k: tensor([batch, nk, dk], rng.uniform(batch * nk * dk, -r, r)),
      v: tensor([batch, nk, dv], rng.uniform(batch * nk * dv)),
    },
    exact: false,
    gradients: mask !== 'masked',
  };
}

export const dotProductAttentionSpec: OpSpec<AttentionParams> = {
  id: 'dotProductAttention',
  inputs: ['q', 'k', 'v'],
  kernels: ['BatchMatMul', 'Multiply', 'Softmax'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'dotProductAttention/grid'));
    const out: OpCase<AttentionParams>[] = [
      dpaCase({ batch: 1, nq: 1, nk: 1, dk: 1, dv: 1 }, 'none', 'rand', true, seed), // n = 1, d = 1
      dpaCase({ batch: 1, nq: 5, nk: 5, dk: 1, dv: 1 }, 'causal', 'rand', true, seed),
      dpaCase({ batch: 1, nq: 512, nk: 512, dk: 8, dv: 8 }, 'causal', 'rand', true, seed), // n = 512
      dpaCase({ batch: 2, nq: 7, nk: 7, dk: 4, dv: 3 }, 'masked', 'rand', true, seed), // a fully masked row
      dpaCase({ batch: 1, nq: 6, nk: 6, dk: 4, dv: 4 }, 'none', 'large', false, seed), // logits ~1e4
      dpaCase({ batch: 1, nq: 6, nk: 6, dk: 4, dv: 4 }, 'causal', 'limit', false, seed), // logits ~88.7
    ];
    for (let i = 0; i < 120; i++) {
      const shape = { batch: rng.int(1, 2), nq: rng.int(1, 9), nk: rng.int(1, 9), dk: rng.int(1, 8), dv: rng.int(1, 8) };
      const kind: Kind = i % 10 === 3 ? 'large' : i % 10 === 7 ? 'limit' : 'rand';
      out.push(dpaCase(shape, MASKS[i % MASKS.length], kind, i % 4 !== 0, seed));
    }
    return uniqueIds(withNonFinite(out, 'q', 10));
  },

  reference(c) {
    const { q, k, v } = c.inputs;
    const value = dotProductAttention(q, k, v, maskOf(c.params), c.params.scale).output;
    return { value, bound: attentionEV(input(q), input(k), input(v), c.params).out.e };
  },

  value: (c) => dotProductAttention(c.inputs.q, c.inputs.k, c.inputs.v, maskOf(c.params), c.params.scale).output,

  grads: (['q', 'k', 'v'] as const).map((name) => ({
    input: name,
    kernels: [],
    reference(c: OpCase<AttentionParams>, dy: Tensor64) {
      const { q, k, v } = c.inputs;
      const value = dotProductAttentionGrad(q, k, v, dy, maskOf(c.params), c.params.scale)[name];
      return { value, bound: attentionGradEV(input(q), input(k), input(v), input(dy), c.params)[name].e };
    },
  })),

  fingerprints: [],

  tfjs: (tf, [q, k, v], p) => attentionTf(tf, q, k, v, p),

  arbitrary: (fc) =>
    fc
      .record({
        batch: fc.integer({ min: 1, max: 2 }), nq: fc.integer({ min: 1, max: 9 }), nk: fc.integer({ min: 1, max: 9 }),
        dk: fc.integer({ min: 1, max: 8 }), dv: fc.integer({ min: 1, max: 8 }), mask: fc.constantFrom<MaskKind>('none', 'causal', 'boolean', 'additive'),
        kind: fc.constantFrom<Kind>('rand', 'large', 'limit'), scaled: fc.boolean(), seed: fc.nat(),
      })
      .map((r) => dpaCase(r, r.mask, r.kind, r.scaled, r.seed)),

  benchCases: (size) =>
    [({ small: [64, 32], medium: [256, 64], large: [512, 64] } as const)[size]].map(([n, d]) => dpaCase({ batch: 1, nq: n, nk: n, dk: d, dv: d }, 'none', 'rand', true, 1)),

  flops(c) {
    const [b, nq, dk] = c.inputs.q.shape;
    const [, nk, dv] = c.inputs.v.shape;
    // scores and weighted sum ~ n^2 d (notes, part 2a), softmax ~ 4 n^2
    return b * (2 * nq * nk * dk + 2 * nq * nk * dv + 5 * nq * nk);
  },

  errorInputs: [
    {
      name: 'd_k of q (4) and k (3)',
      reference: () => dotProductAttention(tensor([1, 2, 4]), tensor([1, 2, 3]), tensor([1, 2, 2])),
      tfjs: (tf) => attentionTf(tf, tf.ones([1, 2, 4]), tf.ones([1, 2, 3]), tf.ones([1, 2, 2]), { mask: 'none', scale: 0.5 }),
      message: /Error in dotProductAttention: d_k of q \(4\) must match d_k of k \(3\)/,
    },
    {
      name: 'a mask of shape [3,3] for scores [1,2,2]',
      reference: () => dotProductAttention(tensor([1, 2, 4]), tensor([1, 2, 4]), tensor([1, 2, 2]), { kind: 'boolean', keep: tensor([3, 3], new Array(9).fill(1)) }),
      tfjs: (tf) => attentionTf(tf, tf.ones([1, 2, 4]), tf.ones([1, 2, 4]), tf.ones([1, 2, 2]), { mask: 'boolean', m: tensor([3, 3]), scale: 0.5 }),
      message: /Error in dotProductAttention: mask must have shape \[2,2\] or \[1,2,2\], got \[3,3\]/,
    },
    {
      name: 'k and v of different lengths (3 and 2)',
      reference: () => dotProductAttention(tensor([1, 2, 4]), tensor([1, 3, 4]), tensor([1, 2, 2])),
      tfjs: (tf) => attentionTf(tf, tf.ones([1, 2, 4]), tf.ones([1, 3, 4]), tf.ones([1, 2, 2]), { mask: 'none', scale: 0.5 }),
      message: /Error in dotProductAttention: k and v must have the same sequence length, got 3 and 2/,
    },
    {
      name: 'sequence length 0',
      reference: () => dotProductAttention(tensor([1, 0, 4]), tensor([1, 2, 4]), tensor([1, 2, 2])),
      tfjs: (tf) => attentionTf(tf, tf.ones([1, 0, 4]), tf.ones([1, 2, 4]), tf.ones([1, 2, 2]), { mask: 'none', scale: 0.5 }),
      message: /Error in dotProductAttention: sequence lengths and widths must be positive/,
    },
  ],

  known: [],
};

// --- selfAttention ---------------------------------------------------------------------------

export interface SelfAttentionParams {
  mask: 'none' | 'causal';
  m?: Tensor64;
  scale: number;
}

/** Q = H W^T as the TF.js composition computes it: h flattened to [batch * n, d] (see the README on broadcast gradients). */
function projectEV(h: EV, w: EV): EV {
  const [b, n, d] = h.shape;
  return reshapeEV(matMulEV(reshapeEV(h, [b * n, d]), w, false, true), [b, n, w.shape[0]]);
}

function projectTf(tf: Tf, h: Tensor, w: Tensor): Tensor {
  const [b, n, d] = h.shape;
  return tf.reshape(tf.matMul(tf.reshape(h, [b * n, d]), w, false, true), [b, n, w.shape[0]]);
}

function weightsOf(c: OpCase<SelfAttentionParams>): SelfAttentionWeights {
  return { wq: c.inputs.wq, wk: c.inputs.wk, wv: c.inputs.wv };
}

function selfEV(c: OpCase<SelfAttentionParams>, dOut?: Tensor64) {
  const h = input(c.inputs.h);
  const [wq, wk, wv] = [input(c.inputs.wq), input(c.inputs.wk), input(c.inputs.wv)];
  const q = projectEV(h, wq);
  const k = projectEV(h, wk);
  const v = projectEV(h, wv);
  const p = { mask: c.params.mask, m: c.params.m, scale: c.params.scale };
  const fwd = attentionEV(q, k, v, p).out;
  if (!dOut) return { fwd };
  const d = attentionGradEV(q, k, v, input(dOut), p);
  const [b, n, dIn] = h.shape;
  const flat = (t: EV) => reshapeEV(t, [b * n, t.shape[2]]);
  const hf = reshapeEV(h, [b * n, dIn]);
  // projection gradients: dH += dQ W, dW = dQ^T H (on the flattened rows)
  const dh = addEV(addEV(matMulEV(flat(d.q), wq), matMulEV(flat(d.k), wk)), matMulEV(flat(d.v), wv));
  return {
    fwd,
    grads: {
      h: reshapeEV(dh, [b, n, dIn]),
      wq: matMulEV(flat(d.q), hf, true, false),
      wk: matMulEV(flat(d.k), hf, true, false),
      wv: matMulEV(flat(d.v), hf, true, false),
    },
  };
}

function selfCase(shape: { batch: number; n: number; d: number; dk: number; dv: number }, mask: 'none' | 'causal', seed: number): OpCase<SelfAttentionParams> {
  const { batch, n, d, dk, dv } = shape;
  const id = `h=${fmtShape([batch, n, d])} wq=${fmtShape([dk, d])} wv=${fmtShape([dv, d])} mask=${mask}`;
  const rng = new Rng(hashSeed(seed, id));
  return {
    id,
    params: { mask, m: mask === 'causal' ? additiveMask('selfAttention', { kind: 'causal' }, batch, n, n) : undefined, scale: 1 },
    inputs: {
      h: tensor([batch, n, d], rng.uniform(batch * n * d)),
      wq: tensor([dk, d], rng.uniform(dk * d)),
      wk: tensor([dk, d], rng.uniform(dk * d)),
      wv: tensor([dv, d], rng.uniform(dv * d)),
    },
    exact: false,
    gradients: true,
  };
}

export const selfAttentionSpec: OpSpec<SelfAttentionParams> = {
  id: 'selfAttention',
  inputs: ['h', 'wq', 'wk', 'wv'],
  kernels: ['BatchMatMul', 'Softmax', 'Reshape'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'selfAttention/grid'));
    const out: OpCase<SelfAttentionParams>[] = [
      selfCase({ batch: 1, n: 1, d: 1, dk: 1, dv: 1 }, 'none', seed),
      selfCase({ batch: 2, n: 64, d: 16, dk: 16, dv: 16 }, 'causal', seed),
    ];
    for (let i = 0; i < 110; i++) {
      const shape = { batch: rng.int(1, 2), n: rng.int(1, 9), d: rng.int(1, 8), dk: rng.int(1, 8), dv: rng.int(1, 8) };
      out.push(selfCase(shape, i % 2 === 0 ? 'none' : 'causal', seed));
    }
    return uniqueIds(withNonFinite(out, 'h', 10));
  },

  reference(c) {
    const value = selfAttention(c.inputs.h, weightsOf(c), maskOf(c.params), c.params.scale);
    return { value, bound: selfEV(c).fwd.e };
  },

  value: (c) => selfAttention(c.inputs.h, weightsOf(c), maskOf(c.params), c.params.scale),

  grads: (['h', 'wq', 'wk', 'wv'] as const).map((name) => ({
    input: name,
    kernels: [],
    reference(c: OpCase<SelfAttentionParams>, dy: Tensor64) {
      const value = selfAttentionGrad(c.inputs.h, weightsOf(c), dy, maskOf(c.params), c.params.scale)[name];
      return { value, bound: selfEV(c, dy).grads![name].e };
    },
  })),

  fingerprints: [],

  tfjs(tf, [h, wq, wk, wv], p) {
    return attentionTf(tf, projectTf(tf, h, wq), projectTf(tf, h, wk), projectTf(tf, h, wv), { mask: p.mask, m: p.m, scale: p.scale });
  },

  arbitrary: (fc) =>
    fc
      .record({
        batch: fc.integer({ min: 1, max: 2 }), n: fc.integer({ min: 1, max: 9 }), d: fc.integer({ min: 1, max: 8 }),
        dk: fc.integer({ min: 1, max: 8 }), dv: fc.integer({ min: 1, max: 8 }), causal: fc.boolean(), seed: fc.nat(),
      })
      .map((r) => selfCase(r, r.causal ? 'causal' : 'none', r.seed)),

  benchCases: (size) =>
    [({ small: [32, 32], medium: [128, 64], large: [256, 128] } as const)[size]].map(([n, d]) => selfCase({ batch: 1, n, d, dk: d, dv: d }, 'none', 1)),

  flops(c) {
    const [b, n, d] = c.inputs.h.shape;
    const dk = c.inputs.wq.shape[0];
    const dv = c.inputs.wv.shape[0];
    // projections ~ n d^2, scores and weighted sum ~ n^2 d (notes, part 2a)
    return b * (2 * n * d * (2 * dk + dv) + 2 * n * n * dk + 2 * n * n * dv + 5 * n * n);
  },

  errorInputs: [
    {
      name: 'wq with 3 columns for h of width 4',
      reference: () => selfAttention(tensor([1, 2, 4]), { wq: tensor([2, 3]), wk: tensor([2, 4]), wv: tensor([2, 4]) }),
      tfjs: (tf) => projectTf(tf, tf.ones([1, 2, 4]), tf.ones([2, 3])),
      message: /Error in selfAttention: wq must have 4 columns \(the width of h\), got \[2,3\]/,
    },
    {
      name: 'wq and wk of different d_k (2 and 3)',
      reference: () => selfAttention(tensor([1, 2, 4]), { wq: tensor([2, 4]), wk: tensor([3, 4]), wv: tensor([2, 4]) }),
      tfjs: (tf) => tf.matMul(projectTf(tf, tf.ones([1, 2, 4]), tf.ones([2, 4])), projectTf(tf, tf.ones([1, 2, 4]), tf.ones([3, 4])), false, true),
      message: /Error in selfAttention: wq and wk must have the same number of rows \(d_k\), got 2 and 3/,
    },
  ],

  known: [],
};
