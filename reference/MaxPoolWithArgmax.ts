/**
 * Max pooling with the position of each maximum, mirroring the TF.js kernel
 * `MaxPoolWithArgmax` (two outputs: the pooled values and their indexes).
 */
import { maxPoolArgmax } from './MaxPool';
import { pool2dInfo } from './pool';
import { Tensor64, expectRank } from './tensor';
import { Padding } from './window';

/**
 * result = maxPool(x) and indexes = the flat position of each window's winner
 * (maxPool's rule: first maximum, NaN never wins), in TensorFlow's convention
 * ((n * inH + h) * inW + w) * channels + c with `includeBatchInIndex`, else
 * (h * inW + w) * channels + c. A window that no cell wins (all NaN or -Inf)
 * has the value -Inf and the index -1, as TF.js's cpu kernel gives.
 *
 * @param x `[batch, inH, inW, channels]`
 * @returns result and indexes, both `[batch, outH, outW, channels]`
 */
export function maxPoolWithArgmax(
  x: Tensor64,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
  includeBatchInIndex = false,
): { result: Tensor64; indexes: Tensor64 } {
  expectRank('maxPoolWithArgmax', 'x', x, 4);
  const g = pool2dInfo('maxPoolWithArgmax', x, filterSize, strides, pad);
  const arg = maxPoolArgmax(x, g);
  const shape = [g.batch, g.outH, g.outW, g.channels];
  const perImage = g.inH * g.inW * g.channels;
  const result = Float64Array.from(arg, (i) => (i < 0 ? -Infinity : x.data[i]));
  // NOTE: the winner's flat index in x already counts the batch; without it, the offset of its image is removed.
  const indexes = Float64Array.from(arg, (i) => (i < 0 || includeBatchInIndex ? i : i % perImage));
  return { result: { shape, data: result }, indexes: { shape, data: indexes } };
}
