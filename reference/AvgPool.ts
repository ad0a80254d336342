/**
 * Average pooling, mirroring the TF.js kernel `AvgPool`: the mean of each
 * window per channel. Under `same` padding the mean is over the real cells
 * only, as TensorFlow does (padded cells are not counted as zeros).
 */
import { forEachWindowCell, pool2dInfo } from './pool';
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
  const count = new Float64Array(g.batch * g.outH * g.outW);
  const xd = x.data;
  forEachWindowCell(g, (o, i) => {
    count[o / C]++;
    for (let c = 0; c < C; c++) y[o + c] += xd[i + c];
  });
  for (let p = 0; p < count.length; p++) for (let c = 0; c < C; c++) y[p * C + c] /= count[p];
  return { shape: [g.batch, g.outH, g.outW, C], data: y };
}
