/**
 * An op spec joins one reference op with its TF.js call: its cases, its error
 * bound, its cost. The generic runner (src/check/runner.ts) does the rest.
 */
import type { Tensor } from '@tensorflow/tfjs-node';
import type * as FastCheck from 'fast-check';
import type { Tensor64 } from '../../reference/tensor';
import type { BackendId } from '../tfjs/backendIds';
import type { Tf } from '../tfjs/tf';
import { Storage, roundToFloat16 } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';

export interface OpCase<P> {
  /** Names the configuration, e.g. `x=[1,4,4,1] f=[1,1,1,3] s=[2,2] p=same d=[1,1] v=rand`. */
  id: string;
  params: P;
  /** Float32-representable values, keyed by input name. */
  inputs: Record<string, Tensor64>;
  /** Small-integer inputs whose float32 arithmetic is exact: the bound is 0. */
  exact: boolean;
  /** Whether the gradient checks run on this case (not where the gradient is undefined, e.g. NaN inputs). */
  gradients: boolean;
}

/** The reference value of one check and the per-element bound it is held to. */
export interface Expected {
  value: Tensor64;
  bound: Float64Array;
}

/** The gradient of the op with respect to one input: check `grad:<input>`. */
export interface GradSpec<P> {
  input: string;
  /** TF.js kernels this gradient needs (besides the forward's). */
  kernels: readonly string[];
  /** The reference gradient for upstream gradient `dy`, and its bound. */
  reference(c: OpCase<P>, dy: Tensor64): Expected;
  /** The reference gradient alone, for the bench (computing the bound costs as much again). */
  value?(c: OpCase<P>, dy: Tensor64): Tensor64;
  /** The backward kernel alone (`tf.engine().runKernel`), for the bench; without it the bench times tf.grad. */
  kernel?(tf: Tf, inputs: Tensor[], dy: Tensor, params: P): Tensor;
}

/** A scaling sweep of `crosscheck bench`: one axis of the op's size, what the notes predict, one case per point. */
export interface ScalingSweep<P> {
  axis: string;
  expected: string;
  points: { x: number; case: OpCase<P> }[];
}

/** A behaviour the notes leave open, probed on each backend (ties, NaN, accepted arguments). */
export interface Fingerprint {
  name: string;
  /** Runs on the active backend; returns a short verdict such as 'first' or 'NaN'. */
  probe(tf: Tf): string;
}

/**
 * A backend bug or semantic difference found by this suite, confirmed by a second
 * oracle and listed in the README ("Known backend discrepancies"). A failing
 * result inside `when` is reported as `xfail`, with its full evidence; a failure
 * outside it stays `fail`.
 */
export interface KnownDiscrepancy<P> {
  check: string;
  backend: BackendId;
  /** 'bug' (the backend is wrong) or 'semantic' (a convention the notes leave open differs). */
  kind: 'bug' | 'semantic';
  /** The class of cases it covers (derived from probing, see the README); `expected` is the reference value of the check. */
  when(c: OpCase<P>, expected?: Tensor64): boolean;
  /** One line: what is wrong. */
  note: string;
  /** Its number in the README's "Known backend discrepancies". */
  readme: number;
  /** Not run at all on this backend: it crashes or corrupts the process. */
  skip?: boolean;
  /** Set when only some machines show it (the native library picks its kernels by the CPU). */
  machine?: MachineDependence;
}

/** Which machines show a discrepancy, as far as it is known. */
export interface MachineDependence {
  /** One line: what it depends on, and where it was and was not seen. */
  note: string;
  /** Whether this machine shows it; absent when the condition is not known. */
  shows?(): boolean;
}

/**
 * An ill-formed call: the reference must reject it with `message`; what TF.js
 * does with the same call on each backend is recorded (spec/ and README).
 */
export interface ErrorInput {
  name: string;
  reference(): unknown;
  tfjs(tf: Tf): Tensor;
  message: RegExp;
}

/** The size sweeps of `crosscheck bench`. */
export const BENCH_SIZES = ['small', 'medium', 'large'] as const;
export type BenchSize = (typeof BENCH_SIZES)[number];

