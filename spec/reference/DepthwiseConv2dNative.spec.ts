import { conv2d } from '../../reference/Conv2D';
import { depthwiseConv2d, depthwiseConv2dInfo } from '../../reference/DepthwiseConv2dNative';
import { Tensor64, permute, tensor } from '../../reference/tensor';
import { Padding } from '../../reference/window';
import { Rng, bitwiseDiff, convConfigs, convId } from './helpers';

describe('depthwiseConv2d, worked by hand', () => {
  it('each channel through its own filters; output channel c * multiplier + m', () => {
    // x: channel 0 = [1, 2, 3], channel 1 = [10, 20, 30] along the width.
    const x = tensor([1, 1, 3, 2], [1, 10, 2, 20, 3, 30]);
    // filter[0, kw, c, m]: c0 m0 = [1, 1] (sum), c0 m1 = [1, -1] (difference), c1 m0 = [2, 0], c1 m1 = [0, 3]
    const f = tensor([1, 2, 2, 2], [1, 1, 2, 0, 1, -1, 0, 3]);
    const y = depthwiseConv2d(x, f, 1, 'valid');
    expect(y.shape).toEqual([1, 1, 2, 4]);
    // column 0: 1+2, 1-2, 2*10, 3*20;  column 1: 2+3, 2-3, 2*20, 3*30
    expect(Array.from(y.data)).toEqual([3, -1, 20, 60, 5, -1, 40, 90]);
  });

  it("1xN and Nx1 filters, stride 2, 'same': the padding goes after (the smaller half before)", () => {
    // in 4, window 3, stride 2: out 2, total pad (2-1)*2 + 3 - 4 = 1, 0 before and 1 after
    const row = depthwiseConv2d(tensor([1, 1, 4, 1], [1, 2, 3, 4]), tensor([1, 3, 1, 1], [1, 1, 1]), 2, 'same');
    expect(row.shape).toEqual([1, 1, 2, 1]);
    expect(Array.from(row.data)).toEqual([1 + 2 + 3, 3 + 4]);
    const col = depthwiseConv2d(tensor([1, 4, 1, 1], [1, 2, 3, 4]), tensor([3, 1, 1, 1], [1, 10, 100]), 2, 'same');
    expect(col.shape).toEqual([1, 2, 1, 1]);
    expect(Array.from(col.data)).toEqual([1 + 20 + 300, 3 + 40]);
  });

  it('numeric and explicit padding, dilation, and a rank-3 image', () => {
    const x = tensor([3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const ones = tensor([2, 2, 1, 1], [1, 1, 1, 1]);
    // pad 1: 5x5 padded image, 2x2 windows of ones -> 4x4 sums
    const y = depthwiseConv2d(x, ones, 1, 1);
    expect(y.shape).toEqual([4, 4, 1]);
    expect(Array.from(y.data)).toEqual([1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9]);
    // explicit: one row on top, nothing else -> 3 rows, 2 columns
    const e = depthwiseConv2d(x, ones, 1, [[0, 0], [1, 0], [0, 0], [0, 0]]);
    expect(Array.from(e.data)).toEqual([3, 5, 12, 16, 24, 28]);
    // dilation 2: the corners of the image
    expect(Array.from(depthwiseConv2d(x, ones, 1, 'valid', 2).data)).toEqual([1 + 3 + 7 + 9]);
  });

  it.each([
    // in 4, window 2, stride 3, pad 0: (4 - 2) / 3 + 1 = 1.67
    [undefined, 1], ['floor', 1], ['round', 2], ['ceil', 2],
  ] as const)('dimRoundingMode %s: 1.67 rounds to %d columns', (mode, cols) => {
    const y = depthwiseConv2d(tensor([1, 1, 4, 1], [1, 2, 3, 4]), tensor([1, 2, 1, 1], [1, 1]), [1, 3], 0, 1, mode ? { dimRoundingMode: mode } : {});
    expect(y.shape).toEqual([1, 1, cols, 1]);
    expect(Array.from(y.data)).toEqual([3, 4].slice(0, cols));
  });

  it("cells outside the input are skipped, not multiplied: an infinite tap over padding adds nothing", () => {
    const y = depthwiseConv2d(tensor([1, 1, 2, 1], [1, 2]), tensor([1, 2, 1, 1], [3, Infinity]), 1, 'same');
    expect(Array.from(y.data)).toEqual([Infinity, 6]);
  });
});

/** Channel c of an NHWC image as a one-channel image, and filter[:, :, c, m] as a one-in one-out conv2d filter. */
function channel(x: Tensor64, c: number): Tensor64 {
  const [b, h, w, C] = x.shape;
  return tensor([b, h, w, 1], x.data.filter((_, i) => i % C === c));
}
function tap(f: Tensor64, c: number, m: number): Tensor64 {
  const [kh, kw, C, M] = f.shape;
  return tensor([kh, kw, 1, 1], f.data.filter((_, i) => i % (C * M) === c * M + m));
}

describe('depthwiseConv2d is conv2d of each channel with each of its filters (a second formula)', () => {
  const rng = new Rng(5);
  it.each(convConfigs(3, 30).map((c) => [convId(c), c] as const))('%s', (_id, c) => {
    const x = rng.tensor(c.x);
    const f = rng.tensor(c.f);
    const y = depthwiseConv2d(x, f, c.strides, c.pad, c.dilations);
    const [, , C, M] = c.f;
    for (let ch = 0; ch < C; ch++) {
      for (let m = 0; m < M; m++) {
        const want = conv2d(channel(x, ch), tap(f, ch, m), c.strides, c.pad, c.dilations);
        const got = channel(y, ch * M + m);
        // conv2d adds its one channel's sum to 0, which turns -0 into +0: compare values, not bits
        expect(got.shape).toEqual(want.shape);
        expect(Array.from(got.data).every((v, i) => v === want.data[i])).toBe(true);
      }
    }
  });
});

describe("depthwiseConv2d's order: each output is one sum over (kh, kw) in row-major order, bitwise", () => {
  const rng = new Rng(31);
  it.each(convConfigs(9, 30).map((c) => [convId(c), c] as const))('%s', (_id, c) => {
    const x = rng.tensor(c.x);
    const f = rng.tensor(c.f);
    const y = depthwiseConv2d(x, f, c.strides, c.pad, c.dilations);
    const g = depthwiseConv2dInfo('depthwiseConv2d', x, f, c.strides, c.pad, c.dilations);
    const [batch, inH, inW, C] = c.x;
    const [kH, kW, , M] = c.f;
    const want: number[] = [];
    // y[n, oh, ow, c*M + m] = sum_{kh, kw} x[n, oh*sH + kh*dH - padTop, ow*sW + kw*dW - padLeft, c] * f[kh, kw, c, m]
    for (let n = 0; n < batch; n++) for (let oh = 0; oh < g.outH; oh++) for (let ow = 0; ow < g.outW; ow++) {
      for (let ch = 0; ch < C; ch++) for (let m = 0; m < M; m++) {
        let s = 0;
        for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
          const ih = oh * g.sH + kh * g.dH - g.padTop;
          const iw = ow * g.sW + kw * g.dW - g.padLeft;
          if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) s += x.data[((n * inH + ih) * inW + iw) * C + ch] * f.data[((kh * kW + kw) * C + ch) * M + m];
        }
        want.push(s);
      }
    }
    expect(bitwiseDiff(y, { shape: [batch, g.outH, g.outW, C * M], data: want })).toBeUndefined();
  });
});

