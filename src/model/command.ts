/**
 * `crosscheck model MODEL`: the model on each backend in a worker process of
 * its own (src/model/worker.ts), one backend after another (so that each
 * backend's time is its own); prints the report, writes the result file,
 * returns the exit code: 1 when a kernel call broke its bound or errored, 2 on
 * bad input (a missing or corrupt model, an input of the wrong shape).
 */
import * as os from 'os';
import * as path from 'path';
import type { EnvBlock } from '../tfjs/backends';
import type { BackendId } from '../tfjs/backendIds';
import type { FlagValue } from '../tfjs/flags';
import { loadOverrides, registerFlags } from '../tfjs/overrides';
import { assertWritable, writeJson } from '../util/io';
import { lastWords, runNodeScript } from '../util/children';
import { decode } from '../util/json';
import { UsageError } from '../util/usage';
import { modelText } from './report';
import type { BackendOutcome } from './run';
import { MODEL_SCHEMA, ModelBackendRun, ModelFile, ModelRecord } from './types';
import type { ModelWorkerJob } from './worker';

/** The compiled worker; spec/ runs after `npm run build`. */
const WORKER = __filename.endsWith('.js') ? path.join(__dirname, 'worker.js') : path.resolve(__dirname, '..', '..', 'dist', 'src', 'model', 'worker.js');

export interface ModelCommandOptions {
  model: string;
  backends: readonly BackendId[];
  seed: number;
  input?: string;
  train: boolean;
  json?: string;
  force: boolean;
  register: readonly string[];
  /** Where replay files of breaking calls go (default: <tmp>/crosscheck-replay). */
  replayDir?: string;
  /** Browser backends: a Playwright browser server instead of a local Chromium, and TF.js flags for the page. */
  browserEndpoint?: string;
  tfFlags?: Record<string, FlagValue>;
}


/** Runs every backend and returns the result file (also used by tests and the programmatic API). */
export async function runModel(o: ModelCommandOptions, onBackend?: (b: string) => void): Promise<ModelFile> {
  const replayDir = path.resolve(o.replayDir ?? path.join(os.tmpdir(), 'crosscheck-replay'));
  const replaySuffix = registerFlags(o.register);
  let env: EnvBlock | undefined;
  const runs: ModelBackendRun[] = [];
  const results: ModelRecord[] = [];
  let model: ModelFile['model'] | undefined;
  for (const [i, backend] of o.backends.entries()) {
    onBackend?.(backend);
    const job: ModelWorkerJob = {
      source: o.model, backend, seed: o.seed, input: o.input ? path.resolve(o.input) : undefined, train: o.train,
      replayDir, replaySuffix, register: [...o.register], probe: i === 0, browserEndpoint: o.browserEndpoint, tfFlags: o.tfFlags,
    };
    let outcome: BackendOutcome | undefined;
    let usage: string | undefined;
    let failure: string | undefined;
    const started = Date.now();
    const child = await runNodeScript(WORKER, [JSON.stringify(job)], (line) => {
      const kind = line.slice(0, 1);
      const body = line.slice(2);
      if (kind === 'E') env = decode<EnvBlock>(body);
      else if (kind === 'U') usage = body;
      else if (kind === 'X') failure = body;
      else if (kind === 'R') outcome = decode<BackendOutcome>(body);
    });
    if (usage) throw new UsageError(usage);
    if (!outcome) {
      runs.push({
        backend, seconds: (Date.now() - started) / 1000, calls: 0, kernels: {}, layers: [],
        endToEnd: { maxAbsErr: NaN, maxRelErr: NaN, elements: 0 }, recordingIdentical: false,
        error: failure ?? `the ${backend} process ended without a result (${child.signal ?? `exit code ${child.code}`}): ${lastWords(child.stderr)}`,
      });
      continue;
    }
    model ??= outcome.model;
    runs.push(outcome.run);
    results.push(...outcome.records);
  }
  return {
    schema: MODEL_SCHEMA, kind: 'model', env,
    args: { model: o.model, backends: [...o.backends], seed: o.seed, input: o.input ?? null, train: o.train },
    model: model ?? { id: o.model, format: 'layers-model', inputShape: [], outputShape: [], layers: 0 },
    runs, results,
  };
}

/** 1 when a call broke its bound or errored, or a backend could not run the model. */
export function modelExitCode(file: ModelFile): number {
  return file.runs.some((r) => r.error) || file.results.some((r) => r.status === 'fail' || r.status === 'error') ? 1 : 0;
}

export async function modelCommand(o: ModelCommandOptions): Promise<number> {
  if (o.json) assertWritable('--json', o.json, o.force);
  const overrides = await loadOverrides(o.register);
  const file = await runModel(o, (b) => process.stderr.isTTY && process.stderr.write(`running ${o.model} on ${b}...\n`));
  const doc: ModelFile = overrides.length > 0 ? { ...file, overrides } : file;
  console.log(modelText(doc));
  if (o.json) {
    writeJson(o.json, doc);
    console.log(`\nwrote ${doc.results.length} kernel-call records to ${o.json}`);
  }
  return modelExitCode(doc);
}
