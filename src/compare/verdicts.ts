/**
 * `crosscheck compare BASELINE CURRENT`: holds a run against a stored baseline.
 *
 * Numerics (check results), per op x case x backend x check:
 * - a regression: pass -> fail/error/xfail, xfail -> fail/error (a new way of
 *   failing), supported -> unsupported (lost coverage), and accuracy drift: a
 *   pass whose errToBound grew by more than `driftFactor` (default 4x) while
 *   still within the bound, counted only from DRIFT_FLOOR of the bound up;
 * - listed, not a regression: fail -> pass (fixed), unsupported -> supported,
 *   still failing, and entries present on one side only.
 *
 * Model results (`crosscheck model --json`), per model x case x backend x check,
 * where a case is one kernel call (`<model> #<index> <layer>`): the same
 * numeric verdicts, so a kernel change shows up as the layer whose own error
 * moved; per layer, its own err/bound and inherited difference before and
 * after; per backend, the end-to-end difference and the first break. A backend
 * that ran the model and now cannot is a regression. Two runs of different
 * models, seeds, inputs or --train are not compared (a UsageError).
 *
 * Speed (bench results), per op x case x check x size x contender:
 * - the machine factor: the entry's control median (a fixed JavaScript loop
 *   timed in turn with the contenders, src/bench/measure.ts) now over then. It
 *   is shown, and divided out only with `--normalise`: the A/A and slowdown
 *   numbers in the README were measured without it. (A first control, a fresh
 *   closure per entry, jumped by 1.5x between entries, and dividing by it gave
 *   false alarms in 6 of 10 A/A compares; one instance per process now holds
 *   within 2% across entries and runs, but dividing by it is not yet the
 *   measured default.)
 * - the ratio of medians (current / baseline) with a
 *   percentile-bootstrap 95% interval, and a two-sided Mann-Whitney test on the
 *   raw samples, Holm-Bonferroni adjusted over all
 *   entries;
 * - the processes: a bench run measures each entry in K processes and keeps the
 *   fastest (src/bench/merge.ts); an entry counts as slower only when every
 *   current process was slower than every baseline process by the threshold, so
 *   an entry whose speed depends on the process's state (up to 30% here for
 *   some tiny calls) cannot raise an alarm by one unlucky run.
 * `slower` needs all three: an adjusted p <= alpha, a ratio beyond the practical
 * threshold (default 5%), and the process ranges apart; `faster` likewise;
 * else `~`.
 */
import type { BenchEntry, BenchResult } from '../bench/types';
import { bootstrapRatioCI, holm, mannWhitneyGreater, median } from '../bench/stats';
import type { Loaded } from './load';
import type { CheckFile, ResultRecord } from '../check/results';
import type { ModelFile, ModelRecord } from '../model/types';
import { describeOverrides } from '../tfjs/overrides';
import { UsageError } from '../util/usage';

export interface CompareOptions {
  /** Practical threshold on the ratio of medians, in (0, 1). */
  threshold: number;
  /** errToBound growth factor that counts as accuracy drift (> 1). */
  driftFactor: number;
  /** Family-wise error rate of the speed tests. */
  alpha: number;
  /** Divide by the machine factor (the control's ratio); off by default, see above. */
  normalise: boolean;
}

export const DEFAULTS: CompareOptions = { threshold: 0.05, driftFactor: 4, alpha: 0.05, normalise: false };

/** Drift is not judged below this errToBound: a change from 1e-9 to 1e-8 of the bound is noise. */
export const DRIFT_FLOOR = 0.05;

export type NumericKind = 'regression' | 'fixed' | 'newly supported' | 'still failing';

export interface NumericChange {
  kind: NumericKind;
  op: string;
  case: string;
  backend: string;
  check: string;
  from: string;
  to: string;
  /** What changed, in words, with the numbers. */
  detail: string;
  replay?: string;
}

export type SpeedVerdict = 'slower' | 'faster' | '~' | 'n/a';

export interface SpeedRow {
  op: string;
  case: string;
  check: string;
  size: string;
  contender: string;
  baseMs: number;
  curMs: number;
  /** Control now / control then (NaN when a side did not measure it). */
  machine: number;
  /** Current / baseline median (divided by `machine` with `normalise`). */
  ratio: number;
  ci95: [number, number];
  p: number;
  pAdjusted: number;
  verdict: SpeedVerdict;
  note?: string;
}

