/**
 * avgPool: reference/AvgPool.ts + AvgPoolGrad.ts against `tf.avgPool` (kernels
 * AvgPool, AvgPoolGrad), in every form TF.js accepts: 'valid', 'same', numeric
 * and explicit pads, dimRoundingMode, rank-3 inputs.
 *
 * Bounds: a sum of at most K = kh * kw terms, then a division by the count (or
 * a multiplication by its rounded reciprocal): gamma_{K+2} * avgPool(|x|). The
 * gradient of a cell sums at most `overlap` terms dy / count, each with up to two
 * roundings: gamma_{overlap+2} * avgPoolGrad(|dy|).
 */
import { BROWSER_BACKENDS } from '../tfjs/backendIds';
import { avgPool } from '../../reference/AvgPool';
import { avgPoolGrad } from '../../reference/AvgPoolGrad';
import { abs, tensor } from '../../reference/tensor';
import { dotBound } from '../bounds/gamma';
import { AVGPOOL_FINGERPRINTS } from './fingerprints';
import { numericPadKnown } from './numericPadding';
import { PoolParams, benchPoolCase, poolArbitrary, poolOutputSize, overlap, poolCases, poolKind, windowGeometry, windowHoldsPadding } from './poolCases';
import { POOL_SIZE_KNOWN } from './poolSizes';
import { OpSpec } from './types';

export const avgPoolSpec: OpSpec<PoolParams> = {
  id: 'avgPool',
  inputs: ['x'],
  kernels: ['AvgPool'],
  strictZeroSign: false,

  // NOTE: integer inputs keep the window sums exact, but the division still rounds: no avgPool case is exact.
  cases: (seed) => poolCases('avgPool', seed).map((c) => ({ ...c, exact: false })),

  reference(c) {
    const { filterSize, strides, pad, dimRoundingMode } = c.params;
    const value = avgPool(c.inputs.x, filterSize, strides, pad, dimRoundingMode);
    const mag = avgPool(abs(c.inputs.x), filterSize, strides, pad, dimRoundingMode).data;
    return { value, bound: dotBound(mag, filterSize[0] * filterSize[1] + 2, false) };
  },

  value: (c) => avgPool(c.inputs.x, c.params.filterSize, c.params.strides, c.params.pad, c.params.dimRoundingMode),

  grads: [
    {
      input: 'x',
      kernels: ['AvgPoolGrad'],
      reference(c, dy) {
        const { filterSize, strides, pad, dimRoundingMode } = c.params;
        const value = avgPoolGrad(dy, c.inputs.x.shape, filterSize, strides, pad, dimRoundingMode);
        const mag = avgPoolGrad(abs(dy), c.inputs.x.shape, filterSize, strides, pad, dimRoundingMode).data;
        return { value, bound: dotBound(mag, overlap(c.params) + 2, false) };
      },
    },
  ],

  fingerprints: AVGPOOL_FINGERPRINTS,

  tfjs: (tf, [x], { filterSize, strides, pad, dimRoundingMode }) => tf.avgPool(x as never, filterSize, strides, pad, dimRoundingMode),

  arbitrary: (fc) => poolArbitrary(fc, 'avgPool').map((c) => ({ ...c, exact: false })),

  benchCases: (size) => [{ ...benchPoolCase('avgPool', size), exact: false }],

  flops(c) {
    const { filterSize } = c.params;
    return poolOutputSize(c) * (filterSize[0] * filterSize[1] + 1);
  },

  errorInputs: [
    {
      name: 'window 0',
      reference: () => avgPool(tensor([1, 4, 4, 1]), 0, 1, 'valid'),
      tfjs: (tf) => tf.avgPool(tf.ones([1, 4, 4, 1]) as never, 0, 1, 'valid'),
      message: /Error in avgPool: filterSize must be positive integers, got \[0,0\]/,
    },
    {
      name: 'negative stride',
      reference: () => avgPool(tensor([1, 4, 4, 1]), 2, -1, 'valid'),
      tfjs: (tf) => tf.avgPool(tf.ones([1, 4, 4, 1]) as never, 2, -1, 'valid'),
      message: /Error in avgPool: strides must be positive integers, got \[-1,-1\]/,
    },
    {
      name: "window [3,3] larger than a 'valid' input [2,2]",
      reference: () => avgPool(tensor([1, 2, 2, 1]), 3, 1, 'valid'),
      tfjs: (tf) => tf.avgPool(tf.ones([1, 2, 2, 1]) as never, 3, 1, 'valid'),
      message: /Error in avgPool: window \[3,3\] with dilations \[1,1\] spans \[3,3\], larger than the input \[2,2\]/,
    },
    {
      name: 'rank-5 x [1,1,4,4,1]',
      reference: () => avgPool(tensor([1, 1, 4, 4, 1]), 2, 1, 'valid'),
      tfjs: (tf) => tf.avgPool(tf.ones([1, 1, 4, 4, 1]) as never, 2, 1, 'valid'),
      message: /Error in avgPool: x must be rank 4, or rank 3 for a batch of one, got rank 5/,
    },
    {
      name: "dimRoundingMode 'floor' with pad 'valid'",
      reference: () => avgPool(tensor([1, 4, 4, 1]), 2, 2, 'valid', 'floor'),
      tfjs: (tf) => tf.avgPool(tf.ones([1, 4, 4, 1]) as never, 2, 2, 'valid', 'floor'),
      message: /Error in avgPool: pad must be an integer when using dimRoundingMode floor but got pad valid/,
    },
    {
      name: 'negative explicit pad',
      reference: () => avgPool(tensor([1, 4, 4, 1]), 2, 1, [[0, 0], [-1, 0], [0, 0], [0, 0]]),
      tfjs: (tf) => tf.avgPool(tf.ones([1, 4, 4, 1]) as never, 2, 1, [[0, 0], [-1, 0], [0, 0], [0, 0]]),
      message: /Error in avgPool: explicit pad must be 4 pairs of non-negative integers/,
    },
    {
      name: 'gradient: dy [1,1,1,1] for an output [1,2,2,1]',
      reference: () => avgPoolGrad(tensor([1, 1, 1, 1]), [1, 4, 4, 1], 2, 2, 'valid'),
      tfjs: (tf) => tf.grad((x) => tf.avgPool(x as never, 2, 2, 'valid'))(tf.ones([1, 4, 4, 1]), tf.ones([1, 1, 1, 1])),
      message: /Error in avgPoolGrad: dy must have the output shape \[1,2,2,1\], got \[1,1,1,1\]/,
    },
  ],

  known: [
    ...numericPadKnown<PoolParams>(['forward', 'grad:x'], windowGeometry),
    ...POOL_SIZE_KNOWN,
    ...(['cpu', 'wasm', ...BROWSER_BACKENDS] as const).map((backend) => ({
      check: 'grad:x',
      backend,
      kind: 'bug' as const,
      when: windowHoldsPadding,
      readme: 8,
      note: `${backend} AvgPoolGrad divides by the full window kh*kw where padding puts padded cells in a window, while AvgPool divides by the real cells: the gradient is not that of the forward`,
    })),
    {
      check: 'forward',
      backend: 'wasm',
      kind: 'bug',
      when: (c) => ['nan', 'inf'].includes(poolKind(c)),
      readme: 9,
      note: 'wasm AvgPool returns -Inf where the window sum is NaN (a NaN, or +Inf and -Inf together, in the window)',
    },
  ],
};
