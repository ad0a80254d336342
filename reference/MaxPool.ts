/**
 * Max pooling (notes, part 1d), mirroring the TF.js kernel `MaxPool`:
 * R[i, j] = max_{a, b} I[s*i + a, s*j + b], per channel.
 *
 * NaN: a window holding a NaN gives NaN (IEEE 754-2019 `maximum`, like
 * `Math.max`); the backends differ (README, fingerprints). `same` padding
 * ignores padded cells (they never win).
 */
import { Tensor64 } from './tensor';
import { PoolInfo, forEachWindowCell, pool2dInfo } from './pool';
import { Padding } from './window';

/**
 * For each output element, the flat index into x of the element that achieved
 * the maximum: the first maximum in row-major window order on ties, the first
 * NaN if there is one.
 */
export function maxPoolArgmax(x: Tensor64, g: PoolInfo): Int32Array {
  const arg = new Int32Array(g.batch * g.outH * g.outW * g.channels).fill(-1);
  const xd = x.data;
  const C = g.channels;
  forEachWindowCell(g, (oBase, iBase) => {
    for (let c = 0; c < C; c++) {
      const o = oBase + c;
      const i = iBase + c;
      const a = arg[o];
      if (a < 0) {
        arg[o] = i;
        continue;
      }
      const best = xd[a];
      // NOTE: strict '>' keeps the first maximum on ties; once a NaN is held, nothing replaces it.
      if (!Number.isNaN(best) && (Number.isNaN(xd[i]) || xd[i] > best)) arg[o] = i;
    }
  });
  return arg;
}

/**
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
  const y = new Float64Array(arg.length);
  for (let o = 0; o < arg.length; o++) y[o] = x.data[arg[o]];
  return { shape: [g.batch, g.outH, g.outW, g.channels], data: y };
}
