/**
 * `crosscheck` command line (DESIGN.md, "Command line").
 * Exit codes: 0 all good, 1 a mismatch (or a crash inside a backend) was found,
 * 2 bad usage or unreadable input.
 */
import { Command, CommanderError, Option } from 'commander';
import { BACKENDS, BackendId, CONTENDERS, parseBackends } from './backendIds';
import * as cliProgress from 'cli-progress';
import * as fs from 'fs';
import * as path from 'path';
import type { BenchResult } from './bench/bench';
import type { BenchJob } from './bench/worker';
import { lastWords, runNodeScript } from './children';
import { CHECK_SCHEMA, readResultFile } from './baseline';
import { assertWritable, writeAtomic, writeJson } from './io';
import { BENCH_SIZES } from './ops/types';
import { OPS, opIds, parseOps } from './ops';
import { runIsolated } from './isolated';
import { KernelOverride, decode, describeOverrides, supportTable } from './results';
import { describeFailure, fingerprintTable, summaryTable } from './summary';
import { UsageError, parseList } from './usage';


interface CheckOptions {
  ops: string;
  backends: string;
  seed: string;
  case?: string;
  json?: string;
  force: boolean;
  maxFailures: string;
  quiet: boolean;
  fuzz?: string;
  register: string[];
}

/** Repeatable `--register MODULE`. */
const collect = (v: string, prev: string[]) => [...prev, v];

/** `--register` modules: checked (loaded, registering something) in this process before any work. */
async function loadOverrides(modules: readonly string[]): Promise<KernelOverride[]> {
  if (modules.length === 0) return [];
  const { registerModules } = await import('./register');
  return registerModules(modules);
}

const registerFlags = (modules: readonly string[]) => modules.map((m) => ` --register '${m}'`).join('');

function parseSeed(s: string): number {
  if (!/^\d+$/.test(s) || Number(s) > 0xffffffff) {
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got '${s}'.`);
  }
  return Number(s);
}

function parseCount(flag: string, s: string): number {
  if (!/^\d+$/.test(s)) throw new UsageError(`${flag} must be a non-negative integer, got '${s}'.`);
  return Number(s);
}

async function check(o: CheckOptions): Promise<number> {
  const ops = parseOps(o.ops);
  const backends: BackendId[] = parseBackends(o.backends);
  const seed = parseSeed(o.seed);
  const maxFailures = parseCount('--max-failures', o.maxFailures);
  const fuzzRuns = o.fuzz === undefined ? 0 : parseCount('--fuzz', o.fuzz);
  if (o.json) assertWritable('--json', o.json, o.force);
  const overrides = await loadOverrides(o.register);

  const started = Date.now();
  let done = 0;
  const progress = !o.quiet && process.stderr.isTTY;
  const run = await runIsolated({
    ops, backends, seed, caseId: o.case, register: o.register,
    onResult: (r) => {
      r.replay += registerFlags(o.register);
      done++;
      if (progress && done % 50 === 0) process.stderr.write(`\r${done} checks run...`);
    },
  });
  if (progress) process.stderr.write('\r');
  const { records, env, fingerprints, crashes } = run;
  const kernels = [...new Set(ops.flatMap((op) => [...op.kernels, ...op.grads.flatMap((g) => g.kernels)]))];
  const support = supportTable(kernels, backends, run.kernels);

  console.log(`tfjs ${env?.tfjs['tfjs-core'] ?? '?'}, native TensorFlow ${env?.tensorflow ?? 'not loaded'}, seed ${seed}, ${records.length} checks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (overrides.length > 0) console.log(`Kernels overridden by --register:\n${describeOverrides(overrides).map((l) => `  ${l}`).join('\n')}`);
  console.log(summaryTable(records));
  if (Object.keys(fingerprints).length > 0) {
    console.log('\nBehavioural fingerprints (probed; the reference: first maximum on ties, NaN propagates):');
    console.log(fingerprintTable(fingerprints, backends));
  }
  for (const c of crashes) console.log(`\nCRASH: the ${c.backend} process died (${c.signal}) during ${c.case}: ${c.stderr}`);
  const bad = records.filter((r) => r.status === 'fail' || r.status === 'error');
  const xfail = records.filter((r) => r.status === 'xfail');
  for (const r of [...bad, ...xfail].slice(0, maxFailures)) console.log(`\n${describeFailure(r)}`);
  if (bad.length + xfail.length > maxFailures) {
    console.log(`\n... ${bad.length + xfail.length - maxFailures} more failures${o.json ? ` in ${o.json}` : ' (use --json FILE to keep them all)'}`);
  }
  const fuzz = fuzzRuns > 0 ? await runFuzz(ops, backends, fuzzRuns, seed, o.register) : [];
  if (o.json) {
    writeJson(o.json, { schema: CHECK_SCHEMA, kind: 'check', env, args: { ops: ops.map((x) => x.id), backends, seed, case: o.case ?? null, fuzz: fuzzRuns }, overrides, supportMatrix: support, fingerprints, crashes, fuzz, results: records });
    console.log(`\nwrote ${records.length} results to ${o.json}`);
  }
  return bad.length > 0 || fuzz.some((f) => f.failed) ? 1 : 0;
}

/** `--fuzz N`: N fast-check cases per op on the chosen backends (in this process), a table, and each shrunk failure. */
async function runFuzz(ops: ReturnType<typeof parseOps>, backends: BackendId[], runs: number, seed: number, register: readonly string[]) {
  const { fuzzOp } = await import('./fuzz');
  const results = [];
  for (const op of ops) {
    const r = await fuzzOp(op, backends, runs, seed);
    if (r) results.push({ ...r, replay: r.replay + registerFlags(register) });
  }
  console.log(`\nFuzzing (fast-check, ${runs} cases per op, seed ${seed}, on ${backends.join(', ')}):`);
  for (const r of results) {
    console.log(`  ${r.op}: ${r.runs} cases run, ${r.failed ? `FAILED — shrunk to ${r.counterexample?.case}` : 'no failure'}`);
    if (r.failed) {
      for (const rec of r.counterexample?.records ?? []) console.log(`    ${rec.status} ${rec.check} on ${rec.backend}: ${rec.message ?? `err/bound ${rec.errToBound}`}`);
      console.log(`    replay: ${r.replay}`);
    }
  }
  return results;
}

interface BenchCliOptions {
  ops: string;
  backends: string;
  sizes: string;
  out?: string;
  force: boolean;
  scaling: boolean;
  quiet: boolean;
  nativeThreads: string;
  register: string[];
  processes: string;
}

/** The compiled bench process; spec/ runs after `npm run build`. */
const BENCH_WORKER = __filename.endsWith('.js') ? path.join(__dirname, 'bench', 'worker.js') : path.resolve(__dirname, '..', 'dist', 'src', 'bench', 'worker.js');

/**
 * `--native-threads`: sets libtensorflow's pools before it loads (intra-op N,
 * inter-op 1), or leaves TensorFlow's defaults with `default`.
 */
function applyNativeThreads(value: string): void {
  if (value === 'default') return;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 256) {
    throw new UsageError(`--native-threads must be an integer from 1 to 256 or 'default', got '${value}'.`);
  }
  const loaded = Object.keys(require.cache).some((k) => k.includes(`${path.sep}tfjs-node${path.sep}`));
  if (loaded && process.env.TF_NUM_INTRAOP_THREADS !== value) {
    throw new UsageError(`--native-threads ${value}: libtensorflow is already loaded in this process with other pools; run the command in a fresh process.`);
  }
  process.env.TF_NUM_INTRAOP_THREADS = value;
  process.env.TF_NUM_INTEROP_THREADS = '1';
}

