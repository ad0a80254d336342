/**
 * Gradient of depthwiseConv2d with respect to the filter, mirroring the TF.js
 * kernel `DepthwiseConv2dNativeBackpropFilter`: each weight receives a
 * contribution from every patch of its own channel it was applied to (the
 * notes' eq. 1, one channel at a time).
 */
import { depthwiseConv2dInfo } from './DepthwiseConv2dNative';
import { asImage } from './layout';
import { ArgumentError, Shape, Tensor64, expectDyShape, tensor } from './tensor';
import { Padding, WindowOptions } from './window';

/**
 * dW[kh, kw, c, m] = sum_{n, i, j} dy[n, i, j, c*M + m] * x[n, i*sH + kh*dH - padTop, j*sW + kw*dW - padLeft, c]
 * (M is the channel multiplier; terms outside the input are zero and skipped).
 *
 * Order: each weight is one sum starting at 0, the products added one at a time
 * over the output positions (n, i, j) in row-major order.
 *
 * @param x `[batch, inH, inW, inC]` (or NCHW, or rank 3 unbatched, as `options.dataFormat` and depthwiseConv2d take it)
 * @param dy `[batch, outH, outW, inC * M]` in x's layout and rank, the gradient of the loss with respect to depthwiseConv2d's output
 * @param filterShape `[fh, fw, inC, M]`
 * @returns dW with `filterShape`
 */
export function depthwiseConv2dNativeBackpropFilter(
  x: Tensor64,
  dy: Tensor64,
  filterShape: Shape,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
  options: WindowOptions = {},
): Tensor64 {
  const op = 'depthwiseConv2dNativeBackpropFilter';
  if (filterShape.length !== 4) throw new ArgumentError(op, `filterShape must have 4 dimensions, got [${filterShape.join(',')}].`);
  if (dy.shape.length !== x.shape.length) throw new ArgumentError(op, `dy must have the rank of x [${x.shape.join(',')}], got [${dy.shape.join(',')}].`);
  const xi = asImage(op, 'x', x, options.dataFormat).nhwc;
  const dyi = asImage(op, 'dy', dy, options.dataFormat).nhwc;
  return backpropFilterNHWC(xi, dyi, filterShape, strides, pad, dilations, options);
}

/** depthwiseConv2dNativeBackpropFilter's loops, on NHWC rank-4 tensors. */
function backpropFilterNHWC(
  x: Tensor64,
  dy: Tensor64,
  filterShape: Shape,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number],
  options: WindowOptions,
): Tensor64 {
  const op = 'depthwiseConv2dNativeBackpropFilter';
  const g = depthwiseConv2dInfo(op, x, tensor(filterShape), strides, pad, dilations, options);
  const { batch, inH, inW, inC, mult, outC, kH, kW, sH, sW, dH, dW, outH, outW, padTop, padLeft } = g;
  expectDyShape(op, dy, [batch, outH, outW, outC]);
  const dw = new Float64Array(kH * kW * inC * mult);
  // dW[kh,kw,c,m] = sum_{n,i,j} dy[n,i,j,c*M+m] * x[n, i*sH + kh*dH - padTop, j*sW + kw*dW - padLeft, c]
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      for (let c = 0; c < inC; c++) {
        for (let m = 0; m < mult; m++) {
          let sum = 0;
          for (let n = 0; n < batch; n++) {
            for (let i = 0; i < outH; i++) {
              const ih = i * sH + kh * dH - padTop;
              if (ih < 0 || ih >= inH) continue;
              for (let j = 0; j < outW; j++) {
                const iw = j * sW + kw * dW - padLeft;
                if (iw < 0 || iw >= inW) continue;
                sum += dy.data[((n * outH + i) * outW + j) * outC + c * mult + m] * x.data[((n * inH + ih) * inW + iw) * inC + c];
              }
            }
          }
          dw[((kh * kW + kw) * inC + c) * mult + m] = sum;
        }
      }
    }
  }
  return { shape: [kH, kW, inC, mult], data: dw };
}
