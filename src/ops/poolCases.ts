/**
 * Cases shared by the pooling specs (maxPool, avgPool): the grid of the
 * Foundation issue for windows, the value kinds of the convolution half, and
 * every argument form TF.js accepts (numeric and explicit pads, dimRoundingMode,
 * rank-3 inputs).
 */
import { avgPool, windowCounts } from '../../reference/AvgPool';
import { maxPool, maxPoolWindows } from '../../reference/MaxPool';
import { PoolInfo, batchOfImages, pool2dInfo } from '../../reference/pool';
import { Tensor64, sizeOf, tensor } from '../../reference/tensor';
import { DimRoundingMode, Padding, formatPadding } from '../../reference/window';
import { Rng, hashSeed } from '../util/random';
import { WindowGeometry } from './numericPadding';
import { OpCase, fmtShape, uniqueIds } from './types';

export interface PoolParams {
  filterSize: [number, number];
  strides: [number, number];
  pad: Padding;
  /** Only with a numeric or explicit pad. */
  dimRoundingMode?: DimRoundingMode;
  /** tf.pool only; absent for tf.maxPool and tf.avgPool. */
  dilations?: [number, number];
}

/**
 * rand: distinct uniform values (no ties); exact: a shuffled range of distinct
 * integers; ties: a constant image (every window a tie); neg: all negative;
 * small: around zero; nan / inf: NaN or +-Inf injected; neginf: every value -Inf.
 */
export type PoolKind = 'rand' | 'exact' | 'ties' | 'neg' | 'small' | 'nan' | 'inf' | 'neginf';

