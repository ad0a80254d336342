import { avgPool, windowCounts } from '../../reference/AvgPool';
import { pool2dInfo } from '../../reference/pool';
import { tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, poolConfigs, poolId } from './helpers';

const x44 = tensor([1, 4, 4, 1], [1, 5, 2, 0, 3, 4, 8, 1, 0, 9, 7, 6, 2, 1, 3, 4]);

describe('avgPool', () => {
  it("averages the real cells only under 'same' padding, as TensorFlow does", () => {
    const x = tensor([1, 2, 2, 1], [4, 8, 12, 16]);
    expect(Array.from(avgPool(x, 2, 1, 'same').data)).toEqual([10, 12, 14, 16]);
    expect(Array.from(avgPool(x44, 2, 2, 'valid').data)).toEqual([13 / 4, 11 / 4, 12 / 4, 20 / 4]);
  });

  it("windowCounts: the real cells of each window, the same for every channel (x=[1,2,2,2] k=2 s=1 p=same)", () => {
    expect(Array.from(windowCounts(pool2dInfo('avgPool', tensor([1, 2, 2, 2]), 2, 1, 'same')))).toEqual([4, 4, 2, 2, 2, 2, 1, 1]);
  });
});

describe("avgPool's order: the real cells added from 0 in row-major window order, then one division, bitwise", () => {
  const rng = new Rng(7);
  it.each(poolConfigs().map((c) => [poolId(c), c] as const))('%s', (_id, c) => {
    const x = rng.tensor(c.x);
    const g = pool2dInfo('avgPool', x, c.filterSize, c.strides, c.pad);
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
    expect(bitwiseDiff(avgPool(x, c.filterSize, c.strides, c.pad), { shape: [g.batch, g.outH, g.outW, g.channels], data: want })).toBeUndefined();
  });
});

describe('avgPool argument errors', () => {
  it.each([
    ['negative stride', () => avgPool(x44, 2, [1, -1], 'valid'), /Error in avgPool: strides must be positive integers, got \[1,-1\]/],
    ['rank 3', () => avgPool(tensor([4, 4, 1]), 2, 1, 'valid'), /Error in avgPool: x must be rank 4, got rank 3/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
