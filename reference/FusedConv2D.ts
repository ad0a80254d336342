/**
 * The fused convolution, mirroring the TF.js kernel `FusedConv2D`
 * (`tf.fused.conv2d`, which tfjs-layers' Conv2D runs and the converter emits):
 * y = f(conv2d(x, filter) + bias), f one of the fused activations
 * (activation.ts). TF.js composes its gradient, so it sits here.
 */
import { Activation, LEAKYRELU_ALPHA, applyActivation, applyActivationGrad, biasGrad, checkActivation, expandParameter } from './activation';
import { conv2d } from './Conv2D';
import { conv2DBackpropFilter } from './Conv2DBackpropFilter';
import { conv2DBackpropInput } from './Conv2DBackpropInput';
import { FusedParts, activationAlpha } from './FusedMatMul';
import { ArgumentError, Tensor64 } from './tensor';
import { DataFormat, DimRoundingMode, Padding } from './window';

export interface FusedConv2DArgs {
  x: Tensor64;
  filter: Tensor64;
  strides: number | readonly [number, number];
  pad: Padding;
  dataFormat?: DataFormat;
  dilations?: number | readonly [number, number];
  dimRoundingMode?: DimRoundingMode;
  /** A scalar, [1], or one per output channel [outC] (on the channel axis in either layout); NHWC also takes any shape broadcasting to the output. */
  bias?: Tensor64;
  activation?: Activation;
  /** prelu's alpha, shaped like the bias (or rank 3, broadcast against the output); required by 'prelu'. */
  preluActivationWeights?: Tensor64;
  leakyreluAlpha?: number;
}

/** The output's channel axis: last for NHWC; for NCHW the one before height and width (1, or 0 unbatched). */
export function channelAxis(rank: number, dataFormat: DataFormat): number {
  return dataFormat === 'NHWC' ? rank - 1 : rank - 3;
}

/** Checks a per-channel parameter's rank where TF.js restricts it (NCHW bias rank <= 1; prelu weights rank <= 1 or 3). */
function checkParameterRank(op: string, name: string, w: Tensor64, ranks: readonly number[], dataFormat: DataFormat): void {
  if (!ranks.includes(w.shape.length)) {
    throw new ArgumentError(op, `${name} must have rank ${ranks.join(' or ')}${name === 'bias' ? ` for ${dataFormat}` : ''}, got shape [${w.shape.join(',')}].`);
  }
}

/**
 * y = f(conv2d(x, filter, strides, pad, dilations) + bias).
 *
 * Order: conv2d's order for each element (reference/Conv2D.ts), then the bias
 * added to it, then f.
 */
export function fusedConv2dParts(args: FusedConv2DArgs): FusedParts {
  const op = 'fused conv2d';
  const activation = checkActivation(op, args.activation ?? 'linear');
  const dataFormat = args.dataFormat ?? 'NHWC';
  let z: Tensor64;
  try {
    z = conv2d(args.x, args.filter, args.strides, args.pad, args.dilations ?? 1, { dataFormat, dimRoundingMode: args.dimRoundingMode });
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(op, e.message.replace(/^Error in conv2d: /, ''));
    throw e;
  }
  const axis = channelAxis(z.shape.length, dataFormat);
  if (args.bias !== undefined) {
    if (dataFormat === 'NCHW') checkParameterRank(op, 'bias', args.bias, [0, 1], dataFormat);
    const bias = expandParameter(op, 'bias', args.bias, z.shape, axis);
    z = { shape: z.shape, data: z.data.map((v, i) => v + bias[i]) };
  }
  if (activation === 'prelu' && args.preluActivationWeights !== undefined) checkParameterRank(op, 'preluActivationWeights', args.preluActivationWeights, [0, 1, 3], dataFormat);
  const alpha = activationAlpha(op, activation, z.shape, args.preluActivationWeights, args.leakyreluAlpha ?? LEAKYRELU_ALPHA, axis);
  return { z, alpha, y: applyActivation(z, activation, alpha), activation };
}

/** tf.fused.conv2d: f(conv2d(x, filter) + bias). */
export function fusedConv2d(args: FusedConv2DArgs): Tensor64 {
  return fusedConv2dParts(args).y;
}

/**
 * Gradients, as TF.js composes them: dz = dy f'(z) (activation.ts), then
 * dx = conv2DBackpropInput(dz), dfilter = conv2DBackpropFilter(dz), dbias = dz
 * summed over every axis but the channel's.
 *
 * Order: dz element-wise; then each backprop's own order; dbias in biasGrad's.
 */
export function fusedConv2dGrad(args: FusedConv2DArgs, dy: Tensor64): { x: Tensor64; filter: Tensor64; bias?: Tensor64 } {
  const { z, y, alpha, activation } = fusedConv2dParts(args);
  const dz = applyActivationGrad(z, y, dy, activation, alpha);
  const options = { dataFormat: args.dataFormat ?? 'NHWC', dimRoundingMode: args.dimRoundingMode };
  const d = args.dilations ?? 1;
  const x = conv2DBackpropInput(args.x.shape, dz, args.filter, args.strides, args.pad, d, options);
  const filter = conv2DBackpropFilter(args.x, dz, args.filter.shape, args.strides, args.pad, d, options);
  if (args.bias === undefined) return { x, filter };
  return { x, filter, bias: biasGrad(dz, args.bias.shape, channelAxis(dz.shape.length, options.dataFormat)) };
}