/** x of rank 4, or rank 3 (a batch of one, as TF.js reads it). */
export interface PoolConfig extends PoolParams {
  x: number[];
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

/** The corners of the padding forms. */
const FORM_EDGE: PoolConfig[] = [
  // explicit padding larger than the window: the first and last windows hold no real cell
  { x: [1, 3, 3, 1], filterSize: [2, 2], strides: [1, 1], pad: [[0, 0], [3, 3], [0, 2], [0, 0]] },
  { x: [2, 4, 5, 2], filterSize: [2, 3], strides: [3, 2], pad: [[0, 0], [4, 0], [0, 3], [0, 0]] }, // and stride > window
  // TF.js's pool_test: 3x3, k=3, s=3, pad [[2,2],[1,1]]: 2x1, 2x1, 2x2 and (ceil) 3x2, the last row with no real cell
  ...([undefined, 'floor', 'round', 'ceil'] as const).map((r): PoolConfig => ({ x: [1, 3, 3, 1], filterSize: [3, 3], strides: [3, 3], pad: [[0, 0], [2, 2], [1, 1], [0, 0]], dimRoundingMode: r })),
  // 'ceil' windows that hang past the padded input, some with no real cell
  { x: [1, 3, 3, 1], filterSize: [2, 2], strides: [2, 2], pad: 1, dimRoundingMode: 'ceil' },
  { x: [2, 7, 7, 3], filterSize: [3, 3], strides: [3, 3], pad: 2, dimRoundingMode: 'ceil' },
  { x: [1, 5, 5, 2], filterSize: [2, 2], strides: [2, 2], pad: 0, dimRoundingMode: 'ceil' }, // pad 0: the last window hangs past the input
  { x: [1, 5, 5, 2], filterSize: [2, 2], strides: [2, 2], pad: 0, dimRoundingMode: 'round' },
  { x: [1, 5, 5, 1], filterSize: [2, 2], strides: [2, 2], pad: [[0, 0], [0, 0], [0, 0], [0, 0]], dimRoundingMode: 'ceil' }, // explicit zero pad
  { x: [1, 5, 5, 1], filterSize: [1, 1], strides: [3, 3], pad: 0, dimRoundingMode: 'ceil' }, // stride > window: a window past the input
  // TF.js's pool_test: a 1x1 window, stride 2 and pad 1 over [2,2,3] (the output shape equals the input's)
  { x: [2, 2, 3], filterSize: [1, 1], strides: [2, 2], pad: 1 },
  { x: [1, 3, 3, 2], filterSize: [1, 1], strides: [1, 1], pad: 1, dimRoundingMode: 'floor' },
  // numeric pads: square (judged) and not (#25)
  { x: [1, 6, 6, 2], filterSize: [3, 3], strides: [2, 2], pad: 1 },
  { x: [1, 5, 5, 1], filterSize: [3, 1], strides: [1, 1], pad: 1 },
  { x: [1, 5, 5, 1], filterSize: [3, 2], strides: [1, 1], pad: 1 }, // TF.js's width smaller, every window with a real cell
  { x: [1, 4, 6, 1], filterSize: [2, 3], strides: [1, 1], pad: 1 }, // TF.js's width larger
  { x: [1, 6, 7, 1], filterSize: [2, 2], strides: [1, 2], pad: 2, dimRoundingMode: 'round' },
  // rank-3 inputs
  { x: [4, 5, 2], filterSize: [3, 3], strides: [1, 1], pad: 'same' },
  { x: [6, 6, 1], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [5, 4, 3], filterSize: [2, 3], strides: [2, 1], pad: [[0, 0], [1, 0], [1, 1], [0, 0]], dimRoundingMode: 'ceil' },
];

const GRID = 100;
const FORM_GRID = 60;
const MODES: (DimRoundingMode | undefined)[] = [undefined, 'floor', 'round', 'ceil'];

function gridConfig(rng: Rng): PoolConfig {
  const x = [rng.int(1, 2), rng.int(1, 9), rng.int(1, 9), rng.int(1, 4)];
  return {
    x,
    filterSize: [rng.int(1, x[1]), rng.int(1, x[2])],
    strides: [rng.int(1, 3), rng.int(1, 3)],
    pad: rng.pick<Padding>(['valid', 'same']),
  };
}

/**
 * A numeric or explicit pad (0 to 3 cells a side) with a random rounding mode;
 * numeric pads mostly with a square window and stride (judged: #25 leaves the
 * others wrong on every backend); a third of the batch-1 images as rank 3.
 */
function formConfig(rng: Rng): PoolConfig {
  for (;;) {
    const x = [rng.int(1, 2), rng.int(1, 8), rng.int(1, 8), rng.int(1, 3)];
    const explicit = rng.next() < 0.5;
    const pad: Padding = explicit ? [[0, 0], [rng.int(0, 3), rng.int(0, 3)], [rng.int(0, 3), rng.int(0, 3)], [0, 0]] : rng.int(0, 3);
    const square = !explicit && rng.next() < 0.8;
    const k = rng.int(1, 4);
    const s = rng.int(1, 3);
    const filterSize: [number, number] = [k, square ? k : rng.int(1, 4)];
    const strides: [number, number] = [s, square ? s : rng.int(1, 3)];
    const dimRoundingMode = rng.pick(MODES);
    const [padH, padW] = typeof pad === 'number' ? [2 * pad, 2 * pad] : [pad[1][0] + pad[1][1], pad[2][0] + pad[2][1]];
    // NOTE: at least one output on each axis, whatever the rounding (TF.js's numeric pad sizes the width with the height's window, #25).
    if (x[1] + padH < filterSize[0] || x[2] + padW < Math.max(filterSize[0], filterSize[1])) continue;
    const rank3 = x[0] === 1 && rng.next() < 0.33;
    return { x: rank3 ? x.slice(1) : x, filterSize, strides, pad, ...(dimRoundingMode ? { dimRoundingMode } : {}) };
  }
}

/** n distinct float32 values uniform in [lo, hi). */
function distinct(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  for (;;) {
    const a = rng.uniform(n, lo, hi);
    if (new Set(a).size === n) return a;
  }
}

/** n values of a kind (see PoolKind). */
export function poolValues(rng: Rng, kind: PoolKind, n: number): Float64Array {
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

/** The id of a case: every argument, e.g. `x=[4,4,1] k=[2,2] s=[1,1] p=[[0,0],[1,2],[0,1],[0,0]] r=ceil v=rand`. */
export function poolCaseId(cfg: PoolConfig, kind: string): string {
  const r = cfg.dimRoundingMode ? ` r=${cfg.dimRoundingMode}` : '';
  return `x=${fmtShape(cfg.x)} k=${fmtShape(cfg.filterSize)} s=${fmtShape(cfg.strides)} p=${formatPadding(cfg.pad)}${r} v=${kind}`;
}

/** The case's params, without an absent rounding mode. */
function paramsOf(cfg: PoolConfig): PoolParams {
  const { filterSize, strides, pad, dimRoundingMode } = cfg;
  return dimRoundingMode ? { filterSize, strides, pad, dimRoundingMode } : { filterSize, strides, pad };
}

function poolCase(op: string, cfg: PoolConfig, kind: PoolKind, seed: number): OpCase<PoolParams> {
  const id = poolCaseId(cfg, kind);
  const rng = new Rng(hashSeed(seed, id));
  const params = paramsOf(cfg);
  const x = tensor(cfg.x, poolValues(rng, kind, sizeOf(cfg.x)));
  // NOTE: the reference gradient is checked against finite differences of <forward, dy>: every output must be finite.
  const y = op === 'avgPool' ? avgPool(x, params.filterSize, params.strides, params.pad, params.dimRoundingMode) : maxPool(x, params.filterSize, params.strides, params.pad, params.dimRoundingMode);
  return {
    id,
    params,
    inputs: { x },
    exact: kind === 'exact' || kind === 'ties',
    gradients: !['inf', 'neginf'].includes(kind) && y.data.every(Number.isFinite),
  };
}

/** Every pooling case of a run, deterministic in `seed` (about 300). */
export function poolCases(op: string, seed: number): OpCase<PoolParams>[] {
  const rng = new Rng(hashSeed(seed, `${op}/grid`));
  const out: OpCase<PoolParams>[] = [];
  for (const cfg of EDGE) for (const k of ['rand', 'exact', 'ties'] as const) out.push(poolCase(op, cfg, k, seed));
  out.push(poolCase(op, EDGE[3], 'neginf', seed), poolCase(op, EDGE[4], 'neginf', seed));
  for (let i = 0; i < GRID; i++) {
    const cfg = gridConfig(rng);
    out.push(poolCase(op, cfg, 'rand', seed));
    if (i % 3 === 0) out.push(poolCase(op, cfg, 'exact', seed));
    if (i % 5 === 1) out.push(poolCase(op, cfg, 'ties', seed));
    if (i % 10 === 2) out.push(poolCase(op, cfg, 'neg', seed));
    if (i % 10 === 3) out.push(poolCase(op, cfg, 'small', seed));
    if (i % 10 === 4) out.push(poolCase(op, cfg, 'nan', seed));
    if (i % 10 === 5) out.push(poolCase(op, cfg, 'inf', seed));
  }
  for (const cfg of FORM_EDGE) for (const k of ['rand', 'exact'] as const) out.push(poolCase(op, cfg, k, seed));
  const forms = new Rng(hashSeed(seed, `${op}/forms`));
  for (let i = 0; i < FORM_GRID; i++) {
    const cfg = formConfig(forms);
    out.push(poolCase(op, cfg, 'rand', seed));
    if (i % 3 === 0) out.push(poolCase(op, cfg, 'exact', seed));
    if (i % 6 === 1) out.push(poolCase(op, cfg, 'nan', seed));
    if (i % 6 === 2) out.push(poolCase(op, cfg, 'neg', seed));
    if (i % 10 === 3) out.push(poolCase(op, cfg, 'ties', seed));
  }
  return uniqueIds(out);
}

/** The benchmark case of a size: 3x3 windows, stride 2, 'same', growing images and channels. */
export function benchPoolCase(op: string, size: 'small' | 'medium' | 'large'): OpCase<PoolParams> {
  const [hw, c] = ({ small: [32, 8], medium: [64, 16], large: [128, 32] } as const)[size];
  // NOTE: a shuffled range of distinct integers: drawing half a million distinct floats by rejection would not end.
  return poolCase(op, { x: [1, hw, hw, c], filterSize: [3, 3], strides: [2, 2], pad: 'same' }, 'exact', hashSeed(1, op));
}

/** fast-check pooling cases: the grid's limits and every padding form, shrinking toward small shapes. */
export function poolArbitrary(fc: typeof import('fast-check'), op = 'maxPool'): import('fast-check').Arbitrary<OpCase<PoolParams>> {
  return fc
    .record({
      x: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 4 })),
      k: fc.tuple(fc.nat(), fc.nat()), s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      pad: fc.oneof(
        fc.constantFrom<Padding>('valid', 'same'),
        fc.integer({ min: 0, max: 3 }),
        fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([t, b, l, r]): Padding => [[0, 0], [t, b], [l, r], [0, 0]]),
      ),
      mode: fc.constantFrom<DimRoundingMode | undefined>(undefined, 'floor', 'round', 'ceil'),
      kind: fc.constantFrom<PoolKind>('rand', 'exact', 'ties', 'neg', 'small'), seed: fc.nat(),
    })
    .map((r) => {
      const numeric = typeof r.pad === 'number';
      // windows within the input: every padding form leaves at least one output; a numeric pad gets a square window and stride (#25)
      const kH = 1 + (r.k[0] % r.x[1]);
      const kW = numeric ? Math.min(kH, r.x[2]) : 1 + (r.k[1] % r.x[2]);
      const cfg: PoolConfig = {
        x: r.x, filterSize: [kH, numeric ? kH : kW], strides: numeric ? [r.s[0], r.s[0]] : r.s, pad: r.pad,
        ...(typeof r.pad !== 'string' && r.mode ? { dimRoundingMode: r.mode } : {}),
      };
      if (numeric && kH > r.x[2] + 2 * (r.pad as number)) cfg.filterSize = [kW, kW];
      return poolCase(op, cfg, r.kind, r.seed);
    });
}

