/**
 * Average pooling, mirroring the TF.js kernel `AvgPool`: the mean of each
 * window per channel. Under `same` padding the mean is over the real cells
 * only, as TensorFlow does (padded cells are not counted as zeros).
 */
import { forEachWindowCell, pool2dInfo } from './pool';
import { Tensor64 } from './tensor';
import { Padding } from './window';

/** Number of real (unpadded) input cells in each output element's window. */
export function windowCounts(g: Parameters<typeof forEachWindowCell>[0]): Float64Array {
  const count = new Float64Array(g.batch * g.outH * g.outW * g.channels);
  forEachWindowCell(g, (o) => {
    count[o]++;
  });
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
  const count = windowCounts(g);
  const y = new Float64Array(count.length);
  forEachWindowCell(g, (o, i) => {
    y[o] += x.data[i];
  });
  for (let o = 0; o < y.length; o++) y[o] /= count[o];
  return { shape: [g.batch, g.outH, g.outW, g.channels], data: y };
}
