/**
 * Error bounds (DESIGN.md, "How a comparison passes or fails").
 *
 * A sum of K products computed in a precision with unit roundoff u, in any order
 * and with or without FMA, is within gamma_K(u) * sum_k |a_k * b_k| of the exact
 * sum (Higham, Accuracy and Stability of Numerical Algorithms, eq. 3.5). The
 * backend works in float32 and the reference in float64, so the distance between
 * the two is at most (gamma_K(u32) + gamma_K(u64)) * sum_k |a_k * b_k|.
 */

export const U32 = 2 ** -24;
/** Unit roundoff of IEEE half precision (11-bit significand). */
export const U16 = 2 ** -11;
/**
 * Underflow: a float32 result below FLT_MIN may be a subnormal or, where a
 * backend flushes denormals to zero (TensorFlow does), 0: each rounding may lose
 * up to FLT_MIN = 2^-126 absolutely.
 */
export const ETA32 = 2 ** -126;
export const U64 = 2 ** -53;
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * How a backend stores the values it computes. Every bound is derived for the
 * storage in force (`withStorage`): float32 unless a backend stores in half
 * precision.
 *
 * float16 (webgl with WEBGL_FORCE_F16_TEXTURES, or a device without float32
 * render targets): every input is rounded to float16 when it is uploaded (the
 * runner rounds the reference's inputs the same way, so inputs stay shared
 * exactly); a kernel computes in float32 in its shader and rounds its output to
 * float16 when it stores it: relative error u16 = 2^-11 of the float32 result,
 * and an absolute loss up to 2^-14, the smallest normal float16 (a device may
 * flush half-precision subnormals; SwiftShader keeps them). A result of
 * magnitude 65520 or more is stored as +-Inf (65504 is the largest float16).
 * Composite ops store every intermediate: each step of src/bounds/errorModel.ts
 * adds one stored rounding.
 */
export interface Storage {
  name: 'float32' | 'float16';
  /** Relative error of storing a float32 result (0: stored as computed). */
  store: number;
  /** Absolute loss of storing a result (underflow), besides the float32 arithmetic's ETA32. */
  eta: number;
  /** A result of at least this magnitude may be stored as +-Inf. */
  overflow: number;
  /** Integers up to this magnitude are stored exactly. */
  exactIntegers: number;
}

export const FLOAT32: Storage = { name: 'float32', store: 0, eta: 0, overflow: FLOAT32_MAX, exactIntegers: 2 ** 24 };
export const FLOAT16: Storage = { name: 'float16', store: U16, eta: 2 ** -14, overflow: 65520, exactIntegers: 2048 };

/**
 * A value of a composition that may exceed what the storage holds (|v| + e at
 * least `overflow`): the stored intermediate may be +-Inf, and what follows
 * (Inf - Inf in softmax) is outside what the error model bounds. The check is
 * recorded as `unsupported` with this message, never judged with a made-up bound.
 */
export class BeyondStorageRange extends Error {}

let current: Storage = FLOAT32;

/** The storage the bounds are derived for now. */
export function storage(): Storage {
  return current;
}

/** Runs `f` with bounds derived for storage `s` (synchronous: the reference and its bound). */
export function withStorage<T>(s: Storage, f: () => T): T {
  const before = current;
  current = s;
  try {
    return f();
  } finally {
    current = before;
  }
}

/**
 * Rounds to the nearest float16, ties to even, with subnormals (spacing 2^-24
 * below 2^-14) and overflow to +-Inf from 65520 on: what storing a float32
 * value in a half-float texture does (checked on SwiftShader for normal,
 * subnormal and tie values; its overflow differs, README "Known backend
 * discrepancies").
 */
export function roundToFloat16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return x > 0 ? Infinity : -Infinity;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const spacing = 2 ** (Math.max(e, -14) - 10);
  const n = a / spacing;
  let r = Math.floor(n);
  const rest = n - r;
  if (rest > 0.5 || (rest === 0.5 && r % 2 === 1)) r++;
  return x > 0 ? r * spacing : -(r * spacing);
}

/** A constant as a backend holds it: a float32 scalar, itself stored in the storage's format. */
export function storedConstant(c: number): number {
  const c32 = Math.fround(c);
  return storage().name === 'float16' ? roundToFloat16(c32) : c32;
}

/** gamma_K = K u / (1 - K u); Infinity when K u >= 1 (no bound can be given). */
export function gamma(k: number, u: number): number {
  const ku = k * u;
  return ku >= 1 ? Infinity : ku / (1 - ku);
}

/**
 * gamma_K(u32) for a sum of K terms computed in float32, with its result
 * stored `stores` times on the way: each storing rounds once more,
 * |fl(y) - s| <= |y - s| + store (|s| + gamma_K sum |terms|).
 */
export function storedGamma(k: number, stores = 1): number {
  const g = gamma(k, U32);
  return g + ((1 + storage().store) ** stores - 1) * (1 + g);
}

/**
 * Element-wise bound for outputs that are sums of at most `k` products, computed
 * in float32 and stored `stores` times on the way (once by a single kernel), from
 * the magnitudes `mag = sum |a_k * b_k|` (computed by the reference), or 0 for
 * exact cases (small integers whose sums the storage holds exactly).
 */
export function dotBound(mag: Float64Array, k: number, exact: boolean, stores = 1): Float64Array {
  const s = storage();
  // NOTE: an integer case stays exact while every partial sum (at most sum |a_k b_k|) is an integer the storage holds.
  if (exact && mag.every((m) => m <= s.exactIntegers)) return new Float64Array(mag.length);
  const g = storedGamma(k, stores) + gamma(k, U64);
  return mag.map((m) => g * m + k * ETA32 + stores * s.eta);
}
