/**
 * pool: reference/DilatedPool.ts against `tf.pool` (max or avg over dilated
 * windows; TF.js composes spaceToBatchND, MaxPool or AvgPool and
 * batchToSpaceND when a dilation is > 1, and calls tf.maxPool or tf.avgPool
 * otherwise), with its gradient through tf.grad.
 *
 * Bounds: max selects one input (bound 0), its gradient sums at most
 * K = ceil(kh/sh) * ceil(kw/sw) dy terms per cell (gamma_K); avg sums at most
 * kh * kw terms and divides (gamma_{K+2} * pool(|x|)), its gradient sums at most
 * K shares dy / count (gamma_{K+2}), as avgPool.
 */
import type { Tensor4D } from '@tensorflow/tfjs-node';
import { PoolingType, pool, poolGrad } from '../../reference/DilatedPool';
import { abs, sizeOf, tensor } from '../../reference/tensor';
import { DimRoundingMode, Padding, formatPadding } from '../../reference/window';
import { ALL_BACKENDS } from '../tfjs/backendIds';
import { dotBound } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { avgPoolSpec } from './avgPool';
import { maxPoolSpec } from './maxPool';
import { PoolKind, PoolParams, overlap, poolGeometry, poolValues, windowHoldsPadding } from './poolCases';
import { KnownDiscrepancy, OpCase, OpSpec, fmtShape, uniqueIds } from './types';

export interface PoolOpParams {
  windowShape: [number, number];
  poolingType: PoolingType;
  pad: Padding;
  dilations: [number, number];
  strides: [number, number];
  dimRoundingMode?: DimRoundingMode;
}

interface Config extends PoolOpParams {
  x: number[];
}

const EDGE: Config[] = [
  // TF.js's pool tests: 4x4, window 2, pad 0, dilation 2 (max and avg), and a batch of two
  { x: [4, 4, 1], windowShape: [2, 2], poolingType: 'max', pad: 0, dilations: [2, 2], strides: [1, 1] },
  { x: [4, 4, 1], windowShape: [2, 2], poolingType: 'avg', pad: 0, dilations: [2, 2], strides: [1, 1] },
  { x: [2, 4, 4, 1], windowShape: [2, 2], poolingType: 'max', pad: 0, dilations: [2, 2], strides: [1, 1] },
  { x: [1, 5, 5, 1], windowShape: [2, 2], poolingType: 'max', pad: 0, dilations: [2, 2], strides: [1, 1] },
  // dilated windows with padding (#26): 'same', numeric and explicit
  { x: [1, 3, 3, 1], windowShape: [2, 2], poolingType: 'max', pad: 'same', dilations: [2, 2], strides: [1, 1] },
  { x: [2, 5, 6, 2], windowShape: [3, 2], poolingType: 'avg', pad: 'same', dilations: [2, 3], strides: [1, 1] },
  { x: [1, 5, 5, 1], windowShape: [2, 2], poolingType: 'max', pad: 1, dilations: [2, 2], strides: [1, 1] },
  { x: [1, 6, 5, 2], windowShape: [2, 3], poolingType: 'avg', pad: [[0, 0], [1, 0], [0, 2], [0, 0]], dilations: [2, 1], strides: [1, 1] },
  { x: [2, 3, 3, 2], windowShape: [3, 2], poolingType: 'max', pad: 1, dilations: [1, 3], strides: [1, 1] }, // the dropped pad leaves the window larger than the input
  // 'valid' dilated windows: non-square, as large as the input, one axis dilated
  { x: [2, 7, 8, 3], windowShape: [3, 2], poolingType: 'max', pad: 'valid', dilations: [2, 3], strides: [1, 1] },
  { x: [1, 7, 7, 2], windowShape: [4, 4], poolingType: 'avg', pad: 'valid', dilations: [2, 2], strides: [1, 1] },
  { x: [1, 6, 9, 1], windowShape: [2, 3], poolingType: 'max', pad: 'valid', dilations: [1, 4], strides: [1, 1] },
  // no dilation: tf.maxPool / tf.avgPool with strides and a rounding mode
  { x: [2, 7, 6, 2], windowShape: [3, 2], poolingType: 'max', pad: [[0, 0], [2, 1], [0, 3], [0, 0]], dilations: [1, 1], strides: [2, 3], dimRoundingMode: 'ceil' },
  { x: [1, 6, 6, 3], windowShape: [3, 3], poolingType: 'avg', pad: 'same', dilations: [1, 1], strides: [2, 2] },
  // the forms of maxPool's and avgPool's discrepancies: an all-zero explicit pad with 'ceil' (#27), a non-square numeric pad (#25)
  { x: [1, 5, 5, 2], windowShape: [2, 2], poolingType: 'max', pad: [[0, 0], [0, 0], [0, 0], [0, 0]], dilations: [1, 1], strides: [2, 2], dimRoundingMode: 'ceil' },
  { x: [1, 5, 5, 2], windowShape: [2, 2], poolingType: 'avg', pad: [[0, 0], [0, 0], [0, 0], [0, 0]], dilations: [1, 1], strides: [2, 2], dimRoundingMode: 'ceil' },
  { x: [1, 5, 5, 1], windowShape: [3, 2], poolingType: 'max', pad: 1, dilations: [1, 1], strides: [1, 1] }, // TF.js's width smaller
  { x: [1, 5, 5, 1], windowShape: [3, 2], poolingType: 'avg', pad: 1, dilations: [1, 1], strides: [1, 1] },
  { x: [1, 4, 6, 1], windowShape: [2, 3], poolingType: 'max', pad: 1, dilations: [1, 1], strides: [1, 1] }, // TF.js's width larger
  { x: [1, 4, 6, 1], windowShape: [2, 3], poolingType: 'avg', pad: 1, dilations: [1, 1], strides: [1, 1] },
  // cpu's 1x1 identity (#28): TF.js's pool test, a 1x1 window, stride 2 and pad 1 over [2,2,3]
  { x: [2, 2, 3], windowShape: [1, 1], poolingType: 'avg', pad: 1, dilations: [1, 1], strides: [2, 2] },
  { x: [2, 2, 3], windowShape: [1, 1], poolingType: 'max', pad: 1, dilations: [1, 1], strides: [2, 2] },
];

