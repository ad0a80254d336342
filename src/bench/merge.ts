/**
 * Joining the bench processes of one run (`crosscheck bench --processes K`).
 *
 * On this kind of machine a TF.js call's speed differs between processes (V8's
 * optimisation decisions, the host's load) by more than it varies within one:
 * in six consecutive single-process runs, tiny ops such as softmax [64,64] on
 * wasm moved between 6.6 and 10.8 us per call, each run with a CI of a few
 * percent. So every entry is measured in K processes, one after another, and the
 * run reports each entry's median (with its CI and samples) from the process
 * where it was fastest; every process's median is kept (`processMediansMs`), so
 * the spread stays visible. Slow process states are noise on top of what a
 * kernel can do; the fastest process is the repeatable part.
 */
import type { BenchEntry, BenchResult, Peak, ScalingFit } from './types';
import { logLogSlope, median } from './stats';
import { isBrowserBackend } from '../tfjs/backendIds';

/**
 * GFLOP/s, % of peak and the flags of an entry from its median. The peak is the
 * CPU's: a browser contender's entry (a GPU, or SwiftShader) gets no % of it.
 */
export function rate(e: BenchEntry, peak: Peak): BenchEntry {
  const gflops = e.flops / (e.medianMs / 1e3) / 1e9;
  const browser = isBrowserBackend(e.contender);
  const out: BenchEntry = { ...e, gflops, pctOfPeak: browser ? NaN : (100 * gflops) / peak.measuredGflops };
  delete out.flag;
  if (!browser && gflops > peak.measuredGflops * 1.05) out.flag = `above the measured peak (${peak.measuredGflops.toFixed(1)} GFLOP/s): a measurement error`;
  if (e.gpuPrograms === 0 && !e.error) out.flag = 'no GPU program ran: not a GPU timing';
  if (!e.converged && !e.error) out.flag = out.flag ?? `CI half-width ${(100 * e.ciHalfWidth).toFixed(1)}% > 2% when the time budget ended`;
  return out;
}

const key = (e: BenchEntry) => `${e.op}\u0000${e.case}\u0000${e.check}\u0000${e.size}\u0000${e.contender}`;

export function mergeProcesses(runs: readonly BenchResult[]): BenchResult {
  if (runs.length === 1) return { ...runs[0], processes: 1 };
  const best = runs.reduce((a, r) => (r.peak.measuredGflops > a.peak.measuredGflops ? r : a));
  const peak: Peak = { ...best.peak, measuredBasis: `${best.peak.measuredBasis}; the best of ${runs.length} processes` };
  const byKey = new Map<string, BenchEntry[]>();
  for (const r of runs) for (const e of r.entries) (byKey.get(key(e)) ?? byKey.set(key(e), []).get(key(e))!).push(e);
  const entries = runs[0].entries.map((first) => {
    const all = byKey.get(key(first))!;
    const measured = all.filter((e) => !e.error && Number.isFinite(e.medianMs));
    if (measured.length === 0) return rate({ ...first, processMediansMs: [] }, peak);
    const fastest = measured.reduce((a, e) => (e.medianMs < a.medianMs ? e : a));
    return rate({ ...fastest, firstMs: median(measured.map((e) => e.firstMs)), processMediansMs: all.map((e) => e.medianMs) }, peak);
  });
  const scaling: ScalingFit[] = runs[0].scaling.map((s) => {
    const same = runs.map((r) => r.scaling.find((x) => x.op === s.op && x.axis === s.axis && x.contender === s.contender)).filter((x): x is ScalingFit => !!x);
    const points = s.points.map((p) => ({ x: p.x, ms: Math.min(...same.map((x) => x.points.find((q) => q.x === p.x)?.ms ?? Infinity)) }));
    return { ...s, points, slope: logLogSlope(points.map((p) => ({ x: p.x, y: p.ms }))) };
  });
  return { ...runs[0], peak, entries, scaling, processes: runs.length };
}