/** One layer of one backend whose kernel calls changed verdict. */
export interface LayerChange {
  /** The worst verdict among its calls. */
  kind: NumericKind;
  backend: string;
  layer: string;
  phase: string;
  /** Own err/bound (largest over its calls judged against a bound), before and now. */
  ownFrom: number;
  ownTo: number;
  statusFrom: string;
  statusTo: string;
  /** Inherited max |diff| against the reference run, before and now (undefined without one). */
  inheritedFrom?: number;
  inheritedTo?: number;
  /** The worst call's change: kernel, call and what changed. */
  detail: string;
  replay?: string;
}

/** One backend of a model run, before and now. */
export interface BackendChange {
  backend: string;
  /** `ran before, now cannot` is a regression. */
  regression: boolean;
  /** End to end, first break, or why it did not run, before -> now. */
  detail: string;
}

export interface ModelCompare {
  model: string;
  compared: number;
  changes: NumericChange[];
  layers: LayerChange[];
  backends: BackendChange[];
}

export interface CompareReport {
  baseline: string[];
  current: string[];
  options: CompareOptions;
  /** Env and override differences between the two sides. */
  envDiffs: { field: string; baseline: string; current: string }[];
  numerics?: { compared: number; changes: NumericChange[] };
  speed?: { compared: number; rows: SpeedRow[] };
  model?: ModelCompare;
  onlyInBaseline: string[];
  onlyInCurrent: string[];
  regressions: number;
}

const recordKey = (r: Pick<ResultRecord, 'op' | 'case' | 'backend' | 'check'>) => `${r.op} | ${r.case} | ${r.backend} | ${r.check}`;
const modelKey = (r: Pick<ModelRecord, 'model' | 'case' | 'backend' | 'check'>) => `${r.model} | ${r.case} | ${r.backend} | ${r.check}`;
const entryKey = (e: Pick<BenchEntry, 'op' | 'case' | 'check' | 'size' | 'contender'>) => `${e.op} | ${e.case} | ${e.check} | ${e.size} | ${e.contender}`;

const failing = (s: string) => s === 'fail' || s === 'error';
const fmtE = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : String(x));

/** The numeric verdict of one record against its baseline, or undefined when nothing worth saying changed. */
export function numericChange(base: ResultRecord, cur: ResultRecord, o: CompareOptions): NumericChange | undefined {
  const at = { op: cur.op, case: cur.case, backend: cur.backend, check: cur.check, from: base.status, to: cur.status, replay: cur.replay };
  const why = cur.message ? `: ${cur.message}` : '';
  if (base.status === 'pass' && (failing(cur.status) || cur.status === 'xfail')) {
    return { ...at, kind: 'regression', detail: `passed, now ${cur.status} (err/bound ${fmtE(cur.errToBound)}, ${cur.mismatches} of ${cur.elements} elements)${why}` };
  }
  if (base.status === 'xfail' && failing(cur.status)) {
    return { ...at, kind: 'regression', detail: `a known discrepancy before, now a ${cur.status} that no known entry explains${why}` };
  }
  if (base.status !== 'unsupported' && cur.status === 'unsupported') {
    return { ...at, kind: 'regression', detail: `was ${base.status}, now unsupported${why}` };
  }
  if (base.status === 'unsupported' && cur.status !== 'unsupported') {
    return { ...at, kind: failing(cur.status) ? 'regression' : 'newly supported', detail: `unsupported before, now ${cur.status}${failing(cur.status) ? why : ''}` };
  }
  if (failing(base.status) && cur.status === 'pass') return { ...at, kind: 'fixed', detail: `was ${base.status}, now passes (err/bound ${fmtE(cur.errToBound)})` };
  if (failing(base.status) && failing(cur.status)) return { ...at, kind: 'still failing', detail: `${base.status} in both runs${why}` };
  if (base.status === 'pass' && cur.status === 'pass') {
    const b = base.errToBound;
    const c = cur.errToBound;
    if (Number.isFinite(b) && Number.isFinite(c) && c >= DRIFT_FLOOR && c > o.driftFactor * b) {
      return { ...at, kind: 'regression', detail: `accuracy drift: err/bound ${fmtE(b)} -> ${fmtE(c)} (${b > 0 ? `${(c / b).toFixed(1)}x` : 'from 0'}, over the ${o.driftFactor}x limit; still within the bound)` };
    }
  }
  return undefined;
}