describe('depthwiseConv2d in every layout: NCHW and rank 3 are the NHWC result moved, bit for bit', () => {
  const rng = new Rng(17);
  const forms: [string, Padding][] = [
    ['same', 'same'],
    ['numeric 2', 2],
    ['explicit', [[0, 0], [1, 2], [0, 1], [0, 0]]],
  ];
  it.each(forms)('pad %s', (_name, pad) => {
    const x = rng.tensor([2, 5, 6, 3]);
    const f = rng.tensor([3, 2, 3, 2]);
    const nhwc = depthwiseConv2d(x, f, [2, 1], pad);
    const toNCHW = (t: Tensor64) => permute(t, [0, 3, 1, 2]);
    const padNCHW = typeof pad === 'object' ? ([pad[0], pad[3], pad[1], pad[2]] as Padding) : pad;
    const nchw = depthwiseConv2d(toNCHW(x), f, [2, 1], padNCHW, 1, { dataFormat: 'NCHW' });
    expect(nchw.shape).toEqual([2, 6, nhwc.shape[1], nhwc.shape[2]]);
    expect(bitwiseDiff(nchw, toNCHW(nhwc))).toBeUndefined();
    const y3 = depthwiseConv2d(tensor(x.shape.slice(1), x.data.slice(0, x.data.length / 2)), f, [2, 1], pad);
    expect(bitwiseDiff(y3, tensor(nhwc.shape.slice(1), nhwc.data.slice(0, nhwc.data.length / 2)))).toBeUndefined();
  });
});

