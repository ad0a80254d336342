/**
 * What `crosscheck check` prints: one line of versions and totals, an op x
 * backend matrix, every fail and error in full, and the expected failures one
 * line per known discrepancy (all in full with --verbose).
 */
import Table from 'cli-table3';
import type { EnvBlock } from '../tfjs/backends';
import type { BrowserEnv } from '../tfjs/browser';
import type { FingerprintTable, ResultRecord, Status } from './results';
import { STATUSES } from './results';

export function fmtRatio(r: number): string {
  if (Number.isNaN(r)) return '-';
  if (!Number.isFinite(r)) return 'inf';
  if (r === 0) return '0';
  return r < 1e-3 || r >= 1e4 ? r.toExponential(2) : r.toPrecision(3);
}

export interface SummaryRow {
  op: string;
  backend: string;
  check: string;
  counts: Record<Status, number>;
  worstErrToBound: number;
}

/** One row per op x backend x check, in first-seen order. */
export function summarize(records: readonly ResultRecord[]): SummaryRow[] {
  const rows = new Map<string, SummaryRow>();
  for (const r of records) {
    const key = `${r.op}\u0000${r.backend}\u0000${r.check}`;
    let row = rows.get(key);
    if (!row) {
      row = { op: r.op, backend: r.backend, check: r.check, counts: { pass: 0, fail: 0, unsupported: 0, error: 0, xfail: 0 }, worstErrToBound: NaN };
      rows.set(key, row);
    }
    row.counts[r.status]++;
    // NOTE: known discrepancies (xfail) are left out of the worst ratio: it tells how close the rest come to their bound.
    if (r.status !== 'xfail' && !Number.isNaN(r.errToBound) && !(r.errToBound <= row.worstErrToBound)) row.worstErrToBound = r.errToBound;
  }
  return [...rows.values()];
}

/** Where and by how much one failure is off, and how to replay it. */
export function describeFailure(r: ResultRecord): string {
  const lines = [`${r.status.toUpperCase()} ${r.op} ${r.check} on ${r.backend}: ${r.case}`];
  if (r.message) lines.push(`  ${r.message}`);
  if (r.worst && (r.status === 'fail' || r.status === 'xfail')) {
    const w = r.worst;
    lines.push(
      `  worst element [${w.index.join(',')}]: expected ${w.expected}, got ${w.got}, |err| ${w.absErr}, bound ${w.bound.toExponential(3)} (err/bound ${fmtRatio(r.errToBound)})`,
      `  ${r.mismatches} of ${r.elements} elements outside the bound; max |err| ${r.maxAbsErr.toExponential(3)}`,
    );
  }
  lines.push(`  replay: ${r.replay}`);
  return lines.join('\n');
}

/** Table borders without the line between rows. */
const COMPACT = { chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 } };

/** A cell of the matrix: passes, then the other outcomes that occurred, e.g. `154 16 FAIL 25u`. */
export function fmtCell(counts: Record<Status, number>): string {
  const parts: string[] = [];
  if (counts.pass > 0 || STATUSES.every((k) => counts[k] === 0)) parts.push(String(counts.pass));
  if (counts.fail > 0) parts.push(`${counts.fail} FAIL`);
  if (counts.error > 0) parts.push(`${counts.error} ERROR`);
  if (counts.xfail > 0) parts.push(`${counts.xfail}x`);
  if (counts.unsupported > 0) parts.push(`${counts.unsupported}u`);
  return parts.join(' ');
}

/** One row per op x check, one column per backend; the worst err/bound of the row (xfails left out) last. */
export function matrixTable(records: readonly ResultRecord[], backends: readonly string[]): string {
  const rows = new Map<string, { op: string; check: string; cells: Map<string, SummaryRow>; worst: number }>();
  for (const row of summarize(records)) {
    const key = `${row.op}\u0000${row.check}`;
    const r = rows.get(key) ?? rows.set(key, { op: row.op, check: row.check, cells: new Map(), worst: NaN }).get(key)!;
    r.cells.set(row.backend, row);
    if (!(row.worstErrToBound <= r.worst)) r.worst = Number.isNaN(row.worstErrToBound) ? r.worst : row.worstErrToBound;
  }
  const t = new Table({ head: ['op', 'check', ...backends, 'worst err/bound'], ...COMPACT });
  for (const r of rows.values()) t.push([r.op, r.check, ...backends.map((b) => (r.cells.has(b) ? fmtCell(r.cells.get(b)!.counts) : '-')), fmtRatio(r.worst)]);
  return t.toString();
}

/**
 * The expected failures, one line per known discrepancy: its README number, how
 * many cases where (op, check, backend), then the replay command of the smallest.
 */
