/**
 * Strided multi-channel 2-D convolution (notes, part 1a–1b), mirroring the TF.js
 * kernel `Conv2D` (`tf.conv2d`). Like TF.js it is a cross-correlation: the filter
 * is not flipped.
 *
 * Layouts: x is NHWC `[batch, height, width, inChannels]`, the filter is
 * `[fh, fw, inChannels, outChannels]`. The notes' `I_c[x, y]` is `x[n, y, x, c]`
 * and their `G_c[a, b]` is `filter[b, a, c, co]`, one output channel co at a time.
 */
import { asImage } from './layout';
import { ArgumentError, Tensor64, expectRank, pair } from './tensor';
import { Padding, Window2D, WindowOptions, window2D } from './window';

export { convOutputSize } from './window';

export type Conv2DInfo = Window2D & { batch: number; inC: number; outC: number };

/**
 * Checks the arguments of a conv2d (or of its gradients, named by `op`) on an
 * NHWC image `x` and derives its geometry; `options.dataFormat` says how an
 * explicit `pad` is read (the caller's layout).
 */
export function conv2dInfo(
  op: string,
  x: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
  options: WindowOptions = {},
): Conv2DInfo {
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
  return { ...window2D(op, [inH, inW], [kH, kW], s, pad, d, options), batch, inC, outC };
}

/**
 * y[n, oh, ow, co] = sum_{ci} sum_{kh, kw} x[n, oh*sH + kh*dH - padTop, ow*sW + kw*dW - padLeft, ci] * filter[kh, kw, ci, co]
 * (notes, part 1a; cells outside the input are skipped: they count as zero).
 *
 * Order (the notes' pseudocode, part 1b): for each output element, `total`
 * starts at 0; for each input channel ci in ascending order, the products of
 * that channel's window are added one at a time, in row-major window order
 * (kh, then kw), into a per-channel sum starting at 0, and that sum is added to
 * `total`.
 *
 * Output `[batch, outH, outW, outChannels]` (NHWC; `[batch, outChannels, outH,
 * outW]` for an NCHW x; without the batch axis for a rank-3 x). `pad` takes
 * every form TF.js accepts and `options.dimRoundingMode` rounds the output size
 * under a numeric or explicit pad (reference/window.ts). Unlike `tf.conv2d`,
 * strides and dilations greater than 1 may be combined.
 */
export function conv2d(
  x: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
  options: WindowOptions = {},
): Tensor64 {
  const image = asImage('conv2d', 'x', x, options.dataFormat);
  return image.back(conv2dNHWC(image.nhwc, filter, strides, pad, dilations, options));
}

/** conv2d's loops, on an NHWC rank-4 image. */
function conv2dNHWC(
  x: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number],
  options: WindowOptions,
): Tensor64 {
  const g = conv2dInfo('conv2d', x, filter, strides, pad, dilations, options);
  const { batch, inH, inW, inC, kH, kW, sH, sW, dH, dW, outH, outW, outC, padTop, padLeft } = g;
  const y = new Float64Array(batch * outH * outW * outC);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      // the notes' y = oh * sH (the window's top row, before padding)
      for (let ow = 0; ow < outW; ow++) {
        // the notes' x = ow * sW (the window's left column, before padding)
        for (let co = 0; co < outC; co++) {
          let total = 0;
          for (let ci = 0; ci < inC; ci++) {
            // the notes' c: summation(window * G_c), window = I_c[x : x + w, y : y + h]
            let sum = 0;
            for (let kh = 0; kh < kH; kh++) {
              const ih = oh * sH + kh * dH - padTop;
              if (ih < 0 || ih >= inH) continue;
              for (let kw = 0; kw < kW; kw++) {
                const iw = ow * sW + kw * dW - padLeft;
                if (iw < 0 || iw >= inW) continue;
                sum += x.data[((n * inH + ih) * inW + iw) * inC + ci] * filter.data[((kh * kW + kw) * inC + ci) * outC + co];
              }
            }
            total = total + sum;
          }
          y[((n * outH + oh) * outW + ow) * outC + co] = total;
        }
      }
    }
  }
  return { shape: [batch, outH, outW, outC], data: y };
}
