/**
 * `crosscheck` command line (DESIGN.md, "Command line"): flags, dispatch and
 * exit codes. Each command lives with its verb: src/check/command.ts,
 * src/bench/command.ts, src/compare/command.ts.
 * Exit codes: 0 all good, 1 a mismatch (or a crash inside a backend) or a
 * regression was found, 2 bad usage or unreadable input.
 */
import { Command, CommanderError, Option } from 'commander';
import { BACKENDS, BROWSER_BACKENDS, CONTENDERS, NodeBackendId, REFERENCE_BACKEND, parseBackends } from './tfjs/backendIds';
import { BUILTIN_MODEL_IDS } from './model/ids';
import { BENCH_SIZES } from './ops/types';
import { OPS, opIds, parseOps } from './ops';
import { parseShard } from './ops/select';
import { UsageError, parseList } from './util/usage';
import { parseTfFlags } from './tfjs/flags';

interface CheckFlags {
  shard?: string;
  ops: string;
  backends: string;
  seed: string;
  case?: string;
  json?: string;
  force: boolean;
  maxFailures: string;
  quiet: boolean;
  verbose: boolean;
  fuzz?: string;
  register: string[];
  browserEndpoint?: string;
  tfFlags?: string;
}

interface BenchFlags {
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
  browserEndpoint?: string;
}

interface ModelFlags {
  backends: string;
  seed: string;
  input?: string;
  train: boolean;
  json?: string;
  force: boolean;
  register: string[];
  replayDir?: string;
  browserEndpoint?: string;
  tfFlags?: string;
}

interface CompareFlags {
  threshold: string;
  driftFactor: string;
  alpha: string;
  markdown?: string;
  junit?: string;
  force: boolean;
  normalise: boolean;
}

/** Repeatable `--register MODULE`. */
const collect = (v: string, prev: string[]) => [...prev, v];

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

/** A number strictly inside (lo, hi), or a UsageError naming the flag. */
function parseFraction(flag: string, s: string, lo: number, hi: number, what: string): number {
  const x = Number(s);
  if (s.trim() === '' || !Number.isFinite(x) || x <= lo || x >= hi) throw new UsageError(`${flag} must be ${what}, got '${s}'.`);
  return x;
}

/** `--browser-endpoint`: a ws:// or wss:// URL of a Playwright browser server. */
function parseEndpoint(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  if (!/^wss?:\/\/[^/\s]+/.test(s)) throw new UsageError(`--browser-endpoint must be a ws:// or wss:// URL of a Playwright browser server (e.g. ws://127.0.0.1:9323/abc), got '${s}'.`);
  return s;
}

async function check(o: CheckFlags): Promise<number> {
  const opts = {
    ops: parseOps(o.ops),
    // NOTE: a --register module may register a backend of its own: the list is then checked once the modules ran.
    backends: o.register.length > 0 ? o.backends : parseBackends(o.backends),
    seed: parseSeed(o.seed),
    caseId: o.case,
    shard: o.shard === undefined ? undefined : parseShard(o.shard),
    json: o.json,
    force: o.force,
    maxFailures: parseCount('--max-failures', o.maxFailures),
    quiet: o.quiet,
    verbose: o.verbose,
    fuzz: o.fuzz === undefined ? 0 : parseCount('--fuzz', o.fuzz),
    register: o.register,
    browserEndpoint: parseEndpoint(o.browserEndpoint),
    tfFlags: o.tfFlags === undefined ? undefined : parseTfFlags(o.tfFlags),
  };
  const { checkCommand } = await import('./check/command');
  return checkCommand(opts);
}

/** The Node backends (and `reference`): `model` and `replay` run in Node processes. */
function nodeBackends(flag: string, list: string): NodeBackendId[] {
  return parseList(flag, 'backend', list, [...BACKENDS, REFERENCE_BACKEND]);
}

async function model(source: string, o: ModelFlags): Promise<number> {
  const opts = {
    model: source, backends: parseBackends(o.backends), seed: parseSeed(o.seed), input: o.input,
    train: o.train, json: o.json, force: o.force, register: o.register, replayDir: o.replayDir,
    browserEndpoint: parseEndpoint(o.browserEndpoint), tfFlags: o.tfFlags === undefined ? undefined : parseTfFlags(o.tfFlags),
  };
  const { modelCommand } = await import('./model/command');
  return modelCommand(opts);
}

async function replay(file: string, o: { backends: string; register: string[] }): Promise<number> {
  const backends = nodeBackends('--backends', o.backends);
  const { loadOverrides } = await import('./tfjs/overrides');
  await loadOverrides(o.register);
  const { replayCommand } = await import('./model/replay');
  return replayCommand(file, backends);
}

