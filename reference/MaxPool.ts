/**
 * Max pooling (notes, part 1d), mirroring the TF.js kernel `MaxPool`:
 * R[i, j] = max_{a, b} I[s*i + a, s*j + b], per channel, over the real cells of
 * the window (padded cells are never part of it).
 *
 * NaN follows TF.js (its cpu kernel and its own maxPool tests): a NaN cell never
 * wins, so a window's maximum is that of its other cells; a window with no cell
 * above -Inf (all NaN, all -Inf, or no real cell, which `dimRoundingMode`
 * 'ceil' and explicit padding can give) is -Inf.
 */
import { Tensor64 } from './tensor';
import { PoolInfo, batchOfImages, inRankOf, pool2dInfo } from './pool';
import { DimRoundingMode, Padding } from './window';

/**
 * The one "which cell wins" rule of max pooling and its gradient: true when the
 * candidate value `v` takes the place of the running maximum `best`, which
 * starts at -Inf with no cell holding it. Strict '>': ties keep the first
 * maximum (+0 against -0 included), a NaN never wins, and -Inf never beats the
 * starting -Inf.
 */
export function beats(v: number, best: number): boolean {
  return v > best;
}

/**
 * For each output element `[n, i, j, c]`, the flat index into x of the cell that
 * wins its window, or -1 when no cell does (no real cell above -Inf). The real
 * cells are visited in row-major window order (kh, then kw, each dilated); a
 * cell takes the running maximum, which starts at -Inf, when it `beats` it.
 */
export function maxPoolArgmax(x: Tensor64, g: PoolInfo): Int32Array {
  const { batch, inH, inW, channels: C, kH, kW, sH, sW, dH, dW, outH, outW, padTop, padLeft } = g;
  const arg = new Int32Array(batch * outH * outW * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let win = -1;
          for (let kh = 0; kh < kH; kh++) {
            const ih = oh * sH + kh * dH - padTop;
            if (ih < 0 || ih >= inH) continue;
            for (let kw = 0; kw < kW; kw++) {
              const iw = ow * sW + kw * dW - padLeft;
              if (iw < 0 || iw >= inW) continue;
              const i = ((n * inH + ih) * inW + iw) * C + c;
              if (beats(x.data[i], best)) {
                best = x.data[i];
                win = i;
              }
            }
          }
          arg[((n * outH + oh) * outW + ow) * C + c] = win;
        }
      }
    }
  }
  return arg;
}

/** The window maxima of a rank-4 x under geometry g: x[winner], -Inf where no cell wins. */
export function maxPoolWindows(x: Tensor64, g: PoolInfo): Tensor64 {
  const arg = maxPoolArgmax(x, g);
  return { shape: [g.batch, g.outH, g.outW, g.channels], data: Float64Array.from(arg, (i) => (i < 0 ? -Infinity : x.data[i])) };
}

/**
 * R[n, i, j, c] = x[maxPoolArgmax]: the value of the cell that wins the window.
 *
 * @param x `[batch, inH, inW, channels]`, or `[inH, inW, channels]` (a batch of one)
 * @param pad 'valid', 'same', a number of cells on every side, or an explicit `[[0,0],[top,bottom],[left,right],[0,0]]`
 * @param dimRoundingMode how the output size is rounded under a numeric or explicit pad (truncation without one)
 * @returns `[batch, outH, outW, channels]` (rank 3 for a rank-3 x)
 */
export function maxPool(
  x: Tensor64,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
  dimRoundingMode?: DimRoundingMode,
): Tensor64 {
  const g = pool2dInfo('maxPool', x, filterSize, strides, pad, { dimRoundingMode });
  return inRankOf(x, maxPoolWindows(batchOfImages('maxPool', x), g));
}
