/**
 * Test helpers for spec/reference/: seeded float32 data, a bitwise comparison
 * and small case grids. Nothing here imports from src/.
 */
import { Shape, Tensor64, sizeOf, tensor } from '../../reference/tensor';
import { Padding } from '../../reference/window';

/**
 * Seeded uniform numbers (mulberry32): the same seed always gives the same data.
 * The same generator as src/util/random.ts, kept apart: the reference's tests import nothing from src/.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }

  /** `n` float32 values (non-integers, almost surely) uniform in [lo, hi). */
  uniform(n: number, lo = -1, hi = 1): Float64Array {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.fround(lo + (hi - lo) * this.next());
    return a;
  }

  /** `n` integers uniform in [lo, hi]. */
  integers(n: number, lo: number, hi: number): Float64Array {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = this.int(lo, hi);
    return a;
  }

  /** A tensor of float32 values uniform in [lo, hi). */
  tensor(shape: Shape, lo = -1, hi = 1): Tensor64 {
    return tensor(shape, this.uniform(sizeOf(shape), lo, hi));
  }
}

/**
 * Undefined when `got` and `want` have the same shape and the same bits in every
 * element (Object.is: NaN equals NaN, +0 differs from -0); else where they differ.
 */
export function bitwiseDiff(got: Tensor64, want: Tensor64 | { shape: Shape; data: ArrayLike<number> }): string | undefined {
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    return `shape [${got.shape.join(',')}], want [${want.shape.join(',')}]`;
  }
  if (got.data.length !== want.data.length) return `${got.data.length} values, want ${want.data.length}`;
  for (let i = 0; i < got.data.length; i++) {
    if (!Object.is(got.data[i], want.data[i])) return `element ${i}: got ${got.data[i]}, want ${want.data[i]}`;
  }
  return undefined;
}

/** Largest |a - b|; NaN against NaN and equal infinities count as agreement, any other special value as Infinity. */
export function maxDiff(a: Tensor64, b: Tensor64): number {
  return a.data.reduce((m, v, i) => {
    const w = b.data[i];
    if ((Number.isNaN(v) && Number.isNaN(w)) || v === w) return m;
    return Math.max(m, Number.isFinite(v) && Number.isFinite(w) ? Math.abs(v - w) : Infinity);
  }, 0);
}

export interface ConvConfig {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: [number, number];
  pad: Padding;
  dilations: [number, number];
}

/** The case id: its configuration. */
export function convId(c: ConvConfig): string {
  return `x=[${c.x}] f=[${c.f}] s=[${c.strides}] p=${c.pad} d=[${c.dilations}]`;
}

/**
 * Convolution configurations: edge cases (filter as large as the input, stride
 * larger than the filter, asymmetric and negative 'same' padding, dilation,
 * strides and dilations together) and a seeded random grid.
 */