async function bench(o: BenchFlags): Promise<number> {
  const processes = parseCount('--processes', o.processes);
  if (processes < 1 || processes > 20) throw new UsageError(`--processes must be an integer from 1 to 20, got '${o.processes}'.`);
  const opts = {
    ops: parseOps(o.ops),
    contenders: parseList('--backends', 'backend', o.backends, CONTENDERS),
    sizes: parseList('--sizes', 'size', o.sizes, BENCH_SIZES),
    out: o.out, force: o.force, scaling: o.scaling, quiet: o.quiet,
    nativeThreads: o.nativeThreads, register: o.register, processes,
    browserEndpoint: parseEndpoint(o.browserEndpoint),
  };
  const { benchCommand } = await import('./bench/command');
  return benchCommand(opts);
}

async function report(files: string[], o: { out?: string; force: boolean }): Promise<number> {
  const { reportCommand } = await import('./bench/command');
  return reportCommand(files, o);
}

async function compare(baseline: string, current: string, o: CompareFlags): Promise<number> {
  const opts = {
    threshold: parseFraction('--threshold', o.threshold, 0, 1, 'a fraction in (0, 1), e.g. 0.05 for 5%'),
    driftFactor: parseFraction('--drift-factor', o.driftFactor, 1, Infinity, 'a number greater than 1, e.g. 4'),
    alpha: parseFraction('--alpha', o.alpha, 0, 1, 'a probability in (0, 1), e.g. 0.05'),
    normalise: o.normalise, markdown: o.markdown, junit: o.junit, force: o.force,
  };
  const { compareCommand } = await import('./compare/command');
  return compareCommand(baseline, current, opts);
}

