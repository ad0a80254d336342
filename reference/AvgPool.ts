/**
 * Average pooling, mirroring the TF.js kernel `AvgPool`: the mean of each
 * window's real cells per channel. Padded cells are not counted (as TensorFlow
 * does for 'same'; TF.js's kernels do it for every padding form), a NaN in a
 * window makes its mean NaN (IEEE sums), and a window with no real cell (which
 * `dimRoundingMode` 'ceil' and explicit padding can give) is 0 / 0 = NaN, as in
 * TF.js's cpu kernel.
 */
import { PoolInfo, batchOfImages, inRankOf, pool2dInfo } from './pool';
import { Tensor64 } from './tensor';
import { DimRoundingMode, Padding } from './window';

/**
 * |W_ij|, the number of real (unpadded) input cells in the window of each output
 * element `[n, i, j, c]` (the same for every channel).
 */
export function windowCounts(g: PoolInfo): Float64Array {
  const { batch, inH, inW, channels: C, kH, kW, sH, sW, dH, dW, outH, outW, padTop, padLeft } = g;
  const count = new Float64Array(batch * outH * outW * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        let cells = 0;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * sH + kh * dH - padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW + kw * dW - padLeft;
            if (iw >= 0 && iw < inW) cells++;
          }
        }
        for (let c = 0; c < C; c++) count[((n * outH + oh) * outW + ow) * C + c] = cells;
      }
    }
  }
  return count;
}

/**
 * y[n, i, j, c] = (sum_{(h, w) in W_ij} x[n, h, w, c]) / |W_ij| for a rank-4 x
 * under geometry g, W_ij the real cells of window (i, j).
 *
 * Order: the sum starts at 0 and adds the real cells one at a time in row-major
 * window order (kh, then kw, each dilated); then one division.
 */
export function avgPoolWindows(x: Tensor64, g: PoolInfo): Tensor64 {
  const { batch, inH, inW, channels: C, kH, kW, sH, sW, dH, dW, outH, outW, padTop, padLeft } = g;
  const count = windowCounts(g);
  const y = new Float64Array(batch * outH * outW * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let kh = 0; kh < kH; kh++) {
            const ih = oh * sH + kh * dH - padTop;
            if (ih < 0 || ih >= inH) continue;
            for (let kw = 0; kw < kW; kw++) {
              const iw = ow * sW + kw * dW - padLeft;
              if (iw < 0 || iw >= inW) continue;
              sum += x.data[((n * inH + ih) * inW + iw) * C + c];
            }
          }
          const o = ((n * outH + oh) * outW + ow) * C + c;
          // NOTE: a window without a real cell is 0 / 0 = NaN.
          y[o] = sum / count[o];
        }
      }
    }
  }
  return { shape: [batch, outH, outW, C], data: y };
}

/**
 * The mean of each window's real cells.
 *
 * @param x `[batch, inH, inW, channels]`, or `[inH, inW, channels]` (a batch of one)
 * @param pad 'valid', 'same', a number of cells on every side, or an explicit `[[0,0],[top,bottom],[left,right],[0,0]]`
 * @param dimRoundingMode how the output size is rounded under a numeric or explicit pad (truncation without one)
 * @returns `[batch, outH, outW, channels]` (rank 3 for a rank-3 x)
 */
export function avgPool(
  x: Tensor64,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
  dimRoundingMode?: DimRoundingMode,
): Tensor64 {
  const g = pool2dInfo('avgPool', x, filterSize, strides, pad, { dimRoundingMode });
  return inRankOf(x, avgPoolWindows(batchOfImages('avgPool', x), g));
}
