/**
 * `tf.pool`: max or average pooling over dilated windows (TF.js has no kernel
 * for it; it composes spaceToBatchND, MaxPool or AvgPool, and batchToSpaceND).
 * The reference is the dilated window itself, as TensorFlow's `tf.nn.pool`
 * defines it: output[n, i, j, c] = REDUCE over (a, b) of
 * x[n, i*sH - padTop + dH*a, j*sW - padLeft + dW*b, c], where "the reduction
 * never includes out-of-bounds positions". The window rules (winner, NaN,
 * means over real cells) are those of maxPool and avgPool.
 */
import { avgPoolWindows } from './AvgPool';
import { avgPoolGradWindows } from './AvgPoolGrad';
import { maxPoolWindows } from './MaxPool';
import { maxPoolGradWindows } from './MaxPoolGrad';
import { PoolInfo, batchOfImages, inRankOf, pool2dInfo } from './pool';
import { ArgumentError, Tensor64, expectDyShape, pair } from './tensor';
import { DimRoundingMode, Padding } from './window';

export type PoolingType = 'max' | 'avg';

/**
 * Checks tf.pool's own rules, then the window geometry: `poolingType` is 'max'
 * or 'avg'; strides or dilations must be all 1; `dimRoundingMode` needs a
 * nonzero numeric or an explicit pad and no dilation (tf.pool turns pad 0 into
 * 'valid', and pools dilated windows under 'valid').
 */
export function poolInfo(
  op: string,
  x: Tensor64,
  windowShape: number | readonly [number, number],
  poolingType: PoolingType,
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
  strides: number | readonly [number, number] = 1,
  dimRoundingMode?: DimRoundingMode,
): PoolInfo {
  if (poolingType !== 'max' && poolingType !== 'avg') {
    throw new ArgumentError(op, `poolingType must be 'max' or 'avg', got ${JSON.stringify(poolingType)}.`);
  }
  const s = pair(op, 'strides', strides);
  const d = pair(op, 'dilations', dilations);
  if (s.some((v) => v > 1) && d.some((v) => v > 1)) {
    throw new ArgumentError(op, `either strides or dilations must be 1, got strides [${s.join(',')}] and dilations [${d.join(',')}].`);
  }
  if (dimRoundingMode !== undefined && (pad === 0 || d.some((v) => v > 1))) {
    throw new ArgumentError(op, `dimRoundingMode ${dimRoundingMode} needs a nonzero numeric or an explicit pad and dilations 1, got pad ${JSON.stringify(pad)} and dilations [${d.join(',')}].`);
  }
  return pool2dInfo(op, x, windowShape, s, pad, { dilations: d, dimRoundingMode });
}

/**
 * The dilated window's maximum (maxPool's rule) or mean of real cells (avgPool's).
 *
 * @param x `[batch, inH, inW, channels]`, or `[inH, inW, channels]` (a batch of one)
 * @returns `[batch, outH, outW, channels]` (rank 3 for a rank-3 x)
 */
export function pool(
  x: Tensor64,
  windowShape: number | readonly [number, number],
  poolingType: PoolingType,
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
  strides: number | readonly [number, number] = 1,
  dimRoundingMode?: DimRoundingMode,
): Tensor64 {
  const g = poolInfo('pool', x, windowShape, poolingType, pad, dilations, strides, dimRoundingMode);
  const x4 = batchOfImages('pool', x);
  return inRankOf(x, poolingType === 'max' ? maxPoolWindows(x4, g) : avgPoolWindows(x4, g));
}

/**
 * dL/dx of `pool`: the upstream gradient goes to each window's winner (max) or
 * is shared over its real cells (avg), in maxPoolGrad's and avgPoolGrad's orders.
 */
export function poolGrad(
  dy: Tensor64,
  x: Tensor64,
  windowShape: number | readonly [number, number],
  poolingType: PoolingType,
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
  strides: number | readonly [number, number] = 1,
  dimRoundingMode?: DimRoundingMode,
): Tensor64 {
  const g = poolInfo('poolGrad', x, windowShape, poolingType, pad, dilations, strides, dimRoundingMode);
  const outShape = [g.batch, g.outH, g.outW, g.channels];
  expectDyShape('poolGrad', dy, x.shape.length === 4 ? outShape : outShape.slice(1));
  const dy4 = { shape: outShape, data: dy.data };
  const x4 = batchOfImages('poolGrad', x);
  const dx = poolingType === 'max' ? maxPoolGradWindows(dy4, x4, g) : { shape: x4.shape, data: avgPoolGradWindows(dy4, g) };
  return inRankOf(x, dx);
}