function program(): Command {
  const p = new Command('crosscheck')
    .description('Cross-check TensorFlow.js backends against float64 reference implementations.')
    .exitOverride()
    .showHelpAfterError('(run with --help for the accepted options)');
  p.command('check')
    .description('compare every op x case x backend with the reference; exit 1 on a mismatch')
    .option('--ops <list>', `comma-separated ops (${opIds().join(', ')})`, OPS.map((o) => o.id).join(','))
    .option('--backends <list>', `comma-separated backends: ${BACKENDS.join(', ')} (Node), ${BROWSER_BACKENDS.join(', ')} (headless Chromium)`, BACKENDS.join(','))
    .option('--tf-flags <list>', 'TF.js flags for every backend of the run, KEY=VALUE,... (e.g. WEBGL_PACK=false)')
    .option('--browser-endpoint <ws>', 'run the browser backends in the browser of a Playwright browser server (ws://HOST:PORT/PATH) instead of a local Chromium')
    .option('--seed <n>', 'seed of the random cases', '1')
    .option('--case <id>', 'run only the case with this id (as printed in a replay command)')
    .option('--shard <i/n>', 'run only the i-th of n parts of the cases (balanced by cost; `crosscheck merge` joins the parts)')
    .option('--json <file>', 'write every result record, the env block and the support matrix to FILE')
    .option('--force', 'overwrite the --json file if it exists', false)
    .addOption(new Option('--max-failures <n>', 'failures and errors printed in full').default('20'))
    .option('--verbose', 'print every expected failure (xfail) in full, not one line per known discrepancy', false)
    .option('--quiet', 'no progress output', false)
    .option('--fuzz <n>', 'also run n property-based (fast-check) cases per op, shrinking any failure')
    .option('--register <module>', 'load a .js/.cjs/.mjs module and call its register(tf) before the run (repeatable)', collect, [])
    .action(async (o: CheckFlags) => {
      p.setOptionValue('exitCode', await check(o));
    });
  p.command('model')
    .description('run a model on each backend recording every kernel call; judge each call on its own inputs against its derived bound; name the first that breaks it')
    .argument('<model>', `a model.json (LayersModel or GraphModel, weights beside it) or a built-in model: ${BUILTIN_MODEL_IDS.join(', ')}`)
    .option('--backends <list>', `comma-separated backends: ${BACKENDS.join(', ')}, ${REFERENCE_BACKEND} (Node), ${BROWSER_BACKENDS.join(', ')} (headless Chromium)`, BACKENDS.join(','))
    .option('--browser-endpoint <ws>', 'run the browser backends in the browser of a Playwright browser server (ws://HOST:PORT/PATH) instead of a local Chromium')
    .option('--tf-flags <list>', 'TF.js flags for the browser backends\' page, KEY=VALUE,... (e.g. WEBGL_CPU_FORWARD=false)')
    .option('--seed <n>', 'seed of the random input (uniform in [-1, 1); unless --input) and of the --train loss weights', '1')
    .option('--input <file>', "the model's input: JSON, nested arrays or {\"shape\": [...], \"data\": [...]}, of the model's input shape")
    .option('--train', "also record one training step: the gradient of sum(output * r), r random, for the model's weights", false)
    .option('--json <file>', 'write every kernel-call record and the per-layer tables to FILE')
    .option('--force', 'overwrite the --json file if it exists', false)
    .option('--replay-dir <dir>', 'where the first breaking call of each backend is written for `crosscheck replay` (default: <tmp>/crosscheck-replay)')
    .option('--register <module>', 'load a .js/.cjs/.mjs module and call its register(tf) before the run (repeatable)', collect, [])
    .action(async (source: string, o: ModelFlags) => {
      p.setOptionValue('exitCode', await model(source, o));
    });
  p.command('replay')
    .description('run one kernel call written by `crosscheck model` again, alone, on Node backends, and judge it against its bound; exit 1 if it still breaks it')
    .argument('<call>', 'the call file (its path is printed in the model report)')
    .option('--backends <list>', `comma-separated backends: ${[...BACKENDS, REFERENCE_BACKEND].join(', ')}`, BACKENDS.join(','))
    .option('--register <module>', 'load a .js/.cjs/.mjs module and call its register(tf) first (repeatable)', collect, [])
    .action(async (file: string, o: { backends: string; register: string[] }) => {
      p.setOptionValue('exitCode', await replay(file, o));
    });
  p.command('bench')
    .description('time every op on every backend and the reference; write bench.json, report.md and report.html')
    .option('--ops <list>', `comma-separated ops (${opIds().join(', ')})`, OPS.map((o) => o.id).filter((id) => id !== 'multiHeadAttentionLayer').join(','))
    .option('--backends <list>', `comma-separated contenders: ${BACKENDS.join(', ')} (Node), ${BROWSER_BACKENDS.join(', ')} (headless Chromium, timed in the page), reference`, 'cpu,wasm,tensorflow,reference')
    .option('--browser-endpoint <ws>', 'time the browser backends in the browser of a Playwright browser server (ws://HOST:PORT/PATH) instead of a local Chromium')
    .option('--sizes <list>', `comma-separated sizes (${BENCH_SIZES.join(', ')})`, 'small')
    .option('--out <dir>', 'directory for bench.json and the reports (default: bench-results/<date>)')
    .option('--force', 'write into a non-empty --out directory', false)
    .option('--no-scaling', 'skip the scaling sweeps')
    .option('--register <module>', 'load a .js/.cjs/.mjs module and call its register(tf) before the run (repeatable)', collect, [])
    .option('--processes <k>', 'measure every entry in k fresh processes, one after another, and keep each entry\'s fastest (see src/bench/merge.ts)', '3')
    .option('--native-threads <n>', "the native backend's intra-op threads (inter-op 1), or 'default' for TensorFlow's own pools", '1')
    .option('--quiet', 'no progress bar and no tables on stdout', false)
    .action(async (o: BenchFlags) => {
      p.setOptionValue('exitCode', await bench(o));
    });
  p.command('compare')
    .description('hold CURRENT against BASELINE (check and/or bench results, or directories holding check.json and bench.json); exit 1 on a regression')
    .argument('<baseline>', 'baseline result file or directory')
    .argument('<current>', 'current result file or directory')
    .option('--threshold <fraction>', 'speed: smallest change of the median that counts, in (0, 1)', '0.05')
    .option('--drift-factor <x>', 'numerics: growth of err/bound that counts as accuracy drift, > 1', '4')
    .option('--alpha <p>', 'speed: family-wise error rate of the Holm-adjusted tests, in (0, 1)', '0.05')
    .option('--normalise', "speed: divide by the control loop's ratio (experimental: off by default, see src/compare/verdicts.ts)", false)
    .option('--markdown <file>', 'also write the report as Markdown (for CI summaries)')
    .option('--junit <file>', 'also write JUnit XML (one test case per entry; regressions fail)')
    .option('--force', 'overwrite --markdown / --junit files that exist', false)
    .action(async (baseline: string, current: string, o: CompareFlags) => {
      p.setOptionValue('exitCode', await compare(baseline, current, o));
    });
  p.command('merge')
    .description('join the result files of a sharded check (check --shard I/N --json FILE) into the unsharded run\'s result file')
    .argument('<out>', 'the merged result file')
    .argument('<shards...>', 'the shards\' result files, one per shard')
    .option('--force', 'overwrite OUT if it exists', false)
    .action(async (out: string, shards: string[], o: { force: boolean }) => {
      const { mergeCommand } = await import('./compare/merge');
      p.setOptionValue('exitCode', mergeCommand(out, shards, o.force));
    });
  p.command('report')
    .description('render bench or model results (crosscheck bench, crosscheck model --json) as Markdown and self-contained HTML')
    .argument('<results...>', 'bench.json or model result files')
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
