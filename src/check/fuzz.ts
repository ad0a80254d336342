/**
 * Property-based fuzzing with fast-check: for an op, cases drawn from the
 * spec's arbitrary (random shapes and parameters within its limits) are checked
 * on every backend like the fixed grid (forward and gradients, in this
 * process for the Node backends, in a page for the browser backends). A failure is shrunk to a minimal case and reported with the seed
 * that replays the whole search.
 */
import * as fc from 'fast-check';
import type { BackendId } from '../tfjs/backendIds';
import { AnyOpSpec, OpCase } from '../ops/types';
import { ResultRecord } from './results';
import { Executor, runCase } from './runner';

export interface FuzzResult {
  op: string;
  backends: BackendId[];
  /** Cases run (shrinking included). */
  runs: number;
  seed: number;
  failed: boolean;
  /** The shrunk failing case and its bad records. */
  counterexample?: { case: string; inputs: Record<string, { shape: readonly number[]; data: number[] }>; records: ResultRecord[] };
  replay: string;
}

const bad = (r: ResultRecord) => r.status === 'fail' || r.status === 'error';

export async function fuzzOp(spec: AnyOpSpec, executors: readonly Executor[], numRuns: number, seed: number): Promise<FuzzResult | undefined> {
  if (!spec.arbitrary) return undefined;
  let runs = 0;
  const backends = executors.map((e) => e.backend);
  const check = async (c: OpCase<unknown>) => {
    const records: ResultRecord[] = [];
    await runCase(spec, c, executors, seed, (r) => records.push(r));
    return records;
  };
  const details = await fc.check(
    fc.asyncProperty(spec.arbitrary(fc), async (c) => {
      runs++;
      return !(await check(c)).some(bad);
    }),
    { numRuns, seed },
  );
  const result: FuzzResult = {
    op: spec.id, backends: [...backends], runs, seed, failed: details.failed,
    replay: `npx crosscheck check --ops ${spec.id} --backends ${backends.join(',')} --fuzz ${numRuns} --seed ${seed}`,
  };
  if (details.failed && details.counterexample) {
    const c = details.counterexample[0] as OpCase<unknown>;
    result.counterexample = {
      case: c.id,
      inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.data) }])),
      records: (await check(c)).filter(bad),
    };
  }
  return result;
}
