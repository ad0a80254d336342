import { avgPool } from '../../reference/AvgPool';
import { avgPoolGrad } from '../../reference/AvgPoolGrad';
import { pool, poolGrad } from '../../reference/DilatedPool';
import { maxPool } from '../../reference/MaxPool';
import { maxPoolGrad } from '../../reference/MaxPoolGrad';
import { pool2dInfo } from '../../reference/pool';
import { Tensor64, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, withSpecials } from './helpers';
import { PoolForm, formId, poolForms } from './poolForms';

const x16 = tensor([4, 4, 1], Array.from({ length: 16 }, (_, i) => i + 1));

/**
 * tf.nn.pool's definition, transcribed: output[n, i, j, c] = REDUCE over (a, b) of
 * x[n, i*sH - padTop + dH*a, j*sW - padLeft + dW*b, c], never an out-of-bounds
 * position; max keeps the first cell strictly above the running maximum from
 * -Inf, avg divides the sum from 0 (row-major) by the number of cells.
 */
function transcribed(x: Tensor64, c: PoolForm, type: 'max' | 'avg'): number[] {
  const g = pool2dInfo('pool', x, c.filterSize, c.strides, c.pad, { dilations: c.dilations, dimRoundingMode: c.dimRoundingMode });
  const out: number[] = [];
  for (let n = 0; n < g.batch; n++) for (let i = 0; i < g.outH; i++) for (let j = 0; j < g.outW; j++) for (let ch = 0; ch < g.channels; ch++) {
    let max = -Infinity;
    let sum = 0;
    let count = 0;
    for (let a = 0; a < g.kH; a++) for (let b = 0; b < g.kW; b++) {
      const h = i * g.sH - g.padTop + g.dH * a;
      const w = j * g.sW - g.padLeft + g.dW * b;
      if (h < 0 || h >= g.inH || w < 0 || w >= g.inW) continue;
      const v = x.data[((n * g.inH + h) * g.inW + w) * g.channels + ch];
      if (v > max) max = v;
      sum += v;
      count++;
    }
    out.push(type === 'max' ? max : sum / count);
  }
  return out;
}

