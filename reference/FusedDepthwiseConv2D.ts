/**
 * The fused depthwise convolution, mirroring the TF.js kernel
 * `FusedDepthwiseConv2D` (`tf.fused.depthwiseConv2d`, which the converter emits
 * for MobileNet-style graphs): y = f(depthwiseConv2d(x, filter) + bias), f one of
 * the fused activations (activation.ts). TF.js composes its gradient, so it sits
 * here.
 */
import { Activation, LEAKYRELU_ALPHA, applyActivation, applyActivationGrad, biasGrad, checkActivation, expandParameter } from './activation';
import { depthwiseConv2d } from './DepthwiseConv2dNative';
import { depthwiseConv2dNativeBackpropFilter } from './DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInput } from './DepthwiseConv2dNativeBackpropInput';
import { channelAxis } from './FusedConv2D';
import { FusedParts, activationAlpha } from './FusedMatMul';
import { ArgumentError, Tensor64 } from './tensor';
import { DataFormat, DimRoundingMode, Padding } from './window';

export interface FusedDepthwiseConv2DArgs {
  x: Tensor64;
  /** `[fh, fw, inChannels, multiplier]`; output channel c * multiplier + m. */
  filter: Tensor64;
  strides: number | readonly [number, number];
  pad: Padding;
  dataFormat?: DataFormat;
  dilations?: number | readonly [number, number];
  dimRoundingMode?: DimRoundingMode;
  /** A scalar, [1], or one per output channel [inC * multiplier] (on the channel axis in either layout), or a shape broadcasting to the output. */
  bias?: Tensor64;
  activation?: Activation;
  /** prelu's alpha, shaped like the bias; required by 'prelu'. */
  preluActivationWeights?: Tensor64;
  leakyreluAlpha?: number;
}

/**
 * y = f(depthwiseConv2d(x, filter, strides, pad, dilations) + bias).
 *
 * Order: depthwiseConv2d's order for each element (reference/DepthwiseConv2dNative.ts),
 * then the bias added to it, then f.
 */
export function fusedDepthwiseConv2dParts(args: FusedDepthwiseConv2DArgs): FusedParts {
  const op = 'fused depthwiseConv2d';
  const activation = checkActivation(op, args.activation ?? 'linear');
  const dataFormat = args.dataFormat ?? 'NHWC';
  let z: Tensor64;
  try {
    z = depthwiseConv2d(args.x, args.filter, args.strides, args.pad, args.dilations ?? 1, { dataFormat, dimRoundingMode: args.dimRoundingMode });
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(op, e.message.replace(/^Error in depthwiseConv2d: /, ''));
    throw e;
  }
  const axis = channelAxis(z.shape.length, dataFormat);
  if (args.bias !== undefined) {
    const bias = expandParameter(op, 'bias', args.bias, z.shape, axis);
    z = { shape: z.shape, data: z.data.map((v, i) => v + bias[i]) };
  }
  const alpha = activationAlpha(op, activation, z.shape, args.preluActivationWeights, args.leakyreluAlpha ?? LEAKYRELU_ALPHA, axis);
  return { z, alpha, y: applyActivation(z, activation, alpha), activation };
}

/** tf.fused.depthwiseConv2d: f(depthwiseConv2d(x, filter) + bias). */
export function fusedDepthwiseConv2d(args: FusedDepthwiseConv2DArgs): Tensor64 {
  return fusedDepthwiseConv2dParts(args).y;
}

/**
 * Gradients, as TF.js composes them: dz = dy f'(z), then the two depthwise
 * backprops of dz and dbias = dz summed over every axis but the channel's.
 *
 * Order: dz element-wise; then each backprop's own order; dbias in biasGrad's.
 */
export function fusedDepthwiseConv2dGrad(args: FusedDepthwiseConv2DArgs, dy: Tensor64): { x: Tensor64; filter: Tensor64; bias?: Tensor64 } {
  const { z, y, alpha, activation } = fusedDepthwiseConv2dParts(args);
  const dz = applyActivationGrad(z, y, dy, activation, alpha);
  const options = { dataFormat: args.dataFormat ?? 'NHWC', dimRoundingMode: args.dimRoundingMode };
  const d = args.dilations ?? 1;
  const x = depthwiseConv2dNativeBackpropInput(args.x.shape, dz, args.filter, args.strides, args.pad, d, options);
  const filter = depthwiseConv2dNativeBackpropFilter(args.x, dz, args.filter.shape, args.strides, args.pad, d, options);
  if (args.bias === undefined) return { x, filter };
  return { x, filter, bias: biasGrad(dz, args.bias.shape, channelAxis(dz.shape.length, options.dataFormat)) };
}
