/**
 * `crosscheck check`: every op x case x backend x check, each backend in its own
 * process; prints the summary, writes the result file, returns the exit code.
 */
import type { AnyOpSpec } from '../ops/types';
import type { Shard } from '../ops/select';
import { ALL_BACKENDS, BackendId, NodeBackendId, isBrowserBackend } from '../tfjs/backendIds';
import { describeOverrides, loadOverrides, registerFlags } from '../tfjs/overrides';
import { supportTable } from '../tfjs/support';
import { assertWritable, writeJson } from '../util/io';
import { UsageError, parseList } from '../util/usage';
import { FlagValue, tfFlagsArg } from '../tfjs/flags';
import { runIsolated } from './processes';
import type { Executor } from './runner';
import { CHECK_SCHEMA } from './results';
import { checkReport } from './summary';

export interface CheckCommandOptions {
  ops: readonly AnyOpSpec[];
  /**
   * The backends, or (with `--register` modules, which may register backends
   * of their own) the `--backends` list as given, checked once the modules ran.
   */
  backends: readonly BackendId[] | string;
  seed: number;
  caseId?: string;
  /** `--shard I/N`: this run is one part of a sharded run (`crosscheck merge` joins them). */
  shard?: Shard;
  json?: string;
  force: boolean;
  /** Failures and errors printed in full (the rest are counted). */
  maxFailures: number;
  quiet: boolean;
  /** Every expected failure in full, not one line per known discrepancy. */
  verbose: boolean;
  /** fast-check cases per op after the grid (0: none). */
  fuzz: number;
  register: readonly string[];
  /** A remote browser for the browser backends (a Playwright browser server). */
  browserEndpoint?: string;
  /** `--tf-flags`: TF.js flags for every backend. */
  tfFlags?: Record<string, FlagValue>;
}

/** Runs the check and prints its report; 1 when something failed or errored. */
export async function checkCommand(o: CheckCommandOptions): Promise<number> {
  if (o.json) assertWritable('--json', o.json, o.force);
  if (o.browserEndpoint) {
    const { probeEndpoint } = await import('../tfjs/browser');
    const why = await probeEndpoint(o.browserEndpoint);
    if (why) throw new UsageError(`--browser-endpoint ${o.browserEndpoint}: no Playwright browser server answers there (${why}).`);
  }
  const overrides = await loadOverrides(o.register);
  const registered = overrides.flatMap((x) => x.backends ?? []);
  const backends = typeof o.backends === 'string' ? (parseList('--backends', 'backend', o.backends, [...ALL_BACKENDS, ...registered]) as BackendId[]) : o.backends;

  const started = Date.now();
  let done = 0;
  const progress = !o.quiet && process.stderr.isTTY;
  const run = await runIsolated({
    ops: o.ops, backends, seed: o.seed, caseId: o.caseId, shard: o.shard, register: o.register, browserEndpoint: o.browserEndpoint, tfFlags: o.tfFlags,
    onResult: (r) => {
      r.replay += registerFlags(o.register) + tfFlagsArg(o.tfFlags);
      done++;
      if (progress && done % 50 === 0) process.stderr.write(`\r${done} checks run...`);
    },
  });
  if (progress) process.stderr.write('\r');
  const { records, fingerprints, crashes, browsers } = run;
  const env = run.env && Object.keys(browsers).length > 0 ? { ...run.env, browsers } : run.env;
  const kernels = [...new Set(o.ops.flatMap((op) => [...op.kernels, ...op.grads.flatMap((g) => g.kernels)]))];
  const support = supportTable(kernels, backends, run.kernels);

  console.log(checkReport({
    records, env, browsers, fingerprints, crashes, backends, seed: o.seed,
    seconds: (Date.now() - started) / 1000, overrides: describeOverrides(overrides),
    maxFailures: o.maxFailures, verbose: o.verbose, json: o.json, tfFlags: o.tfFlags,
  }));
  const fuzz = o.fuzz > 0 ? await runFuzz(o.ops, backends, o.fuzz, o.seed, o.register, o.browserEndpoint, o.tfFlags) : [];
  if (o.json) {
    writeJson(o.json, {
      schema: CHECK_SCHEMA, kind: 'check', env,
      args: { ops: o.ops.map((x) => x.id), backends, seed: o.seed, case: o.caseId ?? null, shard: o.shard ?? null, fuzz: o.fuzz, tfFlags: o.tfFlags ?? {}, browserEndpoint: o.browserEndpoint ?? null },
      overrides, supportMatrix: support, fingerprints, crashes, fuzz, results: records,
    });
    console.log(`\nwrote ${records.length} results to ${o.json}`);
  }
  const bad = records.some((r) => r.status === 'fail' || r.status === 'error');
  return bad || fuzz.some((f) => f.failed) ? 1 : 0;
}

/** `--fuzz N`: N fast-check cases per op on the chosen backends (Node ones in this process, browser ones in a page each), a table, and each shrunk failure. */
async function runFuzz(ops: readonly AnyOpSpec[], all: readonly BackendId[], runs: number, seed: number, register: readonly string[], browserEndpoint?: string, tfFlags?: Record<string, FlagValue>) {
  const { fuzzOp } = await import('./fuzz');
  const { nodeExecutor } = await import('./runner');
  const executors: Executor[] = all.filter((b): b is NodeBackendId => !isBrowserBackend(b)).map((b) => nodeExecutor(b));
  const sessions: { close(): Promise<void> }[] = [];
  const unavailable: string[] = [];
  for (const b of all.filter(isBrowserBackend)) {
    const { BrowserSession } = await import('../tfjs/browser');
    const { browserExecutor } = await import('./browserExecutor');
    try {
      const session = await BrowserSession.open(b, { endpoint: browserEndpoint, flags: tfFlags });
      sessions.push(session);
      executors.push(browserExecutor(b, session));
    } catch (e) {
      unavailable.push(`${b} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
  }
  const backends = executors.map((e) => e.backend);
  const results = [];
  try {
    for (const op of ops) {
      const r = await fuzzOp(op, executors, runs, seed);
      if (r) results.push({ ...r, replay: r.replay + registerFlags(register) + tfFlagsArg(tfFlags) });
    }
  } finally {
    for (const s of sessions) await s.close();
  }
  if (unavailable.length > 0) console.log(`\nFuzzing skipped ${unavailable.join('; ')}`);
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
