/**
 * Gradient of conv2d with respect to the image (notes, part 1c: the derivative
 * that lets backprop "continue on to the layer before"), mirroring the TF.js
 * kernel `Conv2DBackpropInput`.
 */
import { conv2dInfo } from './Conv2D';
import { asImage, nhwcShape } from './layout';
import { ArgumentError, Shape, Tensor64, expectDyShape, tensor } from './tensor';
import { Padding, WindowOptions } from './window';

/**
 * dX[n, ih, iw, ci] = sum_{kh, kw, co} dy[n, i, j, co] * filter[kh, kw, ci, co]
 * over the (kh, kw) for which an output position (i, j) has ih = i*sH + kh*dH - padTop
 * and iw = j*sW + kw*dW - padLeft: every output an image cell took part in sends
 * its gradient back through the filter tap that touched it.
 *
 * Order: each dX element is one sum starting at 0, the products added one at a
 * time over (kh, kw, co) in row-major order.
 *
 * @param xShape `[batch, inH, inW, inC]` (or NCHW, or rank 3 unbatched, as `options.dataFormat` and conv2d take x)
 * @param dy `[batch, outH, outW, outC]`, in x's layout and rank
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
  options: WindowOptions = {},
): Tensor64 {
  return backpropInput('conv2DBackpropInput', xShape, dy, filter, strides, pad, dilations, options);
}

/** conv2DBackpropInput, its errors named after `op` (the op the caller called). */
function backpropInput(
  op: string,
  xShape: Shape,
  dy: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number],
  options: WindowOptions,
): Tensor64 {
  if (xShape.length !== 4 && xShape.length !== 3) throw new ArgumentError(op, `xShape must have 4 dimensions (or 3, unbatched), got [${xShape.join(',')}].`);
  if (dy.shape.length !== xShape.length) throw new ArgumentError(op, `dy must have the rank of xShape [${xShape.join(',')}], got [${dy.shape.join(',')}].`);
  const image = asImage(op, 'dy', dy, options.dataFormat);
  return image.back(backpropInputNHWC(op, nhwcShape(op, 'xShape', xShape, options.dataFormat ?? 'NHWC'), image.nhwc, filter, strides, pad, dilations, options));
}

/** conv2DBackpropInput's loops, on NHWC rank-4 shapes. */
function backpropInputNHWC(
  op: string,
  xShape: Shape,
  dy: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number],
  options: WindowOptions,
): Tensor64 {
  const g = conv2dInfo(op, tensor(xShape), filter, strides, pad, dilations, options);
  const { batch, inH, inW, inC, kH, kW, sH, sW, dH, dW, outH, outW, outC, padTop, padLeft } = g;
  expectDyShape(op, dy, [batch, outH, outW, outC]);
  const dx = new Float64Array(batch * inH * inW * inC);
  for (let n = 0; n < batch; n++) {
    for (let ih = 0; ih < inH; ih++) {
      for (let iw = 0; iw < inW; iw++) {
        for (let ci = 0; ci < inC; ci++) {
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
              for (let co = 0; co < outC; co++) {
                sum += dy.data[((n * outH + i) * outW + j) * outC + co] * filter.data[((kh * kW + kw) * inC + ci) * outC + co];
              }
            }
          }
          dx[((n * inH + ih) * inW + iw) * inC + ci] = sum;
        }
      }
    }
  }
  return { shape: [...xShape], data: dx };
}

/**
 * `tf.conv2dTranspose(x, filter, outputShape, strides, pad, dimRoundingMode)`:
 * the input gradient exposed as an op (the same kernel, Conv2DBackpropInput).
 * x plays dy: `[batch, h, w, filterOutChannels]` (or rank 3), the result has
 * `outputShape`, the shape of the image a conv2d with this filter maps onto x.
 * NHWC, no dilations, as TF.js takes it.
 */
export function conv2dTranspose(
  x: Tensor64,
  filter: Tensor64,
  outputShape: Shape,
  strides: number | readonly [number, number],
  pad: Padding,
  dimRoundingMode?: WindowOptions['dimRoundingMode'],
): Tensor64 {
  return backpropInput('conv2dTranspose', outputShape, x, filter, strides, pad, 1, { dimRoundingMode });
}
