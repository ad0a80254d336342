/**
 * The one generic runner: op specs x cases x backends x checks, each outcome a
 * result record (data, not exceptions).
 */
import type { Tensor } from '@tensorflow/tfjs-node';
import { BackendId, useBackend } from './backends';
import { Comparison, compare } from './compare';
import { AnyOpSpec, Expected, OpCase } from './ops/types';
import { tf } from './tf';
import { UsageError } from './usage';

export type Status = 'pass' | 'fail' | 'unsupported' | 'error' | 'xfail';
export const STATUSES: readonly Status[] = ['pass', 'fail', 'unsupported', 'error', 'xfail'];

export interface ResultRecord {
  op: string;
  case: string;
  backend: BackendId;
  /** `forward` or `grad:<input>`. */
  check: string;
  status: Status;
  errToBound: number;
  maxAbsErr: number;
  mismatches: number;
  signedZeroMismatches: number;
  elements: number;
  exact: boolean;
  worst?: Comparison['worst'];
  /** Why it failed, errored, is unsupported, or which known discrepancy it is. */
  message?: string;
  replay: string;
}

export interface RunOptions {
  ops: readonly AnyOpSpec[];
  backends: readonly BackendId[];
  seed: number;
  /** Run only the case with this id. */
  caseId?: string;
  onResult?: (r: ResultRecord) => void;
}

export function replayCommand(op: string, caseId: string, backend: string, seed: number): string {
  return `npx crosscheck check --ops ${op} --case '${caseId}' --backends ${backend} --seed ${seed}`;
}

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

const UNSUPPORTED = /not registered|not (yet )?(implemented|supported)|unsupported/i;

/** Runs one check of one case on the active backend and turns the outcome into a record. */
function runOne(spec: AnyOpSpec, c: OpCase<unknown>, backend: BackendId, check: string, expected: Expected | Error, seed: number, call: () => Tensor): ResultRecord {
  const base = {
    op: spec.id, case: c.id, backend, check, exact: c.exact,
    errToBound: NaN, maxAbsErr: NaN, mismatches: 0, signedZeroMismatches: 0, elements: 0,
    replay: replayCommand(spec.id, c.id, backend, seed),
  };
  const missing = spec.kernels.filter((k) => tf.getKernel(k, backend) === undefined);
  if (missing.length > 0) {
    return { ...base, status: 'unsupported', message: `kernel${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not registered for '${backend}'` };
  }
  if (expected instanceof Error) return { ...base, status: 'error', message: `reference: ${expected.message}` };
  let got: { shape: number[]; data: Float32Array };
  try {
    got = tf.tidy(() => {
      const out = call();
      return { shape: out.shape, data: out.dataSync() as Float32Array };
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ...base, status: UNSUPPORTED.test(message) ? 'unsupported' : 'error', message };
  }
  const cmp = compare(expected.value, expected.bound, got, spec.strictZeroSign);
  const rec: ResultRecord = {
    ...base,
    status: cmp.ok ? 'pass' : 'fail',
    errToBound: cmp.errToBound, maxAbsErr: cmp.maxAbsErr, mismatches: cmp.mismatches,
    signedZeroMismatches: cmp.signedZeroMismatches, elements: cmp.elements, worst: cmp.worst,
  };
  if (cmp.shapeMismatch) rec.message = cmp.shapeMismatch;
  if (!cmp.ok) {
    const known = spec.known.find((k) => k.check === check && k.backend === backend && k.when(c));
    if (known) {
      rec.status = 'xfail';
      rec.message = `known discrepancy: ${known.note}`;
    }
  }
  return rec;
}

function referenceOf(spec: AnyOpSpec, c: OpCase<unknown>): Expected | Error {
  try {
    return spec.reference(c);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** Every op x case x backend; the reference is computed once per case. */
export async function runChecks(opts: RunOptions): Promise<ResultRecord[]> {
  const selected = selectCases(opts.ops, opts.seed, opts.caseId);
  const records: ResultRecord[] = [];
  for (const [spec, cases] of selected) {
    for (const c of cases) {
      const expected = referenceOf(spec, c);
      for (const backend of opts.backends) {
        await useBackend(backend);
        const call = () => {
          const xs = spec.inputs.map((name) => {
            const t = c.inputs[name];
            return tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
          });
          return spec.tfjs(tf, xs, c.params);
        };
        const rec = runOne(spec, c, backend, 'forward', expected, opts.seed, call);
        records.push(rec);
        opts.onResult?.(rec);
      }
    }
  }
  return records;
}
