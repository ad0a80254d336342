/**
 * selfAttention (notes, part 2): q_t = W_q h_t, k_t = W_k h_t, v_t = W_v h_t,
 * a = softmax(Q K^T) V, the reference against the TF.js composition
 * (src/ops/attentionComposition.ts) with the projections in front.
 */
import { additiveMask } from '../../reference/DotProductAttention';
import { SelfAttentionWeights, selfAttention, selfAttentionGrad } from '../../reference/SelfAttention';
import { Tensor64, tensor } from '../../reference/tensor';
import { EV, addEV, input, matMulEV, reshapeEV } from '../bounds/errorModel';
import { Rng, hashSeed } from '../util/random';
import type { Tf } from '../tfjs/tf';
import { OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';
import type { Tensor } from '@tensorflow/tfjs-node';
import { attentionEV, attentionGradEV, attentionTf, maskOf } from './attentionComposition';
import { matMul } from '../../reference/BatchMatMul';
import { WEBGL_SOFTMAX_MASKED } from './softmax';

export interface SelfAttentionParams {
  mask: 'none' | 'causal';
  m?: Tensor64;
  scale: number;
}

/** Some query row of scale * Q K^T + M is -Inf throughout: the reference's softmax is 0/0 = NaN there, webgl's weights 1 (README 17). */
function hasAllNegInfScoreRow(c: OpCase<SelfAttentionParams>): boolean {
  const { h, wq, wk } = c.inputs;
  const [b, n] = h.shape;
  const s = matMul(matMul(h, wq, false, true), matMul(h, wk, false, true), false, true).data;
  const m = c.params.m?.data;
  for (let r = 0; r < b * n; r++) {
    let all = true;
    for (let j = 0; j < n; j++) all &&= s[r * n + j] * c.params.scale + (m ? m[r * n + j] : 0) === -Infinity;
    if (all) return true;
  }
  return false;
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

  scalingSweeps: () => {
    const at = (n: number, d: number) => selfCase({ batch: 1, n, d, dk: d, dv: d }, 'none', 1);
    return [
      { axis: 'n (d = 16)', expected: '-> 2 when n >> d (n^2 d term)', points: [16, 32, 64, 128, 256].map((n) => ({ x: n, case: at(n, 16) })) },
      { axis: 'd (n = 16)', expected: '-> 2 when d >> n (d^2 n term)', points: [16, 32, 64, 128, 256].map((d) => ({ x: d, case: at(16, d) })) },
    ];
  },

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

  known: WEBGL_SOFTMAX_MASKED.map((k) => ({ ...k, note: `follows from the Softmax bug: ${k.note}`, when: hasAllNegInfScoreRow })),
};
