/**
 * maxPoolWithArgmax: reference/MaxPoolWithArgmax.ts against
 * `tf.maxPoolWithArgmax` (kernel MaxPoolWithArgmax). The kernel has two
 * outputs; the runner compares one tensor, so both are stacked:
 * `[2, batch, outH, outW, channels]`, the pooled values then the indexes (as
 * float32, exact below 2^24). Both are selections: the bound is 0, the indexes
 * must match exactly. TF.js has no gradient for it.
 */
import { maxPoolWithArgmax } from '../../reference/MaxPoolWithArgmax';
import { Tensor64, sizeOf, tensor } from '../../reference/tensor';
import { formatPadding } from '../../reference/window';
import { Rng, hashSeed } from '../util/random';
import { PoolKind, PoolParams, poolGeometry, poolValues, windowHasTie, windowMaxima } from './poolCases';
import { OpCase, OpSpec, fmtShape, uniqueIds } from './types';

export interface MaxPoolWithArgmaxParams {
  filterSize: [number, number];
  strides: [number, number];
  /** tf.maxPoolWithArgmax takes 'valid', 'same' or a number. */
  pad: 'valid' | 'same' | number;
  includeBatchInIndex: boolean;
}

interface Config extends MaxPoolWithArgmaxParams {
  x: [number, number, number, number];
}

const EDGE: Config[] = [
  { x: [1, 1, 1, 1], filterSize: [1, 1], strides: [1, 1], pad: 'valid', includeBatchInIndex: false },
  { x: [2, 2, 2, 1], filterSize: [2, 2], strides: [2, 2], pad: 'valid', includeBatchInIndex: true },
  { x: [2, 2, 2, 1], filterSize: [2, 2], strides: [2, 2], pad: 'valid', includeBatchInIndex: false },
  { x: [2, 5, 7, 3], filterSize: [5, 7], strides: [1, 1], pad: 'valid', includeBatchInIndex: true }, // window = input
  { x: [2, 6, 5, 4], filterSize: [3, 2], strides: [1, 2], pad: 'same', includeBatchInIndex: true },
  { x: [2, 6, 5, 4], filterSize: [3, 2], strides: [1, 2], pad: 'same', includeBatchInIndex: false },
  { x: [1, 9, 9, 2], filterSize: [1, 1], strides: [3, 3], pad: 'valid', includeBatchInIndex: false }, // stride > window
  { x: [2, 6, 6, 2], filterSize: [3, 3], strides: [2, 2], pad: 1, includeBatchInIndex: true },
];

const GRID = 80;

/** FLT_MIN, the smallest positive normal float32 (2^-126), where wasm starts its running maximum (#4). */
const FLOAT32_MIN_NORMAL = 2 ** -126;

function gridConfig(rng: Rng): Config {
  const x: Config['x'] = [rng.int(1, 3), rng.int(1, 8), rng.int(1, 8), rng.int(1, 4)];
  const r = rng.next();
  const pad = r < 0.45 ? 'valid' : r < 0.85 ? 'same' : rng.int(1, 2);
  // NOTE: a numeric pad gets a square window and stride (#25 otherwise).
  const k = rng.int(1, Math.min(x[1], x[2]));
  const filterSize: [number, number] = typeof pad === 'number' ? [k, k] : [rng.int(1, x[1]), rng.int(1, x[2])];
  const s = rng.int(1, 3);
  const strides: [number, number] = typeof pad === 'number' ? [s, s] : [s, rng.int(1, 3)];
  return { x, filterSize, strides, pad, includeBatchInIndex: rng.next() < 0.5 };
}

