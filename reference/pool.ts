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
 * The window of every output pixel as a table: pixel p (row-major over batch,
 * outH, outW) reads the real (unpadded) input pixels xOff[start[p]] ...
 * xOff[start[p + 1] - 1], in row-major window order; offsets point at channel 0.
 * Built once per call, so the kernels' loops carry no geometry.
 */
export interface PoolTaps {
  start: Int32Array;
  xOff: Int32Array;
}

export function poolTaps(g: PoolInfo): PoolTaps {
  const { batch, channels: C, inH, inW, outH, outW, kH, kW } = g;
  const pixels = batch * outH * outW;
  const start = new Int32Array(pixels + 1);
  const xOff = new Int32Array(pixels * kH * kW);
  let t = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        start[(n * outH + oh) * outW + ow] = t;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * g.sH + kh - g.padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * g.sW + kw - g.padLeft;
            if (iw < 0 || iw >= inW) continue;
            xOff[t++] = ((n * inH + ih) * inW + iw) * C;
          }
        }
      }
    }
  }
  start[pixels] = t;
  return { start, xOff };
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
