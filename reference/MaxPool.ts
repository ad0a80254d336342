/**
 * Max pooling (notes, part 1d), mirroring the TF.js kernel `MaxPool`:
 * R[i, j] = max_{a, b} I[s*i + a, s*j + b], per channel.
 *
 * NaN: a window holding a NaN gives NaN (IEEE 754-2019 `maximum`, like
 * `Math.max`); the backends differ (README, fingerprints). `same` padding
 * ignores padded cells (they never win).
 */
import { Tensor64 } from './tensor';
import { PoolInfo, forEachWindowCell, pool2dInfo, poolTaps } from './pool';
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
  const C = g.channels;
  const { start, xOff } = poolTaps(g);
  const xd = x.data;
  // NOTE: the value of x[maxPoolArgmax], without the index table: the first cell
  // opens each window; a later one replaces the holder only when strictly
  // greater (ties, +0 against -0 included, keep the first) or NaN, and a held NaN
  // is never replaced (NaN > v and v > NaN are both false).
  const y = new Float64Array(g.batch * g.outH * g.outW * C).fill(NaN);
  for (let p = 0; p + 1 < start.length; p++) {
    const t0 = start[p];
    const t1 = start[p + 1];
    if (t0 === t1) continue;
    for (let c = 0; c < C; c++) {
      let best = xd[xOff[t0] + c];
      for (let t = t0 + 1; t < t1; t++) {
        const v = xd[xOff[t] + c];
        if (v > best || v !== v) best = v;
      }
      y[p * C + c] = best;
    }
  }
  return { shape: [g.batch, g.outH, g.outW, C], data: y };
}
