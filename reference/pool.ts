/** Argument checks and geometry shared by the pooling ops (notes, part 1d). */
import { ArgumentError, Tensor64, expectRank, pair } from './tensor';
import { Padding, Window2D, window2D } from './window';

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

/**
 * Calls `visit(outBase, inBase)` for every (output pixel, real input pixel of its
 * window) pair, the window cells in row-major order; padded cells are skipped.
 * The offsets point at channel 0; callers run the (contiguous) channel loop.
 */
export function forEachWindowCell(g: PoolInfo, visit: (outBase: number, inBase: number) => void): void {
  const { batch, channels: C, inH, inW, outH, outW, kH, kW } = g;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const outBase = ((n * outH + oh) * outW + ow) * C;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * g.sH + kh - g.padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * g.sW + kw - g.padLeft;
            if (iw < 0 || iw >= inW) continue;
            const inBase = ((n * inH + ih) * inW + iw) * C;
            visit(outBase, inBase);
          }
        }
      }
    }
  }
}
