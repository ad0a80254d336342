/**
 * Gradient of max pooling (notes, part 1e), mirroring the TF.js kernel
 * `MaxPoolGrad`: "the gradient from the next layer is passed back only to the
 * neuron which achieved the max. All other neurons get zero gradient."
 */
import { maxPoolArgmax } from './MaxPool';
import { pool2dInfo } from './pool';
import { Tensor64, expectDyShape } from './tensor';
import { Padding } from './window';

/**
 * dx[argmax of window (i, j)] += dy[i, j], the winner chosen by maxPool's rule
 * (`beats`: ties go to the first maximum in row-major window order).
 *
 * Order: overlapping windows add their contributions to a cell one at a time,
 * starting from 0, in row-major order of the output elements `[n, i, j, c]`.
 *
 * @param dy `[batch, outH, outW, channels]`
 * @param x the forward input `[batch, inH, inW, channels]`
 * @returns dx with the shape of x
 */
export function maxPoolGrad(
  dy: Tensor64,
  x: Tensor64,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
): Tensor64 {
  const g = pool2dInfo('maxPoolGrad', x, filterSize, strides, pad);
  expectDyShape('maxPoolGrad', dy, [g.batch, g.outH, g.outW, g.channels]);
  const arg = maxPoolArgmax(x, g);
  const dx = new Float64Array(x.data.length);
  for (let o = 0; o < arg.length; o++) {
    if (arg[o] >= 0) dx[arg[o]] += dy.data[o];
  }
  return { shape: x.shape, data: dx };
}
