/**
 * Cases shared by the pooling specs (maxPool, avgPool): the grid of the
 * Foundation issue for windows, plus the value kinds of the convolution half.
 */
import { windowCounts } from '../../reference/AvgPool';
import { maxPool } from '../../reference/MaxPool';
import { pool2dInfo } from '../../reference/pool';
import { sizeOf, tensor } from '../../reference/tensor';
import { Padding } from '../../reference/window';
import { Rng, hashSeed } from '../util/random';
import { OpCase, fmtShape, uniqueIds } from './types';

export interface PoolParams {
  filterSize: [number, number];
  strides: [number, number];
  pad: Padding;
}

/**
 * rand: distinct uniform values (no ties); exact: a shuffled range of distinct
 * integers; ties: a constant image (every window a tie); neg: all negative;
 * small: around zero; nan / inf: NaN or +-Inf injected; neginf: every value -Inf.
 */
export type PoolKind = 'rand' | 'exact' | 'ties' | 'neg' | 'small' | 'nan' | 'inf' | 'neginf';

interface PoolConfig extends PoolParams {
  x: [number, number, number, number];
}

const EDGE: PoolConfig[] = [
  { x: [1, 1, 1, 1], filterSize: [1, 1], strides: [1, 1], pad: 'valid' },
  { x: [1, 4, 4, 2], filterSize: [1, 1], strides: [1, 1], pad: 'same' },
  { x: [2, 5, 7, 3], filterSize: [5, 7], strides: [1, 1], pad: 'valid' }, // window = input
  { x: [1, 6, 6, 1], filterSize: [3, 3], strides: [1, 1], pad: 'valid' }, // overlapping
  { x: [1, 7, 5, 2], filterSize: [3, 2], strides: [2, 1], pad: 'same' }, // overlapping, non-square
  { x: [1, 9, 9, 1], filterSize: [1, 1], strides: [3, 3], pad: 'valid' }, // stride > window
  { x: [2, 8, 9, 4], filterSize: [2, 2], strides: [3, 3], pad: 'same' },
  { x: [1, 4, 4, 1], filterSize: [2, 2], strides: [2, 2], pad: 'valid' }, // tiling
  { x: [1, 5, 4, 3], filterSize: [4, 3], strides: [2, 3], pad: 'same' }, // asymmetric same padding
];

const GRID = 100;

function gridConfig(rng: Rng): PoolConfig {
  const x: [number, number, number, number] = [rng.int(1, 2), rng.int(1, 9), rng.int(1, 9), rng.int(1, 4)];
  return {
    x,
    filterSize: [rng.int(1, x[1]), rng.int(1, x[2])],
    strides: [rng.int(1, 3), rng.int(1, 3)],
    pad: rng.pick<Padding>(['valid', 'same']),
  };
}

/** n distinct float32 values uniform in [lo, hi). */
function distinct(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  for (;;) {
    const a = rng.uniform(n, lo, hi);
    if (new Set(a).size === n) return a;
  }
}

function values(rng: Rng, kind: PoolKind, n: number): Float64Array {
  switch (kind) {
    case 'exact': {
      const a = Float64Array.from({ length: n }, (_, i) => i - Math.floor(n / 2));
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [a[i], a[j]] = [a[j], a[i]];
      }
      return a;
    }
    case 'ties':
      return new Float64Array(n).fill(rng.pick([0.5, -2, 0, 3]));
    case 'neg':
      return distinct(rng, n, -1, 0);
    case 'small':
      return distinct(rng, n, -1e-3, 1e-3);
    case 'neginf':
      return new Float64Array(n).fill(-Infinity);
    case 'nan':
    case 'inf': {
      const a = distinct(rng, n, -1, 1);
      const specials = kind === 'nan' ? [NaN] : [Infinity, -Infinity];
      for (const v of specials) a[rng.int(0, n - 1)] = v;
      return a;
    }
    case 'rand':
      return distinct(rng, n, -1, 1);
  }
}

