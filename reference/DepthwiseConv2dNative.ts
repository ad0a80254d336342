/**
 * Depthwise 2-D convolution, mirroring the TF.js kernel `DepthwiseConv2dNative`
 * (`tf.depthwiseConv2d`): every input channel is convolved with its own
 * `multiplier` filters and nothing is summed across channels (the notes' part
 * 1a-1b window sum, one channel at a time). Like TF.js it is a
 * cross-correlation: the filter is not flipped.
 *
 * Layouts: x is NHWC `[batch, height, width, inChannels]` (or NCHW, or rank 3
 * unbatched), the filter is `[fh, fw, inChannels, multiplier]`; output channel
 * `c * multiplier + m` is input channel c seen through filter[:, :, c, m], as in
 * TF.js's kernels and in TensorFlow.
 */
import { asImage } from './layout';
import { ArgumentError, Tensor64, expectRank, pair } from './tensor';
import { Padding, Window2D, WindowOptions, window2D } from './window';

export type DepthwiseConv2DInfo = Window2D & { batch: number; inC: number; mult: number; outC: number };

/**
 * Checks the arguments of a depthwise convolution (or of its gradients, named
 * by `op`) on an NHWC rank-4 image `x` and derives its geometry;
 * `options.dataFormat` says how an explicit `pad` is read (the caller's layout).
 */
export function depthwiseConv2dInfo(
  op: string,
  x: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
  options: WindowOptions = {},
): DepthwiseConv2DInfo {
  expectRank(op, 'x', x, 4);
  expectRank(op, 'filter', filter, 4);
  const [batch, inH, inW, inC] = x.shape;
  const [kH, kW, fInC, mult] = filter.shape;
  if (inC !== fInC) {
    throw new ArgumentError(op, `number of input channels (${inC}) must match the inChannels dimension in filter (${fInC}).`);
  }
  if ([batch, inH, inW, inC, kH, kW, mult].some((d) => d === 0)) {
    throw new ArgumentError(op, `empty dimensions are not accepted: x [${x.shape.join(',')}], filter [${filter.shape.join(',')}].`);
  }
  const s = pair(op, 'strides', strides);
  const d = pair(op, 'dilations', dilations);
  return { ...window2D(op, [inH, inW], [kH, kW], s, pad, d, options), batch, inC, mult, outC: inC * mult };
}

/**
 * y[n, oh, ow, c*M + m] = sum_{kh, kw} x[n, oh*sH + kh*dH - padTop, ow*sW + kw*dW - padLeft, c] * filter[kh, kw, c, m]
 * with M the channel multiplier (cells outside the input are skipped: they
 * count as zero).
 *
 * Order: each output element is one sum starting at 0, the products of its
 * window added one at a time in row-major window order (kh, then kw).
 *
 * Output `[batch, outH, outW, inChannels * multiplier]` (NHWC; `[batch,
 * inChannels * multiplier, outH, outW]` for an NCHW x; without the batch axis
 * for a rank-3 x). `pad` takes every form TF.js accepts and
 * `options.dimRoundingMode` rounds the output size under a numeric or explicit
 * pad (reference/window.ts). Unlike TF.js, strides and dilations greater than 1
 * may be combined.
 */
export function depthwiseConv2d(
  x: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number] = 1,
  options: WindowOptions = {},
): Tensor64 {
  const image = asImage('depthwiseConv2d', 'x', x, options.dataFormat);
  return image.back(depthwiseNHWC(image.nhwc, filter, strides, pad, dilations, options));
}

/** depthwiseConv2d's loops, on an NHWC rank-4 image. */
function depthwiseNHWC(
  x: Tensor64,
  filter: Tensor64,
  strides: number | readonly [number, number],
  pad: Padding,
  dilations: number | readonly [number, number],
  options: WindowOptions,
): Tensor64 {
  const g = depthwiseConv2dInfo('depthwiseConv2d', x, filter, strides, pad, dilations, options);
  const { batch, inH, inW, inC, mult, outC, kH, kW, sH, sW, dH, dW, outH, outW, padTop, padLeft } = g;
  const y = new Float64Array(batch * outH * outW * outC);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let c = 0; c < inC; c++) {
          for (let m = 0; m < mult; m++) {
            // one channel's window sum (notes, part 1b: summation(window * G_c)), no sum over c
            let sum = 0;
            for (let kh = 0; kh < kH; kh++) {
              const ih = oh * sH + kh * dH - padTop;
              if (ih < 0 || ih >= inH) continue;
              for (let kw = 0; kw < kW; kw++) {
                const iw = ow * sW + kw * dW - padLeft;
                if (iw < 0 || iw >= inW) continue;
                sum += x.data[((n * inH + ih) * inW + iw) * inC + c] * filter.data[((kh * kW + kw) * inC + c) * mult + m];
              }
            }
            y[((n * outH + oh) * outW + ow) * outC + c * mult + m] = sum;
          }
        }
      }
    }
  }
  return { shape: [batch, outH, outW, outC], data: y };
}
