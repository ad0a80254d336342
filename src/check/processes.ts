/**
 * Runs each backend's checks in a child process of its own (src/check/worker.ts), all
 * backends at once. A kernel that crashes the process (a native heap
 * corruption, a wasm abort) becomes an `error` record for the case that was
 * running, with the signal and the last words on stderr, and the run resumes
 * with the next case in a fresh process.
 */
import * as path from 'path';
import type { BackendId } from '../tfjs/backendIds';
import { lastWords, runNodeScript } from '../util/children';
import type { EnvBlock } from '../tfjs/backends';
import { AnyOpSpec, OpCase } from '../ops/types';
import { FingerprintTable, ResultRecord, replayCommand } from './results';
import { Shard, checksOf, selectCases } from '../ops/select';
import { decode } from '../util/json';
import type { WorkerJob } from './worker';
import type { BrowserEnv } from '../tfjs/browser';
import { LOST_EXIT } from '../tfjs/lost';
import type { FlagValue } from '../tfjs/flags';

/** The compiled worker; spec/ runs after `npm run build`. */
const WORKER = __filename.endsWith('.js') ? path.join(__dirname, 'worker.js') : path.resolve(__dirname, '..', '..', 'dist', 'src', 'check', 'worker.js');

export interface IsolatedRun {
  records: ResultRecord[];
  env?: EnvBlock;
  kernels: Partial<Record<BackendId, string[]>>;
  fingerprints: FingerprintTable;
  /** Processes that crashed, for the report. */
  crashes: { backend: BackendId; case: string; signal: string; stderr: string }[];
  /** Each browser backend's browser, GPU and TF.js flags. */
  browsers: Partial<Record<BackendId, BrowserEnv>>;
}

export interface IsolatedOptions {
  ops: readonly AnyOpSpec[];
  backends: readonly BackendId[];
  seed: number;
  caseId?: string;
  /** `--shard I/N`. */
  shard?: Shard;
  /** `--register` modules, loaded by every worker before its backend starts. */
  register?: readonly string[];
  /** A remote browser for the browser backends (`--browser-endpoint`). */
  browserEndpoint?: string;
  /** `--tf-flags`, set in every worker (and page) before its checks. */
  tfFlags?: Record<string, FlagValue>;
  onResult?: (r: ResultRecord) => void;
}

interface WorkerOutcome {
  done: boolean;
  lastStarted: number;
  code: number | null;
  signal: string | null;
  stderr: string;
}

async function runWorker(job: WorkerJob, onLine: (kind: string, body: string) => void): Promise<WorkerOutcome> {
  let done = false;
  let lastStarted = -1;
  const outcome = await runNodeScript(WORKER, [JSON.stringify(job)], (line) => {
    const kind = line.slice(0, 1);
    const body = line.slice(2);
    if (kind === 'S') lastStarted = Number(body);
    else if (kind === 'D') done = true;
    else onLine(kind, body);
  });
  return { ...outcome, done, lastStarted };
}

async function runBackend(opts: IsolatedOptions, backend: BackendId, flat: [AnyOpSpec, OpCase<unknown>][], run: IsolatedRun): Promise<void> {
  let skip = 0;
  let probe = true;
  for (;;) {
    const outcome = await runWorker(
      { ops: opts.ops.map((o) => o.id), backend, seed: opts.seed, caseId: opts.caseId, shard: opts.shard, skip, probe, register: [...(opts.register ?? [])], browserEndpoint: opts.browserEndpoint, tfFlags: opts.tfFlags },
      (kind, body) => {
        if (kind === 'R') {
          const r = decode<ResultRecord>(body);
          run.records.push(r);
          opts.onResult?.(r);
        } else if (kind === 'E') run.env ??= decode<EnvBlock>(body);
        else if (kind === 'B') run.browsers[backend] = decode<BrowserEnv>(body);
        else if (kind === 'K') run.kernels[backend] = decode<string[]>(body);
        else if (kind === 'F') {
          for (const [op, rows] of Object.entries(decode<FingerprintTable>(body))) {
            for (const [name, v] of Object.entries(rows)) Object.assign(((run.fingerprints[op] ??= {})[name] ??= {}), v);
          }
        }
      },
    );
    probe = false;
    if (outcome.done && outcome.code === 0) return;
    const at = outcome.lastStarted;
    const signal = outcome.signal ?? `exit code ${outcome.code}`;
    const words = lastWords(outcome.stderr);
    if (at < skip || at >= flat.length) {
      throw new Error(`the ${backend} worker failed before running a case (${signal}): ${words}`);
    }
    const [spec, c] = flat[at];
    run.crashes.push({ backend, case: `${spec.id} ${c.id}`, signal, stderr: words });
    const seen = new Set(run.records.filter((r) => r.backend === backend && r.op === spec.id && r.case === c.id).map((r) => r.check));
    for (const check of checksOf(spec, c).filter((k) => !seen.has(k))) {
      const r: ResultRecord = {
        op: spec.id, case: c.id, backend, check, status: 'error', exact: c.exact,
        errToBound: NaN, maxAbsErr: NaN, mismatches: 0, signedZeroMismatches: 0, elements: 0,
        message: outcome.code === LOST_EXIT
          ? `the ${backend} browser page or GPU context was lost while running this case${words ? `: ${words}` : ''}; the run went on in a fresh browser`
          : `the ${backend} process crashed (${signal}) while running this case${words ? `: ${words}` : ''}; a heap corruption may stem from an earlier case`,
        replay: replayCommand(spec.id, c.id, backend, opts.seed),
      };
      run.records.push(r);
      opts.onResult?.(r);
    }
    skip = at + 1;
    if (skip >= flat.length) return;
  }
}

/** Every op x case x backend x check, each backend in its own process, in parallel. */
export async function runIsolated(opts: IsolatedOptions): Promise<IsolatedRun> {
  const selected = selectCases(opts.ops, opts.seed, opts.caseId, opts.shard);
  const flat: [AnyOpSpec, OpCase<unknown>][] = [...selected].flatMap(([spec, cases]) => cases.map((c) => [spec, c] as [AnyOpSpec, OpCase<unknown>]));
  const run: IsolatedRun = { records: [], kernels: {}, fingerprints: {}, crashes: [], browsers: {} };
  await Promise.all(opts.backends.map((b) => runBackend(opts, b, flat, run)));
  // NOTE: workers finish in any order; records are sorted back into op, case, backend order.
  const order = new Map(flat.map(([s, c], i) => [`${s.id}\u0000${c.id}`, i]));
  const bi = (b: string) => opts.backends.indexOf(b as BackendId);
  run.records.sort((a, b) => order.get(`${a.op}\u0000${a.case}`)! - order.get(`${b.op}\u0000${b.case}`)! || bi(a.backend) - bi(b.backend));
  return run;
}