describe('depthwiseConv2d argument errors', () => {
  const x = tensor([1, 4, 4, 3]);
  it.each([
    ['channels differ', () => depthwiseConv2d(x, tensor([2, 2, 2, 1]), 1, 'valid'), /Error in depthwiseConv2d: number of input channels \(3\) must match the inChannels dimension in filter \(2\)/],
    ['x of rank 2', () => depthwiseConv2d(tensor([4, 4]), tensor([2, 2, 1, 1]), 1, 'valid'), /Error in depthwiseConv2d: x must be rank 4 or rank 3 \(unbatched\), got rank 2/],
    ['filter of rank 3', () => depthwiseConv2d(x, tensor([2, 2, 3]), 1, 'valid'), /Error in depthwiseConv2d: filter must be rank 4, got rank 3/],
    ['multiplier 0', () => depthwiseConv2d(x, tensor([2, 2, 3, 0]), 1, 'valid'), /Error in depthwiseConv2d: empty dimensions are not accepted/],
    ['stride 0', () => depthwiseConv2d(x, tensor([2, 2, 3, 1]), 0, 'valid'), /Error in depthwiseConv2d: strides must be positive integers, got \[0,0\]/],
    ['dilation 1.5', () => depthwiseConv2d(x, tensor([2, 2, 3, 1]), 1, 'valid', 1.5), /Error in depthwiseConv2d: dilations must be positive integers, got \[1.5,1.5\]/],
    ['window larger than the input', () => depthwiseConv2d(x, tensor([5, 1, 3, 1]), 1, 'valid'), /Error in depthwiseConv2d: window \[5,1\] .* larger than the input \[4,4\]/],
    ['negative pad', () => depthwiseConv2d(x, tensor([2, 2, 3, 1]), 1, -1), /Error in depthwiseConv2d: pad must be .*, got -1/],
    ['explicit pad on the channel axis', () => depthwiseConv2d(x, tensor([2, 2, 3, 1]), 1, [[0, 0], [1, 1], [1, 1], [1, 0]]), /Error in depthwiseConv2d: explicit pad of the channel axis must be \[0,0\]/],
    ['dimRoundingMode with a string pad', () => depthwiseConv2d(x, tensor([2, 2, 3, 1]), 1, 'same', 1, { dimRoundingMode: 'ceil' }), /Error in depthwiseConv2d: pad must be an integer when using dimRoundingMode ceil but got pad same/],
    ['unknown data format', () => depthwiseConv2d(x, tensor([2, 2, 3, 1]), 1, 'valid', 1, { dataFormat: 'NWHC' as never }), /Error in depthwiseConv2d: dataFormat must be one of 'NHWC', 'NCHW', got "NWHC"/],
    ['NCHW reads the channels from axis 1', () => depthwiseConv2d(x, tensor([2, 2, 3, 1]), 1, 'valid', 1, { dataFormat: 'NCHW' }), /Error in depthwiseConv2d: number of input channels \(4\) must match the inChannels dimension in filter \(3\)/],
    ['data shorter than its shape', () => depthwiseConv2d({ shape: [1, 2, 2, 1], data: new Float64Array(3) }, tensor([1, 1, 1, 1]), 1, 'valid'), /Error in depthwiseConv2d: x has 3 values but shape \[1,2,2,1\] needs 4/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
