/**
 * Gradient of conv2d with respect to the image (notes, part 1c: the derivative
 * that lets backprop "continue on to the layer before"), mirroring the TF.js
 * kernel `Conv2DBackpropInput`.
 */
import { conv2dInfo, tapTable } from './Conv2D';
import { expectDyShape } from './Conv2DBackpropFilter';
import { ArgumentError, Shape, Tensor64, tensor } from './tensor';
import { Padding } from './window';

/**
 * dX[n, ih, iw, ci] = sum_{kh, kw, co} dy[n, i, j, co] * filter[kh, kw, ci, co]
 * over the (i, j, kh, kw) with ih = sH*i + dH*kh - padTop and iw = sW*j + dW*kw - padLeft:
 * every output an image cell took part in sends its gradient back through the tap
 * that touched it.
 *
 * @param xShape `[batch, inH, inW, inC]`
 * @param dy `[batch, outH, outW, outC]`
 * @param filter `[fh, fw, inC, outC]`
 * @returns dX with `xShape`
 */
export function conv2DBackpropInput(
  xShape: Shape,
  dy: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
): Tensor64 {
  const op = 'conv2DBackpropInput';
  if (xShape.length !== 4) throw new ArgumentError(op, `xShape must have 4 dimensions, got [${xShape.join(',')}].`);
  const g = conv2dInfo(tensor(xShape), filter, strides, pad, dilations, op);
  const { inC, outC } = g;
  expectDyShape(op, dy, [g.batch, g.outH, g.outW, outC]);
  const dx = new Float64Array(g.batch * g.inH * g.inW * inC);
  const fd = filter.data;
  const dyd = dy.data;
  const taps = tapTable(g);
  for (let p = 0; p + 1 < taps.start.length; p++) {
    const dyOff = p * outC;
    for (let t = taps.start[p]; t < taps.start[p + 1]; t++) {
      const xOff = taps.xOff[t];
      const wOff = taps.fOff[t];
      for (let ci = 0; ci < inC; ci++) {
        const wRow = wOff + ci * outC;
        let acc = 0;
        for (let co = 0; co < outC; co++) acc += dyd[dyOff + co] * fd[wRow + co];
        dx[xOff + ci] += acc;
      }
    }
  }
  return { shape: [...xShape], data: dx };
}
