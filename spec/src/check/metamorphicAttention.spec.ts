/**
 * Metamorphic checks of the attention half on every backend (the reference
 * versions are in spec/reference/Attention.spec.ts): each relation must hold
 * within the derived bounds of the two sides, or exactly where both sides run
 * the same float32 operations.
 */
import { additiveMask } from '../../../reference/DotProductAttention';
import { softmax } from '../../../reference/Softmax';
import { Tensor64, tensor } from '../../../reference/tensor';
import { BACKENDS, useBackend } from '../../../src/tfjs/backends';
import { input, softmaxEV } from '../../../src/bounds/errorModel';
import { attentionTf } from '../../../src/ops/attentionComposition';
import { dotProductAttentionSpec } from '../../../src/ops/dotProductAttention';
import { multiHeadAttentionSpec, multiHeadAttentionTf } from '../../../src/ops/multiHeadAttention';
import { Rng } from '../../../src/util/random';
import { tf } from '../../../src/tfjs/tf';

const rng = new Rng(7);
const rand = (shape: number[], lo = -1, hi = 1) => tensor(shape, rng.uniform(shape.reduce((a, b) => a * b, 1), lo, hi));
const t32 = (t: Tensor64) => tf.tensor(Float32Array.from(t.data), [...t.shape]);
const read = (f: () => ReturnType<typeof tf.add>) => tf.tidy(() => f().dataSync());

describe.each(BACKENDS)('on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('softmax is unchanged by adding a constant to each row (within both bounds)', () => {
    const x = rand([6, 9], -4, 4);
    const shifted = tensor([6, 9], x.data.map((v, i) => Math.fround(v + 10 * (Math.floor(i / 9) - 3))));
    const [a, b] = [read(() => tf.softmax(t32(x))), read(() => tf.softmax(t32(shifted)))];
    const ea = softmaxEV(input(x)).e;
    const eb = softmaxEV(input(shifted)).e;
    const ref = softmax(x).data;
    const refShifted = softmax(shifted).data;
    for (let i = 0; i < ref.length; i++) {
      expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(ea[i] + eb[i] + Math.abs(ref[i] - refShifted[i]));
    }
  });

  const q = rand([2, 6, 4]);
  const k = rand([2, 6, 4]);
  const v = rand([2, 6, 3]);
  const scale = 0.5;

  it('the causal mask equals an explicit lower-triangular mask built with tf.linalg.bandPart (bit for bit)', () => {
    const causal = read(() => attentionTf(tf, t32(q), t32(k), t32(v), { mask: 'causal', m: additiveMask('test', { kind: 'causal' }, 2, 6, 6), scale }));
    const banded = read(() => {
      const keep = tf.linalg.bandPart(tf.ones([6, 6]), -1, 0);
      const m = tf.where(tf.greater(keep, 0), tf.zeros([6, 6]), tf.fill([6, 6], -Infinity));
      const s = tf.add(tf.mul(tf.matMul(t32(q), t32(k), false, true), tf.scalar(scale)), m);
      return tf.matMul(tf.softmax(s), t32(v));
    });
    expect(Array.from(causal)).toEqual(Array.from(banded));
  });

  it('an all-true mask equals no mask (bit for bit)', () => {
    const none = read(() => attentionTf(tf, t32(q), t32(k), t32(v), { mask: 'none', scale }));
    const allTrue = read(() => attentionTf(tf, t32(q), t32(k), t32(v), { mask: 'boolean', m: tensor([6, 6]), scale }));
    expect(Array.from(allTrue)).toEqual(Array.from(none));
  });

  it('permuting keys and values together leaves unmasked attention unchanged (within twice the bound)', () => {
    const perm = [2, 5, 0, 4, 1, 3];
    const permute = (t: Tensor64) => {
      const [b, n, d] = t.shape;
      const out = new Float64Array(t.data.length);
      for (let bb = 0; bb < b; bb++) for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[(bb * n + i) * d + j] = t.data[(bb * n + perm[i]) * d + j];
      return tensor(t.shape, out);
    };
    const a = read(() => attentionTf(tf, t32(q), t32(k), t32(v), { mask: 'none', scale }));
    const b = read(() => attentionTf(tf, t32(q), t32(permute(k)), t32(permute(v)), { mask: 'none', scale }));
    const c = { id: 'metamorphic', params: { mask: 'none' as const, scale }, inputs: { q, k, v }, exact: false, gradients: false };
    const bound = dotProductAttentionSpec.reference(c).bound;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(2 * bound[i]);
  });

  it('multi-head attention with one head and identity projections equals dot-product attention (within both bounds)', () => {
    const x = rand([2, 5, 4]);
    const eye = tensor([4, 4], Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0)));
    const mha = read(() => multiHeadAttentionTf(tf, [x, eye, eye, eye, eye].map(t32), 1));
    const dpa = read(() => attentionTf(tf, t32(x), t32(x), t32(x), { mask: 'none', scale: 0.5 }));
    const mhaBound = multiHeadAttentionSpec.reference({ id: 'm', params: { heads: 1, mask: 'none' }, inputs: { x, wq: eye, wk: eye, wv: eye, wo: eye }, exact: false, gradients: false }).bound;
    const dpaBound = dotProductAttentionSpec.reference({ id: 'd', params: { mask: 'none', scale: 0.5 }, inputs: { q: x, k: x, v: x }, exact: false, gradients: false }).bound;
    for (let i = 0; i < mha.length; i++) expect(Math.abs(mha[i] - dpa[i])).toBeLessThanOrEqual(mhaBound[i] + dpaBound[i]);
  });
});