const GRID = 110;

function gridConfig(rng: Rng): Config {
  for (;;) {
    const x = [rng.int(1, 2), rng.int(2, 9), rng.int(2, 9), rng.int(1, 3)];
    const poolingType = rng.pick<PoolingType>(['max', 'avg']);
    const windowShape: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
    const dilated = rng.next() < 0.65;
    let dilations: [number, number] = [1, 1];
    while (dilated && dilations[0] === 1 && dilations[1] === 1) dilations = [rng.int(1, 3), rng.int(1, 3)];
    const strides: [number, number] = dilated ? [1, 1] : [rng.int(1, 3), rng.int(1, 3)];
    // NOTE: dilated windows are mostly 'valid': every padding of a dilated tf.pool is #26 on every backend.
    const r = rng.next();
    const pad: Padding = dilated
      ? r < 0.8 ? 'valid' : r < 0.9 ? 'same' : rng.pick<Padding>([1, [[0, 0], [0, 1], [2, 0], [0, 0]]])
      : r < 0.35 ? 'valid' : r < 0.6 ? 'same' : r < 0.8 ? rng.int(1, 2) : [[0, 0], [rng.int(0, 2), rng.int(0, 2)], [rng.int(0, 2), rng.int(0, 2)], [0, 0]];
    // NOTE: a numeric pad gets a square window and stride (#25 otherwise); a rounding mode only without dilation and with a nonzero pad.
    if (typeof pad === 'number' && !dilated) {
      windowShape[1] = windowShape[0];
      strides[1] = strides[0];
    }
    const dimRoundingMode = !dilated && typeof pad !== 'string' && rng.next() < 0.5 ? rng.pick<DimRoundingMode>(['floor', 'round', 'ceil']) : undefined;
    const [padH, padW] = pad === 'valid' || pad === 'same' ? [0, 0] : typeof pad === 'number' ? [2 * pad, 2 * pad] : [pad[1][0] + pad[1][1], pad[2][0] + pad[2][1]];
    const span = (k: number, d: number) => (k - 1) * d + 1;
    if (pad !== 'same' && (span(windowShape[0], dilations[0]) > x[1] + padH || span(windowShape[1], dilations[1]) > x[2] + padW)) continue;
    const rank3 = x[0] === 1 && rng.next() < 0.3;
    return { x: rank3 ? x.slice(1) : x, windowShape, poolingType, pad, dilations, strides, ...(dimRoundingMode ? { dimRoundingMode } : {}) };
  }
}