function caseOf(cfg: Config, kind: PoolKind, seed: number): OpCase<MaxPoolWithArgmaxParams> {
  const { x: shape, ...params } = cfg;
  const id = `x=${fmtShape(shape)} k=${fmtShape(cfg.filterSize)} s=${fmtShape(cfg.strides)} p=${formatPadding(cfg.pad)} batchIndex=${cfg.includeBatchInIndex} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  return { id, params, inputs: { x: tensor(shape, poolValues(rng, kind, sizeOf(shape))) }, exact: true, gradients: false };
}

/** The case as a maxPool case (the same windows), for the window predicates. */
function asPool(c: OpCase<MaxPoolWithArgmaxParams>): OpCase<PoolParams> {
  return { ...c, params: { filterSize: c.params.filterSize, strides: c.params.strides, pad: c.params.pad } };
}

/** values then indexes, stacked: `[2, ...outShape]`. */
function stacked(c: OpCase<MaxPoolWithArgmaxParams>): Tensor64 {
  const { filterSize, strides, pad, includeBatchInIndex } = c.params;
  const { result, indexes } = maxPoolWithArgmax(c.inputs.x, filterSize, strides, pad, includeBatchInIndex);
  const data = new Float64Array(2 * result.data.length);
  data.set(result.data, 0);
  data.set(indexes.data, result.data.length);
  return { shape: [2, ...result.shape], data };
}

export const maxPoolWithArgmaxSpec: OpSpec<MaxPoolWithArgmaxParams> = {
  id: 'maxPoolWithArgmax',
  inputs: ['x'],
  kernels: ['MaxPoolWithArgmax'],
  strictZeroSign: true,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'maxPoolWithArgmax/grid'));
    const out: OpCase<MaxPoolWithArgmaxParams>[] = [];
    for (const cfg of EDGE) for (const k of ['rand', 'exact', 'ties'] as const) out.push(caseOf(cfg, k, seed));
    out.push(caseOf(EDGE[4], 'nan', seed), caseOf(EDGE[4], 'neginf', seed), caseOf(EDGE[7], 'nan', seed));
    for (let i = 0; i < GRID; i++) {
      const cfg = gridConfig(rng);
      out.push(caseOf(cfg, 'rand', seed));
      if (i % 3 === 0) out.push(caseOf(cfg, 'exact', seed));
      if (i % 5 === 1) out.push(caseOf(cfg, 'ties', seed));
      if (i % 6 === 2) out.push(caseOf(cfg, 'nan', seed));
      if (i % 8 === 3) out.push(caseOf(cfg, 'neg', seed));
    }
    return uniqueIds(out);
  },

  reference: (c) => {
    const value = stacked(c);
    return { value, bound: new Float64Array(value.data.length) };
  },

  grads: [],

  fingerprints: [
    {
      name: 'indexes of [[1,2],[3,4]] and [[8,7],[6,5]] (batch 2), 2x2 windows, with / without the batch',
      probe(tf) {
        try {
          const x = tf.tensor4d([1, 2, 3, 4, 8, 7, 6, 5], [2, 2, 2, 1]);
          const a = tf.tidy(() => Array.from(tf.maxPoolWithArgmax(x, 2, 2, 'valid', true).indexes.dataSync()));
          const b = tf.tidy(() => Array.from(tf.maxPoolWithArgmax(x, 2, 2, 'valid', false).indexes.dataSync()));
          return `${a.join(',')} / ${b.join(',')}`;
        } catch (e) {
          return `throws: ${(e as Error).message.split('\n')[0]}`;
        }
      },
    },
  ],

  tfjs(tf, [x], { filterSize, strides, pad, includeBatchInIndex }) {
    const { result, indexes } = tf.maxPoolWithArgmax(x as never, filterSize, strides, pad, includeBatchInIndex);
    return tf.stack([result, tf.cast(indexes, 'float32')]);
  },

  arbitrary: (fc) =>
    fc
      .record({
        x: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 })),
        k: fc.tuple(fc.nat(), fc.nat()), s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        pad: fc.constantFrom<'valid' | 'same'>('valid', 'same'), batch: fc.boolean(), kind: fc.constantFrom<PoolKind>('rand', 'exact', 'ties', 'neg'), seed: fc.nat(),
      })
      .map((r) => caseOf({ x: r.x, filterSize: [1 + (r.k[0] % r.x[1]), 1 + (r.k[1] % r.x[2])], strides: r.s, pad: r.pad, includeBatchInIndex: r.batch }, r.kind, r.seed)),

  benchCases: (size) => {
    const [hw, ch] = ({ small: [32, 8], medium: [64, 16], large: [128, 32] } as const)[size];
    return [caseOf({ x: [1, hw, hw, ch], filterSize: [3, 3], strides: [2, 2], pad: 'same', includeBatchInIndex: false }, 'exact', 1)];
  },

  flops(c) {
    const g = poolGeometry(asPool(c));
    return g.batch * g.outH * g.outW * g.channels * c.params.filterSize[0] * c.params.filterSize[1];
  },

  errorInputs: [
    {
      name: 'rank-3 x [4,4,1]',
      reference: () => maxPoolWithArgmax(tensor([4, 4, 1]), 2, 2, 'valid'),
      tfjs: (tf) => tf.maxPoolWithArgmax(tf.ones([4, 4, 1]) as never, 2, 2, 'valid').result,
      message: /Error in maxPoolWithArgmax: x must be rank 4, got rank 3/,
    },
    {
      name: 'window 0',
      reference: () => maxPoolWithArgmax(tensor([1, 4, 4, 1]), 0, 2, 'valid'),
      tfjs: (tf) => tf.maxPoolWithArgmax(tf.ones([1, 4, 4, 1]) as never, 0, 2, 'valid').result,
      message: /Error in maxPoolWithArgmax: filterSize must be positive integers, got \[0,0\]/,
    },
  ],

  known: [
    {
      check: 'forward',
      backend: 'wasm',
      kind: 'bug',
      when: (c) => windowMaxima(asPool(c)).some((v) => v < FLOAT32_MIN_NORMAL),
      readme: 4,
      note: 'wasm MaxPoolWithArgmax starts its running maximum at FLT_MIN = 1.18e-38 (C++ numeric_limits<float>::min(), the smallest positive float, not lowest()): a window whose maximum is below it gives FLT_MIN and index 0',
    },
    {
      check: 'forward',
      backend: 'wasm',
      kind: 'semantic',
      when: (c) => windowHasTie(asPool(c)),
      readme: 5,
      note: "wasm MaxPoolWithArgmax takes a cell when it is >= the running maximum: the index of a tie is the window's last maximum; the reference (and cpu) the first",
    },
  ],
};
