/**
 * Gradient of conv2d with respect to the filter (notes, part 1c, eq. 1), mirroring
 * the TF.js kernel `Conv2DBackpropFilter`. Each weight receives a contribution from
 * every patch of the image it was applied to.
 */
import { conv2dInfo, tapTable } from './Conv2D';
import { ArgumentError, Shape, Tensor64, expectRank, tensor } from './tensor';
import { Padding } from './window';

/** Checks that `dy` has the shape conv2d gives for these arguments. */
export function expectDyShape(op: string, dy: Tensor64, want: Shape): void {
  expectRank(op, 'dy', dy, want.length);
  if (dy.shape.some((d, i) => d !== want[i])) {
    throw new ArgumentError(op, `dy must have the output shape [${want.join(',')}], got [${dy.shape.join(',')}].`);
  }
}

/**
 * dW[kh, kw, ci, co] = sum_{n, i, j} dy[n, i, j, co] * x[n, sH*i + dH*kh - padTop, sW*j + dW*kw - padLeft, ci]
 * (notes, eq. 1, generalised to batch, output channels, strides, padding and
 * dilation; terms outside the input are zero, as the notes say).
 *
 * @param x `[batch, inH, inW, inC]`
 * @param dy `[batch, outH, outW, outC]`, the gradient of the loss with respect to conv2d's output
 * @param filterShape `[fh, fw, inC, outC]`
 * @returns dW with `filterShape`
 */
export function conv2DBackpropFilter(
  x: Tensor64,
  dy: Tensor64,
  filterShape: Shape,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
): Tensor64 {
  const op = 'conv2DBackpropFilter';
  if (filterShape.length !== 4) throw new ArgumentError(op, `filterShape must have 4 dimensions, got [${filterShape.join(',')}].`);
  const g = conv2dInfo(x, tensor(filterShape), strides, pad, dilations, op);
  const { kH, kW, inC, outC } = g;
  expectDyShape(op, dy, [g.batch, g.outH, g.outW, outC]);
  const dw = new Float64Array(kH * kW * inC * outC);
  const xd = x.data;
  const dyd = dy.data;
  const taps = tapTable(g);
  for (let p = 0; p + 1 < taps.start.length; p++) {
    const dyOff = p * outC;
    for (let t = taps.start[p]; t < taps.start[p + 1]; t++) {
      const xOff = taps.xOff[t];
      const wOff = taps.fOff[t];
      let ci = 0;
      // NOTE: four input channels per pass, sharing each load of the dy row.
      for (; ci + 4 <= inC; ci += 4) {
        const x0 = xd[xOff + ci];
        const x1 = xd[xOff + ci + 1];
        const x2 = xd[xOff + ci + 2];
        const x3 = xd[xOff + ci + 3];
        const w0 = wOff + ci * outC;
        const w1 = w0 + outC;
        const w2 = w1 + outC;
        const w3 = w2 + outC;
        for (let co = 0; co < outC; co++) {
          const d = dyd[dyOff + co];
          dw[w0 + co] += x0 * d;
          dw[w1 + co] += x1 * d;
          dw[w2 + co] += x2 * d;
          dw[w3 + co] += x3 * d;
        }
      }
      for (; ci < inC; ci++) {
        const xv = xd[xOff + ci];
        const wRow = wOff + ci * outC;
        for (let co = 0; co < outC; co++) dw[wRow + co] += xv * dyd[dyOff + co];
      }
    }
  }
  return { shape: [kH, kW, inC, outC], data: dw };
}
