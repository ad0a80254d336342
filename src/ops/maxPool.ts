/**
 * maxPool: reference/MaxPool.ts + MaxPoolGrad.ts against `tf.maxPool` (kernels
 * MaxPool, MaxPoolGrad), in every form TF.js accepts: 'valid', 'same', numeric
 * and explicit pads, dimRoundingMode, rank-3 inputs. Notes, parts 1d and 1e.
 * NaN follows TF.js: a NaN cell never wins (reference/README.md).
 *
 * Bounds: the forward selects one input, so it is exact (bound 0). The gradient
 * of a cell is a float32 sum of the dy of the windows whose maximum it is, at
 * most K = ceil(kh/sh) * ceil(kw/sw) terms: gamma_K * maxPoolGrad(|dy|).
 */
import { BROWSER_BACKENDS } from '../tfjs/backendIds';
import { maxPool } from '../../reference/MaxPool';
import { maxPoolGrad } from '../../reference/MaxPoolGrad';
import { abs, tensor } from '../../reference/tensor';
import { dotBound } from '../bounds/gamma';
import { MAXPOOL_FINGERPRINTS } from './fingerprints';
import { numericPadKnown } from './numericPadding';
import {
  PoolParams, benchPoolCase, overlap, poolArbitrary, poolCases, poolOutputSize,
  windowGeometry, windowHasTie, windowHoldsNaN, windowMaxima,
} from './poolCases';
import { POOL_SIZE_KNOWN } from './poolSizes';
import { OpCase, OpSpec } from './types';

