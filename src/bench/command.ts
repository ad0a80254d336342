/** `crosscheck bench` and `crosscheck report`: run the bench processes, join them, write bench.json and the reports; render bench and model results. */
import * as cliProgress from 'cli-progress';
import * as fs from 'fs';
import * as path from 'path';
import { readResultFile } from '../compare/load';
import type { AnyOpSpec, BenchSize } from '../ops/types';
import { Contender, isBrowserBackend } from '../tfjs/backendIds';
import { loadOverrides } from '../tfjs/overrides';
import { prepareOutDir, writeAtomic, writeJson } from '../util/io';
import { UsageError } from '../util/usage';
import { mergeProcesses } from './merge';
import { applyNativeThreads, benchProcesses } from './processes';
import type { BenchResult } from './types';
import type { BenchJob } from './worker';

export interface BenchCommandOptions {
  ops: readonly AnyOpSpec[];
  contenders: readonly Contender[];
  sizes: readonly BenchSize[];
  /** Default: bench-results/<date>. */
  out?: string;
  force: boolean;
  scaling: boolean;
  quiet: boolean;
  /** `--native-threads`: a count or 'default'. */
  nativeThreads: string;
  register: readonly string[];
  processes: number;
  /** A Playwright browser server for the browser contenders (`--browser-endpoint`). */
  browserEndpoint?: string;
}

async function writeReport(dir: string, result: BenchResult): Promise<void> {
  const { html, markdown } = await import('./report');
  fs.mkdirSync(dir, { recursive: true });
  writeAtomic(path.join(dir, 'report.md'), markdown(result));
  writeAtomic(path.join(dir, 'report.html'), await html(result));
}

export async function benchCommand(o: BenchCommandOptions): Promise<number> {
  const out = o.out ?? path.join('bench-results', new Date().toISOString().replace(/[:.]/g, '-'));
  applyNativeThreads(o.nativeThreads);
  prepareOutDir('--out', out, o.force);
  if (o.browserEndpoint) {
    const { probeEndpoint } = await import('../tfjs/browser');
    const why = await probeEndpoint(o.browserEndpoint);
    if (why) throw new UsageError(`--browser-endpoint ${o.browserEndpoint}: no Playwright browser server answers there (${why}).`);
  }
  await loadOverrides(o.register);
  const bar = !o.quiet && process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'bench [{bar}] {value}/{total} {label}', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  const started = Date.now();
  const job: BenchJob = { ops: o.ops.map((x) => x.id), contenders: [...o.contenders], sizes: [...o.sizes], scaling: o.scaling, register: [...o.register], budgetScale: 1 / o.processes, browserEndpoint: o.browserEndpoint };
  const runs = await benchProcesses(job, o.processes, (done, total, label) => {
    if (!bar) return;
    if (done === 0) bar.start(total, 0, { label });
    bar.update(done, { label });
  });
  bar?.stop();
  const result = mergeProcesses(runs);
  fs.mkdirSync(out, { recursive: true });
  writeJson(path.join(out, 'bench.json'), result);
  await writeReport(out, result);
  const { markdown } = await import('./report');
  if (!o.quiet) console.log(markdown(result));
  for (const k of o.contenders.filter(isBrowserBackend)) if (!result.env.browsers?.[k]) console.error(`bench: ${k} skipped: ${result.threads[k]}`);
  console.log(`\nbench: ${result.entries.length} entries in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${path.join(out, 'bench.json')}, report.md and report.html`);
  return 0;
}

/**
 * `crosscheck report FILE...`: bench results become report.md and report.html,
 * model results (`crosscheck model --json`) model.md and model.html, next to
 * each file or in --out (one subdirectory per file when there are several).
 */
export async function reportCommand(files: readonly string[], o: { out?: string; force: boolean }): Promise<number> {
  if (files.length === 0) throw new UsageError('report needs at least one result file: a bench.json, or the file of crosscheck model --json.');
  const results = files.map((f) => readResultFile(f, 'report', ['bench', 'model']));
  for (const [i, r] of results.entries()) {
    const dir = o.out ? (results.length > 1 ? path.join(o.out, path.basename(files[i], '.json')) : o.out) : path.dirname(files[i]);
    if (o.out) prepareOutDir('--out', dir, o.force);
    if (r.kind === 'model') {
      const { modelHtml, modelMarkdown } = await import('../model/report');
      fs.mkdirSync(dir, { recursive: true });
      writeAtomic(path.join(dir, 'model.md'), modelMarkdown(r.doc));
      writeAtomic(path.join(dir, 'model.html'), await modelHtml(r.doc));
      console.log(`wrote ${path.join(dir, 'model.md')} and ${path.join(dir, 'model.html')}`);
    } else {
      await writeReport(dir, r.doc as BenchResult);
      console.log(`wrote ${path.join(dir, 'report.md')} and ${path.join(dir, 'report.html')}`);
    }
  }
  return 0;
}
