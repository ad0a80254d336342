/**
 * dotProductAttention (notes, parts 2b and 2c): scaled dot-product attention with
 * causal, boolean and additive masks, the reference against the TF.js
 * composition (src/ops/attentionComposition.ts).
 */
import { WEBGL_SOFTMAX_MASKED } from './softmax';
import { additiveMask, dotProductAttention, dotProductAttentionGrad } from '../../reference/DotProductAttention';
import { Tensor64, sizeOf, tensor } from '../../reference/tensor';
import { input } from '../bounds/errorModel';
import { Rng, hashSeed } from '../util/random';
import { OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';
import { AttentionParams, MaskKind, attentionEV, attentionGradEV, attentionTf, maskOf } from './attentionComposition';

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

  known: WEBGL_SOFTMAX_MASKED.map((k) => ({ ...k, note: `follows from the Softmax bug: ${k.note}`, when: (c: OpCase<AttentionParams>) => c.params.mask === 'masked' })),
};
