import { avgPool, windowCounts } from '../../reference/AvgPool';
import { avgPoolGrad } from '../../reference/AvgPoolGrad';
import { pool2dInfo } from '../../reference/pool';
import { tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff } from './helpers';
import { formId, poolForms } from './poolForms';

describe('avgPoolGrad', () => {
  it('spreads dy / count over each window; the adjoint identity holds', () => {
    const dy = tensor([1, 2, 2, 1], [4, 8, 12, 16]);
    // windows over a 2x2 'same': counts 4, 2, 2, 1
    expect(Array.from(avgPoolGrad(dy, [1, 2, 2, 1], 2, 1, 'same').data)).toEqual([1, 1 + 4, 1 + 6, 1 + 4 + 6 + 16]);
    const rng = new Rng(3);
    for (const [pad, mode] of [['same', undefined], [1, 'ceil'], [[[0, 0], [2, 0], [1, 3], [0, 0]], 'round']] as const) {
      const x = tensor([2, 7, 5, 3], rng.uniform(210));
      const y = avgPool(x, [3, 2], [2, 1], pad as never, mode);
      const g = tensor(y.shape, rng.uniform(y.data.length));
      const dx = avgPoolGrad(g, x.shape, [3, 2], [2, 1], pad as never, mode);
      // NOTE: windows with no real cell are NaN forward and pass nothing back: they are left out of <y, g>.
      const lhs = y.data.reduce((s, v, i) => s + (Number.isNaN(v) ? 0 : v * g.data[i]), 0);
      const rhs = x.data.reduce((s, v, i) => s + v * dx.data[i], 0);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-13);
    }
  });

  it('a rank-3 xShape takes a rank-3 dy', () => {
    expect(Array.from(avgPoolGrad(tensor([1, 1, 1], [8]), [2, 2, 1], 2, 2, 'valid').data)).toEqual([2, 2, 2, 2]);
  });
});

describe("avgPoolGrad's order: a cell adds its windows' dy / count from 0 in row-major order of the output, bitwise", () => {
  const rng = new Rng(8);
  it.each(poolForms(3, 30, false).filter((c) => !c.rank3).map((c) => [formId(c), c] as const))('%s', (_id, c) => {
    const g = pool2dInfo('avgPoolGrad', tensor(c.x), c.filterSize, c.strides, c.pad, { dimRoundingMode: c.dimRoundingMode });
    const dy = rng.tensor([g.batch, g.outH, g.outW, g.channels]);
    const count = windowCounts(g);
    const want = new Float64Array(c.x.reduce((a, b) => a * b, 1));
    for (let n = 0; n < g.batch; n++) for (let oh = 0; oh < g.outH; oh++) for (let ow = 0; ow < g.outW; ow++) for (let ch = 0; ch < g.channels; ch++) {
      const o = ((n * g.outH + oh) * g.outW + ow) * g.channels + ch;
      for (let kh = 0; kh < g.kH; kh++) for (let kw = 0; kw < g.kW; kw++) {
        const ih = oh * g.sH + kh - g.padTop;
        const iw = ow * g.sW + kw - g.padLeft;
        if (ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW) want[((n * g.inH + ih) * g.inW + iw) * g.channels + ch] += dy.data[o] / count[o];
      }
    }
    expect(bitwiseDiff(avgPoolGrad(dy, c.x, c.filterSize, c.strides, c.pad, c.dimRoundingMode), { shape: c.x, data: want })).toBeUndefined();
  });
});

describe('avgPoolGrad argument errors', () => {
  it.each([
    ['dy of the wrong shape', () => avgPoolGrad(tensor([1, 3, 3, 1]), [1, 4, 4, 1], 2, 2, 'valid'), /Error in avgPoolGrad: dy must have the output shape \[1,2,2,1\], got \[1,3,3,1\]/],
    ['xShape of 2 dims', () => avgPoolGrad(tensor([1, 2, 2, 1]), [4, 4], 2, 2, 'valid'), /Error in avgPoolGrad: xShape must have 4 dimensions, or 3 for a batch of one, got \[4,4\]/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