/** The records of both runs matched by `key`, and the numeric change of each matched pair that changed. */
function matchRecords<R extends ResultRecord>(base: readonly R[], cur: readonly R[], key: (r: R) => string, o: CompareOptions): { b: Map<string, R>; c: Map<string, R>; compared: number; changes: (NumericChange & { rec: R })[] } {
  const b = new Map(base.map((r) => [key(r), r]));
  const c = new Map(cur.map((r) => [key(r), r]));
  const changes: (NumericChange & { rec: R })[] = [];
  let compared = 0;
  for (const [k, r] of c) {
    const old = b.get(k);
    if (!old) continue;
    compared++;
    const ch = numericChange(old, r, o);
    if (ch) changes.push({ ...ch, rec: r });
  }
  return { b, c, compared, changes };
}

export function compareChecks(base: CheckFile, cur: CheckFile, o: CompareOptions): { compared: number; changes: NumericChange[]; onlyInBaseline: string[]; onlyInCurrent: string[] } {
  const { b, c, compared, changes: matched } = matchRecords(base.results, cur.results, recordKey, o);
  const changes: NumericChange[] = matched.map(({ rec: _rec, ...ch }) => ch);
  return {
    compared,
    changes,
    onlyInBaseline: [...b.keys()].filter((k) => !c.has(k)).map((k) => `check: ${k}`),
    onlyInCurrent: [...c.keys()].filter((k) => !b.has(k)).map((k) => `check: ${k}`),
  };
}

export function compareBenches(base: BenchResult, cur: BenchResult, o: CompareOptions): { compared: number; rows: SpeedRow[]; onlyInBaseline: string[]; onlyInCurrent: string[] } {
  const b = new Map(base.entries.map((e) => [entryKey(e), e]));
  const c = new Map(cur.entries.map((e) => [entryKey(e), e]));
  const rows: SpeedRow[] = [];
  const apart = new Map<SpeedRow, 'slower' | 'faster' | undefined>();
  for (const [k, e] of c) {
    const old = b.get(k);
    if (!old) continue;
    const row: SpeedRow = {
      op: e.op, case: e.case, check: e.check, size: e.size, contender: e.contender,
      baseMs: old.medianMs, curMs: e.medianMs, machine: old.controlMs && e.controlMs ? e.controlMs / old.controlMs : NaN,
      ratio: NaN, ci95: [NaN, NaN], p: NaN, pAdjusted: NaN, verdict: 'n/a',
    };
    const divisor = o.normalise && Number.isFinite(row.machine) && row.machine > 0 ? row.machine : 1;
    const now = e.samplesMs.map((x) => x / divisor);
    if (old.error || e.error || old.samplesMs.length === 0 || e.samplesMs.length === 0) {
      row.note = old.error && e.error ? 'not measured in either run' : old.error ? `newly measured (baseline: ${old.error})` : `not measured now: ${e.error ?? 'no samples'}`;
    } else {
      row.ratio = median(now) / median(old.samplesMs);
      row.ci95 = bootstrapRatioCI(old.samplesMs, now);
      row.p = Math.min(1, 2 * Math.min(mannWhitneyGreater(old.samplesMs, now), mannWhitneyGreater(now, old.samplesMs)));
    }
    rows.push(row);
    apart.set(row, processesApart(old, e, divisor, o.threshold));
  }
  const tested = rows.filter((r) => Number.isFinite(r.p));
  holm(tested.map((r) => r.p)).forEach((p, i) => {
    const r = tested[i];
    r.pAdjusted = p;
    const significant = p <= o.alpha;
    const side = apart.get(r);
    r.verdict = significant && side === 'slower' && r.ratio > 1 + o.threshold ? 'slower' : significant && side === 'faster' && r.ratio < 1 / (1 + o.threshold) ? 'faster' : '~';
    if (r.verdict === '~' && significant && Math.abs(Math.log(r.ratio)) > Math.log(1 + o.threshold)) r.note = 'the process medians of the two runs overlap';
  });
  // a contender that was measured and now is not (its kernel went away) is a regression too
  for (const r of rows) if (r.verdict === 'n/a' && r.note?.startsWith('not measured now')) r.verdict = 'slower';
  return {
    compared: tested.length,
    rows,
    onlyInBaseline: [...b.keys()].filter((k) => !c.has(k)).map((k) => `bench: ${k}`),
    onlyInCurrent: [...c.keys()].filter((k) => !b.has(k)).map((k) => `bench: ${k}`),
  };
}

