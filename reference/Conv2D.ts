/**
 * Strided multi-channel 2-D convolution (notes, part 1a–1b), mirroring the TF.js
 * kernel `Conv2D` (`tf.conv2d`). Like TF.js it is a cross-correlation: the filter
 * is not flipped.
 *
 * Layouts: x is NHWC `[batch, height, width, inChannels]`, the filter is
 * `[fh, fw, inChannels, outChannels]`. The notes' `I_c[x, y]` is `x[n, y, x, c]`.
 */
import { ArgumentError, Tensor64, expectRank, pair } from './tensor';
import { Padding, Window2D, window2D, windowTaps } from './window';

export { convOutputSize } from './window';

/** Checks the arguments of a conv2d and derives its geometry. */
export function conv2dInfo(
  x: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
  op = 'conv2d',
): Window2D & { batch: number; inC: number; outC: number } {
  expectRank(op, 'x', x, 4);
  expectRank(op, 'filter', filter, 4);
  const [batch, inH, inW, inC] = x.shape;
  const [kH, kW, fInC, outC] = filter.shape;
  if (inC !== fInC) {
    throw new ArgumentError(op, `depth of input (${inC}) must match input depth for filter (${fInC}).`);
  }
  if ([batch, inH, inW, inC, kH, kW, outC].some((d) => d === 0)) {
    throw new ArgumentError(op, `empty dimensions are not accepted: x [${x.shape.join(',')}], filter [${filter.shape.join(',')}].`);
  }
  const s = pair(op, 'strides', strides);
  const d = pair(op, 'dilations', dilations);
  return { ...window2D(op, [inH, inW], [kH, kW], s, pad, d), batch, inC, outC };
}

/**
 * The window table of a convolution (window.ts, windowTaps) with each cell's
 * filter offset: fOff[t] is the flat offset of filter[kh, kw, 0, 0]. Forward and
 * both gradients walk this one table with their own channel loops.
 */
export interface TapTable {
  start: Int32Array;
  xOff: Int32Array;
  fOff: Int32Array;
}

export function tapTable(g: ReturnType<typeof conv2dInfo>): TapTable {
  const { start, xOff, cell } = windowTaps(g, g.batch, g.inC);
  const perCell = g.inC * g.outC;
  return { start, xOff, fOff: cell.map((c) => c * perCell) };
}

/**
 * y[n, oh, ow, co] = sum_{kh, kw, ci} x[n, oh*sH + kh*dH - padTop, ow*sW + kw*dW - padLeft, ci] * filter[kh, kw, ci, co]
 * (notes, part 1a; cells outside the input count as zero).
 *
 * Output `[batch, outH, outW, outChannels]`. Unlike `tf.conv2d`, strides and
 * dilations greater than 1 may be combined.
 */
export function conv2d(
  x: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
): Tensor64 {
  const g = conv2dInfo(x, filter, strides, pad, dilations);
  const { inC, outC } = g;
  const y = new Float64Array(g.batch * g.outH * g.outW * outC);
  const xd = x.data;
  const fd = filter.data;
  const taps = tapTable(g);
  for (let p = 0; p + 1 < taps.start.length; p++) {
    const yOff = p * outC;
    for (let t = taps.start[p]; t < taps.start[p + 1]; t++) {
      const xOff = taps.xOff[t];
      const fOff = taps.fOff[t];
      let ci = 0;
      // NOTE: four input channels per pass over the output row (the innermost loop
      // runs over contiguous output channels), a quarter of the loads and stores of y.
      for (; ci + 4 <= inC; ci += 4) {
        const x0 = xd[xOff + ci];
        const x1 = xd[xOff + ci + 1];
        const x2 = xd[xOff + ci + 2];
        const x3 = xd[xOff + ci + 3];
        const f0 = fOff + ci * outC;
        const f1 = f0 + outC;
        const f2 = f1 + outC;
        const f3 = f2 + outC;
        for (let co = 0; co < outC; co++) y[yOff + co] += x0 * fd[f0 + co] + x1 * fd[f1 + co] + x2 * fd[f2 + co] + x3 * fd[f3 + co];
      }
      for (; ci < inC; ci++) {
        const xv = xd[xOff + ci];
        const fRow = fOff + ci * outC;
        for (let co = 0; co < outC; co++) y[yOff + co] += xv * fd[fRow + co];
      }
    }
  }
  return { shape: [g.batch, g.outH, g.outW, outC], data: y };
}
