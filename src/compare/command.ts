/** `crosscheck compare BASELINE CURRENT`: load both, judge, print, write the CI files. */
import Table from 'cli-table3';
import { assertWritable, writeAtomic } from '../util/io';
import { UsageError } from '../util/usage';
import { readResults } from './load';
import { compareJUnit, compareMarkdown, compareText } from './output';
import { CompareOptions, compareRuns } from './verdicts';

export interface CompareCommandOptions extends CompareOptions {
  markdown?: string;
  junit?: string;
  force: boolean;
}

/** 1 when a regression is found. */
export async function compareCommand(baseline: string, current: string, o: CompareCommandOptions): Promise<number> {
  if (o.markdown) assertWritable('--markdown', o.markdown, o.force);
  if (o.junit) assertWritable('--junit', o.junit, o.force);
  const base = readResults(baseline, 'baseline');
  const cur = readResults(current, 'current');
  const common = base.filter((b) => cur.some((c) => c.kind === b.kind));
  if (common.length === 0) {
    throw new UsageError(`baseline ${baseline} holds ${base.map((b) => `${b.kind} results`).join(' and ')} but current ${current} holds ${cur.map((c) => `${c.kind} results`).join(' and ')}: nothing to compare. Give two check results, two bench results, two model results, or two directories with check.json, bench.json and/or model-check.json.`);
  }
  const { threshold, driftFactor, alpha, normalise } = o;
  const report = compareRuns(base, cur, { threshold, driftFactor, alpha, normalise });
  console.log(compareText(report, (head, rows) => {
    const t = new Table({ head, style: { head: [], border: [] } });
    t.push(...rows);
    return t.toString();
  }));
  if (o.markdown) writeAtomic(o.markdown, compareMarkdown(report));
  if (o.junit) writeAtomic(o.junit, compareJUnit(report));
  return report.regressions > 0 ? 1 : 0;
}
