/**
 * The TF.js kernels the `reference` backend computes with the float64
 * reference (src/tfjs/referenceBackend.ts): each kernel's inputs and
 * attributes, as TF.js's kernel_names.ts names them, mapped onto the reference
 * function of the same op. An attribute value the reference cannot express is a
 * ReferenceBackendError, never a silent fallback.
 */
import { avgPool } from '../../reference/AvgPool';
import { avgPoolGrad } from '../../reference/AvgPoolGrad';
import { matMul } from '../../reference/BatchMatMul';
import { conv2d } from '../../reference/Conv2D';
import { conv2DBackpropFilter } from '../../reference/Conv2DBackpropFilter';
import { conv2DBackpropInput } from '../../reference/Conv2DBackpropInput';
import { maxPool } from '../../reference/MaxPool';
import { maxPoolGrad } from '../../reference/MaxPoolGrad';
import { maxPoolWithArgmax } from '../../reference/MaxPoolWithArgmax';
import { relu } from '../../reference/Relu';
import { Activation, activationScalar } from '../../reference/activation';
import { depthwiseConv2d } from '../../reference/DepthwiseConv2dNative';
import { depthwiseConv2dNativeBackpropFilter } from '../../reference/DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInput } from '../../reference/DepthwiseConv2dNativeBackpropInput';
import { fusedConv2d } from '../../reference/FusedConv2D';
import { fusedDepthwiseConv2d } from '../../reference/FusedDepthwiseConv2D';
import { fusedMatMul } from '../../reference/FusedMatMul';
import { broadcastIndex } from '../../reference/tensor';
import { softmax } from '../../reference/Softmax';
import type { Tensor64 } from '../../reference/tensor';
import type { DataFormat, DimRoundingMode, Padding } from '../../reference/window';

/** An attribute (or input dtype) of a kernel call that the reference cannot run. */
export class ReferenceBackendError extends Error {
  constructor(
    readonly kernel: string,
    readonly attribute: string,
    readonly value: unknown,
    accepted: string,
  ) {
    super(`reference backend: kernel ${kernel} cannot run with ${attribute} = ${JSON.stringify(value)}; the reference accepts ${accepted}`);
    this.name = 'ReferenceBackendError';
  }
}

export interface ReferenceKernel {
  /** The TF.js kernel name. */
  name: string;
  /** Input names, as TF.js passes them (absent optional inputs are skipped). */
  inputs: readonly string[];
  /** Whether int32 inputs are accepted (the result is then int32). */
  int32?: boolean;
  /** The dtypes of a kernel with several outputs (run returns one tensor each). */
  outputs?: readonly ('float32' | 'int32')[];
  /** Throws a ReferenceBackendError for an attribute the reference cannot express. */
  check?(attrs: Record<string, unknown>): void;
  run(inputs: Record<string, Tensor64>, attrs: Record<string, unknown>): Tensor64 | Tensor64[];
}

type Pair = number | [number, number];

/** TF.js passes `dimRoundingMode` as undefined or null when not given. */
function rounding(attrs: Record<string, unknown>): DimRoundingMode | undefined {
  return (attrs.dimRoundingMode ?? undefined) as DimRoundingMode | undefined;
}

function dataFormat(kernel: string, attrs: Record<string, unknown>): DataFormat {
  const f = attrs.dataFormat ?? 'NHWC';
  if (f !== 'NHWC' && f !== 'NCHW') throw new ReferenceBackendError(kernel, 'dataFormat', f, "'NHWC' or 'NCHW'");
  return f;
}

/** TF.js passes activation names as its fused ops take them; the reference checks them (an unknown one is an ArgumentError). */
function fusedActivation(a: Record<string, unknown>): Activation {
  return (a.activation ?? 'linear') as Activation;
}

/** An element-wise activation kernel: f applied to every element of x (alpha from an attribute). */
function activationKernel(name: string, activation: Activation, alphaAttr?: string): ReferenceKernel {
  return {
    name,
    inputs: ['x'],
    run: ({ x }, a) => ({ shape: x.shape, data: x.data.map((v) => activationScalar(activation, v, alphaAttr ? (a[alphaAttr] as number) : 0)) }),
  };
}

