import { conv2d } from '../../reference/Conv2D';
import { conv2DBackpropFilter } from '../../reference/Conv2DBackpropFilter';
import { conv2DBackpropInput } from '../../reference/Conv2DBackpropInput';
import { Tensor64, tensor } from '../../reference/tensor';
import { conv2dSpec } from '../../src/ops/conv2d';
import { Rng } from '../../src/random';

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

describe('conv2DBackpropInput', () => {
  it('sends each output gradient back through the taps that touched a cell, worked by hand', () => {
    const w = tensor([1, 2, 1, 1], [3, 5]);
    const dy = tensor([1, 1, 2, 1], [1, 10]); // x = [a, b, c], y0 = 3a + 5b, y1 = 3b + 5c
    expect(Array.from(conv2DBackpropInput([1, 1, 3, 1], dy, w, 1, 'valid').data)).toEqual([3, 5 + 30, 50]);
  });
});

describe('the adjoint identity <conv(x, w), dy> = <x, dX(dy, w)> = <w, dW(x, dy)> on every conv2d case', () => {
  const rng = new Rng(11);
  const cases = conv2dSpec.cases(1).filter((c) => c.gradients);
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const { x, filter } = c.inputs;
    const { strides, pad, dilations } = c.params;
    const y = conv2d(x, filter, strides, pad, dilations);
    const dy = tensor(y.shape, rng.uniform(y.data.length));
    const dx = conv2DBackpropInput(x.shape, dy, filter, strides, pad, dilations);
    const dw = conv2DBackpropFilter(x, dy, filter.shape, strides, pad, dilations);
    const lhs = dot(y, dy);
    // float64 rounding of each inner product of n terms is within n * 2^-53 * sum |terms|
    const tol = (n: number, mag: number) => 4 * n * 2 ** -53 * mag + 1e-300;
    const mag = absDot(conv2d({ shape: x.shape, data: x.data.map(Math.abs) }, { shape: filter.shape, data: filter.data.map(Math.abs) }, strides, pad, dilations), { shape: dy.shape, data: dy.data.map(Math.abs) });
    const n = x.data.length * filter.data.length;
    expect(Math.abs(lhs - dot(x, dx))).toBeLessThanOrEqual(tol(n, mag));
    expect(Math.abs(lhs - dot(filter, dw))).toBeLessThanOrEqual(tol(n, mag));
  });
});

describe('backprop argument errors', () => {
  it.each([
    ['dy of the wrong shape (filter)', () => conv2DBackpropFilter(tensor([1, 4, 4, 1]), tensor([1, 2, 2, 1]), [2, 2, 1, 1], 1, 'valid'), /Error in conv2DBackpropFilter: dy must have the output shape \[1,3,3,1\], got \[1,2,2,1\]/],
    ['dy of the wrong shape (input)', () => conv2DBackpropInput([1, 4, 4, 1], tensor([1, 3, 3, 2]), tensor([2, 2, 1, 1]), 1, 'valid'), /Error in conv2DBackpropInput: dy must have the output shape \[1,3,3,1\], got \[1,3,3,2\]/],
    ['dy of the wrong rank', () => conv2DBackpropInput([1, 4, 4, 1], tensor([3, 3]), tensor([2, 2, 1, 1]), 1, 'valid'), /Error in conv2DBackpropInput: dy must be rank 4, got rank 2/],
    ['a filter shape of 3 dims', () => conv2DBackpropFilter(tensor([1, 4, 4, 1]), tensor([1, 3, 3, 1]), [2, 2, 1], 1, 'valid'), /Error in conv2DBackpropFilter: filterShape must have 4 dimensions, got \[2,2,1\]/],
    ['stride 0', () => conv2DBackpropInput([1, 4, 4, 1], tensor([1, 3, 3, 1]), tensor([2, 2, 1, 1]), 0, 'valid'), /Error in conv2DBackpropInput: strides must be positive integers, got \[0,0\]/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
