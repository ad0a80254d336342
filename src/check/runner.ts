/**
 * The one generic runner: op specs x cases x backends x checks, each outcome a
 * result record (data, not exceptions).
 */
import type { Tensor } from '@tensorflow/tfjs-node';
import { useBackend } from '../tfjs/backends';
import type { BackendId } from '../tfjs/backendIds';
import { FingerprintTable, ResultRecord, replayCommand } from './results';
import { UNSUPPORTED } from '../tfjs/support';
import { selectCases } from '../ops/select';
import { judgeElements } from './elementwise';
import type { Tensor64 } from '../../reference/tensor';
import { AnyOpSpec, Expected, KnownDiscrepancy, OpCase, upstreamGradient } from '../ops/types';
import { tf } from '../tfjs/tf';

export interface RunOptions {
  ops: readonly AnyOpSpec[];
  backends: readonly BackendId[];
  seed: number;
  /** Run only the case with this id. */
  caseId?: string;
  /** Skip the first `skip` cases (counted over all ops, in order): resumes a crashed run. */
  skip?: number;
  onResult?: (r: ResultRecord) => void;
  /** Called before each case with its index over all ops. */
  onCaseStart?: (index: number) => void;
}


/**
 * TF.js frees the tensors its tape saved for the backward pass only when the
 * backward succeeds (tfjs-core engine.gradients): a gradient that throws leaks
 * them, and the next tf.grad drops the tape without freeing it. After a failed
 * call we free them here (README, "Known backend discrepancies").
 */
export function releaseFailedTape(): void {
  const engine = tf.engine() as unknown as { state: { activeTape: { saved?: Tensor[] }[] | null; gradientDepth: number } };
  if (engine.state.activeTape && engine.state.gradientDepth === 0) {
    for (const node of engine.state.activeTape) for (const t of node.saved ?? []) t.dispose();
    engine.state.activeTape = null;
  }
}

/**
 * The known discrepancy that covers a failing case; where classes overlap, one
 * this machine is known to show comes first.
 */
function knownFor(spec: AnyOpSpec, c: OpCase<unknown>, backend: BackendId, check: string): KnownDiscrepancy<unknown> | undefined {
  const all = spec.known.filter((k) => k.check === check && k.backend === backend && k.when(c));
  return all.find((k) => !k.machine || k.machine.shows?.() === true) ?? all[0];
}

/** Runs one check of one case on the active backend and turns the outcome into a record. */
function runOne(
  spec: AnyOpSpec, c: OpCase<unknown>, backend: BackendId, check: string, kernels: readonly string[],
  expected: Expected | Error, seed: number, call: () => Tensor,
): ResultRecord {
  const base = {
    op: spec.id, case: c.id, backend, check, exact: c.exact,
    errToBound: NaN, maxAbsErr: NaN, mismatches: 0, signedZeroMismatches: 0, elements: 0,
    replay: replayCommand(spec.id, c.id, backend, seed),
  };
  const skip = spec.known.find((k) => k.skip && k.check === check && k.backend === backend && k.when(c));
  if (skip) return { ...base, status: 'xfail', known: skip.readme, message: `not run, known bug: ${skip.note}` };
  const missing = kernels.filter((k) => tf.getKernel(k, backend) === undefined);
  if (missing.length > 0) {
    return { ...base, status: 'unsupported', message: `kernel${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not registered for '${backend}'` };
  }
  if (expected instanceof Error) return { ...base, status: 'error', message: `reference: ${expected.message}` };
  let got: { shape: number[]; data: Float32Array };
  try {
    // NOTE: the result leaves tidy through a closure: tidy walks a returned object's typed arrays element by element.
    let result: { shape: number[]; data: Float32Array } | undefined;
    tf.tidy(() => {
      const out = call();
      result = { shape: out.shape, data: out.dataSync() as Float32Array };
    });
    got = result!;
  } catch (e) {
    releaseFailedTape();
    const message = e instanceof Error ? e.message : String(e);
    if (UNSUPPORTED.test(message)) return { ...base, status: 'unsupported', message };
    const known = knownFor(spec, c, backend, check);
    return known ? { ...base, status: 'xfail', known: known.readme, message: `known ${known.kind === 'bug' ? 'bug' : 'semantic difference'}: ${known.note} (threw: ${message})` } : { ...base, status: 'error', message };
  }
  const cmp = judgeElements(expected.value, expected.bound, got, spec.strictZeroSign);
  const rec: ResultRecord = {
    ...base,
    status: cmp.ok ? 'pass' : 'fail',
    errToBound: cmp.errToBound, maxAbsErr: cmp.maxAbsErr, mismatches: cmp.mismatches,
    signedZeroMismatches: cmp.signedZeroMismatches, elements: cmp.elements, worst: cmp.worst,
  };
  if (cmp.shapeMismatch) rec.message = cmp.shapeMismatch;
  if (!cmp.ok) {
    const known = knownFor(spec, c, backend, check);
    if (known) {
      rec.status = 'xfail';
      rec.known = known.readme;
      rec.message = `known ${known.kind === 'bug' ? 'bug' : 'semantic difference'}: ${known.note}`;
    }
  }
  return rec;
}