export function xfailGroups(records: readonly ResultRecord[]): string[] {
  const groups = new Map<string, ResultRecord[]>();
  for (const r of records) {
    if (r.status !== 'xfail') continue;
    const key = String(r.known ?? '?');
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(r);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (Number(a) || 1e9) - (Number(b) || 1e9));
  return ordered.flatMap(([num, g]) => {
    const where = new Map<string, number>();
    for (const r of g) where.set(`${r.op} ${r.check} on ${r.backend}`, (where.get(`${r.op} ${r.check} on ${r.backend}`) ?? 0) + 1);
    const smallest = g.reduce((a, x) => (x.elements < a.elements || (x.elements === a.elements && x.case.length < a.case.length) ? x : a));
    const notRun = g.every((r) => r.message?.startsWith('not run')) ? ', not run' : '';
    return [`#${num} ${g.length} case${g.length > 1 ? 's' : ''}${notRun}: ${[...where].map(([w, n]) => `${w} (${n})`).join(', ')}`, `    smallest: ${smallest.replay}`];
  });
}

/** The fingerprint rows where the backends do not all agree, compact; every row with `all`. */
export function fingerprintTable(fp: FingerprintTable, backends: readonly string[], all = false): string {
  const t = new Table({ head: ['op', 'behaviour', ...backends], ...COMPACT, wordWrap: true, colWidths: [20, 40, ...backends.map(() => 22)] });
  for (const [op, rows] of Object.entries(fp)) {
    for (const [name, verdicts] of Object.entries(rows)) {
      const vs = backends.map((b) => verdicts[b] ?? '-');
      if (all || new Set(vs).size > 1) t.push([op, name, ...vs]);
    }
  }
  return t.length > 0 ? t.toString() : '';
}

export interface CheckReportInput {
  records: readonly ResultRecord[];
  env?: EnvBlock;
  /** The browser backends' browsers (src/tfjs/browser.ts). */
  browsers?: Partial<Record<string, BrowserEnv>>;
  fingerprints: FingerprintTable;
  crashes: readonly { backend: string; case: string; signal: string; stderr: string }[];
  backends: readonly string[];
  seed: number;
  seconds: number;
  /** One line per `--register` module. */
  overrides: readonly string[];
  maxFailures: number;
  verbose: boolean;
  json?: string;
  tfFlags?: Record<string, unknown>;
}

/** The whole terminal report of a check run. */
export function checkReport(o: CheckReportInput): string {
  const { records } = o;
  const n = (s: Status) => records.filter((r) => r.status === s).length;
  const out: string[] = [];
  out.push(
    `tfjs ${o.env?.tfjs['tfjs-core'] ?? '?'}, native TensorFlow ${o.env?.tensorflow ?? 'not loaded'}, seed ${o.seed}: ` +
      `${records.length} checks on ${o.backends.join(', ')} in ${o.seconds.toFixed(1)} s — ` +
      STATUSES.map((s) => `${n(s)} ${s}`).join(', '),
  );
  for (const [id, b] of Object.entries(o.browsers ?? {})) {
    const page = b!.page as { gl?: { renderer?: string }; webgpu?: { vendor?: string; architecture?: string; description?: string } };
    const gpu = page.gl ? `GL renderer ${page.gl.renderer}` : page.webgpu ? `WebGPU adapter ${[page.webgpu.vendor, page.webgpu.architecture, page.webgpu.description].filter(Boolean).join(' ')}` : '';
    out.push(`${id}: Chromium ${b!.browser}${b!.endpoint ? ` at ${b!.endpoint}` : ''}; ${gpu}`);
  }
  for (const b of o.backends) {
    const mine = records.filter((r) => r.backend === b);
    const why = new Set(mine.map((r) => r.message));
    if (mine.length > 0 && mine.every((r) => r.status === 'unsupported') && why.size === 1) out.push(`${b}: unsupported — ${[...why][0]}`);
  }
  if (o.tfFlags && Object.keys(o.tfFlags).length > 0) out.push(`TF.js flags (--tf-flags, every backend): ${Object.entries(o.tfFlags).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (o.overrides.length > 0) out.push(`Kernels overridden by --register:\n${o.overrides.map((l) => `  ${l}`).join('\n')}`);
  out.push(matrixTable(records, o.backends));
  out.push('cells: passes, then FAIL, ERROR, x expected failures (known discrepancies, README number below), u unsupported');
  const fp = fingerprintTable(o.fingerprints, o.backends, o.verbose);
  if (fp) out.push(`\nBehavioural fingerprints${o.verbose ? '' : ' where the backends differ (--verbose: all)'}; the reference: first maximum on ties, NaN never wins (TF.js):`, fp);
  for (const c of o.crashes) out.push(`\nCRASH: the ${c.backend} process died (${c.signal}) during ${c.case}: ${c.stderr}`);
  const bad = records.filter((r) => r.status === 'fail' || r.status === 'error');
  for (const r of bad.slice(0, o.maxFailures)) out.push(`\n${describeFailure(r)}`);
  if (bad.length > o.maxFailures) out.push(`\n... ${bad.length - o.maxFailures} more failures and errors${o.json ? ` in ${o.json}` : ' (--max-failures N prints more; --json FILE keeps them all)'}`);
  const xfail = records.filter((r) => r.status === 'xfail');
  if (xfail.length > 0) {
    if (o.verbose) for (const r of xfail) out.push(`\n${describeFailure(r)}`);
    else out.push(`\nExpected failures (README, "Known backend discrepancies"; --verbose prints each):`, ...xfailGroups(records).map((l) => `  ${l}`));
  }
  return out.join('\n');
}
