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

/**
 * One-sided Mann–Whitney U test: the p-value of "samples `y` tend to be larger
 * than samples `x`" against the null of one common distribution. Exact (the
 * permutation distribution of U) when both sides have at most 25 samples and
 * there are no ties, else the normal approximation with tie and continuity
 * corrections. Distribution-free: nothing is assumed of the timings' shape.
 */
export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): number {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return NaN;
  // U = number of pairs (x_i, y_j) with y_j > x_i, ties counting one half
  let u = 0;
  for (const a of x) for (const b of y) u += b > a ? 1 : b === a ? 0.5 : 0;
  const all = [...x, ...y].sort((a, b) => a - b);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j] === all[i]) j++;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  if (tieTerm === 0 && n1 <= 25 && n2 <= 25) return exactUpperTail(n1, n2, u);
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sd === 0) return 1;
  return 1 - normalCdf((u - mean - 0.5) / sd);
}

/** P(U >= u) under the null, by counting the arrangements of n1 + n2 ranks. */
function exactUpperTail(n1: number, n2: number, u: number): number {
  // f[i][j][k]: number of arrangements of i x's and j y's with U = k
  const max = n1 * n2;
  let prev: Float64Array[] = Array.from({ length: n2 + 1 }, () => new Float64Array(max + 1));
  for (let j = 0; j <= n2; j++) prev[j][0] = 1;
  for (let i = 1; i <= n1; i++) {
    const cur: Float64Array[] = Array.from({ length: n2 + 1 }, () => new Float64Array(max + 1));
    cur[0][0] = 1;
    for (let j = 1; j <= n2; j++) {
      // the largest value is a y (it beats all i x's: U grows by i) or an x (adds nothing)
      for (let k = 0; k <= i * j; k++) cur[j][k] = (k >= i ? cur[j - 1][k - i] : 0) + prev[j][k];
    }
    prev = cur;
  }
  const counts = prev[n2];
  let total = 0;
  let tail = 0;
  for (let k = 0; k <= max; k++) {
    total += counts[k];
    if (k >= u - 1e-9) tail += counts[k];
  }
  return tail / total;
}

/** The standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Holm–Bonferroni adjusted p-values: reject where adjusted <= alpha, and the
 * family-wise error rate over all the tests stays <= alpha.
 */
export function holm(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

/**
 * A 95% percentile-bootstrap interval of median(y) / median(x), from `rounds`
 * resamples of each side with a seeded generator (so a report is reproducible).
 */
export function bootstrapRatioCI(x: readonly number[], y: readonly number[], rounds = 2000, seed = 1): [number, number] {
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: enough for resampling indices
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const resampledMedian = (s: readonly number[]) => median(Array.from(s, () => s[Math.floor(next() * s.length)]));
  const ratios = Array.from({ length: rounds }, () => resampledMedian(y) / resampledMedian(x)).sort((a, b) => a - b);
  return [ratios[Math.floor(0.025 * (rounds - 1))], ratios[Math.ceil(0.975 * (rounds - 1))]];
}
