import { conv2d, conv2dInfo } from '../../reference/Conv2D';
import { conv2DBackpropInput, conv2dTranspose } from '../../reference/Conv2DBackpropInput';
import { conv2DBackpropFilter } from '../../reference/Conv2DBackpropFilter';
import { Tensor64, abs, permute, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, convConfigs, convId } from './helpers';

const dot = (a: Tensor64, b: Tensor64) => a.data.reduce((s, v, i) => s + v * b.data[i], 0);
const absDot = (a: Tensor64, b: Tensor64) => a.data.reduce((s, v, i) => s + Math.abs(v * b.data[i]), 0);

describe('conv2DBackpropInput', () => {
  it('sends each output gradient back through the taps that touched a cell, worked by hand', () => {
    const w = tensor([1, 2, 1, 1], [3, 5]);
    const dy = tensor([1, 1, 2, 1], [1, 10]); // x = [a, b, c], y0 = 3a + 5b, y1 = 3b + 5c
    expect(Array.from(conv2DBackpropInput([1, 1, 3, 1], dy, w, 1, 'valid').data)).toEqual([3, 5 + 30, 50]);
  });

  it("a stride leaves the skipped cells at 0; 'same' padding drops the taps over padding", () => {
    // x = [a, b, c, d, e], filter [1, 2] stride 3: y0 = a + 2b, y1 = d + 2e
    expect(Array.from(conv2DBackpropInput([1, 1, 5, 1], tensor([1, 1, 2, 1], [10, 100]), tensor([1, 2, 1, 1], [1, 2]), [1, 3], 'valid').data)).toEqual([10, 20, 0, 100, 200]);
    // 'same', filter [1, 2]: y0 = a + 2b, y1 = b + 2 * pad
    expect(Array.from(conv2DBackpropInput([1, 1, 2, 1], tensor([1, 1, 2, 1], [10, 100]), tensor([1, 2, 1, 1], [1, 2]), 1, 'same').data)).toEqual([10, 20 + 100]);
  });
});

describe("conv2DBackpropInput's order: each dX element sums over (kh, kw, co) in row-major order, bitwise", () => {
  const rng = new Rng(41);
  it.each(convConfigs(4).map((c) => [convId(c), c] as const))('%s', (_id, c) => {
    const filter = rng.tensor(c.f);
    const g = conv2dInfo('conv2DBackpropInput', tensor(c.x), filter, c.strides, c.pad, c.dilations);
    const dy = rng.tensor([g.batch, g.outH, g.outW, g.outC]);
    const dx = conv2DBackpropInput(c.x, dy, filter, c.strides, c.pad, c.dilations);
    // dX[n, ih, iw, ci] = sum_{kh, kw, co} dy[n, i, j, co] * filter[kh, kw, ci, co] over the taps with
    // ih = i*sH + kh*dH - padTop, iw = j*sW + kw*dW - padLeft for some output (i, j)
    const [batch, inH, inW, inC] = c.x;
    const [kH, kW, , outC] = c.f;
    const want = new Float64Array(dx.data.length);
    for (let n = 0; n < batch; n++) for (let ih = 0; ih < inH; ih++) for (let iw = 0; iw < inW; iw++) for (let ci = 0; ci < inC; ci++) {
      let sum = 0;
      for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
        for (let i = 0; i < g.outH; i++) for (let j = 0; j < g.outW; j++) {
          if (i * g.sH + kh * g.dH - g.padTop !== ih || j * g.sW + kw * g.dW - g.padLeft !== iw) continue;
          for (let co = 0; co < outC; co++) sum += dy.data[((n * g.outH + i) * g.outW + j) * outC + co] * filter.data[((kh * kW + kw) * inC + ci) * outC + co];
        }
      }
      want[((n * inH + ih) * inW + iw) * inC + ci] = sum;
    }
    expect(bitwiseDiff(dx, { shape: c.x, data: want })).toBeUndefined();
  });
});

describe('the adjoint identity <conv(x, w), dy> = <x, dX(dy, w)> on every conv configuration', () => {
  const rng = new Rng(11);
  it.each(convConfigs().map((c) => [convId(c), c] as const))('%s', (_id, c) => {
    const x = rng.tensor(c.x);
    const filter = rng.tensor(c.f);
    const y = conv2d(x, filter, c.strides, c.pad, c.dilations);
    const dy = rng.tensor(y.shape);
    const dx = conv2DBackpropInput(x.shape, dy, filter, c.strides, c.pad, c.dilations);
    // float64 rounding of each inner product of n terms is within n * 2^-53 * sum |terms|
    const n = x.data.length * filter.data.length;
    const mag = absDot(conv2d(abs(x), abs(filter), c.strides, c.pad, c.dilations), abs(dy));
    expect(Math.abs(dot(y, dy) - dot(x, dx))).toBeLessThanOrEqual(4 * n * 2 ** -53 * mag + 1e-300);
  });
});

