/**
 * Gradient of conv2d with respect to the image (notes, part 1c: the derivative
 * that lets backprop "continue on to the layer before"), mirroring the TF.js
 * kernel `Conv2DBackpropInput`.
 */
import { conv2dInfo } from './Conv2D';
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
  const { batch, inH, inW, inC, outC, kH, kW, outH, outW } = g;
  expectDyShape(op, dy, [batch, outH, outW, outC]);
  const dx = new Float64Array(batch * inH * inW * inC);
  const fd = filter.data;
  const dyd = dy.data;
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        const dyOff = ((n * outH + i) * outW + j) * outC;
        for (let kh = 0; kh < kH; kh++) {
          const ih = i * g.sH + kh * g.dH - g.padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = j * g.sW + kw * g.dW - g.padLeft;
            if (iw < 0 || iw >= inW) continue;
            const xOff = ((n * inH + ih) * inW + iw) * inC;
            const wOff = (kh * kW + kw) * inC * outC;
            for (let ci = 0; ci < inC; ci++) {
              const wRow = wOff + ci * outC;
              let acc = 0;
              for (let co = 0; co < outC; co++) acc += dyd[dyOff + co] * fd[wRow + co];
              dx[xOff + ci] += acc;
            }
          }
        }
      }
    }
  }
  return { shape: [batch, inH, inW, inC], data: dx };
}
