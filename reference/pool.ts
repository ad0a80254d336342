/** Argument checks and geometry shared by the pooling ops (notes, part 1d). */
import { ArgumentError, Tensor64, expectRank, pair } from './tensor';
import { Padding, Window2D, window2D } from './window';

export type PoolInfo = Window2D & { batch: number; channels: number };

/** Checks the arguments of a 2-D pooling op on x `[batch, inH, inW, channels]` and derives its geometry. */
export function pool2dInfo(
  op: string,
  x: Tensor64,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
): PoolInfo {
  expectRank(op, 'x', x, 4);
  const [batch, inH, inW, channels] = x.shape;
  if ([batch, inH, inW, channels].some((d) => d === 0)) {
    throw new ArgumentError(op, `empty dimensions are not accepted: x [${x.shape.join(',')}].`);
  }
  const k = pair(op, 'filterSize', filterSize);
  const s = pair(op, 'strides', strides);
  return { ...window2D(op, [inH, inW], k, s, pad), batch, channels };
}