export function convConfigs(seed = 1, gridSize = 40): ConvConfig[] {
  const edge: ConvConfig[] = [
    { x: [1, 1, 1, 1], f: [1, 1, 1, 1], strides: [1, 1], pad: 'valid', dilations: [1, 1] },
    { x: [1, 1, 1, 1], f: [1, 1, 1, 1], strides: [3, 3], pad: 'same', dilations: [1, 1] },
    { x: [1, 5, 7, 2], f: [5, 7, 2, 3], strides: [1, 1], pad: 'valid', dilations: [1, 1] },
    { x: [1, 9, 9, 1], f: [1, 1, 1, 2], strides: [3, 3], pad: 'valid', dilations: [1, 1] },
    { x: [1, 9, 8, 3], f: [2, 2, 3, 1], strides: [3, 3], pad: 'valid', dilations: [1, 1] },
    { x: [2, 3, 8, 4], f: [2, 5, 4, 5], strides: [1, 2], pad: 'valid', dilations: [1, 1] },
    { x: [1, 6, 5, 3], f: [4, 2, 3, 2], strides: [2, 3], pad: 'same', dilations: [1, 1] },
    { x: [1, 9, 8, 2], f: [3, 2, 2, 4], strides: [1, 1], pad: 'valid', dilations: [2, 2] },
    { x: [2, 7, 9, 1], f: [2, 3, 1, 3], strides: [1, 1], pad: 'same', dilations: [1, 2] },
    { x: [1, 2, 9, 4], f: [2, 9, 4, 5], strides: [3, 1], pad: 'same', dilations: [1, 1] },
    { x: [2, 9, 9, 4], f: [3, 3, 4, 5], strides: [2, 2], pad: 'same', dilations: [1, 1] },
    { x: [1, 1, 3, 1], f: [1, 2, 1, 1], strides: [1, 3], pad: 'same', dilations: [1, 1] },
    { x: [2, 2, 2, 1], f: [1, 2, 1, 1], strides: [1, 3], pad: 'valid', dilations: [1, 1] },
    { x: [1, 8, 9, 2], f: [2, 3, 2, 2], strides: [2, 3], pad: 'same', dilations: [2, 2] },
  ];
  const rng = new Rng(seed);
  const grid: ConvConfig[] = [];
  while (grid.length < gridSize) {
    const x: ConvConfig['x'] = [rng.int(1, 2), rng.int(1, 9), rng.int(1, 9), rng.int(1, 4)];
    const dilations: [number, number] = rng.next() < 0.25 ? [rng.int(1, 2), rng.int(1, 2)] : [1, 1];
    const strides: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
    const pad = rng.pick<Padding>(['valid', 'same']);
    const f: ConvConfig['f'] = [rng.int(1, 4), rng.int(1, 4), x[3], rng.int(1, 5)];
    const fits = (k: number, d: number, n: number) => (k - 1) * d + 1 <= n;
    if (pad === 'valid' && !(fits(f[0], dilations[0], x[1]) && fits(f[1], dilations[1], x[2]))) continue;
    grid.push({ x, f, strides, pad, dilations });
  }
  return [...edge, ...grid];
}

export interface PoolConfig {
  x: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: Padding;
}

export function poolId(c: PoolConfig): string {
  return `x=[${c.x}] k=[${c.filterSize}] s=[${c.strides}] p=${c.pad}`;
}

/** Pooling configurations: a few edge cases and a seeded random grid. */
export function poolConfigs(seed = 2, gridSize = 30): PoolConfig[] {
  const edge: PoolConfig[] = [
    { x: [1, 1, 1, 1], filterSize: [1, 1], strides: [1, 1], pad: 'valid' },
    { x: [1, 4, 4, 1], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
    { x: [2, 5, 7, 3], filterSize: [3, 2], strides: [1, 2], pad: 'same' },
    { x: [1, 6, 6, 2], filterSize: [3, 3], strides: [1, 1], pad: 'same' },
    { x: [1, 7, 5, 2], filterSize: [4, 5], strides: [3, 1], pad: 'valid' },
    { x: [1, 3, 3, 1], filterSize: [2, 2], strides: [3, 3], pad: 'same' },
  ];
  const rng = new Rng(seed);
  const grid: PoolConfig[] = [];
  for (let t = 0; t < gridSize; t++) {
    const x: PoolConfig['x'] = [rng.int(1, 2), rng.int(1, 8), rng.int(1, 8), rng.int(1, 3)];
    grid.push({ x, filterSize: [rng.int(1, x[1]), rng.int(1, x[2])], strides: [rng.int(1, 3), rng.int(1, 3)], pad: rng.pick<Padding>(['valid', 'same']) });
  }
  return [...edge, ...grid];
}

/** Random float32 values, about a third replaced by repeats, NaN, infinities and both zeros. */
export function withSpecials(rng: Rng, shape: Shape): Tensor64 {
  const specials = [NaN, 0, -0, Infinity, -Infinity, 1, 1, -2];
  const t = rng.tensor(shape);
  return tensor(shape, t.data.map((v) => (rng.next() < 0.3 ? rng.pick(specials) : v)));
}
