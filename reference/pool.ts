/** Argument checks and geometry shared by the pooling ops (notes, part 1d). */
import { ArgumentError, Tensor64, expectRank, pair } from './tensor';
import { Padding, Window2D, WindowTaps, window2D, windowTaps } from './window';

export type PoolInfo = Window2D & { batch: number; channels: number };

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

/** The window table of a pooling op (window.ts, windowTaps): offsets point at channel 0. */
export function poolTaps(g: PoolInfo): WindowTaps {
  return windowTaps(g, g.batch, g.channels);
}

/**
 * Calls `visit(outBase, inBase)` for every (output pixel, real input pixel of its
 * window) pair, the window cells in row-major order; padded cells are skipped.
 * The offsets point at channel 0; callers run the (contiguous) channel loop.
 */
export function forEachWindowCell(g: PoolInfo, visit: (outBase: number, inBase: number) => void): void {
  const { start, xOff } = poolTaps(g);
  for (let p = 0; p + 1 < start.length; p++) {
    for (let t = start[p]; t < start[p + 1]; t++) visit(p * g.channels, xOff[t]);
  }
}