function poolCase(cfg: PoolConfig, kind: PoolKind, seed: number): OpCase<PoolParams> {
  const id = `x=${fmtShape(cfg.x)} k=${fmtShape(cfg.filterSize)} s=${fmtShape(cfg.strides)} p=${cfg.pad} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  return {
    id,
    params: { filterSize: cfg.filterSize, strides: cfg.strides, pad: cfg.pad },
    inputs: { x: tensor(cfg.x, values(rng, kind, sizeOf(cfg.x))) },
    exact: kind === 'exact' || kind === 'ties',
    gradients: !['nan', 'inf', 'neginf'].includes(kind),
  };
}

/** Every pooling case of a run, deterministic in `seed` (about 200). */
export function poolCases(op: string, seed: number): OpCase<PoolParams>[] {
  const rng = new Rng(hashSeed(seed, `${op}/grid`));
  const out: OpCase<PoolParams>[] = [];
  for (const cfg of EDGE) for (const k of ['rand', 'exact', 'ties'] as const) out.push(poolCase(cfg, k, seed));
  out.push(poolCase(EDGE[3], 'neginf', seed), poolCase(EDGE[4], 'neginf', seed));
  for (let i = 0; i < GRID; i++) {
    const cfg = gridConfig(rng);
    out.push(poolCase(cfg, 'rand', seed));
    if (i % 3 === 0) out.push(poolCase(cfg, 'exact', seed));
    if (i % 5 === 1) out.push(poolCase(cfg, 'ties', seed));
    if (i % 10 === 2) out.push(poolCase(cfg, 'neg', seed));
    if (i % 10 === 3) out.push(poolCase(cfg, 'small', seed));
    if (i % 10 === 4) out.push(poolCase(cfg, 'nan', seed));
    if (i % 10 === 5) out.push(poolCase(cfg, 'inf', seed));
  }
  return uniqueIds(out);
}

/** The benchmark case of a size: 3x3 windows, stride 2, 'same', growing images and channels. */
export function benchPoolCase(op: string, size: 'small' | 'medium' | 'large'): OpCase<PoolParams> {
  const [hw, c] = ({ small: [32, 8], medium: [64, 16], large: [128, 32] } as const)[size];
  // NOTE: a shuffled range of distinct integers: drawing half a million distinct floats by rejection would not end.
  return poolCase({ x: [1, hw, hw, c], filterSize: [3, 3], strides: [2, 2], pad: 'same' }, 'exact', hashSeed(1, op));
}

/** fast-check pooling cases: the grid's limits, shrinking toward small shapes. */
export function poolArbitrary(fc: typeof import('fast-check')): import('fast-check').Arbitrary<OpCase<PoolParams>> {
  return fc
    .record({
      x: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 4 })),
      k: fc.tuple(fc.nat(), fc.nat()), s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      pad: fc.constantFrom<Padding>('valid', 'same'), kind: fc.constantFrom<PoolKind>('rand', 'exact', 'ties', 'neg', 'small'), seed: fc.nat(),
    })
    .map((r) => poolCase({ x: r.x, filterSize: [1 + (r.k[0] % r.x[1]), 1 + (r.k[1] % r.x[2])], strides: r.s, pad: r.pad }, r.kind, r.seed));
}

/** Number of output elements of a pooling case (its geometry, without pooling). */
export function poolOutputSize(c: OpCase<PoolParams>): number {
  const g = pool2dInfo('pool', c.inputs.x, c.params.filterSize, c.params.strides, c.params.pad);
  return g.batch * g.outH * g.outW * g.channels;
}

/** Largest number of windows that share one input cell: the terms of a gradient sum. */
export function overlap(p: PoolParams): number {
  return Math.ceil(p.filterSize[0] / p.strides[0]) * Math.ceil(p.filterSize[1] / p.strides[1]);
}

/** The kind of a pooling case, read back from its id. */
export function poolKind(c: OpCase<PoolParams>): PoolKind {
  return c.id.replace(/ #\d+$/, '').split(' v=')[1] as PoolKind;
}

/** True when 'same' padding puts padded cells into some window (its real cells are fewer than kh * kw). */
export function windowHoldsPadding(c: OpCase<PoolParams>): boolean {
  const { filterSize, strides, pad } = c.params;
  const counts = windowCounts(pool2dInfo('avgPool', c.inputs.x, filterSize, strides, pad));
  return counts.some((n) => n < filterSize[0] * filterSize[1]);
}

/** The maximum of every window (reference maxPool). */
export function windowMaxima(c: OpCase<PoolParams>): Float64Array {
  const { filterSize, strides, pad } = c.params;
  return maxPool(c.inputs.x, filterSize, strides, pad).data;
}

/** True when some window's maximum occurs more than once (a tie: the gradient's destination is a convention). */
export function windowHasTie(c: OpCase<PoolParams>): boolean {
  const { filterSize, strides, pad } = c.params;
  const g = pool2dInfo('maxPool', c.inputs.x, filterSize, strides, pad);
  const maxima = windowMaxima(c);
  const x = c.inputs.x.data;
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        for (let ch = 0; ch < g.channels; ch++) {
          const max = maxima[((n * g.outH + oh) * g.outW + ow) * g.channels + ch];
          let count = 0;
          for (let kh = 0; kh < g.kH; kh++) {
            const ih = oh * g.sH + kh * g.dH - g.padTop;
            if (ih < 0 || ih >= g.inH) continue;
            for (let kw = 0; kw < g.kW; kw++) {
              const iw = ow * g.sW + kw * g.dW - g.padLeft;
              if (iw >= 0 && iw < g.inW && x[((n * g.inH + ih) * g.inW + iw) * g.channels + ch] === max) count++;
            }
          }
          if (count > 1) return true;
        }
      }
    }
  }
  return false;
}
