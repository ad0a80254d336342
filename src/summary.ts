/** Terminal rendering of check results: the summary table and the failure details. */
import Table from 'cli-table3';
import { FingerprintTable, ResultRecord, STATUSES, Status } from './results';

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

export function summaryTable(records: readonly ResultRecord[]): string {
  const t = new Table({ head: ['op', 'backend', 'check', ...STATUSES, 'worst err/bound (excl. xfail)'], style: { head: [], border: [] } });
  for (const row of summarize(records)) {
    t.push([row.op, row.backend, row.check, ...STATUSES.map((s) => String(row.counts[s])), fmtRatio(row.worstErrToBound)]);
  }
  return t.toString();
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

/** The behavioural fingerprints as one table: op, behaviour, then one column per backend. */
export function fingerprintTable(fp: FingerprintTable, backends: readonly string[]): string {
  const t = new Table({ head: ['op', 'behaviour', ...backends], style: { head: [], border: [] }, wordWrap: true, colWidths: [18, 36, ...backends.map(() => 24)] });
  for (const [op, rows] of Object.entries(fp)) {
    for (const [name, verdicts] of Object.entries(rows)) t.push([op, name, ...backends.map((b) => verdicts[b] ?? '-')]);
  }
  return t.toString();
}
