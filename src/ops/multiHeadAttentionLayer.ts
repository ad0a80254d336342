/**
 * multiHeadAttentionLayer: the same reference (reference/MultiHeadAttention.ts)
 * against tfjs-layers' MultiHeadAttention layer (useBias: false), loaded as
 * src/tfjs/layersLoader.ts describes, with the reference's projections written into
 * its EinsumDense kernels: W_q [d, d] is the query kernel [d, heads, d_k], W_o
 * is the output kernel [heads, d_k, d]. A causal case uses the layer's
 * `useCausalMask`.
 *
 * The layer computes in its own order: it scales the projected queries by
 * 1/sqrt(d_k) before the scores (einsum), and masks by adding -1e9 rather than
 * -Inf (exp of either is exactly 0 next to a kept score). The bound follows that
 * order step by step (src/bounds/errorModel.ts). TF.js has no gradient for Einsum, so
 * the layer's gradient is `unsupported` on every backend; wasm has no Einsum
 * kernel at all.
 */
import { multiHeadAttention, multiHeadAttentionGrad, multiHeadInfo } from '../../reference/MultiHeadAttention';
import { Tensor64, tensor as tensorOf } from '../../reference/tensor';
import { EV, input, matMulEV, permuteEV, reshapeEV, scaleEV, softmaxEV, addEV } from '../bounds/errorModel';
import { loadMultiHeadAttention } from '../tfjs/layersLoader';
import { maskOf } from './attentionComposition';
import { MultiHeadParams, multiHeadAttentionSpec } from './multiHeadAttention';
import type { Tf } from '../tfjs/tf';
import { OpCase, OpSpec } from './types';
import type { Tensor } from '@tensorflow/tfjs-node';

interface Dense {
  kernel: { write(t: unknown): void };
  dispose(): void;
}

interface BuiltLayer {
  call(q: unknown, kw: Record<string, unknown>): Tensor;
  /** Disposes the kernels (the layer never counts as built after call(); its sublayers do). */
  release(): void;
}

/** A MultiHeadAttention layer (no biases) whose kernels hold W_q, W_k, W_v [d, d] and W_o [d, d]. */
function buildLayer(tf: Tf, x: Tensor, heads: number, [wq, wk, wv, wo]: Tensor[]): BuiltLayer {
  const dm = x.shape[2]!;
  const dk = dm / heads;
  const Layer = loadMultiHeadAttention();
  const layer = new Layer({ numHeads: heads, keyDim: dk, useBias: false }) as unknown as {
    call(q: unknown, kw: Record<string, unknown>): Tensor;
    queryDense: Dense;
    keyDense: Dense;
    valueDense: Dense;
    outputDense: Dense;
  };
  // the first call builds the kernels; then the reference's projections are written into them
  tf.dispose(layer.call(x, { value: x }));
  layer.queryDense.kernel.write(tf.reshape(wq, [dm, heads, dk]));
  layer.keyDense.kernel.write(tf.reshape(wk, [dm, heads, dk]));
  layer.valueDense.kernel.write(tf.reshape(wv, [dm, heads, dk]));
  layer.outputDense.kernel.write(tf.reshape(wo, [heads, dk, dm]));
  const dense = [layer.queryDense, layer.keyDense, layer.valueDense, layer.outputDense];
  return { call: (q, kw) => layer.call(q, kw), release: () => dense.forEach((d) => d.dispose()) };
}

function layerModel(c: OpCase<MultiHeadParams>): EV {
  const w = { wq: c.inputs.wq, wk: c.inputs.wk, wv: c.inputs.wv, wo: c.inputs.wo };
  const g = multiHeadInfo('multiHeadAttentionLayer', c.inputs.x, w, c.params.heads);
  const xf = reshapeEV(input(c.inputs.x), [g.batch * g.n, g.dm]);
  const split = (t: EV) => reshapeEV(permuteEV(reshapeEV(t, [g.batch, g.n, g.heads, g.dk]), [0, 2, 1, 3]), [g.batch * g.heads, g.n, g.dk]);
  const q = scaleEV(split(matMulEV(xf, input(w.wq))), 1 / Math.sqrt(g.dk));
  const k = split(matMulEV(xf, input(w.wk)));
  const v = split(matMulEV(xf, input(w.wv)));
  let s = matMulEV(q, k, false, true);
  if (c.params.m) s = addEV(s, input(c.params.m));
  const o = matMulEV(softmaxEV(s), v);
  const concat = reshapeEV(permuteEV(reshapeEV(o, [g.batch, g.heads, g.n, g.dk]), [0, 2, 1, 3]), [g.batch * g.n, g.dm]);
  return reshapeEV(matMulEV(concat, input(w.wo)), c.inputs.x.shape);
}