describe('conv2DBackpropInput argument errors', () => {
  it.each([
    ['dy of the wrong shape', () => conv2DBackpropInput([1, 4, 4, 1], tensor([1, 3, 3, 2]), tensor([2, 2, 1, 1]), 1, 'valid'), /Error in conv2DBackpropInput: dy must have the output shape \[1,3,3,1\], got \[1,3,3,2\]/],
    ['dy of the wrong rank', () => conv2DBackpropInput([1, 4, 4, 1], tensor([3, 3]), tensor([2, 2, 1, 1]), 1, 'valid'), /Error in conv2DBackpropInput: dy must have the rank of xShape \[1,4,4,1\], got \[3,3\]/],
    ['stride 0', () => conv2DBackpropInput([1, 4, 4, 1], tensor([1, 3, 3, 1]), tensor([2, 2, 1, 1]), 0, 'valid'), /Error in conv2DBackpropInput: strides must be positive integers, got \[0,0\]/],
    ['an xShape of 2 dims', () => conv2DBackpropInput([4, 4], tensor([3, 3]), tensor([2, 2, 1, 1]), 1, 'valid'), /Error in conv2DBackpropInput: xShape must have 4 dimensions \(or 3, unbatched\), got \[4,4\]/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('both conv gradients in every padding form, rounding mode and layout', () => {
  const rng = new Rng(23);
  const forms = [
    ['numeric pad 2', 2, {}],
    ['explicit pad larger than the window', [[0, 0], [3, 0], [1, 2], [0, 0]], {}],
    ["numeric pad 1, 'ceil' (windows hang past the padded input)", 1, { dimRoundingMode: 'ceil' }],
    ["explicit pad, 'round'", [[0, 0], [1, 0], [0, 1], [0, 0]], { dimRoundingMode: 'round' }],
    ['NCHW, explicit pad', [[0, 0], [0, 0], [1, 0], [2, 1]], { dataFormat: 'NCHW' }],
  ] as const;
  it.each(forms)('%s: the adjoint identities hold, and NCHW / rank 3 are the NHWC results moved', (_name, pad, options) => {
    const nchw = 'dataFormat' in options;
    const xh = rng.tensor([2, 5, 7, 2]);
    const filter = rng.tensor([2, 3, 2, 3]);
    const x = nchw ? permute(xh, [0, 3, 1, 2]) : xh;
    const y = conv2d(x, filter, [2, 3], pad as never, 1, options as never);
    const dy = rng.tensor(y.shape);
    const dx = conv2DBackpropInput(x.shape, dy, filter, [2, 3], pad as never, 1, options as never);
    const dw = conv2DBackpropFilter(x, dy, filter.shape, [2, 3], pad as never, 1, options as never);
    const mag = absDot(conv2d(abs(x), abs(filter), [2, 3], pad as never, 1, options as never), abs(dy));
    const tol = 4 * x.data.length * filter.data.length * 2 ** -53 * mag;
    expect(Math.abs(dot(y, dy) - dot(x, dx))).toBeLessThanOrEqual(tol);
    expect(Math.abs(dot(y, dy) - dot(filter, dw))).toBeLessThanOrEqual(tol);
    if (nchw) {
      const p = pad as readonly (readonly [number, number])[];
      const padNHWC = [p[0], p[2], p[3], p[1]];
      const dyh = permute(dy, [0, 2, 3, 1]);
      expect(bitwiseDiff(permute(dx, [0, 2, 3, 1]), conv2DBackpropInput(xh.shape, dyh, filter, [2, 3], padNHWC as never))).toBeUndefined();
      expect(bitwiseDiff(dw, conv2DBackpropFilter(xh, dyh, filter.shape, [2, 3], padNHWC as never))).toBeUndefined();
    }
    const x3 = tensor(x.shape.slice(1), x.data.slice(0, x.data.length / 2));
    const dy3 = tensor(dy.shape.slice(1), dy.data.slice(0, dy.data.length / 2));
    expect(bitwiseDiff(conv2DBackpropInput(x3.shape, dy3, filter, [2, 3], pad as never, 1, options as never), tensor(x3.shape, dx.data.slice(0, dx.data.length / 2)))).toBeUndefined();
    expect(conv2DBackpropFilter(x3, dy3, filter.shape, [2, 3], pad as never, 1, options as never).shape).toEqual(filter.shape);
  });
});

describe('conv2dTranspose: the input gradient as an op', () => {
  it('scatters each x cell through the filter, by hand', () => {
    // a 1x2 x, a 2x2 filter of [1,2;3,4], stride 2, 'valid': each cell paints its own 2x2 block of a 2x4 image
    const y = conv2dTranspose(tensor([1, 1, 2, 1], [1, 10]), tensor([2, 2, 1, 1], [1, 2, 3, 4]), [1, 2, 4, 1], 2, 'valid');
    expect(Array.from(y.data)).toEqual([1, 2, 10, 20, 3, 4, 30, 40]);
  });

  it('is conv2DBackpropInput with outputShape as xShape, and names itself in its errors', () => {
    const rng = new Rng(5);
    const f = rng.tensor([3, 2, 2, 3]);
    const x = rng.tensor([1, 4, 5, 3]); // (6 - 3 + 2) / 2 + 1 = 3.5 and (7 - 2 + 2) / 2 + 1 = 4.5, rounded up
    const want = conv2DBackpropInput([1, 6, 7, 2], x, f, 2, 1, 1, { dimRoundingMode: 'ceil' });
    expect(bitwiseDiff(conv2dTranspose(x, f, [1, 6, 7, 2], 2, 1, 'ceil'), want)).toBeUndefined();
    expect(() => conv2dTranspose(x, f, [1, 9, 9, 2], 2, 1)).toThrow(/^Error in conv2dTranspose: dy must have the output shape \[1,5,5,3\], got \[1,4,5,3\]/);
  });
});
