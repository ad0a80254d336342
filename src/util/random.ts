/**
 * Deterministic, seeded random numbers. Every case draws from its own stream,
 * derived from the run seed and the case id, so a case replays bit for bit with
 * `--seed N --case ID` however many other cases run.
 */

/** 32-bit FNV-1a hash of a string, mixed with a seed. */
export function hashSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An independent stream for `label` (the same label always gives the same stream). */
  fork(label: string): Rng {
    return new Rng(hashSeed(this.state, label));
  }

  /** Uniform in [0, 1), mulberry32. */
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

  /** A float32 value (stored in a double) uniform in [lo, hi). */
  float32(lo: number, hi: number): number {
    return Math.fround(lo + (hi - lo) * this.next());
  }

  /** `n` float32 values uniform in [lo, hi). */
  uniform(n: number, lo = -1, hi = 1): Float64Array {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = this.float32(lo, hi);
    return a;
  }

  /** `n` integers uniform in [lo, hi]: float32 sums of their products stay exact while small. */
  integers(n: number, lo: number, hi: number): Float64Array {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = this.int(lo, hi);
    return a;
  }
}