export const REFERENCE_KERNELS: readonly ReferenceKernel[] = [
  {
    name: 'Conv2D',
    inputs: ['x', 'filter'],
    run: ({ x, filter }, a) =>
      conv2d(x, filter, a.strides as Pair, a.pad as Padding, (a.dilations ?? 1) as Pair, { dataFormat: dataFormat('Conv2D', a), dimRoundingMode: rounding(a) }),
  },
  {
    name: 'Conv2DBackpropInput',
    inputs: ['dy', 'filter'],
    run: ({ dy, filter }, a) =>
      conv2DBackpropInput(a.inputShape as number[], dy, filter, a.strides as Pair, a.pad as Padding, 1, { dataFormat: dataFormat('Conv2DBackpropInput', a), dimRoundingMode: rounding(a) }),
  },
  {
    name: 'Conv2DBackpropFilter',
    inputs: ['x', 'dy'],
    run: ({ x, dy }, a) =>
      conv2DBackpropFilter(x, dy, a.filterShape as number[], a.strides as Pair, a.pad as Padding, 1, { dataFormat: dataFormat('Conv2DBackpropFilter', a), dimRoundingMode: rounding(a) }),
  },
  {
    name: 'MaxPool',
    inputs: ['x'],
    run: ({ x }, a) => maxPool(x, a.filterSize as Pair, a.strides as Pair, a.pad as Padding, rounding(a)),
  },
  {
    name: 'MaxPoolGrad',
    inputs: ['dy', 'input'],
    run: ({ dy, input }, a) => maxPoolGrad(dy, input, a.filterSize as Pair, a.strides as Pair, a.pad as Padding, rounding(a)),
  },
  {
    name: 'AvgPool',
    inputs: ['x'],
    run: ({ x }, a) => avgPool(x, a.filterSize as Pair, a.strides as Pair, a.pad as Padding, rounding(a)),
  },
  {
    name: 'AvgPoolGrad',
    inputs: ['dy', 'input'],
    run: ({ dy, input }, a) => avgPoolGrad(dy, input.shape, a.filterSize as Pair, a.strides as Pair, a.pad as Padding, rounding(a)),
  },
  {
    name: 'MaxPoolWithArgmax',
    inputs: ['x'],
    outputs: ['float32', 'int32'],
    run({ x }, a) {
      const { result, indexes } = maxPoolWithArgmax(x, a.filterSize as Pair, a.strides as Pair, a.pad as Padding, Boolean(a.includeBatchInIndex));
      return [result, indexes];
    },
  },
  {
    name: 'BatchMatMul',
    inputs: ['a', 'b'],
    int32: true,
    run: ({ a, b }, at) => matMul(a, b, Boolean(at.transposeA), Boolean(at.transposeB)),
  },
  {
    name: 'Softmax',
    inputs: ['logits'],
    check(a) {
      // NOTE: TF.js's softmax op passes dim = -1 or rank - 1; the kernel gets no rank here, so the check is in run.
      if (typeof a.dim !== 'number') throw new ReferenceBackendError('Softmax', 'dim', a.dim, 'the last axis');
    },
    run({ logits }, a) {
      const dim = a.dim as number;
      if (dim !== -1 && dim !== logits.shape.length - 1) throw new ReferenceBackendError('Softmax', 'dim', dim, `the last axis (-1 or ${logits.shape.length - 1})`);
      return softmax(logits);
    },
  },
  {
    name: 'Relu',
    inputs: ['x'],
    run: ({ x }) => relu(x),
  },
  activationKernel('Relu6', 'relu6'),
  activationKernel('LeakyRelu', 'leakyrelu', 'alpha'),
  activationKernel('Elu', 'elu'),
  activationKernel('Sigmoid', 'sigmoid'),
  {
    name: 'Prelu',
    inputs: ['x', 'alpha'],
    run({ x, alpha }) {
      // alpha broadcasts against x (NumPy rules), as TF.js's Prelu kernel takes it
      const { shape, aIdx, bIdx } = broadcastIndex('prelu', x.shape, alpha.shape);
      return { shape, data: Float64Array.from(aIdx, (ia, t) => activationScalar('prelu', x.data[ia], alpha.data[bIdx[t]])) };
    },
  },
  {
    name: 'DepthwiseConv2dNative',
    inputs: ['x', 'filter'],
    run: ({ x, filter }, a) =>
      depthwiseConv2d(x, filter, a.strides as Pair, a.pad as Padding, (a.dilations ?? 1) as Pair, { dataFormat: dataFormat('DepthwiseConv2dNative', a), dimRoundingMode: rounding(a) }),
  },
  {
    name: 'DepthwiseConv2dNativeBackpropInput',
    inputs: ['dy', 'filter'],
    run: ({ dy, filter }, a) =>
      depthwiseConv2dNativeBackpropInput(a.inputShape as number[], dy, filter, a.strides as Pair, a.pad as Padding, (a.dilations ?? 1) as Pair, { dimRoundingMode: rounding(a) }),
  },
  {
    name: 'DepthwiseConv2dNativeBackpropFilter',
    inputs: ['x', 'dy'],
    run: ({ x, dy }, a) =>
      depthwiseConv2dNativeBackpropFilter(x, dy, a.filterShape as number[], a.strides as Pair, a.pad as Padding, (a.dilations ?? 1) as Pair, { dimRoundingMode: rounding(a) }),
  },
  {
    name: 'FusedConv2D',
    inputs: ['x', 'filter', 'bias', 'preluActivationWeights'],
    run: ({ x, filter, bias, preluActivationWeights }, a) =>
      fusedConv2d({
        x, filter, bias, preluActivationWeights,
        strides: a.strides as Pair, pad: a.pad as Padding, dataFormat: dataFormat('FusedConv2D', a), dilations: (a.dilations ?? 1) as Pair,
        dimRoundingMode: rounding(a), activation: fusedActivation(a), leakyreluAlpha: a.leakyreluAlpha as number | undefined,
      }),
  },
  {
    name: 'FusedDepthwiseConv2D',
    inputs: ['x', 'filter', 'bias', 'preluActivationWeights'],
    run: ({ x, filter, bias, preluActivationWeights }, a) =>
      fusedDepthwiseConv2d({
        x, filter, bias, preluActivationWeights,
        strides: a.strides as Pair, pad: a.pad as Padding, dataFormat: dataFormat('FusedDepthwiseConv2D', a), dilations: (a.dilations ?? 1) as Pair,
        dimRoundingMode: rounding(a), activation: fusedActivation(a), leakyreluAlpha: a.leakyreluAlpha as number | undefined,
      }),
  },
  {
    name: '_FusedMatMul',
    inputs: ['a', 'b', 'bias', 'preluActivationWeights'],
    run: ({ a, b, bias, preluActivationWeights }, at) =>
      fusedMatMul({
        a, b, bias, preluActivationWeights, transposeA: Boolean(at.transposeA), transposeB: Boolean(at.transposeB),
        activation: fusedActivation(at), leakyreluAlpha: at.leakyreluAlpha as number | undefined,
      }),
  },
];
