/**
 * Gradient of max pooling (notes, part 1e), mirroring the TF.js kernel
 * `MaxPoolGrad`: "the gradient from the next layer is passed back only to the
 * neuron which achieved the max. All other neurons get zero gradient."
 */
import { maxPoolArgmax } from './MaxPool';
import { PoolInfo, batchOfImages, inRankOf, pool2dInfo } from './pool';
import { Tensor64, expectDyShape } from './tensor';
import { DimRoundingMode, Padding } from './window';

/**
 * dx[argmax of window (i, j)] += dy[i, j] for a rank-4 x under geometry g, the
 * winner chosen by maxPool's rule (`beats`: ties go to the first maximum in
 * row-major window order, NaN never wins). A window that no cell wins (all NaN
 * or -Inf, or no real cell) passes its gradient to no cell, as TF.js's cpu
 * kernel does.
 *
 * Order: overlapping windows add their contributions to a cell one at a time,
 * starting from 0, in row-major order of the output elements `[n, i, j, c]`.
 */
export function maxPoolGradWindows(dy: Tensor64, x: Tensor64, g: PoolInfo): Tensor64 {
  const arg = maxPoolArgmax(x, g);
  const dx = new Float64Array(x.data.length);
  for (let o = 0; o < arg.length; o++) {
    if (arg[o] >= 0) dx[arg[o]] += dy.data[o];
  }
  return { shape: x.shape, data: dx };
}

/**
 * dL/dx of `maxPool(x, filterSize, strides, pad, dimRoundingMode)`.
 *
 * @param dy `[batch, outH, outW, channels]` (rank 3 for a rank-3 x)
 * @param x the forward input `[batch, inH, inW, channels]` or `[inH, inW, channels]`
 * @returns dx with the shape of x
 */
export function maxPoolGrad(
  dy: Tensor64,
  x: Tensor64,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
  dimRoundingMode?: DimRoundingMode,
): Tensor64 {
  const g = pool2dInfo('maxPoolGrad', x, filterSize, strides, pad, { dimRoundingMode });
  const outShape = [g.batch, g.outH, g.outW, g.channels];
  expectDyShape('maxPoolGrad', dy, x.shape.length === 4 ? outShape : outShape.slice(1));
  const x4 = batchOfImages('maxPoolGrad', x);
  return inRankOf(x, maxPoolGradWindows({ shape: outShape, data: dy.data }, x4, g));
}
