/**
 * The one generic runner: op specs x cases x backends x checks, each outcome a
 * result record (data, not exceptions).
 */
import type { Tensor } from '@tensorflow/tfjs-node';
import { useBackend } from '../tfjs/backends';
import type { BackendId, NodeBackendId } from '../tfjs/backendIds';
import { FingerprintTable, ResultRecord, replayCommand } from './results';
import { UNSUPPORTED } from '../tfjs/support';
import { Shard, selectCases } from '../ops/select';
import { judgeElements } from './elementwise';
import type { Tensor64 } from '../../reference/tensor';
import { AnyOpSpec, Expected, KnownDiscrepancy, OpCase, inStorage, storedTensor, upstreamGradient } from '../ops/types';
import { BeyondStorageRange, FLOAT32, Storage, withStorage } from '../bounds/gamma';
import { tf } from '../tfjs/tf';
import { BackendLost } from '../tfjs/lost';

export interface RunOptions {
  ops: readonly AnyOpSpec[];
  /** Node backends, run in this process (unless `executors` is given). */
  backends: readonly NodeBackendId[];
  /** Where the TF.js calls run, when not this process's Node backends (a browser page). */
  executors?: readonly Executor[];
  seed: number;
  /** Run only the case with this id. */
  caseId?: string;
  /** `--shard I/N`: run only that part of the cases (src/ops/select.ts shardOf). */
  shard?: Shard;
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
function knownFor(spec: AnyOpSpec, c: OpCase<unknown>, backend: BackendId, check: string, expected?: Tensor64): KnownDiscrepancy<unknown> | undefined {
  const all = spec.known.filter((k) => k.check === check && k.backend === backend && k.when(c, expected));
  return all.find((k) => !k.machine || k.machine.shows?.() === true) ?? all[0];
}

/** What a backend returned for one check. */
export interface Output {
  shape: number[];
  data: Float32Array;
  /** GPU programs (shaders) the call ran, for the browser backends: the evidence that the GPU kernel computed it. */
  gpuPrograms?: number;
  /** The output is one of the inputs, bit for bit (a kernel that is the identity for these arguments needs no program). */
  identity?: boolean;
}

/**
 * Where a check's TF.js call runs: this process's TF.js (the Node backends) or a
 * page in a browser. `forward` and `grad` reject with TF.js's error.
 */
export interface Executor {
  backend: BackendId;
  /** How the backend stores values (float32 unless it stores in half precision): the bounds are derived for it. */
  storage?: Storage;
  /** The kernels of `kernels` the backend lacks, and why when the whole backend is unavailable. */
  missing(kernels: readonly string[]): { names: string[]; why?: string };
  forward(spec: AnyOpSpec, c: OpCase<unknown>): Promise<Output>;
  grad(spec: AnyOpSpec, c: OpCase<unknown>, input: string, dy: Tensor64): Promise<Output>;
}

function toTensor(t: Tensor64): Tensor {
  return tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
}

/** Runs a tensor-valued call inside tidy and reads the result back; frees the tape a failed gradient leaves. */
function readBack(call: () => Tensor): Output {
  try {
    // NOTE: the result leaves tidy through a closure: tidy walks a returned object's typed arrays element by element.
    let result: Output | undefined;
    tf.tidy(() => {
      const out = call();
      result = { shape: out.shape, data: out.dataSync() as Float32Array };
    });
    return result!;
  } catch (e) {
    releaseFailedTape();
    throw e;
  }
}

/** This process's TF.js on one of the Node backends. */
export function nodeExecutor(backend: NodeBackendId): Executor {
  const inputs = (spec: AnyOpSpec, c: OpCase<unknown>) => spec.inputs.map((name) => toTensor(c.inputs[name]));
  return {
    backend,
    missing: (kernels) => ({ names: kernels.filter((k) => tf.getKernel(k, backend) === undefined) }),
    async forward(spec, c) {
      await useBackend(backend);
      return readBack(() => spec.tfjs(tf, inputs(spec, c), c.params));
    },
    async grad(spec, c, input, dy) {
      await useBackend(backend);
      return readBack(() => {
        const xs = inputs(spec, c);
        const at = spec.inputs.indexOf(input);
        // NOTE: tf.grad of a closure over the other inputs runs only the backward kernel of this input.
        const f = (xi: Tensor) => spec.tfjs(tf, xs.map((t, k) => (k === at ? xi : t)), c.params);
        return tf.grad(f)(xs[at], toTensor(dy));
      });
    },
  };
}

/** Runs one check of one case and turns the outcome into a record. */
async function runOne(
  spec: AnyOpSpec, c: OpCase<unknown>, backend: BackendId, check: string, kernels: readonly string[],
  expected: Expected | Error, seed: number, missing: Executor['missing'], call: () => Promise<Output>, storage: Storage,
): Promise<ResultRecord> {
  const base = {
    op: spec.id, case: c.id, backend, check, exact: c.exact,
    errToBound: NaN, maxAbsErr: NaN, mismatches: 0, signedZeroMismatches: 0, elements: 0,
    replay: replayCommand(spec.id, c.id, backend, seed),
  };
  const skip = spec.known.find((k) => k.skip && k.check === check && k.backend === backend && k.when(c));
  if (skip) return { ...base, status: 'xfail', known: skip.readme, message: `not run, known bug: ${skip.note}` };
  const lack = missing(kernels);
  if (lack.why) return { ...base, status: 'unsupported', message: lack.why };
  if (lack.names.length > 0) {
    return { ...base, status: 'unsupported', message: `kernel${lack.names.length > 1 ? 's' : ''} ${lack.names.join(', ')} not registered for '${backend}'` };
  }
  if (expected instanceof BeyondStorageRange) return { ...base, status: 'unsupported', message: `not judged on ${storage.name} storage: ${expected.message}` };
  if (expected instanceof Error) return { ...base, status: 'error', message: `reference: ${expected.message}` };
  let got: Output;
  let again: Output | undefined;
  try {
    got = await call();
    // NOTE: forward results are computed twice: a backend that caches programs or buffers can differ on the second call.
    if (check === 'forward') again = await call();
  } catch (e) {
    if (e instanceof BackendLost) throw e;
    const message = e instanceof Error ? e.message : String(e);
    if (UNSUPPORTED.test(message)) return { ...base, status: 'unsupported', message };
    const known = knownFor(spec, c, backend, check, expected.value);
    return known ? { ...base, status: 'xfail', known: known.readme, message: `known ${known.kind === 'bug' ? 'bug' : 'semantic difference'}: ${known.note} (threw: ${message})` } : { ...base, status: 'error', message };
  }
  const cmp = judgeElements(expected.value, expected.bound, got, spec.strictZeroSign, storage.overflow);
  const rec: ResultRecord = {
    ...base,
    status: cmp.ok ? 'pass' : 'fail',
    errToBound: cmp.errToBound, maxAbsErr: cmp.maxAbsErr, mismatches: cmp.mismatches,
    signedZeroMismatches: cmp.signedZeroMismatches, elements: cmp.elements, worst: cmp.worst,
  };
  if (got.gpuPrograms !== undefined) rec.gpuPrograms = got.gpuPrograms;
  if (storage.name === 'float16') rec.storage = 'float16';
  const differs = again ? firstDifference(got, again) : undefined;
  if (differs) {
    rec.nondeterministic = differs;
    if (rec.status === 'pass') {
      rec.status = 'fail';
      rec.message = `nondeterministic: element ${differs.index} was ${differs.first} on the first call and ${differs.second} on the second (same inputs, same backend)`;
    }
  }
  if (cmp.shapeMismatch) rec.message = cmp.shapeMismatch;
  // NOTE: a known discrepancy covers its class whether the result was wrong on the first call or only on the second (a race).
  if (rec.status === 'fail') {
    const known = knownFor(spec, c, backend, check, expected.value);
    if (known) {
      rec.status = 'xfail';
      rec.known = known.readme;
      rec.message = `known ${known.kind === 'bug' ? 'bug' : 'semantic difference'}: ${known.note}${cmp.ok ? ` (${rec.message})` : ''}`;
    }
  }
  if (rec.status !== 'xfail' && !cmp.shapeMismatch) {
    const degenerate = degenerateOutput(expected.value, got);
    if (degenerate && rec.status === 'fail') rec.message = `${degenerate}${rec.message ? `; ${rec.message}` : ''}`;
  }
  if (got.gpuPrograms === 0 && !got.identity) {
    // NOTE: a browser backend that ran no GPU program and did not return an input computed the result elsewhere (CPU forwarding): the GPU kernel was not checked.
    return { ...rec, status: 'error', message: `no GPU program ran for this call: the result did not come from the ${backend} kernel (CPU forwarding?)` };
  }
  return rec;
}

/** The first element where two results of the same call differ bitwise (NaN payloads aside), or undefined. */
export function firstDifference(a: Output, b: Output): { index: number; first: number; second: number } | undefined {
  if (a.data.length !== b.data.length || a.shape.join() !== b.shape.join()) return { index: -1, first: a.data.length, second: b.data.length };
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i];
    const y = b.data[i];
    if (!Object.is(x, y) && !(Number.isNaN(x) && Number.isNaN(y))) return { index: i, first: x, second: y };
  }
  return undefined;
}

