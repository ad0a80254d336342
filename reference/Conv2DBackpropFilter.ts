/**
 * Gradient of conv2d with respect to the filter (notes, part 1c, eq. 1), mirroring
 * the TF.js kernel `Conv2DBackpropFilter`. Each weight receives a contribution from
 * every patch of the image it was applied to.
 */
import { conv2dInfo } from './Conv2D';
import { asImage } from './layout';
import { ArgumentError, Shape, Tensor64, expectDyShape, tensor } from './tensor';
import { Padding, WindowOptions } from './window';

/**
 * dW[kh, kw, ci, co] = sum_{n, i, j} dy[n, i, j, co] * x[n, i*sH + kh*dH - padTop, j*sW + kw*dW - padLeft, ci]
 * (notes, eq. 1, generalised to batch, output channels, strides, padding and
 * dilation; terms outside the input are zero, as the notes say, and skipped).
 * Here (i, j) is the output (row, column); the notes' R[i, j] counts i along the
 * width, as their I_c[x, y] does.
 *
 * Order: each weight is one sum starting at 0, the products added one at a time
 * over the output positions (n, i, j) in row-major order.
 *
 * @param x `[batch, inH, inW, inC]` (or NCHW, or rank 3 unbatched, as `options.dataFormat` and conv2d take it)
 * @param dy `[batch, outH, outW, outC]` in x's layout and rank, the gradient of the loss with respect to conv2d's output
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
  options: WindowOptions = {},
): Tensor64 {
  const op = 'conv2DBackpropFilter';
  if (filterShape.length !== 4) throw new ArgumentError(op, `filterShape must have 4 dimensions, got [${filterShape.join(',')}].`);
  if (dy.shape.length !== x.shape.length) throw new ArgumentError(op, `dy must have the rank of x [${x.shape.join(',')}], got [${dy.shape.join(',')}].`);
  const xi = asImage(op, 'x', x, options.dataFormat).nhwc;
  const dyi = asImage(op, 'dy', dy, options.dataFormat).nhwc;
  return backpropFilterNHWC(xi, dyi, filterShape, strides, pad, dilations, options);
}

/** conv2DBackpropFilter's loops, on NHWC rank-4 tensors. */
function backpropFilterNHWC(
  x: Tensor64,
  dy: Tensor64,
  filterShape: Shape,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number],
  options: WindowOptions,
): Tensor64 {
  const op = 'conv2DBackpropFilter';
  const g = conv2dInfo(op, x, tensor(filterShape), strides, pad, dilations, options);
  const { batch, inH, inW, inC, kH, kW, sH, sW, dH, dW, outH, outW, outC, padTop, padLeft } = g;
  expectDyShape(op, dy, [batch, outH, outW, outC]);
  const dw = new Float64Array(kH * kW * inC * outC);
  // dW[kh,kw,ci,co] = sum_{n,i,j} dy[n,i,j,co] * x[n, i*sH + kh*dH - padTop, j*sW + kw*dW - padLeft, ci]  (notes, eq. 1)
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      for (let ci = 0; ci < inC; ci++) {
        for (let co = 0; co < outC; co++) {
          let sum = 0;
          for (let n = 0; n < batch; n++) {
            for (let i = 0; i < outH; i++) {
              const ih = i * sH + kh * dH - padTop;
              if (ih < 0 || ih >= inH) continue;
              for (let j = 0; j < outW; j++) {
                const iw = j * sW + kw * dW - padLeft;
                if (iw < 0 || iw >= inW) continue;
                sum += dy.data[((n * outH + i) * outW + j) * outC + co] * x.data[((n * inH + ih) * inW + iw) * inC + ci];
              }
            }
          }
          dw[((kh * kW + kw) * inC + ci) * outC + co] = sum;
        }
      }
    }
  }
  return { shape: [kH, kW, inC, outC], data: dw };
}