/** The worst first: what a layer's line says when its calls changed in several ways. */
const SEVERITY: readonly NumericKind[] = ['regression', 'still failing', 'fixed', 'newly supported'];

const fmtAbs = (x: number | undefined) => (x === undefined ? '-' : Number.isFinite(x) ? (x === 0 ? '0' : x.toExponential(1)) : String(x));

/** Two model files are comparable only as runs of the same model on the same input. */
function assertSameRun(base: { file: string; doc: ModelFile }, cur: { file: string; doc: ModelFile }): void {
  for (const field of ['model', 'seed', 'input', 'train'] as const) {
    const b = base.doc.args[field];
    const c = cur.doc.args[field];
    if (b !== c) {
      throw new UsageError(`baseline ${base.file} and current ${cur.file} differ in args.${field} (${JSON.stringify(b)} in the baseline, ${JSON.stringify(c)} in the current run): model results compare only runs of the same model, seed, input and --train.`);
    }
  }
}

/** The end-to-end difference and the first break of a run, in words. */
function runState(run: ModelFile['runs'][number] | undefined): string {
  if (!run) return 'not run';
  if (run.error) return `could not run: ${run.error}`;
  const b = run.firstBreak;
  return `end-to-end max |diff| ${fmtAbs(run.endToEnd.maxAbsErr)}, ${b ? `first break ${b.layer} ${b.kernel} call #${b.callIndex} (err/bound ${fmtE(b.errToBound)})` : 'no break'}`;
}

export function compareModels(base: { file: string; doc: ModelFile }, cur: { file: string; doc: ModelFile }, o: CompareOptions): ModelCompare & { onlyInBaseline: string[]; onlyInCurrent: string[] } {
  assertSameRun(base, cur);
  const { b, c, compared, changes } = matchRecords(base.doc.results, cur.doc.results, modelKey, o);
  const layers: LayerChange[] = [];
  const backends: BackendChange[] = [];
  for (const backend of [...new Set([...base.doc.runs, ...cur.doc.runs].map((r) => r.backend))]) {
    const rb = base.doc.runs.find((r) => r.backend === backend);
    const rc = cur.doc.runs.find((r) => r.backend === backend);
    const lost = !!rb && !rb.error && !!rc?.error;
    const before = runState(rb);
    const now = runState(rc);
    backends.push({ backend, regression: lost, detail: before === now ? before : `${before} -> ${now}` });
    for (const lc of rc?.layers ?? []) {
      const lb = rb?.layers.find((x) => x.layer === lc.layer && x.phase === lc.phase);
      if (!lb) continue;
      const mine = changes.filter((ch) => ch.rec.backend === backend && ch.rec.layer === lc.layer && ch.rec.check === lc.phase);
      if (mine.length === 0 && lb.status === lc.status) continue;
      const worst = mine.sort((x, y) => SEVERITY.indexOf(x.kind) - SEVERITY.indexOf(y.kind))[0];
      layers.push({
        kind: worst?.kind ?? (lc.status === 'pass' ? 'fixed' : 'regression'),
        backend, layer: lc.layer, phase: lc.phase,
        ownFrom: lb.ownErrToBound, ownTo: lc.ownErrToBound, statusFrom: lb.status, statusTo: lc.status,
        inheritedFrom: lb.inheritedMaxAbs, inheritedTo: lc.inheritedMaxAbs,
        detail: worst ? `${worst.rec.kernel} call #${worst.rec.callIndex}: ${worst.detail}${mine.length > 1 ? ` (and ${mine.length - 1} more call${mine.length > 2 ? 's' : ''} of the layer)` : ''}` : `layer status ${lb.status} -> ${lc.status}`,
        replay: worst?.replay,
      });
    }
  }
  return {
    model: cur.doc.model.id,
    compared,
    changes: changes.map(({ rec: _rec, ...ch }) => ch),
    layers,
    backends,
    onlyInBaseline: [...b.keys()].filter((k) => !c.has(k)).map((k) => `model: ${k}`),
    onlyInCurrent: [...c.keys()].filter((k) => !b.has(k)).map((k) => `model: ${k}`),
  };
}

