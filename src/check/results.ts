/**
 * What `crosscheck check` writes: one record per op x case x backend x check,
 * and the result file around them. No TensorFlow.js here: the CLI parent
 * process uses them without loading a backend.
 */
import type { BackendId } from '../tfjs/backendIds';
import type { EnvBlock } from '../tfjs/backends';
import type { KernelOverride } from '../tfjs/overrides';
import type { ElementwiseResult } from './elementwise';

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
  worst?: ElementwiseResult['worst'];
  /** Why it failed, errored, is unsupported, or which known discrepancy it is. */
  message?: string;
  /** For an xfail: the number of its known discrepancy in the README. */
  known?: number;
  /** Set when the backend stores in float16: the case's inputs were rounded to float16 and the bound derived for it. */
  storage?: 'float16';
  /** Browser backends: GPU programs the call ran (0 would mean the GPU kernel was not what computed it). */
  gpuPrograms?: number;
  /** Set when two forward calls with the same inputs differed: the first differing element (flat index) and both values. */
  nondeterministic?: { index: number; first: number; second: number };
  replay: string;
}

export function replayCommand(op: string, caseId: string, backend: string, seed: number): string {
  return `npx crosscheck check --ops ${op} --case '${caseId}' --backends ${backend} --seed ${seed}`;
}

/** op id -> behaviour -> backend -> verdict */
export type FingerprintTable = Record<string, Record<string, Record<string, string>>>;

export const CHECK_SCHEMA = 'tfjs-crosscheck/check@1';

/** The file `crosscheck check --json FILE` writes (the fields `compare` reads are required). */
export interface CheckFile {
  schema: typeof CHECK_SCHEMA;
  kind: 'check';
  env?: EnvBlock;
  args: { ops: string[]; backends: string[]; seed: number };
  overrides?: KernelOverride[];
  results: ResultRecord[];
}
