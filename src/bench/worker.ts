/**
 * One bench process of a `crosscheck bench` run (src/bench/processes.ts starts K of them,
 * one after another, and joins them with src/bench/merge.ts). Streams to the
 * parent, one line each:
 *   P <done> <total> <label>   progress
 *   R <bench result json>      the result, at the end
 */
import { encode } from '../util/json';
import { registerModules } from '../tfjs/register';
import { OPS } from '../ops';
import type { BenchSize } from '../ops/types';
import type { Contender } from '../tfjs/backendIds';
import { runBench } from './bench';

export interface BenchJob {
  ops: string[];
  contenders: Contender[];
  sizes: BenchSize[];
  scaling: boolean;
  register: string[];
  budgetScale: number;
  /** A Playwright browser server for the browser contenders (`--browser-endpoint`). */
  browserEndpoint?: string;
}

async function main(job: BenchJob): Promise<void> {
  const overrides = await registerModules(job.register);
  const result = await runBench({
    ops: job.ops.map((id) => OPS.find((o) => o.id === id)!),
    contenders: job.contenders,
    sizes: job.sizes,
    scaling: job.scaling,
    overrides,
    budgetScale: job.budgetScale,
    browserEndpoint: job.browserEndpoint,
    onProgress: (done, total, label) => process.stdout.write(`P ${done} ${total} ${label}\n`),
  });
  process.stdout.write(`R ${encode(result)}\n`);
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as BenchJob).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(3);
  });
}