export interface OpSpec<P> {
  /** The forward op's id, as in TF.js (`conv2d`, `maxPool`, ...). */
  id: string;
  /** Input names in the order `tfjs` takes them. */
  inputs: readonly string[];
  /** TF.js kernels the forward needs; a backend lacking one is `unsupported`. */
  kernels: readonly string[];
  /** True when the op defines the sign of a zero result (max, relu); sums do not. */
  strictZeroSign: boolean;
  /** Every case of a run, deterministic in `seed`. */
  cases(seed: number): OpCase<P>[];
  /** The float64 reference and its bound. */
  reference(c: OpCase<P>): Expected;
  /** The reference value alone, where computing the bound costs more than the value (finite differences). */
  value?(c: OpCase<P>): Tensor64;
  /** The TF.js equivalent, run on the active backend. */
  tfjs(tf: Tf, inputs: Tensor[], params: P): Tensor;
  /** Floating-point operations of one forward call. */
  flops(c: OpCase<P>): number;
  /** fast-check cases within the spec's limits, for fuzzing; they shrink toward small shapes. */
  arbitrary?(fc: typeof FastCheck): FastCheck.Arbitrary<OpCase<P>>;
  /** Cases for `crosscheck bench`: the same case machinery at a benchmark size. */
  benchCases?(size: BenchSize): OpCase<P>[];
  /** Gradients `crosscheck bench` times at a size: which input, on which case. */
  benchGrads?(size: BenchSize): { input: string; case: OpCase<P> }[];
  /** The scaling sweeps of `crosscheck bench` (fitted against the notes' complexity). */
  scalingSweeps?(): ScalingSweep<P>[];
  /** Gradients checked with tf.grad against the reference backward. */
  grads: readonly GradSpec<P>[];
  /**
   * Whether a case's gradients are still well defined under the storage in force
   * (src/bounds/gamma.ts withStorage), where the case generator's check was made
   * for float32: e.g. float16 rounding can change which cell wins a window.
   */
  gradientsDefined?(c: OpCase<P>): boolean;
  /** Behaviours probed per backend and printed as a table. */
  fingerprints: readonly Fingerprint[];
  /** Ill-formed calls and the reference's error for each. */
  errorInputs: readonly ErrorInput[];
  /** Confirmed backend discrepancies (README, "Known backend discrepancies"). */
  known: readonly KnownDiscrepancy<P>[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOpSpec = OpSpec<any>;

/** `[1,4,4,1]` */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Appends `#2`, `#3`, ... to repeated ids so that `--case` selects exactly one case. */
export function uniqueIds<P>(cases: OpCase<P>[]): OpCase<P>[] {
  const seen = new Map<string, number>();
  for (const c of cases) {
    const k = (seen.get(c.id) ?? 0) + 1;
    seen.set(c.id, k);
    if (k > 1) c.id = `${c.id} #${k}`;
  }
  return cases;
}

/**
 * Non-finite variants of some cases: NaN, +Inf, -Inf and -0 written into the
 * first input at seeded positions (the notes leave non-finite inputs undefined;
 * the reference follows IEEE 754 through its own formulas). Gradients are not
 * checked on them.
 */
export function withNonFinite<P>(cases: OpCase<P>[], input: string, every: number): OpCase<P>[] {
  const extra: OpCase<P>[] = [];
  cases.forEach((c, i) => {
    if (i % every !== 0 || c.exact) return;
    const t = c.inputs[input];
    const data = Float64Array.from(t.data);
    const specials = [NaN, Infinity, -Infinity, -0];
    specials.forEach((v, k) => {
      data[(i * 7 + k * 13) % data.length] = v;
    });
    extra.push({ ...c, id: `${c.id} nonfinite`, inputs: { ...c.inputs, [input]: { shape: t.shape, data } }, gradients: false });
  });
  return [...cases, ...extra];
}

/**
 * The upstream gradient of a case: random float32 values in [-1, 1), or nonzero
 * integers in [-3, 3] for exact cases; never all ones.
 */
export function upstreamGradient(c: OpCase<unknown>, shape: readonly number[], seed: number): Tensor64 {
  const rng = new Rng(hashSeed(seed, `${c.id} dy`));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = c.exact ? rng.integers(n, 1, 6).map((v) => (v <= 3 ? v - 4 : v - 3)) : rng.uniform(n);
  if (data.every((v) => v === 1)) data[0] = 2;
  return { shape: [...shape], data };
}

const isTensor64 = (v: unknown): v is Tensor64 => typeof v === 'object' && v !== null && (v as Tensor64).data instanceof Float64Array && Array.isArray((v as Tensor64).shape);

/** Every tensor of a case: its inputs, then its tensor parameters (masks). */
export function caseTensors(c: OpCase<unknown>): Tensor64[] {
  const params = typeof c.params === 'object' && c.params !== null ? Object.values(c.params).filter(isTensor64) : [];
  return [...Object.values(c.inputs), ...params];
}

/** A tensor as a backend that stores in `storage` holds it (float16: to nearest, ties to even, overflow to +-Inf). */
export function storedTensor(t: Tensor64, storage: Storage): Tensor64 {
  return storage.name === 'float32' ? t : { shape: t.shape, data: t.data.map(roundToFloat16) };
}

/**
 * A case as a backend that stores in `storage` receives it: every tensor of its
 * inputs and parameters (masks) stored in that format, so that the reference
 * computes on the values the backend holds. float32 cases are returned as they are.
 */
export function inStorage<P>(c: OpCase<P>, storage: Storage): OpCase<P> {
  if (storage.name === 'float32') return c;
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, storedTensor(t, storage)]));
  const params = typeof c.params === 'object' && c.params !== null && !Array.isArray(c.params)
    ? (Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, isTensor64(v) ? storedTensor(v, storage) : v])) as P)
    : c.params;
  return { ...c, inputs, params };
}