function attempt<T>(f: () => T): T | Error {
  try {
    return f();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function toTensor(t: Tensor64): Tensor {
  return tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
}

/** Every check of one case on each backend, in this process: the forward, then each gradient. */
export async function runCase(spec: AnyOpSpec, c: OpCase<unknown>, backends: readonly BackendId[], seed: number, emit: (r: ResultRecord) => void): Promise<void> {
  const forward = attempt(() => spec.reference(c));
  const grads = c.gradients && !(forward instanceof Error) ? spec.grads : [];
  const dy = forward instanceof Error ? undefined : upstreamGradient(c, forward.value.shape, seed);
  const expectedGrads = grads.map((g) => attempt(() => g.reference(c, dy!)));
  for (const backend of backends) {
    await useBackend(backend);
    const inputs = () => spec.inputs.map((name) => toTensor(c.inputs[name]));
    emit(runOne(spec, c, backend, 'forward', spec.kernels, forward, seed, () => spec.tfjs(tf, inputs(), c.params)));
    grads.forEach((g, gi) => {
      const call = () => {
        const xs = inputs();
        const at = spec.inputs.indexOf(g.input);
        // NOTE: tf.grad of a closure over the other inputs runs only the backward kernel of this input.
        const f = (xi: Tensor) => spec.tfjs(tf, xs.map((t, k) => (k === at ? xi : t)), c.params);
        return tf.grad(f)(xs[at], toTensor(dy!));
      };
      emit(runOne(spec, c, backend, `grad:${g.input}`, [...spec.kernels, ...g.kernels], expectedGrads[gi], seed, call));
    });
  }
}

/** Every op x case x backend x check, in this process; the reference is computed once per case. */
export async function runChecks(opts: RunOptions): Promise<ResultRecord[]> {
  const selected = selectCases(opts.ops, opts.seed, opts.caseId);
  const records: ResultRecord[] = [];
  const emit = (r: ResultRecord) => {
    records.push(r);
    opts.onResult?.(r);
  };
  let index = -1;
  for (const [spec, cases] of selected) {
    for (const c of cases) {
      index++;
      if (index < (opts.skip ?? 0)) continue;
      opts.onCaseStart?.(index);
      await runCase(spec, c, opts.backends, opts.seed, emit);
    }
  }
  return records;
}

/** Probes every fingerprint of the given ops on each backend. */
export async function probeFingerprints(ops: readonly AnyOpSpec[], backends: readonly BackendId[]): Promise<FingerprintTable> {
  const out: FingerprintTable = {};
  for (const backend of backends) {
    await useBackend(backend);
    for (const op of ops) {
      for (const fp of op.fingerprints) {
        out[op.id] ??= {};
        out[op.id][fp.name] ??= {};
        let verdict: string;
        try {
          verdict = fp.probe(tf);
        } catch (e) {
          verdict = `probe failed: ${e instanceof Error ? e.message : String(e)}`;
        }
        out[op.id][fp.name][backend] = verdict;
      }
    }
  }
  return out;
}