/** The geometry of a pooling case. */
export function poolGeometry(c: OpCase<PoolParams>): PoolInfo {
  const { filterSize, strides, pad, dimRoundingMode, dilations } = c.params;
  return pool2dInfo('pool', c.inputs.x, filterSize, strides, pad, { dimRoundingMode, dilations });
}

/** The window of a pooling case, for the numeric-pad discrepancy #25. */
export function windowGeometry(c: OpCase<PoolParams>): WindowGeometry {
  const s = c.inputs.x.shape;
  const [inH, inW] = s.length === 4 ? [s[1], s[2]] : [s[0], s[1]];
  return { inHW: [inH, inW], kHW: c.params.filterSize, strides: c.params.strides, dilations: c.params.dilations, pad: c.params.pad, dimRoundingMode: c.params.dimRoundingMode };
}

/** Number of output elements of a pooling case (its geometry, without pooling). */
export function poolOutputSize(c: OpCase<PoolParams>): number {
  const g = poolGeometry(c);
  return g.batch * g.outH * g.outW * g.channels;
}

/** Largest number of windows that share one input cell: the terms of a gradient sum. */
export function overlap(p: { filterSize: readonly [number, number]; strides: readonly [number, number] }): number {
  return Math.ceil(p.filterSize[0] / p.strides[0]) * Math.ceil(p.filterSize[1] / p.strides[1]);
}

