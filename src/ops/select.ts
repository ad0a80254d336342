/** Which cases and checks a run takes from the op specs. */
import { UsageError } from '../util/usage';
import type { AnyOpSpec, OpCase } from './types';

/** The cases of each op, narrowed to `caseId` when given (a UsageError when nothing matches). */
export function selectCases(ops: readonly AnyOpSpec[], seed: number, caseId?: string): Map<AnyOpSpec, OpCase<unknown>[]> {
  const out = new Map<AnyOpSpec, OpCase<unknown>[]>();
  for (const op of ops) {
    const all = op.cases(seed) as OpCase<unknown>[];
    out.set(op, caseId === undefined ? all : all.filter((c) => c.id === caseId));
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
