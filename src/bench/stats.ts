/** Distribution-free statistics for timings. */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * A 95% confidence interval for the median from order statistics: the ranks
 * n/2 -+ 1.96 sqrt(n)/2 (normal approximation of the Binomial(n, 1/2) count of
 * samples below the median), no assumption on the distribution of the samples.
 * With fewer than 6 samples, the range.
 */
export function medianCI(xs: readonly number[]): [number, number] {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return [NaN, NaN];
  if (n < 6) return [s[0], s[n - 1]];
  const half = (1.96 * Math.sqrt(n)) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half) - 1);
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half));
  return [s[lo], s[hi]];
}

/** Half-width of the CI relative to the median. */
export function relHalfWidth(xs: readonly number[]): number {
  const [lo, hi] = medianCI(xs);
  return (hi - lo) / 2 / median(xs);
}

/** Least-squares slope of log(y) against log(x): the measured scaling exponent. */
export function logLogSlope(points: readonly { x: number; y: number }[]): number {
  const pts = points.filter((p) => p.x > 0 && p.y > 0).map((p) => [Math.log(p.x), Math.log(p.y)]);
  const n = pts.length;
  if (n < 2) return NaN;
  const mx = pts.reduce((a, p) => a + p[0], 0) / n;
  const my = pts.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of pts) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxy / sxx;
}