/**
 * Names an output that is all zeros or one constant where the reference is not
 * (uninitialised or never-written memory), for the failure message.
 */
export function degenerateOutput(expected: Tensor64, got: Output): string | undefined {
  const n = got.data.length;
  if (n < 2 || expected.data.length !== n) return undefined;
  const constant = (d: ArrayLike<number>) => {
    for (let i = 1; i < d.length; i++) if (!Object.is(d[i], d[0]) && !(Number.isNaN(d[i]) && Number.isNaN(d[0]))) return false;
    return true;
  };
  if (!constant(got.data) || constant(expected.data)) return undefined;
  return got.data[0] === 0 ? 'the output is all zeros where the reference is not' : `the output is the constant ${got.data[0]} where the reference is not`;
}

function attempt<T>(f: () => T): T | Error {
  try {
    return f();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/**
 * Every check of one case on each executor: the forward, then each gradient.
 * The reference is computed once per storage format: executors that store in
 * float16 get the case rounded to float16 and bounds derived for it.
 */
export async function runCase(spec: AnyOpSpec, c: OpCase<unknown>, executors: readonly Executor[], seed: number, emit: (r: ResultRecord) => void): Promise<void> {
  const formats = [...new Set(executors.map((ex) => ex.storage ?? FLOAT32))];
  for (const storage of formats) {
    const sc = inStorage(c, storage);
    const { forward, grads, dy, expectedGrads } = withStorage(storage, () => {
      const forward = attempt(() => spec.reference(sc));
      // NOTE: a case beyond the storage's range is recorded unsupported for its gradients too, not left out.
      const beyond = forward instanceof BeyondStorageRange;
      const defined = sc.gradients && (beyond || (!(forward instanceof Error) && (spec.gradientsDefined?.(sc) ?? true)));
      const grads = defined ? spec.grads : [];
      const dy = forward instanceof Error ? undefined : storedTensor(upstreamGradient(sc, forward.value.shape, seed), storage);
      return { forward, grads, dy, expectedGrads: grads.map((g) => (beyond ? forward : attempt(() => g.reference(sc, dy!)))) };
    });
    for (const ex of executors.filter((e) => (e.storage ?? FLOAT32) === storage)) {
      emit(await runOne(spec, sc, ex.backend, 'forward', spec.kernels, forward, seed, ex.missing, () => ex.forward(spec, sc), storage));
      for (const [gi, g] of grads.entries()) {
        emit(await runOne(spec, sc, ex.backend, `grad:${g.input}`, [...spec.kernels, ...g.kernels], expectedGrads[gi], seed, ex.missing, () => ex.grad(spec, sc, g.input, dy!), storage));
      }
    }
  }
}

/** Every op x case x backend x check, in this process; the reference is computed once per case. */
export async function runChecks(opts: RunOptions): Promise<ResultRecord[]> {
  const selected = selectCases(opts.ops, opts.seed, opts.caseId, opts.shard);
  const executors = opts.executors ?? opts.backends.map((b) => nodeExecutor(b));
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
      await runCase(spec, c, executors, opts.seed, emit);
    }
  }
  return records;
}

/** Probes every fingerprint of the given ops on each backend. */
export async function probeFingerprints(ops: readonly AnyOpSpec[], backends: readonly NodeBackendId[]): Promise<FingerprintTable> {
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
