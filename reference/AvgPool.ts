/**
 * Average pooling, mirroring the TF.js kernel `AvgPool`: the mean of each
 * window per channel. Under `same` padding the mean is over the real cells
 * only, as TensorFlow does (padded cells are not counted as zeros).
 */
import { PoolInfo, pool2dInfo } from './pool';
import { Tensor64 } from './tensor';
import { Padding } from './window';

/**
 * |W_ij|, the number of real (unpadded) input cells in the window of each output
 * element `[n, i, j, c]` (the same for every channel).
 */
export function windowCounts(g: PoolInfo): Float64Array {
  const { batch, inH, inW, channels: C, kH, kW, sH, sW, outH, outW, padTop, padLeft } = g;
  const count = new Float64Array(batch * outH * outW * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        let cells = 0;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * sH + kh - padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW + kw - padLeft;
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
 * y[n, i, j, c] = (sum_{(h, w) in W_ij} x[n, h, w, c]) / |W_ij|, W_ij the real cells of window (i, j).
 *
 * Order: the sum starts at 0 and adds the real cells one at a time in row-major
 * window order (kh, then kw); then one division.
 *
 * @param x `[batch, inH, inW, channels]`
 */
export function avgPool(
  x: Tensor64,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
): Tensor64 {
  const g = pool2dInfo('avgPool', x, filterSize, strides, pad);
  const { batch, inH, inW, channels: C, kH, kW, sH, sW, outH, outW, padTop, padLeft } = g;
  const count = windowCounts(g);
  const y = new Float64Array(batch * outH * outW * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let kh = 0; kh < kH; kh++) {
            const ih = oh * sH + kh - padTop;
            if (ih < 0 || ih >= inH) continue;
            for (let kw = 0; kw < kW; kw++) {
              const iw = ow * sW + kw - padLeft;
              if (iw < 0 || iw >= inW) continue;
              sum += x.data[((n * inH + ih) * inW + iw) * C + c];
            }
          }
          const o = ((n * outH + oh) * outW + ow) * C + c;
          y[o] = sum / count[o];
        }
      }
    }
  }
  return { shape: [batch, outH, outW, C], data: y };
}
