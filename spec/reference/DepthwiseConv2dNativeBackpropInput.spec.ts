import { depthwiseConv2d, depthwiseConv2dInfo } from '../../reference/DepthwiseConv2dNative';
import { depthwiseConv2dNativeBackpropInput } from '../../reference/DepthwiseConv2dNativeBackpropInput';
import { Tensor64, abs, permute, tensor } from '../../reference/tensor';
import { Padding, WindowOptions } from '../../reference/window';
import { Rng, bitwiseDiff, convConfigs, convId } from './helpers';

const dot = (a: Tensor64, b: Tensor64) => a.data.reduce((s, v, i) => s + v * b.data[i], 0);
const absDot = (a: Tensor64, b: Tensor64) => a.data.reduce((s, v, i) => s + Math.abs(v * b.data[i]), 0);

describe('depthwiseConv2dNativeBackpropInput, worked by hand', () => {
  it("each cell gets only its own channel's output gradients, through the taps that touched it", () => {
    // channel 0 = [a, b, c], channel 1 = [p, q, r]; filter [1, 2, 2, 2]:
    // c0 m0 = [1, 1], c0 m1 = [1, -1], c1 m0 = [2, 0], c1 m1 = [0, 3]
    // y[j] = (a_j + a_{j+1}, a_j - a_{j+1}, 2 p_j, 3 p_{j+1}) for j = 0, 1
    const f = tensor([1, 2, 2, 2], [1, 1, 2, 0, 1, -1, 0, 3]);
    const dy = tensor([1, 1, 2, 4], [1, 10, 100, 1000, 2, 20, 200, 2000]);
    const dx = depthwiseConv2dNativeBackpropInput([1, 1, 3, 2], dy, f, 1, 'valid');
    // da = 1 + 10; db = (1 - 10) + (2 + 20); dc = 2 - 20
    // dp = 2 * 100; dq = 3 * 1000 + 2 * 200; dr = 3 * 2000
    expect(Array.from(dx.data)).toEqual([11, 200, -9 + 22, 3000 + 400, -18, 6000]);
  });

  it("a stride leaves the skipped cells at 0; 'same' drops the taps over padding", () => {
    // x = [a, b, c, d, e], filter [1, 2] stride 3: y0 = a + 2b, y1 = d + 2e
    expect(Array.from(depthwiseConv2dNativeBackpropInput([1, 1, 5, 1], tensor([1, 1, 2, 1], [10, 100]), tensor([1, 2, 1, 1], [1, 2]), [1, 3], 'valid').data)).toEqual([10, 20, 0, 100, 200]);
    // x = [a, b, c, d] (as a column), filter [3, 1] = [1, 10, 100], stride 2, 'same' (0 before, 1 after):
    // y0 = a + 10 b + 100 c, y1 = c + 10 d
    expect(Array.from(depthwiseConv2dNativeBackpropInput([1, 4, 1, 1], tensor([1, 2, 1, 1], [1, 2]), tensor([3, 1, 1, 1], [1, 10, 100]), 2, 'same').data)).toEqual([1, 10, 100 + 2, 20]);
  });
});

describe("depthwiseConv2dNativeBackpropInput's order: each dX element sums over (kh, kw, m) in row-major order, bitwise", () => {
  const rng = new Rng(43);
  it.each(convConfigs(6, 30).map((c) => [convId(c), c] as const))('%s', (_id, c) => {
    const filter = rng.tensor(c.f);
    const g = depthwiseConv2dInfo('depthwiseConv2dNativeBackpropInput', tensor(c.x), filter, c.strides, c.pad, c.dilations);
    const dy = rng.tensor([g.batch, g.outH, g.outW, g.outC]);
    const dx = depthwiseConv2dNativeBackpropInput(c.x, dy, filter, c.strides, c.pad, c.dilations);
    // dX[n, ih, iw, c] = sum_{kh, kw, m} dy[n, i, j, c*M + m] * filter[kh, kw, c, m] over the taps with
    // ih = i*sH + kh*dH - padTop, iw = j*sW + kw*dW - padLeft for some output (i, j)
    const [batch, inH, inW, C] = c.x;
    const [kH, kW, , M] = c.f;
    const want = new Float64Array(dx.data.length);
    for (let n = 0; n < batch; n++) for (let ih = 0; ih < inH; ih++) for (let iw = 0; iw < inW; iw++) for (let ch = 0; ch < C; ch++) {
      let sum = 0;
      for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
        for (let i = 0; i < g.outH; i++) for (let j = 0; j < g.outW; j++) {
          if (i * g.sH + kh * g.dH - g.padTop !== ih || j * g.sW + kw * g.dW - g.padLeft !== iw) continue;
          for (let m = 0; m < M; m++) sum += dy.data[((n * g.outH + i) * g.outW + j) * C * M + ch * M + m] * filter.data[((kh * kW + kw) * C + ch) * M + m];
        }
      }
      want[((n * inH + ih) * inW + iw) * C + ch] = sum;
    }
    expect(bitwiseDiff(dx, { shape: c.x, data: want })).toBeUndefined();
  });
});

