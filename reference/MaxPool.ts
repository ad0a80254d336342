/**
 * Max pooling (notes, part 1d), mirroring the TF.js kernel `MaxPool`:
 * R[i, j] = max_{a, b} I[s*i + a, s*j + b], per channel.
 *
 * NaN: a window holding a NaN gives NaN (IEEE 754-2019 `maximum`, like
 * `Math.max`); the backends differ (README, fingerprints). `same` padding
 * ignores padded cells (they never win).
 */
import { Tensor64 } from './tensor';
import { PoolInfo, pool2dInfo } from './pool';
import { Padding } from './window';

/**
 * The one "which cell wins" rule of max pooling and its gradient: true when the
 * candidate value `v` takes the place of the current winner `best`.
 */
export function beats(v: number, best: number): boolean {
  // NOTE: strict '>' keeps the first maximum on ties (+0 against -0 included);
  // a NaN beats any number and, once held, is never replaced.
  return !Number.isNaN(best) && (Number.isNaN(v) || v > best);
}

/**
 * For each output element `[n, i, j, c]`, the flat index into x of the cell that
 * wins its window: the real cells are visited in row-major window order (kh,
 * then kw), the first one holds, and a later one takes its place when it
 * `beats` the holder. So ties go to the first maximum and NaN to the first NaN.
 */
export function maxPoolArgmax(x: Tensor64, g: PoolInfo): Int32Array {
  const { batch, inH, inW, channels: C, kH, kW, sH, sW, outH, outW, padTop, padLeft } = g;
  const arg = new Int32Array(batch * outH * outW * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let c = 0; c < C; c++) {
          let win = -1;
          for (let kh = 0; kh < kH; kh++) {
            const ih = oh * sH + kh - padTop;
            if (ih < 0 || ih >= inH) continue;
            for (let kw = 0; kw < kW; kw++) {
              const iw = ow * sW + kw - padLeft;
              if (iw < 0 || iw >= inW) continue;
              const i = ((n * inH + ih) * inW + iw) * C + c;
              if (win < 0 || beats(x.data[i], x.data[win])) win = i;
            }
          }
          arg[((n * outH + oh) * outW + ow) * C + c] = win;
        }
      }
    }
  }
  return arg;
}

/**
 * R[n, i, j, c] = x[maxPoolArgmax]: the value of the cell that wins the window.
 *
 * @param x `[batch, inH, inW, channels]`
 * @returns `[batch, outH, outW, channels]`
 */
export function maxPool(
  x: Tensor64,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
): Tensor64 {
  const g = pool2dInfo('maxPool', x, filterSize, strides, pad);
  const arg = maxPoolArgmax(x, g);
  // NOTE: a window without a real cell (not produced by TensorFlow's padding rule) would be NaN.
  const y = Float64Array.from(arg, (i) => (i < 0 ? NaN : x.data[i]));
  return { shape: [g.batch, g.outH, g.outW, g.channels], data: y };
}
