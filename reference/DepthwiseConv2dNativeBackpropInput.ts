/**
 * Gradient of depthwiseConv2d with respect to the image, mirroring the TF.js
 * kernel `DepthwiseConv2dNativeBackpropInput`: each image cell receives the
 * output gradients of its own channel's outputs only, back through the filter
 * taps that touched it.
 */
import { depthwiseConv2dInfo } from './DepthwiseConv2dNative';
import { asImage, nhwcShape } from './layout';
import { ArgumentError, Shape, Tensor64, expectDyShape, tensor } from './tensor';
import { Padding, WindowOptions } from './window';

/**
 * dX[n, ih, iw, c] = sum_{kh, kw, m} dy[n, i, j, c*M + m] * filter[kh, kw, c, m]
 * over the (kh, kw) for which an output position (i, j) has ih = i*sH + kh*dH - padTop
 * and iw = j*sW + kw*dW - padLeft (M is the channel multiplier).
 *
 * Order: each dX element is one sum starting at 0, the products added one at a
 * time over (kh, kw, m) in row-major order.
 *
 * @param xShape `[batch, inH, inW, inC]` (or NCHW, or rank 3 unbatched, as `options.dataFormat` and depthwiseConv2d take x)
 * @param dy `[batch, outH, outW, inC * M]`, in x's layout and rank
 * @param filter `[fh, fw, inC, M]`
 * @returns dX with `xShape`
 */
export function depthwiseConv2dNativeBackpropInput(
  xShape: Shape,
  dy: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
  options: WindowOptions = {},
): Tensor64 {
  const op = 'depthwiseConv2dNativeBackpropInput';
  if (xShape.length !== 4 && xShape.length !== 3) throw new ArgumentError(op, `xShape must have 4 dimensions (or 3, unbatched), got [${xShape.join(',')}].`);
  if (dy.shape.length !== xShape.length) throw new ArgumentError(op, `dy must have the rank of xShape [${xShape.join(',')}], got [${dy.shape.join(',')}].`);
  const image = asImage(op, 'dy', dy, options.dataFormat);
  return image.back(backpropInputNHWC(nhwcShape(op, 'xShape', xShape, options.dataFormat ?? 'NHWC'), image.nhwc, filter, strides, pad, dilations, options));
}

/** depthwiseConv2dNativeBackpropInput's loops, on NHWC rank-4 shapes. */
function backpropInputNHWC(
  xShape: Shape,
  dy: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number],
  options: WindowOptions,
): Tensor64 {
  const op = 'depthwiseConv2dNativeBackpropInput';
  const g = depthwiseConv2dInfo(op, tensor(xShape), filter, strides, pad, dilations, options);
  const { batch, inH, inW, inC, mult, outC, kH, kW, sH, sW, dH, dW, outH, outW, padTop, padLeft } = g;
  expectDyShape(op, dy, [batch, outH, outW, outC]);
  const dx = new Float64Array(batch * inH * inW * inC);
  for (let n = 0; n < batch; n++) {
    for (let ih = 0; ih < inH; ih++) {
      for (let iw = 0; iw < inW; iw++) {
        for (let c = 0; c < inC; c++) {
          let sum = 0;
          for (let kh = 0; kh < kH; kh++) {
            // the output row i whose window puts tap kh on image row ih, if there is one
            const rowOff = ih + padTop - kh * dH;
            if (rowOff < 0 || rowOff % sH !== 0 || rowOff / sH >= outH) continue;
            const i = rowOff / sH;
            for (let kw = 0; kw < kW; kw++) {
              const colOff = iw + padLeft - kw * dW;
              if (colOff < 0 || colOff % sW !== 0 || colOff / sW >= outW) continue;
              const j = colOff / sW;
              for (let m = 0; m < mult; m++) {
                sum += dy.data[((n * outH + i) * outW + j) * outC + c * mult + m] * filter.data[((kh * kW + kw) * inC + c) * mult + m];
              }
            }
          }
          dx[((n * inH + ih) * inW + iw) * inC + c] = sum;
        }
      }
    }
  }
  return { shape: [...xShape], data: dx };
}
