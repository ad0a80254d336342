import { conv2d } from '../../reference/Conv2D';
import { conv2DBackpropFilter } from '../../reference/Conv2DBackpropFilter';
import { conv2DBackpropInput } from '../../reference/Conv2DBackpropInput';
import { ConvReluMaxPoolParams, convReluMaxPool, convReluMaxPoolGrad, convReluMaxPoolUpstream } from '../../reference/ConvReluMaxPool';
import { maxPool } from '../../reference/MaxPool';
import { maxPoolGrad } from '../../reference/MaxPoolGrad';
import { relu } from '../../reference/Relu';
import { tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff } from './helpers';

const rng = new Rng(77);
const p: ConvReluMaxPoolParams = { strides: [1, 1], pad: 'valid', poolSize: [2, 2], poolStrides: [1, 1], poolPad: 'valid' };

describe('convReluMaxPool: L = sum_o w[o] * maxPool(relu(conv2d(x, filter)))[o]', () => {
  it('by hand: a 3x3 image, a 1x1 filter of -1, so relu keeps the negatives of x', () => {
    const x = tensor([1, 3, 3, 1], [1, -2, 3, -4, 5, -6, 7, -8, 9]);
    const f = tensor([1, 1, 1, 1], [-1]);
    const w = tensor([1, 2, 2, 1], [1, 10, 100, 1000]);
    const fwd = convReluMaxPool(x, f, w, p);
    // relu(-x) = [0, 2, 0, 4, 0, 6, 0, 8, 0]; 2x2 maxima = [4, 6, 8, 8]
    expect(Array.from(fwd.pooled.data)).toEqual([4, 6, 8, 8]);
    expect(fwd.value.data[0]).toBe(4 + 60 + 800 + 8000);
  });

  it('order: conv2d, relu, maxPool, then the sum from 0 of w[o] * pooled[o] in ascending o (bitwise)', () => {
    const x = rng.tensor([2, 6, 5, 2]);
    const f = rng.tensor([2, 2, 2, 3]);
    const q: ConvReluMaxPoolParams = { strides: [1, 2], pad: 'same', poolSize: [2, 2], poolStrides: [2, 1], poolPad: 'same' };
    const pooled = maxPool(relu(conv2d(x, f, q.strides, q.pad)), q.poolSize, q.poolStrides, q.poolPad);
    const w = rng.tensor(pooled.shape);
    let sum = 0;
    for (let o = 0; o < w.data.length; o++) sum += w.data[o] * pooled.data[o];
    const fwd = convReluMaxPool(x, f, w, q);
    expect(bitwiseDiff(fwd.pooled, pooled)).toBeUndefined();
    expect(bitwiseDiff(fwd.value, { shape: [], data: [sum] })).toBeUndefined();
  });

  it("gradients: maxPoolGrad of dL * w, the relu mask (relu'(0) = 0), then the conv2d backprops (bitwise)", () => {
    const x = rng.tensor([1, 5, 5, 2]);
    const f = rng.tensor([2, 2, 2, 2]);
    const w = rng.tensor([1, 3, 3, 2]);
    const fwd = convReluMaxPool(x, f, w, p);
    const dRelu = maxPoolGrad(tensor(w.shape, w.data.map((v) => v * 0.5)), fwd.relu, p.poolSize, p.poolStrides, p.poolPad);
    const dConv = tensor(dRelu.shape, dRelu.data.map((g, i) => (fwd.conv.data[i] > 0 ? g : 0)));
    expect(bitwiseDiff(convReluMaxPoolUpstream(fwd, w, 0.5, p), dConv)).toBeUndefined();
    const g = convReluMaxPoolGrad(x, f, w, 0.5, p);
    expect(bitwiseDiff(g.x, conv2DBackpropInput(x.shape, dConv, f, p.strides, p.pad))).toBeUndefined();
    expect(bitwiseDiff(g.filter, conv2DBackpropFilter(x, dConv, f.shape, p.strides, p.pad))).toBeUndefined();
  });

  it('rejects a w of another shape than the pooled output', () => {
    expect(() => convReluMaxPool(tensor([1, 3, 3, 1]), tensor([1, 1, 1, 1]), tensor([1, 3, 3, 1]), p)).toThrow(/Error in convReluMaxPool: w must have the pooled shape \[1,2,2,1\], got \[1,3,3,1\]/);
  });
});
