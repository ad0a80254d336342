import { depthwiseConv2d } from '../../reference/DepthwiseConv2dNative';
import { depthwiseConv2dNativeBackpropFilter } from '../../reference/DepthwiseConv2dNativeBackpropFilter';
import { Tensor64, abs, permute, tensor } from '../../reference/tensor';
import { Padding, WindowOptions } from '../../reference/window';
import { Rng, bitwiseDiff, convConfigs, convId } from './helpers';

const dot = (a: Tensor64, b: Tensor64) => a.data.reduce((s, v, i) => s + v * b.data[i], 0);
const absDot = (a: Tensor64, b: Tensor64) => a.data.reduce((s, v, i) => s + Math.abs(v * b.data[i]), 0);

describe('depthwiseConv2dNativeBackpropFilter, worked by hand', () => {
  it("each weight sees only its own channel's patches and its own output channel's gradient", () => {
    // channel 0 = [1, 2, 3], channel 1 = [10, 20, 30]; filter [1, 2, 2, 2], outputs j = 0, 1,
    // output channel c * 2 + m
    const x = tensor([1, 1, 3, 2], [1, 10, 2, 20, 3, 30]);
    const dy = tensor([1, 1, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8]);
    const dw = depthwiseConv2dNativeBackpropFilter(x, dy, [1, 2, 2, 2], 1, 'valid');
    // dW[0, kw, c, m] = sum_j dy[j, c*2 + m] * x[j + kw, c]
    expect(Array.from(dw.data)).toEqual([
      1 * 1 + 5 * 2, 2 * 1 + 6 * 2, 3 * 10 + 7 * 20, 4 * 10 + 8 * 20, // kw = 0: (c0 m0, c0 m1, c1 m0, c1 m1)
      1 * 2 + 5 * 3, 2 * 2 + 6 * 3, 3 * 20 + 7 * 30, 4 * 20 + 8 * 30, // kw = 1
    ]);
  });

  it("with stride 2 and 'same', a tap over padding gets nothing from that output", () => {
    // x = [1, 2, 3, 4] along the width, filter 1x3, stride 2, 'same': windows [0..2] and [2..4), pad after
    const dw = depthwiseConv2dNativeBackpropFilter(tensor([1, 1, 4, 1], [1, 2, 3, 4]), tensor([1, 1, 2, 1], [10, 100]), [1, 3, 1, 1], 2, 'same');
    expect(Array.from(dw.data)).toEqual([10 * 1 + 100 * 3, 10 * 2 + 100 * 4, 10 * 3]);
  });
});

describe("depthwiseConv2dNativeBackpropFilter's order: each weight sums over (n, i, j) in row-major order, bitwise", () => {
  const rng = new Rng(37);
  it.each(convConfigs(12, 30).map((c) => [convId(c), c] as const))('%s', (_id, c) => {
    const x = rng.tensor(c.x);
    const y = depthwiseConv2d(x, tensor(c.f), c.strides, c.pad, c.dilations);
    const dy = rng.tensor(y.shape);
    const dw = depthwiseConv2dNativeBackpropFilter(x, dy, c.f, c.strides, c.pad, c.dilations);
    const [batch, inH, inW, C] = c.x;
    const [kH, kW, , M] = c.f;
    const [, outH, outW] = y.shape;
    const [sH, sW] = c.strides;
    const [dH, dW] = c.dilations;
    // 'same' puts the smaller half of the padding before; the others used here pad nothing
    const before = (inS: number, k: number, s: number, d: number, out: number) => (c.pad === 'same' ? Math.floor(Math.max((out - 1) * s + (k - 1) * d + 1 - inS, 0) / 2) : 0);
    const padTop = before(inH, kH, sH, dH, outH);
    const padLeft = before(inW, kW, sW, dW, outW);
    const want = new Float64Array(dw.data.length);
    // dW[kh, kw, c, m] = sum_{n, i, j} dy[n, i, j, c*M + m] * x[n, i*sH + kh*dH - padTop, j*sW + kw*dW - padLeft, c]
    for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) for (let ch = 0; ch < C; ch++) for (let m = 0; m < M; m++) {
      let sum = 0;
      for (let n = 0; n < batch; n++) for (let i = 0; i < outH; i++) for (let j = 0; j < outW; j++) {
        const ih = i * sH + kh * dH - padTop;
        const iw = j * sW + kw * dW - padLeft;
        if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) sum += dy.data[((n * outH + i) * outW + j) * C * M + ch * M + m] * x.data[((n * inH + ih) * inW + iw) * C + ch];
      }
      want[((kh * kW + kw) * C + ch) * M + m] = sum;
    }
    expect(bitwiseDiff(dw, { shape: c.f, data: want })).toBeUndefined();
  });
});

