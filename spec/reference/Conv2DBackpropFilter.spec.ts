import { conv2d } from '../../reference/Conv2D';
import { conv2DBackpropFilter } from '../../reference/Conv2DBackpropFilter';
import { Tensor64, abs, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, convConfigs, convId } from './helpers';

const dot = (a: Tensor64, b: Tensor64) => a.data.reduce((s, v, i) => s + v * b.data[i], 0);
const absDot = (a: Tensor64, b: Tensor64) => a.data.reduce((s, v, i) => s + Math.abs(v * b.data[i]), 0);

describe('conv2DBackpropFilter: the notes, eq. 1', () => {
  it('dL/dG_c[x, y] = sum_{i,j} dL/dR[i, j] * I_c[i + x, j + y], worked by hand', () => {
    // one channel, 3x3 image, 2x2 filter, stride 1: R is 2x2
    const x = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const dy = tensor([1, 2, 2, 1], [1, 0, 0, 2]); // dL/dR[0,0] = 1, dL/dR[1,1] = 2
    const dw = conv2DBackpropFilter(x, dy, [2, 2, 1, 1], 1, 'valid');
    // dW[a, b] = 1 * I[a, b] + 2 * I[1 + a, 1 + b]
    expect(Array.from(dw.data)).toEqual([1 + 2 * 5, 2 + 2 * 6, 4 + 2 * 8, 5 + 2 * 9]);
  });

  it('with a stride, each weight sees only the strided patches', () => {
    const x = tensor([1, 1, 5, 1], [1, 2, 3, 4, 5]);
    const dy = tensor([1, 1, 2, 1], [10, 100]); // windows at columns 0 and 3 (stride 3, filter 2)
    expect(Array.from(conv2DBackpropFilter(x, dy, [1, 2, 1, 1], [1, 3], 'valid').data)).toEqual([10 * 1 + 100 * 4, 10 * 2 + 100 * 5]);
  });
});

/**
 * Eq. 1 of the notes, transcribed, with a stride (sX along the width, sY along
 * the height) and a batch (summed first):
 *
 *   dL/dG_c[x, y] = sum_{i,j} dL/dR[i, j] * I_c[s*i + x, s*j + y]
 *
 * with I_c[x, y] = input[n, y, x, c], dL/dR[i, j] = dy[n, j, i, co] (the notes
 * count i along the width) and G_c[x, y] = dW[y, x, c, co]. The sum starts at 0
 * and runs over the images n, then the rows j of R, then the columns i:
 * row-major order of the output.
 */
function notesFilterGrad(input: Tensor64, dy: Tensor64, c: number, co: number, x: number, y: number, sX: number, sY: number): number {
  const [batch, H, W, C] = input.shape;
  const [, outH, outW, outC] = dy.shape;
  const I = (n: number, xx: number, yy: number) => input.data[((n * H + yy) * W + xx) * C + c];
  const dR = (n: number, i: number, j: number) => dy.data[((n * outH + j) * outW + i) * outC + co];
  let sum = 0;
  for (let n = 0; n < batch; n++) for (let j = 0; j < outH; j++) for (let i = 0; i < outW; i++) sum += dR(n, i, j) * I(n, sX * i + x, sY * j + y);
  return sum;
}

describe("conv2DBackpropFilter's order is eq. 1 summed over (n, i, j) in row-major order: bitwise equal on random float32 data", () => {
  const rng = new Rng(31);
  it.each([
    [[1, 5, 6, 3], [2, 2, 3, 1], [1, 1]],
    [[1, 7, 7, 3], [3, 3, 3, 4], [2, 2]],
    [[2, 6, 9, 4], [3, 2, 4, 5], [1, 2]],
    [[3, 9, 8, 2], [2, 3, 2, 3], [3, 2]],
    [[2, 8, 8, 5], [4, 4, 5, 2], [2, 1]],
  ] as const)('x=[%s] f=[%s] s=[%s] p=valid', (xs, fs, s) => {
    const x = rng.tensor(xs);
    const y = conv2d(x, tensor(fs), s, 'valid');
    const dy = rng.tensor(y.shape);
    const dw = conv2DBackpropFilter(x, dy, fs, s, 'valid');
    const [kH, kW, inC, outC] = fs;
    const want = new Float64Array(dw.data.length);
    for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) for (let c = 0; c < inC; c++) for (let co = 0; co < outC; co++) {
      want[((kh * kW + kw) * inC + c) * outC + co] = notesFilterGrad(x, dy, c, co, kw, kh, s[1], s[0]);
    }
    expect(bitwiseDiff(dw, { shape: fs, data: want })).toBeUndefined();
  });
});

describe('the adjoint identity <conv(x, w), dy> = <w, dW(x, dy)> on every conv configuration', () => {
  const rng = new Rng(11);
  it.each(convConfigs().map((c) => [convId(c), c] as const))('%s', (_id, c) => {
    const x = rng.tensor(c.x);
    const filter = rng.tensor(c.f);
    const y = conv2d(x, filter, c.strides, c.pad, c.dilations);
    const dy = rng.tensor(y.shape);
    const dw = conv2DBackpropFilter(x, dy, filter.shape, c.strides, c.pad, c.dilations);
    // float64 rounding of each inner product of n terms is within n * 2^-53 * sum |terms|
    const n = x.data.length * filter.data.length;
    const mag = absDot(conv2d(abs(x), abs(filter), c.strides, c.pad, c.dilations), abs(dy));
    expect(Math.abs(dot(y, dy) - dot(filter, dw))).toBeLessThanOrEqual(4 * n * 2 ** -53 * mag + 1e-300);
  });
});

describe('conv2DBackpropFilter argument errors', () => {
  it.each([
    ['dy of the wrong shape', () => conv2DBackpropFilter(tensor([1, 4, 4, 1]), tensor([1, 2, 2, 1]), [2, 2, 1, 1], 1, 'valid'), /Error in conv2DBackpropFilter: dy must have the output shape \[1,3,3,1\], got \[1,2,2,1\]/],
    ['a filter shape of 3 dims', () => conv2DBackpropFilter(tensor([1, 4, 4, 1]), tensor([1, 3, 3, 1]), [2, 2, 1], 1, 'valid'), /Error in conv2DBackpropFilter: filterShape must have 4 dimensions, got \[2,2,1\]/],
    ['a channel mismatch', () => conv2DBackpropFilter(tensor([1, 4, 4, 2]), tensor([1, 3, 3, 1]), [2, 2, 1, 1], 1, 'valid'), /Error in conv2DBackpropFilter: depth of input \(2\) must match input depth for filter \(1\)/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