/** The kind of a pooling case, read back from its id. */
export function poolKind(c: OpCase<unknown>): PoolKind {
  return c.id.replace(/ #\d+$/, '').split(' v=')[1] as PoolKind;
}

/** True when padding puts padded cells into some window (its real cells are fewer than kh * kw). */
export function windowHoldsPadding(c: OpCase<PoolParams>): boolean {
  const { filterSize } = c.params;
  return windowCounts(poolGeometry(c)).some((n) => n < filterSize[0] * filterSize[1]);
}

/** True when some window holds no real cell (explicit padding larger than the window, or a 'ceil' window past the input). */
export function windowWithoutCells(c: OpCase<PoolParams>): boolean {
  return windowCounts(poolGeometry(c)).some((n) => n === 0);
}

/** The maximum of every window (reference maxPool, -Inf where no cell wins). */
export function windowMaxima(c: OpCase<PoolParams>): Float64Array {
  return maxPoolWindows(batchOfImages('pool', c.inputs.x), poolGeometry(c)).data;
}

/** True when some window's maximum occurs more than once (a tie: the gradient's destination is a convention). */
export function windowHasTie(c: OpCase<PoolParams>): boolean {
  return someWindow(c, (cells) => {
    const max = Math.max(...cells.filter((v) => !Number.isNaN(v)));
    return max > -Infinity && cells.filter((v) => v === max).length > 1;
  });
}

/** True when some window holds a NaN among its real cells. */
export function windowHoldsNaN(c: OpCase<PoolParams>): boolean {
  return someWindow(c, (cells) => cells.some(Number.isNaN));
}

/** True when `test` holds for the real cells of some window of the case. */
function someWindow(c: OpCase<PoolParams>, test: (cells: number[]) => boolean): boolean {
  const g = poolGeometry(c);
  const x: Tensor64 = c.inputs.x;
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        for (let ch = 0; ch < g.channels; ch++) {
          const cells: number[] = [];
          for (let kh = 0; kh < g.kH; kh++) {
            const ih = oh * g.sH + kh * g.dH - g.padTop;
            if (ih < 0 || ih >= g.inH) continue;
            for (let kw = 0; kw < g.kW; kw++) {
              const iw = ow * g.sW + kw * g.dW - g.padLeft;
              if (iw >= 0 && iw < g.inW) cells.push(x.data[((n * g.inH + ih) * g.inW + iw) * g.channels + ch]);
            }
          }
          if (test(cells)) return true;
        }
      }
    }
  }
  return false;
}
