/**
 * The processes of a `crosscheck bench` run: K fresh bench processes
 * (src/bench/worker.ts), one after another, never two at once (they would share
 * the two cores); and the native thread pools they start with.
 */
import * as path from 'path';
import { decode } from '../util/json';
import { lastWords, runNodeScript } from '../util/children';
import { UsageError } from '../util/usage';
import type { BenchResult } from './types';
import type { BenchJob } from './worker';

/** The compiled bench process; spec/ runs after `npm run build`. */
const BENCH_WORKER = __filename.endsWith('.js') ? path.join(__dirname, 'worker.js') : path.resolve(__dirname, '..', '..', 'dist', 'src', 'bench', 'worker.js');

/**
 * `--native-threads`: sets libtensorflow's pools for the bench processes before
 * it loads (intra-op N, inter-op 1), or leaves TensorFlow's defaults with `default`.
 */
export function applyNativeThreads(value: string): void {
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

/** Runs `processes` bench processes one after another and returns their results in order. */
export async function benchProcesses(job: BenchJob, processes: number, onProgress: (done: number, total: number, label: string) => void): Promise<BenchResult[]> {
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