describe('the adjoint identity <depthwise(x, w), dy> = <w, dW(x, dy)>', () => {
  const rng = new Rng(19);
  it.each(convConfigs(8, 40).map((c) => [convId(c), c] as const))('%s', (_id, c) => {
    const x = rng.tensor(c.x);
    const filter = rng.tensor(c.f);
    const y = depthwiseConv2d(x, filter, c.strides, c.pad, c.dilations);
    const dy = rng.tensor(y.shape);
    const dw = depthwiseConv2dNativeBackpropFilter(x, dy, filter.shape, c.strides, c.pad, c.dilations);
    // float64 rounding of each inner product of n terms is within n * 2^-53 * sum |terms|
    const n = x.data.length * filter.data.length;
    const mag = absDot(depthwiseConv2d(abs(x), abs(filter), c.strides, c.pad, c.dilations), abs(dy));
    expect(Math.abs(dot(y, dy) - dot(filter, dw))).toBeLessThanOrEqual(4 * n * 2 ** -53 * mag + 1e-300);
  });

  it('holds exactly on small integers (every sum is exact in float64)', () => {
    const x = tensor([2, 6, 5, 3], rng.integers(180, -4, 4));
    const filter = tensor([2, 3, 3, 2], rng.integers(36, -3, 3));
    const y = depthwiseConv2d(x, filter, [1, 2], 1);
    const dy = tensor(y.shape, rng.integers(y.data.length, -5, 5));
    expect(dot(filter, depthwiseConv2dNativeBackpropFilter(x, dy, filter.shape, [1, 2], 1))).toBe(dot(y, dy));
  });
});

describe('depthwiseConv2dNativeBackpropFilter in every padding form, rounding mode and layout', () => {
  const rng = new Rng(47);
  const forms: [string, Padding, WindowOptions][] = [
    ['numeric pad 2', 2, {}],
    ['explicit pad larger than the window', [[0, 0], [3, 0], [1, 2], [0, 0]], {}],
    ["numeric pad 1, 'ceil'", 1, { dimRoundingMode: 'ceil' }],
    ["explicit pad, 'round'", [[0, 0], [1, 0], [0, 1], [0, 0]], { dimRoundingMode: 'round' }],
    ['NCHW, explicit pad', [[0, 0], [0, 0], [1, 0], [2, 1]], { dataFormat: 'NCHW' }],
    ["NCHW, 'same'", 'same', { dataFormat: 'NCHW' }],
  ];
  it.each(forms)('%s: the adjoint identity holds; NCHW is the NHWC result, bit for bit', (_name, pad, options) => {
    const nchw = options.dataFormat === 'NCHW';
    const xh = rng.tensor([2, 5, 7, 2]);
    const filter = rng.tensor([2, 3, 2, 3]);
    const x = nchw ? permute(xh, [0, 3, 1, 2]) : xh;
    const y = depthwiseConv2d(x, filter, [2, 3], pad, 1, options);
    const dy = rng.tensor(y.shape);
    const dw = depthwiseConv2dNativeBackpropFilter(x, dy, filter.shape, [2, 3], pad, 1, options);
    const mag = absDot(depthwiseConv2d(abs(x), abs(filter), [2, 3], pad, 1, options), abs(dy));
    expect(Math.abs(dot(y, dy) - dot(filter, dw))).toBeLessThanOrEqual(4 * x.data.length * filter.data.length * 2 ** -53 * mag);
    if (nchw) {
      const padNHWC = typeof pad === 'object' ? ([pad[0], pad[2], pad[3], pad[1]] as Padding) : pad;
      expect(bitwiseDiff(dw, depthwiseConv2dNativeBackpropFilter(xh, permute(dy, [0, 2, 3, 1]), filter.shape, [2, 3], padNHWC))).toBeUndefined();
    }
    // a rank-3 image is one image: its gradient is the first image's
    const first = (t: Tensor64) => tensor(t.shape.slice(1), t.data.slice(0, t.data.length / 2));
    const lead = (t: Tensor64) => tensor([1, ...t.shape.slice(1)], t.data.slice(0, t.data.length / 2));
    expect(bitwiseDiff(
      depthwiseConv2dNativeBackpropFilter(first(x), first(dy), filter.shape, [2, 3], pad, 1, options),
      depthwiseConv2dNativeBackpropFilter(lead(x), lead(dy), filter.shape, [2, 3], pad, 1, options),
    )).toBeUndefined();
  });
});

describe('depthwiseConv2dNativeBackpropFilter argument errors', () => {
  it.each([
    ['dy of the wrong shape', () => depthwiseConv2dNativeBackpropFilter(tensor([1, 4, 4, 2]), tensor([1, 3, 3, 2]), [2, 2, 2, 2], 1, 'valid'), /Error in depthwiseConv2dNativeBackpropFilter: dy must have the output shape \[1,3,3,4\], got \[1,3,3,2\]/],
    ['dy of the wrong rank', () => depthwiseConv2dNativeBackpropFilter(tensor([1, 4, 4, 1]), tensor([3, 3, 1]), [2, 2, 1, 1], 1, 'valid'), /Error in depthwiseConv2dNativeBackpropFilter: dy must have the rank of x \[1,4,4,1\], got \[3,3,1\]/],
    ['a filterShape of 3 dims', () => depthwiseConv2dNativeBackpropFilter(tensor([1, 4, 4, 1]), tensor([1, 3, 3, 1]), [2, 2, 1], 1, 'valid'), /Error in depthwiseConv2dNativeBackpropFilter: filterShape must have 4 dimensions, got \[2,2,1\]/],
    ['filter channels differ', () => depthwiseConv2dNativeBackpropFilter(tensor([1, 4, 4, 2]), tensor([1, 3, 3, 3]), [2, 2, 3, 1], 1, 'valid'), /Error in depthwiseConv2dNativeBackpropFilter: number of input channels \(2\) must match the inChannels dimension in filter \(3\)/],
    ['explicit pad of the wrong length', () => depthwiseConv2dNativeBackpropFilter(tensor([1, 4, 4, 1]), tensor([1, 3, 3, 1]), [2, 2, 1, 1], 1, [[0, 0], [1, 1]] as never), /Error in depthwiseConv2dNativeBackpropFilter: explicit pad must be 4 pairs/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