/** Checks an output directory before any work: writable, and empty unless --force. */
function prepareOutDir(flag: string, dir: string, force: boolean): void {
  let probe = path.resolve(dir);
  while (!fs.existsSync(probe)) probe = path.dirname(probe);
  try {
    if (!fs.statSync(probe).isDirectory()) throw new Error('not a directory');
    fs.accessSync(probe, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${dir}: ${probe} is not a writable directory.`);
  }
  if (probe === path.resolve(dir) && fs.readdirSync(dir).length > 0 && !force) {
    throw new UsageError(`${flag} ${dir}: the directory is not empty; pass --force to replace the report files in it.`);
  }
}

async function writeReport(dir: string, result: BenchResult): Promise<void> {
  const { html, markdown } = await import('./bench/report');
  fs.mkdirSync(dir, { recursive: true });
  writeAtomic(path.join(dir, 'report.md'), markdown(result));
  writeAtomic(path.join(dir, 'report.html'), await html(result));
}

/**
 * Runs `processes` bench processes one after another, never two at once (they
 * would share the two cores), and returns their results in order.
 */
async function benchProcesses(job: BenchJob, processes: number, onProgress: (done: number, total: number, label: string) => void): Promise<BenchResult[]> {
  const runs: BenchResult[] = [];
  for (let k = 0; k < processes; k++) {
    let result: BenchResult | undefined;
    const outcome = await runNodeScript(BENCH_WORKER, [JSON.stringify(job)], (line) => {
      if (line.startsWith('R ')) result = decode<BenchResult>(line.slice(2));
      const m = /^P (\d+) (\d+) (.*)$/.exec(line);
      if (m) onProgress(k * Number(m[2]) + Number(m[1]), Number(m[2]) * processes, `${m[3]} (process ${k + 1} of ${processes})`);
    });
    if (!result || outcome.code !== 0) throw new Error(`bench process ${k + 1} of ${processes} failed (${outcome.signal ?? `exit code ${outcome.code}`}): ${lastWords(outcome.stderr)}`);
    runs.push(result);
  }
  return runs;
}

async function bench(o: BenchCliOptions): Promise<number> {
  const ops = parseOps(o.ops);
  const contenders = parseList('--backends', 'backend', o.backends, CONTENDERS);
  const sizes = parseList('--sizes', 'size', o.sizes, BENCH_SIZES);
  const out = o.out ?? path.join('bench-results', new Date().toISOString().replace(/[:.]/g, '-'));
  applyNativeThreads(o.nativeThreads);
  prepareOutDir('--out', out, o.force);
  const processes = parseCount('--processes', o.processes);
  if (processes < 1 || processes > 20) throw new UsageError(`--processes must be an integer from 1 to 20, got '${o.processes}'.`);
  await loadOverrides(o.register);
  const bar = !o.quiet && process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'bench [{bar}] {value}/{total} {label}', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  const started = Date.now();
  const job: BenchJob = { ops: ops.map((x) => x.id), contenders: [...contenders], sizes: [...sizes], scaling: o.scaling, register: o.register, budgetScale: 1 / processes };
  const runs = await benchProcesses(job, processes, (done, total, label) => {
    if (!bar) return;
    if (done === 0) bar.start(total, 0, { label });
    bar.update(done, { label });
  });
  bar?.stop();
  const { mergeProcesses } = await import('./bench/merge');
  const result = mergeProcesses(runs);
  fs.mkdirSync(out, { recursive: true });
  writeJson(path.join(out, 'bench.json'), result);
  await writeReport(out, result);
  const { markdown } = await import('./bench/report');
  if (!o.quiet) console.log(markdown(result));
  console.log(`\nbench: ${result.entries.length} entries in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${path.join(out, 'bench.json')}, report.md and report.html`);
  return 0;
}

async function report(files: string[], o: { out?: string; force: boolean }): Promise<number> {
  if (files.length === 0) throw new UsageError('report needs at least one bench result file (bench.json).');
  const results = files.map((f) => readResultFile(f, 'report', ['bench']).doc as BenchResult);
  for (const [i, r] of results.entries()) {
    const dir = o.out ? (results.length > 1 ? path.join(o.out, path.basename(files[i], '.json')) : o.out) : path.dirname(files[i]);
    if (o.out) prepareOutDir('--out', dir, o.force);
    await writeReport(dir, r);
    console.log(`wrote ${path.join(dir, 'report.md')} and ${path.join(dir, 'report.html')}`);
  }
  return 0;
}

interface CompareCliOptions {
  threshold: string;
  driftFactor: string;
  alpha: string;
  markdown?: string;
  junit?: string;
  force: boolean;
  normalise: boolean;
}

/** A number strictly inside (lo, hi), or a UsageError naming the flag. */
function parseFraction(flag: string, s: string, lo: number, hi: number, what: string): number {
  const x = Number(s);
  if (s.trim() === '' || !Number.isFinite(x) || x <= lo || x >= hi) throw new UsageError(`${flag} must be ${what}, got '${s}'.`);
  return x;
}

async function compare(baseline: string, current: string, o: CompareCliOptions): Promise<number> {
  const options = {
    threshold: parseFraction('--threshold', o.threshold, 0, 1, 'a fraction in (0, 1), e.g. 0.05 for 5%'),
    driftFactor: parseFraction('--drift-factor', o.driftFactor, 1, Infinity, 'a number greater than 1, e.g. 4'),
    alpha: parseFraction('--alpha', o.alpha, 0, 1, 'a probability in (0, 1), e.g. 0.05'),
    normalise: o.normalise,
  };
  if (o.markdown) assertWritable('--markdown', o.markdown, o.force);
  if (o.junit) assertWritable('--junit', o.junit, o.force);
  const { readResults } = await import('./baseline');
  const base = readResults(baseline, 'baseline');
  const cur = readResults(current, 'current');
  const common = base.filter((b) => cur.some((c) => c.kind === b.kind));
  if (common.length === 0) {
    throw new UsageError(`baseline ${baseline} holds ${base.map((b) => `${b.kind} results`).join(' and ')} but current ${current} holds ${cur.map((c) => `${c.kind} results`).join(' and ')}: nothing to compare. Give two check results, two bench results, or two directories with check.json and/or bench.json.`);
  }
  const { compareRuns, compareText, compareMarkdown, compareJUnit } = await import('./regress');
  const report = compareRuns(base, cur, options);
  const Table = (await import('cli-table3')).default;
  console.log(compareText(report, (head, rows) => {
    const t = new Table({ head, style: { head: [], border: [] } });
    t.push(...rows);
    return t.toString();
  }));
  if (o.markdown) writeAtomic(o.markdown, compareMarkdown(report));
  if (o.junit) writeAtomic(o.junit, compareJUnit(report));
  return report.regressions > 0 ? 1 : 0;
}

function program(): Command {
  const p = new Command('crosscheck')
    .description('Cross-check TensorFlow.js backends against float64 reference implementations.')
    .exitOverride()
    .showHelpAfterError('(run with --help for the accepted options)');
  p.command('check')
    .description('compare every op x case x backend with the reference; exit 1 on a mismatch')
    .option('--ops <list>', `comma-separated ops (${opIds().join(', ')})`, OPS.map((o) => o.id).join(','))
    .option('--backends <list>', `comma-separated backends (${BACKENDS.join(', ')})`, BACKENDS.join(','))
    .option('--seed <n>', 'seed of the random cases', '1')
    .option('--case <id>', 'run only the case with this id (as printed in a replay command)')
    .option('--json <file>', 'write every result record, the env block and the support matrix to FILE')
    .option('--force', 'overwrite the --json file if it exists', false)
    .addOption(new Option('--max-failures <n>', 'failures printed in detail').default('20'))
    .option('--quiet', 'no progress output', false)
    .option('--fuzz <n>', 'also run n property-based (fast-check) cases per op, shrinking any failure')
    .option('--register <module>', 'load a .js/.cjs/.mjs module and call its register(tf) before the run (repeatable)', collect, [])
    .action(async (o: CheckOptions) => {
      p.setOptionValue('exitCode', await check(o));
    });
  p.command('bench')
    .description('time every op on every backend and the reference; write bench.json, report.md and report.html')
    .option('--ops <list>', `comma-separated ops (${opIds().join(', ')})`, OPS.map((o) => o.id).filter((id) => id !== 'multiHeadAttentionLayer').join(','))
    .option('--backends <list>', 'comma-separated contenders (cpu, wasm, tensorflow, reference)', 'cpu,wasm,tensorflow,reference')
    .option('--sizes <list>', `comma-separated sizes (${BENCH_SIZES.join(', ')})`, 'small')
    .option('--out <dir>', 'directory for bench.json and the reports (default: bench-results/<date>)')
    .option('--force', 'write into a non-empty --out directory', false)
    .option('--no-scaling', 'skip the scaling sweeps')
    .option('--register <module>', 'load a .js/.cjs/.mjs module and call its register(tf) before the run (repeatable)', collect, [])
    .option('--processes <k>', 'measure every entry in k fresh processes, one after another, and keep each entry\'s fastest (see src/bench/merge.ts)', '3')
    .option('--native-threads <n>', "the native backend's intra-op threads (inter-op 1), or 'default' for TensorFlow's own pools", '1')
    .option('--quiet', 'no progress bar and no tables on stdout', false)
    .action(async (o: BenchCliOptions) => {
      p.setOptionValue('exitCode', await bench(o));
    });
  p.command('compare')
    .description('hold CURRENT against BASELINE (check and/or bench results, or directories holding check.json and bench.json); exit 1 on a regression')
    .argument('<baseline>', 'baseline result file or directory')
    .argument('<current>', 'current result file or directory')
    .option('--threshold <fraction>', 'speed: smallest change of the median that counts, in (0, 1)', '0.05')
    .option('--drift-factor <x>', 'numerics: growth of err/bound that counts as accuracy drift, > 1', '4')
    .option('--alpha <p>', 'speed: family-wise error rate of the Holm-adjusted tests, in (0, 1)', '0.05')
    .option('--normalise', "speed: divide by the control loop's ratio (experimental: off by default, see src/regress.ts)", false)
    .option('--markdown <file>', 'also write the report as Markdown (for CI summaries)')
    .option('--junit <file>', 'also write JUnit XML (one test case per entry; regressions fail)')
    .option('--force', 'overwrite --markdown / --junit files that exist', false)
    .action(async (baseline: string, current: string, o: CompareCliOptions) => {
      p.setOptionValue('exitCode', await compare(baseline, current, o));
    });
  p.command('report')
    .description('render bench results as Markdown and self-contained HTML')
    .argument('<results...>', 'bench.json files')
    .option('--out <dir>', 'output directory (default: next to each results file)')
    .option('--force', 'write into a non-empty --out directory', false)
    .action(async (files: string[], o: { out?: string; force: boolean }) => {
      p.setOptionValue('exitCode', await report(files, o));
    });
  return p;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const p = program();
  try {
    await p.parseAsync([...argv], { from: 'user' });
    return (p.getOptionValue('exitCode') as number | undefined) ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    if (e instanceof UsageError) {
      console.error(`crosscheck: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