describe('pool (tf.pool): max or mean over dilated windows', () => {
  it("TF.js's pool tests: x=[4,4,1] 1..16, window 2, pad 0, dilation 2", () => {
    expect(Array.from(pool(x16, 2, 'max', 0, 2).data)).toEqual([11, 12, 15, 16]);
    const a = tensor([4, 4, 1], [1, 3, 2, 4, 6, 5, 8, 7, 9, 10, 12, 11, 16, 15, 14, 13]);
    expect(Array.from(pool(a, 2, 'avg', 0, 2).data)).toEqual([6, 7, 11, 10]);
  });

  it("'same' with dilation: padded cells are never in the window (tf.nn.pool: 'the reduction never includes out-of-bounds positions')", () => {
    const neg = tensor([1, 3, 3, 1], [-1, -2, -3, -4, -5, -6, -7, -8, -9]);
    // span 3, one padded row and column before: window (0,0) holds only (1,1)
    expect(Array.from(pool(neg, 2, 'max', 'same', 2).data)).toEqual([-5, -4, -5, -2, -1, -2, -5, -4, -5]);
    expect(Array.from(pool(neg, 2, 'avg', 'same', 2).data)).toEqual([-5, -5, -5, -5, -5, -5, -5, -5, -5]);
  });

  it('numeric padding with dilation pads the input: pad 1 around a 3x3, window 2, dilation 2', () => {
    const x = tensor([3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // out = 3 - 3 + 2 + 1 = 3; window (i, j) reads rows i-1, i+1 and columns j-1, j+1
    expect(Array.from(pool(x, 2, 'max', 1, 2).data)).toEqual([5, 6, 5, 8, 9, 8, 5, 6, 5]);
  });

  it('without dilation it is maxPool or avgPool, strides and rounding included', () => {
    const rng = new Rng(9);
    const x = rng.tensor([2, 7, 6, 3]);
    const pad = [[0, 0], [2, 1], [0, 3], [0, 0]] as never;
    expect(bitwiseDiff(pool(x, [3, 2], 'max', pad, 1, [2, 3], 'ceil'), maxPool(x, [3, 2], [2, 3], pad, 'ceil'))).toBeUndefined();
    expect(bitwiseDiff(pool(x, [3, 2], 'avg', 'same', 1, 2), avgPool(x, [3, 2], 2, 'same'))).toBeUndefined();
    const dy = rng.tensor(maxPool(x, 3, 2, 'same').shape);
    expect(bitwiseDiff(poolGrad(dy, x, 3, 'max', 'same', 1, 2), maxPoolGrad(dy, x, 3, 2, 'same'))).toBeUndefined();
    expect(bitwiseDiff(poolGrad(dy, x, 3, 'avg', 'same', 1, 2), avgPoolGrad(dy, x.shape, 3, 2, 'same'))).toBeUndefined();
  });

  it("gradients: TF.js's pool backprop tests (dilation 2, distinct maxima, and duplicated maxima to the first)", () => {
    const dy = tensor([2, 2, 1], [1, 2, 3, 4]);
    expect(Array.from(poolGrad(dy, x16, 2, 'max', 0, 2).data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4]);
    const x2 = tensor([4, 4, 1], [9, 5, 8, 6, 3, 1, 2, 4, 7, 3, 6, 4, 11, 15, 10, 16]);
    expect(Array.from(poolGrad(dy, x2, 2, 'max', 0, 2).data)).toEqual([1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 4]);
    const dup = tensor([5, 5, 1], [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const dy9 = tensor([3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(poolGrad(dy9, dup, 2, 'max', 0, 2).data)).toEqual([0, 0, 0, 0, 0, 0, 5, 10, 0, 0, 0, 10, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe("pool's order: tf.nn.pool's definition, transcribed, bitwise (max and avg, every form)", () => {
  const rng = new Rng(13);
  it.each(poolForms().filter((c) => !c.rank3).map((c) => [formId(c), c] as const))('%s', (_id, c) => {
    // NOTE: tf.pool takes no rounding mode with pad 0 (it pools under 'valid'); the dilated forms have strides 1.
    const form = { ...c, dimRoundingMode: c.pad === 0 ? undefined : c.dimRoundingMode };
    const x = withSpecials(rng, c.x);
    for (const type of ['max', 'avg'] as const) {
      const y = pool(x, c.filterSize, type, c.pad, c.dilations, c.strides, form.dimRoundingMode);
      expect(bitwiseDiff({ shape: [y.data.length], data: y.data }, { shape: [y.data.length], data: transcribed(x, form, type) })).toBeUndefined();
    }
  });
});

describe('pool argument errors', () => {
  it.each([
    ['strides and dilations > 1 together', () => pool(x16, 2, 'max', 'valid', 2, 2), /Error in pool: either strides or dilations must be 1, got strides \[2,2\] and dilations \[2,2\]/],
    ['an unknown pooling type', () => pool(x16, 2, 'min' as never, 'valid'), /Error in pool: poolingType must be 'max' or 'avg', got "min"/],
    ['dimRoundingMode with pad 0', () => pool(x16, 2, 'avg', 0, 1, 1, 'ceil'), /Error in pool: dimRoundingMode ceil needs a nonzero numeric or an explicit pad and dilations 1, got pad 0/],
    ['dimRoundingMode with dilations', () => pool(x16, 2, 'avg', 1, 2, 1, 'ceil'), /Error in pool: dimRoundingMode ceil needs .* dilations \[2,2\]/],
    ["a dilated span larger than a 'valid' input", () => pool(x16, 3, 'max', 'valid', 2), /Error in pool: window \[3,3\] with dilations \[2,2\] spans \[5,5\], larger than the input \[4,4\]/],
    ['gradient: dy of the wrong shape', () => poolGrad(tensor([1, 1, 1]), x16, 2, 'max', 'valid', 2), /Error in poolGrad: dy must have the output shape \[2,2,1\], got \[1,1,1\]/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