function caseOf(cfg: Config, kind: PoolKind, seed: number): OpCase<PoolOpParams> {
  const { x: shape, ...params } = cfg;
  const r = cfg.dimRoundingMode ? ` r=${cfg.dimRoundingMode}` : '';
  const id = `${cfg.poolingType} x=${fmtShape(shape)} k=${fmtShape(cfg.windowShape)} s=${fmtShape(cfg.strides)} d=${fmtShape(cfg.dilations)} p=${formatPadding(cfg.pad)}${r} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  const x = tensor(shape, poolValues(rng, kind, sizeOf(shape)));
  const y = pool(x, cfg.windowShape, cfg.poolingType, cfg.pad, cfg.dilations, cfg.strides, cfg.dimRoundingMode);
  return {
    id,
    params,
    inputs: { x },
    // NOTE: integer inputs keep the window sums exact, but an average's division still rounds.
    exact: cfg.poolingType === 'max' && (kind === 'exact' || kind === 'ties'),
    gradients: !['inf', 'neginf'].includes(kind) && y.data.every(Number.isFinite),
  };
}

/** A tf.pool case as the tf.maxPool / tf.avgPool case of the same windows (dilations kept), for their known discrepancies. */
export function asPoolParams(c: OpCase<PoolOpParams>): OpCase<PoolParams> {
  const { windowShape, strides, pad, dimRoundingMode, dilations } = c.params;
  return { ...c, params: { filterSize: windowShape, strides, pad, dilations, ...(dimRoundingMode ? { dimRoundingMode } : {}) } };
}

const dilated = (c: OpCase<PoolOpParams>) => c.params.dilations[0] > 1 || c.params.dilations[1] > 1;

/** README numbers of maxPool's and avgPool's discrepancies that depend on the window's values (and cpu's 1x1 identity, #28): they hold for dilated windows too. */
const BY_VALUES = new Set([4, 5, 6, 7, 9, 28, 29]);

/** maxPool's and avgPool's known discrepancies, reached through tf.pool. */
function innerKnown(type: PoolingType, known: readonly KnownDiscrepancy<PoolParams>[]): KnownDiscrepancy<PoolOpParams>[] {
  // NOTE: not #25 on tensorflow: tf.pool turns pad 0 into 'valid', and tfjs-node takes no other numeric pad.
  return known.filter((k) => !(k.readme === 25 && k.backend === 'tensorflow')).map((k) => ({
    ...k,
    note: `through tf.${type === 'max' ? 'maxPool' : 'avgPool'}: ${k.note}`,
    when: (c: OpCase<PoolOpParams>) => c.params.poolingType === type && (!dilated(c) || BY_VALUES.has(k.readme)) && k.when(asPoolParams(c)),
  }));
}

/**
 * #26: tf.pool with a dilation > 1 runs maxPool or avgPool under 'valid' on the
 * spaceToBatchND of the input: 'same' pads it with zeros that then count as
 * cells (a zero can win a max, an average divides by the whole window), and a
 * numeric or explicit pad is dropped (a smaller output).
 */
function dilatedPaddingWrong(c: OpCase<PoolOpParams>): boolean {
  if (!dilated(c) || c.params.pad === 'valid' || c.params.pad === 0) return false;
  if (c.params.pad !== 'same') return true;
  return windowHoldsPadding(asPoolParams(c));
}

/** #26 where the dropped pad leaves a dilated window larger than the input under 'valid': wasm's XNNPACK then overruns its buffers. */
function droppedPadWindowTooLarge(c: OpCase<PoolOpParams>): boolean {
  if (!dilated(c) || typeof c.params.pad === 'string' || c.params.pad === 0) return false;
  const g = poolGeometry(asPoolParams(c));
  return (g.kH - 1) * g.dH + 1 > g.inH || (g.kW - 1) * g.dW + 1 > g.inW;
}

const WASM_ABORT_KNOWN: KnownDiscrepancy<PoolOpParams>[] = (['forward', 'grad:x'] as const).map((check) => ({
  check,
  backend: 'wasm' as const,
  kind: 'bug' as const,
  skip: true,
  readme: 26,
  note: "not run: where tf.pool drops the pad of a dilated window (#26) the window is larger than the input under 'valid', and wasm's MaxPool/AvgPool then fail with 'memory access out of bounds' and abort the wasm instance (every later wasm call fails)",
  when: droppedPadWindowTooLarge,
}));

const DILATED_PADDING_KNOWN: KnownDiscrepancy<PoolOpParams>[] = (['forward', 'grad:x'] as const).flatMap((check) =>
  ALL_BACKENDS.map((backend) => ({
    check,
    backend,
    kind: 'bug' as const,
    readme: 26,
    note: "tf.pool with a dilation > 1 pools the spaceToBatchND of the input under 'valid': 'same' padding becomes zeros that count as cells (tf.nn.pool: the reduction never includes out-of-bounds positions), and a numeric or explicit pad is dropped",
    when: dilatedPaddingWrong,
  })),
);

export const poolSpec: OpSpec<PoolOpParams> = {
  id: 'pool',
  inputs: ['x'],
  kernels: ['MaxPool', 'AvgPool', 'SpaceToBatchND', 'BatchToSpaceND'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'pool/grid'));
    const out: OpCase<PoolOpParams>[] = [];
    for (const cfg of EDGE) for (const k of ['rand', 'exact', 'neg'] as const) out.push(caseOf(cfg, k, seed));
    out.push(caseOf(EDGE[8], 'neginf', seed), caseOf(EDGE[8], 'nan', seed), caseOf(EDGE[9], 'nan', seed), caseOf(EDGE[8], 'ties', seed));
    for (let i = 0; i < GRID; i++) {
      const cfg = gridConfig(rng);
      out.push(caseOf(cfg, 'rand', seed));
      if (i % 3 === 0) out.push(caseOf(cfg, 'exact', seed));
      if (i % 7 === 1) out.push(caseOf(cfg, 'nan', seed));
      if (i % 6 === 2) out.push(caseOf(cfg, 'ties', seed));
      if (i % 8 === 3) out.push(caseOf(cfg, 'neg', seed));
    }
    return uniqueIds(out);
  },

  reference(c) {
    const { windowShape, poolingType, pad, dilations, strides, dimRoundingMode } = c.params;
    const value = pool(c.inputs.x, windowShape, poolingType, pad, dilations, strides, dimRoundingMode);
    if (poolingType === 'max') return { value, bound: new Float64Array(value.data.length) };
    const mag = pool(abs(c.inputs.x), windowShape, poolingType, pad, dilations, strides, dimRoundingMode).data;
    return { value, bound: dotBound(mag, windowShape[0] * windowShape[1] + 2, false) };
  },

  value: (c) => pool(c.inputs.x, c.params.windowShape, c.params.poolingType, c.params.pad, c.params.dilations, c.params.strides, c.params.dimRoundingMode),

  grads: [
    {
      input: 'x',
      kernels: ['MaxPoolGrad', 'AvgPoolGrad'],
      reference(c, dy) {
        const { windowShape, poolingType, pad, dilations, strides, dimRoundingMode } = c.params;
        const value = poolGrad(dy, c.inputs.x, windowShape, poolingType, pad, dilations, strides, dimRoundingMode);
        const mag = poolGrad(abs(dy), c.inputs.x, windowShape, poolingType, pad, dilations, strides, dimRoundingMode).data;
        const k = overlap({ filterSize: windowShape, strides });
        return { value, bound: poolingType === 'max' ? dotBound(mag, k, c.exact) : dotBound(mag, k + 2, false) };
      },
    },
  ],

  fingerprints: [
    {
      name: "max, 'same', dilation 2 over an all-negative 3x3 (reference -5,-4,-5,-2,-1,-2,-5,-4,-5)",
      probe(tf) {
        try {
          const y = tf.tidy(() => Array.from(tf.pool(tf.tensor4d([-1, -2, -3, -4, -5, -6, -7, -8, -9], [1, 3, 3, 1]), 2, 'max', 'same', 2).dataSync()));
          return y.join(',');
        } catch (e) {
          return `throws: ${(e as Error).message.split('\n')[0]}`;
        }
      },
    },
    {
      name: 'max, pad 1, dilation 2 over a 3x3: output shape (reference [1,3,3,1])',
      probe(tf) {
        try {
          return `[${tf.tidy(() => tf.pool(tf.ones([1, 3, 3, 1]) as Tensor4D, 2, 'max', 1, 2).shape).join(',')}]`;
        } catch (e) {
          return `throws: ${(e as Error).message.split('\n')[0]}`;
        }
      },
    },
  ],

  tfjs: (tf, [x], { windowShape, poolingType, pad, dilations, strides, dimRoundingMode }) =>
    tf.pool(x as never, windowShape, poolingType, pad, dilations, strides, dimRoundingMode),

  arbitrary: (fc) =>
    fc
      .record({
        x: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 3 })),
        k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), d: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        type: fc.constantFrom<PoolingType>('max', 'avg'), kind: fc.constantFrom<PoolKind>('rand', 'exact', 'neg'), seed: fc.nat(),
      })
      .map((r) => {
        // 'valid' dilated windows that fit the input
        const fit = (k: number, d: number, n: number) => Math.max(1, Math.min(k, Math.floor((n - 1) / d) + 1));
        const windowShape: [number, number] = [fit(r.k[0], r.d[0], r.x[1]), fit(r.k[1], r.d[1], r.x[2])];
        return caseOf({ x: r.x, windowShape, poolingType: r.type, pad: 'valid', dilations: r.d, strides: [1, 1] }, r.kind, r.seed);
      }),

  benchCases: (size) => {
    const [hw, ch] = ({ small: [32, 8], medium: [64, 16], large: [128, 32] } as const)[size];
    return [caseOf({ x: [1, hw, hw, ch], windowShape: [3, 3], poolingType: 'max', pad: 'valid', dilations: [2, 2], strides: [1, 1] }, 'exact', 1)];
  },

  flops(c) {
    const g = poolGeometry(asPoolParams(c));
    return g.batch * g.outH * g.outW * g.channels * c.params.windowShape[0] * c.params.windowShape[1];
  },

  errorInputs: [
    {
      name: 'strides 2 with dilations 2',
      reference: () => pool(tensor([1, 6, 6, 1]), 2, 'max', 'valid', 2, 2),
      tfjs: (tf) => tf.pool(tf.ones([1, 6, 6, 1]) as never, 2, 'max', 'valid', 2, 2),
      message: /Error in pool: either strides or dilations must be 1, got strides \[2,2\] and dilations \[2,2\]/,
    },
    {
      name: "pooling type 'min'",
      reference: () => pool(tensor([1, 4, 4, 1]), 2, 'min' as never, 'valid'),
      tfjs: (tf) => tf.pool(tf.ones([1, 4, 4, 1]) as never, 2, 'min' as never, 'valid'),
      message: /Error in pool: poolingType must be 'max' or 'avg', got "min"/,
    },
    {
      name: "dimRoundingMode 'ceil' with pad 0",
      reference: () => pool(tensor([1, 5, 5, 1]), 2, 'avg', 0, 1, 2, 'ceil'),
      tfjs: (tf) => tf.pool(tf.ones([1, 5, 5, 1]) as never, 2, 'avg', 0, 1, 2, 'ceil'),
      message: /Error in pool: dimRoundingMode ceil needs a nonzero numeric or an explicit pad and dilations 1, got pad 0/,
    },
    {
      name: "dimRoundingMode 'floor' with dilations 2",
      reference: () => pool(tensor([1, 5, 5, 1]), 2, 'max', 1, 2, 1, 'floor'),
      tfjs: (tf) => tf.pool(tf.ones([1, 5, 5, 1]) as never, 2, 'max', 1, 2, 1, 'floor'),
      message: /Error in pool: dimRoundingMode floor needs a nonzero numeric or an explicit pad and dilations 1, got pad 1 and dilations \[2,2\]/,
    },
    {
      name: "dilated window [3,3] d=2 larger than a 'valid' input [4,4]",
      reference: () => pool(tensor([1, 4, 4, 1]), 3, 'max', 'valid', 2),
      tfjs: (tf) => tf.pool(tf.ones([1, 4, 4, 1]) as never, 3, 'max', 'valid', 2),
      message: /Error in pool: window \[3,3\] with dilations \[2,2\] spans \[5,5\], larger than the input \[4,4\]/,
    },
    {
      name: 'dilation 0',
      reference: () => pool(tensor([1, 4, 4, 1]), 2, 'max', 'valid', 0),
      tfjs: (tf) => tf.pool(tf.ones([1, 4, 4, 1]) as never, 2, 'max', 'valid', 0),
      message: /Error in pool: dilations must be positive integers, got \[0,0\]/,
    },
    {
      name: 'gradient: dy [1,1,1,1] for an output [1,2,2,1]',
      reference: () => poolGrad(tensor([1, 1, 1, 1]), tensor([1, 4, 4, 1]), 2, 'max', 'valid', 2),
      tfjs: (tf) => tf.grad((x) => tf.pool(x as never, 2, 'max', 'valid', 2))(tf.ones([1, 4, 4, 1]), tf.ones([1, 1, 1, 1])),
      message: /Error in poolGrad: dy must have the output shape \[1,2,2,1\], got \[1,1,1,1\]/,
    },
  ],

  known: [...WASM_ABORT_KNOWN, ...DILATED_PADDING_KNOWN, ...innerKnown('max', maxPoolSpec.known), ...innerKnown('avg', avgPoolSpec.known)],
};
