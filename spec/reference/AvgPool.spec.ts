import { avgPool, windowCounts } from '../../reference/AvgPool';
import { pool2dInfo } from '../../reference/pool';
import { tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff } from './helpers';
import { formId, formShape, poolForms } from './poolForms';

const x44 = tensor([1, 4, 4, 1], [1, 5, 2, 0, 3, 4, 8, 1, 0, 9, 7, 6, 2, 1, 3, 4]);
const x33 = tensor([1, 3, 3, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8]);

describe('avgPool', () => {
  it("averages the real cells only under 'same' padding, as TensorFlow does", () => {
    const x = tensor([1, 2, 2, 1], [4, 8, 12, 16]);
    expect(Array.from(avgPool(x, 2, 1, 'same').data)).toEqual([10, 12, 14, 16]);
    expect(Array.from(avgPool(x44, 2, 2, 'valid').data)).toEqual([13 / 4, 11 / 4, 12 / 4, 20 / 4]);
  });

  it("windowCounts: the real cells of each window, the same for every channel (x=[1,2,2,2] k=2 s=1 p=same)", () => {
    expect(Array.from(windowCounts(pool2dInfo('avgPool', tensor([1, 2, 2, 2]), 2, 1, 'same')))).toEqual([4, 4, 2, 2, 2, 2, 1, 1]);
  });

  it('numeric and explicit padding also average the real cells only', () => {
    // pad 1, k=2, s=2 over [[0,1,2],[3,4,5],[6,7,8]]: windows {0}, {1,2}, {3,6}, {4,5,7,8}
    expect(Array.from(avgPool(x33, 2, 2, 1).data)).toEqual([0, 1.5, 4.5, 6]);
    expect(Array.from(avgPool(x33, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]).data)).toEqual([0, 1.5, 4.5, 6]);
  });

  it('NaN propagates through the sum; a window with no real cell is 0 / 0 = NaN (TF.js cpu)', () => {
    expect(avgPool(tensor([1, 2, 2, 1], [1, NaN, 3, 2]), 2, 2, 'valid').data[0]).toBeNaN();
    const y = avgPool(x33, 3, 3, [[0, 0], [2, 2], [1, 1], [0, 0]], 'ceil');
    expect(y.shape).toEqual([1, 3, 2, 1]);
    // windows {0,1}, {2}, {3,4,6,7}, {5,8}, and two with no real cell
    expect(Array.from(y.data)).toEqual([0.5, 2, 5, 6.5, NaN, NaN]);
  });

  it('a rank-3 x is a batch of one, returned in rank 3', () => {
    const y = avgPool(tensor([4, 4, 1], x44.data), 2, 2, 'valid');
    expect(y.shape).toEqual([2, 2, 1]);
    expect(Array.from(y.data)).toEqual([13 / 4, 11 / 4, 12 / 4, 20 / 4]);
  });
});

describe("avgPool's order: the real cells added from 0 in row-major window order, then one division, bitwise", () => {
  const rng = new Rng(7);
  it.each(poolForms(3, 30, false).map((c) => [formId(c), c] as const))('%s', (_id, c) => {
    const x = rng.tensor(formShape(c));
    const g = pool2dInfo('avgPool', x, c.filterSize, c.strides, c.pad, { dimRoundingMode: c.dimRoundingMode });
    const want = new Float64Array(g.batch * g.outH * g.outW * g.channels);
    for (let n = 0; n < g.batch; n++) for (let oh = 0; oh < g.outH; oh++) for (let ow = 0; ow < g.outW; ow++) for (let ch = 0; ch < g.channels; ch++) {
      let sum = 0;
      let count = 0;
      for (let kh = 0; kh < g.kH; kh++) for (let kw = 0; kw < g.kW; kw++) {
        const ih = oh * g.sH + kh - g.padTop;
        const iw = ow * g.sW + kw - g.padLeft;
        if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) continue;
        sum += x.data[((n * g.inH + ih) * g.inW + iw) * g.channels + ch];
        count++;
      }
      want[((n * g.outH + oh) * g.outW + ow) * g.channels + ch] = sum / count;
    }
    const shape = c.rank3 ? [g.outH, g.outW, g.channels] : [g.batch, g.outH, g.outW, g.channels];
    expect(bitwiseDiff(avgPool(x, c.filterSize, c.strides, c.pad, c.dimRoundingMode), { shape, data: want })).toBeUndefined();
  });
});

describe('avgPool argument errors', () => {
  it.each([
    ['negative stride', () => avgPool(x44, 2, [1, -1], 'valid'), /Error in avgPool: strides must be positive integers, got \[1,-1\]/],
    ['rank 5', () => avgPool(tensor([1, 1, 4, 4, 1]), 2, 1, 'valid'), /Error in avgPool: x must be rank 4, or rank 3 for a batch of one, got rank 5/],
    ["dimRoundingMode with 'valid'", () => avgPool(x44, 2, 1, 'valid', 'floor'), /Error in avgPool: pad must be an integer when using dimRoundingMode floor but got pad valid/],
    ['an unknown dimRoundingMode', () => avgPool(x44, 2, 1, 1, 'up' as never), /Error in avgPool: dimRoundingMode must be one of 'floor', 'round', 'ceil', got "up"/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
