/**
 * conv2dTranspose: reference/Conv2DBackpropInput.ts's `conv2dTranspose` against
 * `tf.conv2dTranspose` (kernel Conv2DBackpropInput, exposed as an op: the
 * "deconvolution" of decoders and segmentation models).
 *
 * Bounds: each output element sums at most K = fh * fw * outC products x *
 * filter (as conv2d's input gradient); its gradients are a conv2d (K = fh * fw *
 * inC) and a filter backprop (K = batch * h * w over x's positions).
 *
 * Cases: the NHWC, undilated configurations of the conv2d spec, read the other
 * way round: the conv2d's image shape is `outputShape`, x has the conv2d's
 * output shape.
 */
import { conv2d } from '../../reference/Conv2D';
import { conv2DBackpropFilter } from '../../reference/Conv2DBackpropFilter';
import { conv2dTranspose } from '../../reference/Conv2DBackpropInput';
import { nhwcShape } from '../../reference/layout';
import { abs, sizeOf, tensor } from '../../reference/tensor';
import { DimRoundingMode, Padding, formatPadding } from '../../reference/window';
import { dotBound } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { CONV2D_BUGS, Conv2DParams, NATIVE_FILTER_GRAD_CRASH, NATIVE_INPUT_GRAD_BUG, ROUNDING_IGNORED, ROUNDING_IGNORED_README, conv2dSpec, roundingChangesSize } from './conv2d';
import { numericPadKnown } from './numericPadding';
import { OpCase, OpSpec, fmtShape, uniqueIds } from './types';

export interface Conv2DTransposeParams {
  /** The shape of the result (the image of the conv2d this transposes), rank 4 or 3. */
  outputShape: number[];
  strides: [number, number];
  pad: Padding;
  dimRoundingMode?: DimRoundingMode;
}

/** The conv2d whose input gradient this op is: its parameters and its image shape (NHWC, rank 4). */
function asConv(c: OpCase<Conv2DTransposeParams>): { image: number[]; p: Conv2DParams } {
  const { outputShape, strides, pad, dimRoundingMode } = c.params;
  return { image: nhwcShape('conv2dTranspose', 'outputShape', outputShape, 'NHWC'), p: { strides, pad, dilations: [1, 1], dimRoundingMode } };
}

function transposeOf(conv: OpCase<Conv2DParams>, seed: number): OpCase<Conv2DTransposeParams> {
  const { x: image, filter } = conv.inputs;
  const { strides, pad, dimRoundingMode } = conv.params;
  const yShape = conv2d(tensor(image.shape), tensor(filter.shape), strides, pad, 1, { dimRoundingMode }).shape;
  const kind = conv.id.slice(conv.id.lastIndexOf(' v=') + 3);
  const id = `x=${fmtShape(yShape)} f=${fmtShape(filter.shape)} out=${fmtShape(image.shape)} s=${fmtShape(strides)} p=${formatPadding(pad)}${dimRoundingMode ? ` r=${dimRoundingMode}` : ''} v=${kind}`;
  const rng = new Rng(hashSeed(seed, `conv2dTranspose ${id}`));
  const n = sizeOf(yShape);
  let xs: Float64Array;
  if (conv.exact) xs = rng.integers(n, -4, 4);
  else if (kind.startsWith('neg')) xs = rng.uniform(n, -1, 0);
  else if (kind.startsWith('small')) xs = rng.uniform(n, -1e-3, 1e-3);
  else xs = rng.uniform(n);
  if (kind.startsWith('special')) for (const v of [NaN, Infinity, -Infinity]) xs[rng.int(0, n - 1)] = v;
  const params: Conv2DTransposeParams = { outputShape: [...image.shape], strides, pad };
  if (dimRoundingMode) params.dimRoundingMode = dimRoundingMode;
  return { id, params, inputs: { x: tensor(yShape, xs), filter }, exact: conv.exact, gradients: !kind.startsWith('special') };
}