export const multiHeadAttentionLayerSpec: OpSpec<MultiHeadParams> = {
  id: 'multiHeadAttentionLayer',
  inputs: ['x', 'wq', 'wk', 'wv', 'wo'],
  kernels: ['Einsum', 'Softmax'],
  strictZeroSign: false,

  cases: (seed) => multiHeadAttentionSpec.cases(seed),
  arbitrary: (fc) => multiHeadAttentionSpec.arbitrary!(fc),

  reference(c) {
    const w = { wq: c.inputs.wq, wk: c.inputs.wk, wv: c.inputs.wv, wo: c.inputs.wo };
    return { value: multiHeadAttention(c.inputs.x, w, c.params.heads, maskOf(c.params)), bound: layerModel(c).e };
  },

  value: (c) => multiHeadAttentionSpec.value!(c),

  grads: [
    {
      input: 'x',
      kernels: [],
      reference(c: OpCase<MultiHeadParams>, dy: Tensor64) {
        const w = { wq: c.inputs.wq, wk: c.inputs.wk, wv: c.inputs.wv, wo: c.inputs.wo };
        // NOTE: never compared: TF.js throws before (no Einsum gradient); the reference gradient is the composition's.
        return { value: multiHeadAttentionGrad(c.inputs.x, w, c.params.heads, dy, maskOf(c.params)).x, bound: new Float64Array(c.inputs.x.data.length) };
      },
    },
  ],

  fingerprints: [
    {
      name: 'a fully masked query row (attentionMask all false)',
      probe(tf) {
        try {
          const y = tf.tidy(() => {
            const x = tf.tensor3d([[[1, 2], [3, 4]]]);
            const layer = buildLayer(tf, x, 1, [tf.eye(2), tf.eye(2), tf.eye(2), tf.eye(2)]);
            const out = layer.call(x, { value: x, attentionMask: tf.tensor3d([[[0, 0], [1, 1]]]).cast('bool') });
            const row = out.dataSync().slice(0, 2);
            layer.release();
            return row;
          });
          if (Number.isNaN(y[0]) && Number.isNaN(y[1])) return 'NaN (as the reference)';
          if (y[0] === 2 && y[1] === 3) return 'uniform weights: the mean of the values';
          return `other (${Array.from(y).join(', ')})`;
        } catch (e) {
          return `throws: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
        }
      },
    },
  ],

  tfjs(tf, [x, wq, wk, wv, wo], p) {
    const layer = buildLayer(tf, x, p.heads, [wq, wk, wv, wo]);
    const y = layer.call(x, { value: x, useCausalMask: p.mask === 'causal' });
    layer.release();
    return y;
  },

  flops: (c) => multiHeadAttentionSpec.flops(c),

  errorInputs: [
    {
      name: 'heads 3 for a model width 8',
      reference: () => multiHeadAttention(tensorOf([1, 2, 8]), { wq: tensorOf([8, 8]), wk: tensorOf([8, 8]), wv: tensorOf([8, 8]), wo: tensorOf([8, 8]) }, 3),
      tfjs: (tf) => {
        const x = tf.ones([1, 2, 8]);
        const layer = buildLayer(tf, x, 3, [tf.ones([8, 8]), tf.ones([8, 8]), tf.ones([8, 8]), tf.ones([8, 8])]);
        const y = layer.call(x, { value: x });
        layer.release();
        return y;
      },
      message: /Error in multiHeadAttention: heads \(3\) must be a positive integer dividing the model width \(8\)/,
    },
  ],
  known: [
    {
      check: 'forward',
      backend: 'webgl-f16',
      kind: 'bug',
      when: (c) => c.params.mask === 'causal',
      readme: 24,
      note: "tfjs-layers' masked Softmax adds (1 - mask) * -1e9: under float16 storage -1e9 overflows (IEEE: -Inf, so 0 * -Inf = NaN for every kept score; SwiftShader: NaN) and a causal MultiHeadAttention layer returns NaN everywhere",
    },
  ],
};