export const maxPoolSpec: OpSpec<PoolParams> = {
  id: 'maxPool',
  inputs: ['x'],
  kernels: ['MaxPool'],
  strictZeroSign: true,

  cases: (seed) => poolCases('maxPool', seed),

  reference(c) {
    const { filterSize, strides, pad, dimRoundingMode } = c.params;
    const value = maxPool(c.inputs.x, filterSize, strides, pad, dimRoundingMode);
    return { value, bound: new Float64Array(value.data.length) };
  },

  value: (c) => maxPool(c.inputs.x, c.params.filterSize, c.params.strides, c.params.pad, c.params.dimRoundingMode),

  grads: [
    {
      input: 'x',
      kernels: ['MaxPoolGrad'],
      reference(c, dy) {
        const { filterSize, strides, pad, dimRoundingMode } = c.params;
        const value = maxPoolGrad(dy, c.inputs.x, filterSize, strides, pad, dimRoundingMode);
        const mag = maxPoolGrad(abs(dy), c.inputs.x, filterSize, strides, pad, dimRoundingMode).data;
        return { value, bound: dotBound(mag, overlap(c.params), c.exact) };
      },
    },
  ],

  fingerprints: MAXPOOL_FINGERPRINTS,

  tfjs: (tf, [x], { filterSize, strides, pad, dimRoundingMode }) => tf.maxPool(x as never, filterSize, strides, pad, dimRoundingMode),

  arbitrary: (fc) => poolArbitrary(fc, 'maxPool'),

  benchCases: (size) => [benchPoolCase('maxPool', size)],

  flops(c) {
    const { filterSize } = c.params;
    return poolOutputSize(c) * filterSize[0] * filterSize[1];
  },

  errorInputs: [
    {
      name: 'window 0',
      reference: () => maxPool(tensor([1, 4, 4, 1]), 0, 1, 'valid'),
      tfjs: (tf) => tf.maxPool(tf.ones([1, 4, 4, 1]) as never, 0, 1, 'valid'),
      message: /Error in maxPool: filterSize must be positive integers, got \[0,0\]/,
    },
    {
      name: 'negative window [-2,2]',
      reference: () => maxPool(tensor([1, 4, 4, 1]), [-2, 2], 1, 'valid'),
      tfjs: (tf) => tf.maxPool(tf.ones([1, 4, 4, 1]) as never, [-2, 2], 1, 'valid'),
      message: /Error in maxPool: filterSize must be positive integers, got \[-2,2\]/,
    },
    {
      name: 'stride 0',
      reference: () => maxPool(tensor([1, 4, 4, 1]), 2, 0, 'valid'),
      tfjs: (tf) => tf.maxPool(tf.ones([1, 4, 4, 1]) as never, 2, 0, 'valid'),
      message: /Error in maxPool: strides must be positive integers, got \[0,0\]/,
    },
    {
      name: "window [3,3] larger than a 'valid' input [2,2]",
      reference: () => maxPool(tensor([1, 2, 2, 1]), 3, 1, 'valid'),
      tfjs: (tf) => tf.maxPool(tf.ones([1, 2, 2, 1]) as never, 3, 1, 'valid'),
      message: /Error in maxPool: window \[3,3\] with dilations \[1,1\] spans \[3,3\], larger than the input \[2,2\]/,
    },
    {
      name: "unknown padding 'full'",
      reference: () => maxPool(tensor([1, 4, 4, 1]), 2, 1, 'full' as never),
      tfjs: (tf) => tf.maxPool(tf.ones([1, 4, 4, 1]) as never, 2, 1, 'full' as never),
      message: /Error in maxPool: pad must be one of 'valid', 'same', a non-negative integer or an explicit 4x2 array, got "full"/,
    },
    {
      name: 'rank-2 x [4,4]',
      reference: () => maxPool(tensor([4, 4]), 2, 1, 'valid'),
      tfjs: (tf) => tf.maxPool(tf.ones([4, 4]) as never, 2, 1, 'valid'),
      message: /Error in maxPool: x must be rank 4, or rank 3 for a batch of one, got rank 2/,
    },
    {
      name: "dimRoundingMode 'ceil' with pad 'same'",
      reference: () => maxPool(tensor([1, 4, 4, 1]), 2, 2, 'same', 'ceil'),
      tfjs: (tf) => tf.maxPool(tf.ones([1, 4, 4, 1]) as never, 2, 2, 'same', 'ceil'),
      message: /Error in maxPool: pad must be an integer when using dimRoundingMode ceil but got pad same/,
    },
    {
      name: 'fractional pad 1.5',
      reference: () => maxPool(tensor([1, 4, 4, 1]), 2, 1, 1.5),
      tfjs: (tf) => tf.maxPool(tf.ones([1, 4, 4, 1]) as never, 2, 1, 1.5),
      message: /Error in maxPool: pad must be 'valid', 'same', a non-negative integer or an explicit .* got 1.5/,
    },
    {
      name: 'explicit pad on the channel axis',
      reference: () => maxPool(tensor([1, 4, 4, 1]), 2, 1, [[0, 0], [1, 1], [1, 1], [1, 0]]),
      tfjs: (tf) => tf.maxPool(tf.ones([1, 4, 4, 1]) as never, 2, 1, [[0, 0], [1, 1], [1, 1], [1, 0]]),
      message: /Error in maxPool: explicit pad of the channel axis must be \[0,0\]/,
    },
    {
      name: 'gradient: dy [1,2,2,1] for an output [1,3,3,1]',
      reference: () => maxPoolGrad(tensor([1, 2, 2, 1]), tensor([1, 4, 4, 1]), 2, 1, 'valid'),
      tfjs: (tf) => tf.grad((x) => tf.maxPool(x as never, 2, 1, 'valid'))(tf.ones([1, 4, 4, 1]), tf.ones([1, 2, 2, 1])),
      message: /Error in maxPoolGrad: dy must have the output shape \[1,3,3,1\], got \[1,2,2,1\]/,
    },
  ],

  known: [
    ...numericPadKnown<PoolParams>(['forward', 'grad:x'], windowGeometry),
    ...POOL_SIZE_KNOWN,
    {
      check: 'grad:x',
      backend: 'wasm',
      kind: 'bug',
      when: (c) => windowMaxima(c).some((v) => v <= 0),
      readme: 4,
      note: 'wasm MaxPoolGrad drops the gradient of windows whose maximum is not positive: it starts its running maximum at FLT_MIN = 1.18e-38 (C++ numeric_limits<float>::min(), not lowest())',
    },
    ...(['wasm', ...BROWSER_BACKENDS] as const).map((backend) => ({
      check: 'grad:x',
      backend,
      kind: 'semantic' as const,
      // NOTE: by the data, not the case kind: float16 storage rounds distinct values into ties.
      when: windowHasTie,
      readme: 5,
      note: 'MaxPoolGrad sends the gradient of a tie to the last maximum of the window (wasm: it takes a cell when >= the running maximum; webgl, webgpu); the reference (and cpu, tensorflow) to the first',
    })),
    ...BROWSER_BACKENDS.map((backend) => ({
      check: 'forward',
      backend,
      kind: 'bug' as const,
      when: (c: OpCase<PoolParams>) => windowMaxima(c).some((v) => v === -Infinity),
      readme: 16,
      note: 'webgl MaxPool, and webgpu MaxPool for some window shapes, start a window maximum at -1e20: a window with no value above -Inf (all -Inf, all NaN) gives -1e20, not -Inf',
    })),
    {
      check: 'forward',
      backend: 'wasm',
      kind: 'bug',
      when: windowHoldsNaN,
      readme: 6,
      note: "wasm MaxPool (XNNPACK) does not ignore a NaN in a window as TF.js does (its cpu kernel and its own maxPool tests): -Inf when the NaN comes first in the window, another cell's value (not the maximum) in other positions",
    },
    {
      check: 'forward',
      backend: 'tensorflow',
      kind: 'bug',
      when: (c) => windowMaxima(c).some((v) => v === -Infinity),
      readme: 7,
      note: 'native MaxPool returns -FLT_MAX (-3.4028235e38) for a window with no value above -Inf (all -Inf, all NaN) instead of -Inf',
    },
    {
      check: 'grad:x',
      backend: 'tensorflow',
      kind: 'bug',
      when: windowHoldsNaN,
      readme: 29,
      note: 'native MaxPoolGrad sends the gradient of a window whose first cell is NaN to that NaN, where native MaxPool (and TF.js) take the maximum of the other cells',
    },
  ],
};