export const conv2dTransposeSpec: OpSpec<Conv2DTransposeParams> = {
  id: 'conv2dTranspose',
  inputs: ['x', 'filter'],
  kernels: ['Conv2DBackpropInput'],
  strictZeroSign: false,

  cases: (seed) =>
    uniqueIds(
      conv2dSpec
        .cases(seed)
        .filter((c) => !c.params.dataFormat && c.params.dilations.every((d) => d === 1))
        .map((c) => transposeOf(c, seed)),
    ),

  // conv2d's arbitrary configurations that TF.js can transpose (NHWC, no dilations), read the other way round
  arbitrary: (fc) =>
    conv2dSpec.arbitrary!(fc)
      .filter((c) => !c.params.dataFormat && c.params.dilations.every((d) => d === 1))
      .map((c) => transposeOf(c, 1)),

  reference(c) {
    const { x, filter } = c.inputs;
    const { outputShape, strides, pad, dimRoundingMode } = c.params;
    const value = conv2dTranspose(x, filter, outputShape, strides, pad, dimRoundingMode);
    const mag = conv2dTranspose(abs(x), abs(filter), outputShape, strides, pad, dimRoundingMode).data;
    const [kH, kW, , outC] = filter.shape;
    return { value, bound: dotBound(mag, kH * kW * outC, c.exact) };
  },

  grads: [
    {
      input: 'x',
      kernels: ['Conv2D'],
      // d/dx of conv2dTranspose is the conv2d of the upstream gradient: K = fh * fw * inC.
      reference(c, dy) {
        const { filter } = c.inputs;
        const { strides, pad, dimRoundingMode } = c.params;
        const value = conv2d(dy, filter, strides, pad, 1, { dimRoundingMode });
        const mag = conv2d(abs(dy), abs(filter), strides, pad, 1, { dimRoundingMode }).data;
        const [kH, kW, inC] = filter.shape;
        return { value, bound: dotBound(mag, kH * kW * inC, c.exact) };
      },
    },
    {
      input: 'filter',
      kernels: ['Conv2DBackpropFilter'],
      // d/dfilter sums dy (at image positions) times x over every position of x: K = batch * h * w.
      reference(c, dy) {
        const { x, filter } = c.inputs;
        const { strides, pad, dimRoundingMode } = c.params;
        const value = conv2DBackpropFilter(dy, x, filter.shape, strides, pad, 1, { dimRoundingMode });
        const mag = conv2DBackpropFilter(abs(dy), abs(x), filter.shape, strides, pad, 1, { dimRoundingMode }).data;
        const [batch, h, w] = nhwcShape('conv2dTranspose', 'x', x.shape, 'NHWC');
        return { value, bound: dotBound(mag, batch * h * w, c.exact) };
      },
    },
  ],

  tfjs: (tf, [x, filter], { outputShape, strides, pad, dimRoundingMode }) =>
    tf.conv2dTranspose(x as never, filter as never, outputShape as never, strides, pad as never, dimRoundingMode),

  flops(c) {
    const [kH, kW, inC, outC] = c.inputs.filter.shape;
    return 2 * (sizeOf(c.inputs.x.shape) / outC) * kH * kW * inC * outC;
  },

  fingerprints: [],

  errorInputs: [
    {
      name: 'x depth 2 for a filter of 3 output channels',
      reference: () => conv2dTranspose(tensor([1, 3, 3, 2]), tensor([2, 2, 1, 3]), [1, 4, 4, 1], 1, 'valid'),
      tfjs: (tf) => tf.conv2dTranspose(tf.ones([1, 3, 3, 2]) as never, tf.ones([2, 2, 1, 3]) as never, [1, 4, 4, 1], 1, 'valid'),
      message: /Error in conv2dTranspose: dy must have the output shape \[1,3,3,3\], got \[1,3,3,2\]/,
    },
    {
      name: 'outputShape [1,5,5,1] whose conv2d output is [1,4,4,3], not x [1,3,3,3]',
      reference: () => conv2dTranspose(tensor([1, 3, 3, 3]), tensor([2, 2, 1, 3]), [1, 5, 5, 1], 1, 'valid'),
      tfjs: (tf) => tf.conv2dTranspose(tf.ones([1, 3, 3, 3]) as never, tf.ones([2, 2, 1, 3]) as never, [1, 5, 5, 1], 1, 'valid'),
      message: /Error in conv2dTranspose: dy must have the output shape \[1,4,4,3\], got \[1,3,3,3\]/,
    },
    {
      name: 'outputShape of rank 2',
      reference: () => conv2dTranspose(tensor([1, 3, 3, 3]), tensor([2, 2, 1, 3]), [4, 4], 1, 'valid'),
      tfjs: (tf) => tf.conv2dTranspose(tf.ones([1, 3, 3, 3]) as never, tf.ones([2, 2, 1, 3]) as never, [4, 4] as never, 1, 'valid'),
      message: /Error in conv2dTranspose: xShape must have 4 dimensions \(or 3, unbatched\), got \[4,4\]/,
    },
  ],

  known: [
    // The kernels are conv2d's: its backprop-input bug (#15) is this op's forward, its Conv2D bugs are this op's grad:x, its filter-backprop crash (#3) this op's grad:filter.
    { ...NATIVE_INPUT_GRAD_BUG, check: 'forward', when: (c: OpCase<Conv2DTransposeParams>) => NATIVE_INPUT_GRAD_BUG.when(asConv(c).image, c.inputs.filter.shape) },
    ...CONV2D_BUGS.map((bug) => ({
      check: 'grad:x', backend: bug.backend, kind: 'bug' as const, readme: bug.readme, machine: bug.machine, note: bug.note,
      when: (c: OpCase<Conv2DTransposeParams>) => bug.when(asConv(c).image, c.inputs.filter.shape, asConv(c).p),
    })),
    {
      ...NATIVE_FILTER_GRAD_CRASH,
      when: (c: OpCase<Conv2DTransposeParams>) => NATIVE_FILTER_GRAD_CRASH.when(asConv(c).image, c.inputs.filter.shape, asConv(c).p),
    },
    // #46: the native backend ignores dimRoundingMode in all three kernels; wasm in its Conv2D (this op's grad:x).
    ...ROUNDING_IGNORED.flatMap((r) =>
      (r.backend === 'wasm' ? ['grad:x'] : ['forward', 'grad:x', 'grad:filter']).map((check) => ({
        check, backend: r.backend, kind: 'bug' as const, readme: ROUNDING_IGNORED_README, note: r.note,
        when: (c: OpCase<Conv2DTransposeParams>) => roundingChangesSize(asConv(c).image, c.inputs.filter.shape, asConv(c).p),
      })),
    ),
    ...numericPadKnown<Conv2DTransposeParams>(['forward', 'grad:x', 'grad:filter'], (c) => {
      const { image, p } = asConv(c);
      return { inHW: [image[1], image[2]], kHW: [c.inputs.filter.shape[0], c.inputs.filter.shape[1]], strides: p.strides, pad: p.pad, dimRoundingMode: p.dimRoundingMode };
    }),
  ],
};