describe('the adjoint identity <depthwise(x, w), dy> = <x, dX(dy, w)>', () => {
  const rng = new Rng(13);
  it.each(convConfigs(8, 40).map((c) => [convId(c), c] as const))('%s', (_id, c) => {
    const x = rng.tensor(c.x);
    const filter = rng.tensor(c.f);
    const y = depthwiseConv2d(x, filter, c.strides, c.pad, c.dilations);
    const dy = rng.tensor(y.shape);
    const dx = depthwiseConv2dNativeBackpropInput(x.shape, dy, filter, c.strides, c.pad, c.dilations);
    // float64 rounding of each inner product of n terms is within n * 2^-53 * sum |terms|
    const n = x.data.length * filter.data.length;
    const mag = absDot(depthwiseConv2d(abs(x), abs(filter), c.strides, c.pad, c.dilations), abs(dy));
    expect(Math.abs(dot(y, dy) - dot(x, dx))).toBeLessThanOrEqual(4 * n * 2 ** -53 * mag + 1e-300);
  });

  it('holds exactly on small integers (every sum is exact in float64)', () => {
    const x = tensor([2, 6, 5, 3], rng.integers(180, -4, 4));
    const filter = tensor([3, 2, 3, 2], rng.integers(36, -3, 3));
    const y = depthwiseConv2d(x, filter, [2, 1], 'same');
    const dy = tensor(y.shape, rng.integers(y.data.length, -5, 5));
    expect(dot(x, depthwiseConv2dNativeBackpropInput(x.shape, dy, filter, [2, 1], 'same'))).toBe(dot(y, dy));
  });
});

describe('depthwiseConv2dNativeBackpropInput in every padding form, rounding mode and layout', () => {
  const rng = new Rng(29);
  const forms: [string, Padding, WindowOptions][] = [
    ['numeric pad 2', 2, {}],
    ['explicit pad larger than the window', [[0, 0], [3, 0], [1, 2], [0, 0]], {}],
    ["numeric pad 1, 'ceil'", 1, { dimRoundingMode: 'ceil' }],
    ["explicit pad, 'round'", [[0, 0], [1, 0], [0, 1], [0, 0]], { dimRoundingMode: 'round' }],
    ['NCHW, explicit pad', [[0, 0], [0, 0], [1, 0], [2, 1]], { dataFormat: 'NCHW' }],
    ["NCHW, 'same'", 'same', { dataFormat: 'NCHW' }],
  ];
  it.each(forms)('%s: the adjoint identity holds; NCHW and rank 3 are the NHWC result moved', (_name, pad, options) => {
    const nchw = options.dataFormat === 'NCHW';
    const xh = rng.tensor([2, 5, 7, 2]);
    const filter = rng.tensor([2, 3, 2, 3]);
    const x = nchw ? permute(xh, [0, 3, 1, 2]) : xh;
    const y = depthwiseConv2d(x, filter, [2, 3], pad, 1, options);
    const dy = rng.tensor(y.shape);
    const dx = depthwiseConv2dNativeBackpropInput(x.shape, dy, filter, [2, 3], pad, 1, options);
    const mag = absDot(depthwiseConv2d(abs(x), abs(filter), [2, 3], pad, 1, options), abs(dy));
    expect(Math.abs(dot(y, dy) - dot(x, dx))).toBeLessThanOrEqual(4 * x.data.length * filter.data.length * 2 ** -53 * mag);
    if (nchw) {
      const padNHWC = typeof pad === 'object' ? ([pad[0], pad[2], pad[3], pad[1]] as Padding) : pad;
      const dyh = permute(dy, [0, 2, 3, 1]);
      expect(bitwiseDiff(permute(dx, [0, 2, 3, 1]), depthwiseConv2dNativeBackpropInput(xh.shape, dyh, filter, [2, 3], padNHWC))).toBeUndefined();
    }
    const half = (t: Tensor64) => tensor(t.shape.slice(1), t.data.slice(0, t.data.length / 2));
    expect(bitwiseDiff(depthwiseConv2dNativeBackpropInput(x.shape.slice(1), half(dy), filter, [2, 3], pad, 1, options), half(dx))).toBeUndefined();
  });
});

describe('depthwiseConv2dNativeBackpropInput argument errors', () => {
  it.each([
    ['dy of the wrong shape', () => depthwiseConv2dNativeBackpropInput([1, 4, 4, 2], tensor([1, 3, 3, 2]), tensor([2, 2, 2, 2]), 1, 'valid'), /Error in depthwiseConv2dNativeBackpropInput: dy must have the output shape \[1,3,3,4\], got \[1,3,3,2\]/],
    ['dy of the wrong rank', () => depthwiseConv2dNativeBackpropInput([1, 4, 4, 1], tensor([3, 3]), tensor([2, 2, 1, 1]), 1, 'valid'), /Error in depthwiseConv2dNativeBackpropInput: dy must have the rank of xShape \[1,4,4,1\], got \[3,3\]/],
    ['filter channels differ', () => depthwiseConv2dNativeBackpropInput([1, 4, 4, 2], tensor([1, 3, 3, 3]), tensor([2, 2, 3, 1]), 1, 'valid'), /Error in depthwiseConv2dNativeBackpropInput: number of input channels \(2\) must match the inChannels dimension in filter \(3\)/],
    ['stride 0', () => depthwiseConv2dNativeBackpropInput([1, 4, 4, 1], tensor([1, 3, 3, 1]), tensor([2, 2, 1, 1]), 0, 'valid'), /Error in depthwiseConv2dNativeBackpropInput: strides must be positive integers, got \[0,0\]/],
    ['an xShape of 2 dims', () => depthwiseConv2dNativeBackpropInput([4, 4], tensor([3, 3]), tensor([2, 2, 1, 1]), 1, 'valid'), /Error in depthwiseConv2dNativeBackpropInput: xShape must have 4 dimensions \(or 3, unbatched\), got \[4,4\]/],
    ['dimRoundingMode with same', () => depthwiseConv2dNativeBackpropInput([1, 4, 4, 1], tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 1, 'same', 1, { dimRoundingMode: 'floor' }), /Error in depthwiseConv2dNativeBackpropInput: pad must be an integer when using dimRoundingMode floor/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
