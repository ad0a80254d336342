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
/**
 * Underflow: a float32 result below FLT_MIN may be a subnormal or, where a
 * backend flushes denormals to zero (TensorFlow does), 0: each rounding may lose
 * up to FLT_MIN = 2^-126 absolutely.
 */
export const ETA32 = 2 ** -126;
export const U64 = 2 ** -53;
export const FLOAT32_MAX = 3.4028234663852886e38;

/** gamma_K = K u / (1 - K u); Infinity when K u >= 1 (no bound can be given). */
export function gamma(k: number, u: number): number {
  const ku = k * u;
  return ku >= 1 ? Infinity : ku / (1 - ku);
}

/**
 * Element-wise bound for outputs that are sums of at most `k` products, from
 * the magnitudes `mag = sum |a_k * b_k|` (computed by the reference), or 0 for
 * exact cases (small integers whose float32 sums are exact).
 */
export function dotBound(mag: Float64Array, k: number, exact: boolean): Float64Array {
  if (exact) return new Float64Array(mag.length);
  const g = gamma(k, U32) + gamma(k, U64);
  return mag.map((m) => g * m + k * ETA32);
}
