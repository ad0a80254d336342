/**
 * Result records and the pure helpers around them (no TensorFlow.js here: the
 * CLI parent process uses them without loading a backend).
 */
import type { BackendId } from './backendIds';
import type { Comparison } from './compare';
import type { AnyOpSpec, OpCase } from './ops/types';
import { UsageError } from './usage';

/** Messages by which TF.js says it does not implement something (a kernel, a gradient). */
export const UNSUPPORTED = /not registered|not (yet )?(implemented|supported)|unsupported|gradient function not found/i;

/** kernel -> backend -> registered */
export type SupportMatrix = Record<string, Record<string, boolean>>;

/** The support matrix from each backend's registered kernel names (as the workers report them). */
export function supportTable(kernels: readonly string[], backends: readonly BackendId[], registered: Partial<Record<BackendId, readonly string[]>>): SupportMatrix {
  return Object.fromEntries(kernels.map((k) => [k, Object.fromEntries(backends.map((b) => [b, registered[b]?.includes(k) ?? false]))]));
}

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


/** The checks a case runs: forward, then one per gradient when the case has gradients. */
export function checksOf(spec: AnyOpSpec, c: OpCase<unknown>): string[] {
  return ['forward', ...(c.gradients ? spec.grads.map((g) => `grad:${g.input}`) : [])];
}

/** op id -> behaviour -> backend -> verdict */
export type FingerprintTable = Record<string, Record<string, Record<string, string>>>;


/** JSON with NaN and +-Infinity spelled out, so that records survive the pipe. */
export function encode(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? `__num:${x}` : x));
}

export function decode<T>(s: string): T {
  return JSON.parse(s, (_k, x) => (typeof x === 'string' && x.startsWith('__num:') ? Number(x.slice(6)) : x)) as T;
}


/** What one `--register` module changed in the kernel registry (src/register.ts). */
export interface KernelOverride {
  /** The module as given on the command line. */
  module: string;
  /** `backend/KernelName` of every kernel the module added or replaced. */
  kernels: string[];
  /** `backend/KernelName` of every kernel it unregistered without a replacement. */
  removed: string[];
}

/** One line per module, for the summaries. */
export function describeOverrides(overrides: readonly KernelOverride[]): string[] {
  return overrides.map((o) => `${o.module}: ${[...o.kernels, ...o.removed.map((k) => `${k} (removed)`)].join(', ')}`);
}
