/** Which cases and checks a run takes from the op specs. */
import { UsageError } from '../util/usage';
import type { AnyOpSpec, OpCase } from './types';

/** `--shard I/N`: the I-th (1-based) of N parts of a run. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `I/N` (1 <= I <= N, integers), or a UsageError naming the flag, the value and what is accepted. */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be I/N with integers 1 <= I <= N (e.g. 2/3 for the second of three shards), got '${s}'.`);
  }
  return { index, count };
}

/**
 * Which shard each case of a run belongs to: every case in exactly one shard,
 * the shards balanced by cost (the op's flops of the case, plus one so that
 * tiny cases count), longest first, each to the least loaded shard (ties: the
 * lower shard). Deterministic in the ops, the seed and N: every shard of a CI
 * matrix computes the same assignment.
 */
export function shardOf(cases: Map<AnyOpSpec, OpCase<unknown>[]>, count: number): Map<OpCase<unknown>, number> {
  let n = 0;
  const all = [...cases].flatMap(([op, cs]) => cs.map((c) => ({ c, cost: op.flops(c) + 1, order: n++ })));
  all.sort((a, b) => b.cost - a.cost || a.order - b.order);
  const load = new Array<number>(count).fill(0);
  const out = new Map<OpCase<unknown>, number>();
  for (const { c, cost } of all) {
    let best = 0;
    for (let k = 1; k < count; k++) if (load[k] < load[best]) best = k;
    load[best] += cost;
    out.set(c, best + 1);
  }
  return out;
}

/** The cases of each op, narrowed to `caseId` when given (a UsageError when nothing matches) and to one shard when given. */
export function selectCases(ops: readonly AnyOpSpec[], seed: number, caseId?: string, shard?: Shard): Map<AnyOpSpec, OpCase<unknown>[]> {
  const out = new Map<AnyOpSpec, OpCase<unknown>[]>();
  for (const op of ops) {
    const all = op.cases(seed) as OpCase<unknown>[];
    out.set(op, caseId === undefined ? all : all.filter((c) => c.id === caseId));
  }
  if (shard && shard.count > 1) {
    const of = shardOf(out, shard.count);
    for (const [op, cs] of out) out.set(op, cs.filter((c) => of.get(c) === shard.index));
  }
  if (caseId !== undefined && [...out.values()].every((cs) => cs.length === 0)) {
    const some = [...out.entries()].flatMap(([op]) => op.cases(seed).slice(0, 3).map((c) => `  ${op.id}: '${c.id}'`));
    throw new UsageError(`--case '${caseId}' matches no case of ${ops.map((o) => o.id).join(', ')} with --seed ${seed}. Case ids look like:\n${some.join('\n')}`);
  }
  return out;
}

/** The checks a case runs: forward, then one per gradient when the case has gradients. */
export function checksOf(spec: AnyOpSpec, c: OpCase<unknown>): string[] {
  return ['forward', ...(c.gradients ? spec.grads.map((g) => `grad:${g.input}`) : [])];
}
