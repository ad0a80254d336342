/**
 * Average pooling, mirroring the TF.js kernel `AvgPool`: the mean of each
 * window per channel. Under `same` padding the mean is over the real cells
 * only, as TensorFlow does (padded cells are not counted as zeros).
 */
import { forEachWindowCell, pool2dInfo, poolTaps } from './pool';
import { Tensor64 } from './tensor';
import { Padding } from './window';

/** Number of real (unpadded) input cells in each output element's window (the same for every channel). */
export function windowCounts(g: Parameters<typeof forEachWindowCell>[0]): Float64Array {
  const C = g.channels;
  const count = new Float64Array(g.batch * g.outH * g.outW * C);
  forEachWindowCell(g, (o) => {
    count[o]++;
  });
  for (let o = 0; o < count.length; o += C) count.fill(count[o], o + 1, o + C);
  return count;
}

/**
 * y[n, i, j, c] = (1 / |W_ij|) * sum_{(h, w) in W_ij} x[n, h, w, c], W_ij the real cells of window (i, j).
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
  const C = g.channels;
  const y = new Float64Array(g.batch * g.outH * g.outW * C);
  const xd = x.data;
  const { start, xOff } = poolTaps(g);
  for (let p = 0; p + 1 < start.length; p++) {
    const t0 = start[p];
    const t1 = start[p + 1];
    // the number of real cells: padded ones do not count
    const count = t1 - t0;
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let t = t0; t < t1; t++) sum += xd[xOff[t] + c];
      y[p * C + c] = sum / count;
    }
  }
  return { shape: [g.batch, g.outH, g.outW, C], data: y };
}