/**
 * Whether every current process was slower (or faster) than every baseline
 * process by more than the threshold, after the machine factor. Entries from a
 * single process compare their medians.
 */
function processesApart(base: BenchEntry, cur: BenchEntry, machine: number, threshold: number): 'slower' | 'faster' | undefined {
  const medians = (e: BenchEntry) => {
    const pm = (e.processMediansMs ?? []).filter(Number.isFinite);
    return pm.length > 0 ? pm : [e.medianMs];
  };
  const b = medians(base);
  const c = medians(cur).map((x) => x / machine);
  if (Math.min(...c) > (1 + threshold) * Math.max(...b)) return 'slower';
  if ((1 + threshold) * Math.max(...c) < Math.min(...b)) return 'faster';
  return undefined;
}

function envDiffs(base: Loaded, cur: Loaded): CompareReport['envDiffs'] {
  const flat = (l: Loaded): Record<string, string> => {
    const env = l.doc.env as unknown as Record<string, unknown> | undefined;
    const out: Record<string, string> = {};
    const walk = (prefix: string, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
      else out[prefix] = JSON.stringify(v);
    };
    walk('', env ?? {});
    delete out.date;
    out['kernels overridden (--register)'] = describeOverrides(l.doc.overrides ?? []).join('; ') || 'none';
    if (l.kind === 'bench') out.threads = JSON.stringify(l.doc.threads);
    return out;
  };
  const b = flat(base);
  const c = flat(cur);
  return [...new Set([...Object.keys(b), ...Object.keys(c)])]
    .filter((k) => b[k] !== c[k])
    .map((k) => ({ field: `${base.kind} ${k}`, baseline: b[k] ?? '(absent)', current: c[k] ?? '(absent)' }));
}

/** Compares every kind (check, bench, model) present on both sides. */
export function compareRuns(base: readonly Loaded[], cur: readonly Loaded[], o: CompareOptions): CompareReport {
  const report: CompareReport = {
    baseline: base.map((l) => l.file), current: cur.map((l) => l.file), options: o,
    envDiffs: [], onlyInBaseline: [], onlyInCurrent: [], regressions: 0,
  };
  for (const kind of ['check', 'bench', 'model'] as const) {
    const b = base.find((l) => l.kind === kind);
    const c = cur.find((l) => l.kind === kind);
    if (!b || !c) continue;
    report.envDiffs.push(...envDiffs(b, c));
    if (b.kind === 'check' && c.kind === 'check') {
      const r = compareChecks(b.doc, c.doc, o);
      report.numerics = { compared: r.compared, changes: r.changes };
      report.onlyInBaseline.push(...r.onlyInBaseline);
      report.onlyInCurrent.push(...r.onlyInCurrent);
    } else if (b.kind === 'bench' && c.kind === 'bench') {
      const r = compareBenches(b.doc, c.doc, o);
      report.speed = { compared: r.compared, rows: r.rows };
      report.onlyInBaseline.push(...r.onlyInBaseline);
      report.onlyInCurrent.push(...r.onlyInCurrent);
    } else if (b.kind === 'model' && c.kind === 'model') {
      const { onlyInBaseline, onlyInCurrent, ...r } = compareModels(b, c, o);
      report.model = r;
      report.onlyInBaseline.push(...onlyInBaseline);
      report.onlyInCurrent.push(...onlyInCurrent);
    }
  }
  report.regressions = (report.numerics?.changes.filter((c) => c.kind === 'regression').length ?? 0) + (report.speed?.rows.filter((r) => r.verdict === 'slower').length ?? 0)
    // NOTE: a layer row counts too: when the runs' call numbering differs (a kernel added or removed upstream) its calls no longer match, yet the layer regressed.
    + (report.model ? Math.max(report.model.changes.filter((c) => c.kind === 'regression').length, report.model.layers.filter((l) => l.kind === 'regression').length) + report.model.backends.filter((x) => x.regression).length : 0);
  return report;
}
