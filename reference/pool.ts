/** Argument checks and geometry shared by the pooling ops (notes, part 1d). */
import { ArgumentError, Tensor64, pair, sizeOf } from './tensor';
import { DimRoundingMode, Padding, Window2D, window2D } from './window';

export type PoolInfo = Window2D & { batch: number; channels: number };

/** The optional arguments of a pooling op: dilations (tf.pool only) and the output rounding. */
export interface PoolOptions {
  dilations?: number | readonly [number, number];
  dimRoundingMode?: DimRoundingMode;
}

/**
 * x as a rank-4 image: a rank-3 x `[inH, inW, channels]` is a batch of one, as
 * TF.js reads it; any other rank is rejected.
 */
export function batchOfImages(op: string, x: Tensor64): Tensor64 {
  if (x.shape.length !== 3 && x.shape.length !== 4) {
    throw new ArgumentError(op, `x must be rank 4, or rank 3 for a batch of one, got rank ${x.shape.length} (shape [${x.shape.join(',')}]).`);
  }
  if (x.data.length !== sizeOf(x.shape)) {
    throw new ArgumentError(op, `x has ${x.data.length} values but shape [${x.shape.join(',')}] needs ${sizeOf(x.shape)}.`);
  }
  return x.shape.length === 4 ? x : { shape: [1, ...x.shape], data: x.data };
}

/** The output of a pooling op in the rank of its input: the batch axis dropped for a rank-3 x. */
export function inRankOf(x: Tensor64, y: Tensor64): Tensor64 {
  return x.shape.length === 4 ? y : { shape: y.shape.slice(1), data: y.data };
}

/**
 * Checks the arguments of a 2-D pooling op on x `[batch, inH, inW, channels]`
 * (or `[inH, inW, channels]`) and derives its geometry: every padding form, the
 * rounding mode (numeric or explicit pads only) and, for tf.pool, dilations.
 */
export function pool2dInfo(
  op: string,
  x: Tensor64,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
  options: PoolOptions = {},
): PoolInfo {
  const [batch, inH, inW, channels] = batchOfImages(op, x).shape;
  if ([batch, inH, inW, channels].some((d) => d === 0)) {
    throw new ArgumentError(op, `empty dimensions are not accepted: x [${x.shape.join(',')}].`);
  }
  const k = pair(op, 'filterSize', filterSize);
  const s = pair(op, 'strides', strides);
  const d = pair(op, 'dilations', options.dilations ?? 1);
  return { ...window2D(op, [inH, inW], k, s, pad, d, { dimRoundingMode: options.dimRoundingMode }), batch, channels };
}
