import { matMul, matMulGrad } from '../../reference/BatchMatMul';
import { dotProductAttention, dotProductAttentionGrad } from '../../reference/DotProductAttention';
import { mergeHeads, multiHeadAttention, multiHeadAttentionGrad, multiHeadInfo, splitHeads } from '../../reference/MultiHeadAttention';
import { reshape, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff } from './helpers';

const rng = new Rng(99);

describe('multiHeadAttention', () => {
  it('with one head and identity projections it equals dot-product attention', () => {
    const x = rng.tensor([2, 5, 4]);
    const eye = tensor([4, 4], Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0)));
    const mha = multiHeadAttention(x, { wq: eye, wk: eye, wv: eye, wo: eye }, 1);
    expect(Array.from(mha.data)).toEqual(Array.from(dotProductAttention(x, x, x).output.data));
  });

  it('splitHeads and mergeHeads are inverse', () => {
    const g = multiHeadInfo('op', rng.tensor([2, 3, 6]), { wq: tensor([6, 6]), wk: tensor([6, 6]), wv: tensor([6, 6]), wo: tensor([6, 6]) }, 3);
    const t = rng.tensor([6, 6]);
    expect(splitHeads(t, g).shape).toEqual([6, 3, 2]);
    expect(bitwiseDiff(mergeHeads(splitHeads(t, g), g), t)).toBeUndefined();
  });

  const x = rng.tensor([2, 4, 6]);
  const w = { wq: rng.tensor([6, 6]), wk: rng.tensor([6, 6]), wv: rng.tensor([6, 6]), wo: rng.tensor([6, 6]) };
  const g = multiHeadInfo('multiHeadAttention', x, w, 3);
  const xf = reshape(x, [8, 6]);
  const q = splitHeads(matMul(xf, w.wq), g);
  const k = splitHeads(matMul(xf, w.wk), g);
  const v = splitHeads(matMul(xf, w.wv), g);
  const scale = 1 / Math.sqrt(2);

  it('order: the steps Q = X W_q ..., heads, out = concat W_o, each in its own op\'s order (bitwise)', () => {
    const o = dotProductAttention(q, k, v, { kind: 'causal' }, scale).output;
    expect(bitwiseDiff(multiHeadAttention(x, w, 3, { kind: 'causal' }), reshape(matMul(mergeHeads(o, g), w.wo), x.shape))).toBeUndefined();
  });

  it('gradient order: matMulGrad and dotProductAttentionGrad; dx = dx_q + dx_k + dx_v left to right (bitwise)', () => {
    const dOut = rng.tensor([2, 4, 6]);
    const concat = mergeHeads(dotProductAttention(q, k, v, undefined, scale).output, g);
    const out = matMulGrad(concat, w.wo, reshape(dOut, [8, 6]));
    const d = dotProductAttentionGrad(q, k, v, splitHeads(out.a, g), undefined, scale);
    const gq = matMulGrad(xf, w.wq, mergeHeads(d.q, g));
    const gk = matMulGrad(xf, w.wk, mergeHeads(d.k, g));
    const gv = matMulGrad(xf, w.wv, mergeHeads(d.v, g));
    const got = multiHeadAttentionGrad(x, w, 3, dOut);
    expect(bitwiseDiff(got.x, { shape: x.shape, data: gq.a.data.map((a, i) => a + gk.a.data[i] + gv.a.data[i]) })).toBeUndefined();
    expect(bitwiseDiff(got.wq, gq.b)).toBeUndefined();
    expect(bitwiseDiff(got.wo, out.b)).toBeUndefined();
  });

  it.each([
    ['heads not dividing the width', () => multiHeadAttention(rng.tensor([1, 2, 6]), { wq: rng.tensor([6, 6]), wk: rng.tensor([6, 6]), wv: rng.tensor([6, 6]), wo: rng.tensor([6, 6]) }, 4), /Error in multiHeadAttention: heads \(4\) must be a positive integer dividing the model width \(6\)/],
    ['a projection of the wrong shape', () => multiHeadInfo('someLayer', rng.tensor([1, 2, 4]), { wq: tensor([4, 4]), wk: tensor([4, 3]), wv: tensor([4, 4]), wo: tensor([4, 4]) }, 2), /Error in someLayer: wk must have shape \[4,4\], got \[4,3\]/],
  ])('rejects %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
