/**
 * matMul: reference/BatchMatMul.ts against `tf.matMul` (kernel BatchMatMul), with
 * transposes, inputs of rank 2 to 5 whose batch dimensions broadcast on either
 * side or both (a rank-2 b under a batched a, a rank-2 a under a batched b, 1s on
 * both sides), int32 inputs, and both gradients.
 *
 * int32 (TF.js multiplies int32 tensors where a backend accepts them): cpu sums in
 * JavaScript doubles into an int32 result, tensorflow in int32 arithmetic, wasm
 * rejects them ("not yet supported": `unsupported`). The cases keep sum |a_k b_k|
 * below 2^24, where a float32 kernel is exact too: the bound is 0. The
 * fingerprints show what happens beyond 2^24 and beyond 2^31.
 *
 * Bound: each output sums k products: gamma_k |A||B| (src/bounds/errorModel.ts); the
 * gradients are products too (dA = dy B^T, dB = A^T dy, summed over broadcast
 * batches: a sum of b products of k terms is one sum of b*k products).
 */
import type { Tensor } from '@tensorflow/tfjs-node';
import { ALL_BACKENDS } from '../tfjs/backendIds';
import { UNSUPPORTED } from '../tfjs/support';
import type { Tf } from '../tfjs/tf';
import { matMul, matMulGrad, matMulInfo } from '../../reference/BatchMatMul';
import { Tensor64, abs, sizeOf, tensor } from '../../reference/tensor';
import { input, matMulEV } from '../bounds/errorModel';
import { dotBound, storage } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { Fingerprint, KnownDiscrepancy, OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';

export interface MatMulParams {
  transposeA: boolean;
  transposeB: boolean;
  /** The dtype both inputs are given to tf.matMul in (int32: cast from the float32 tensors, whose values are integers). */
  dtype: 'float32' | 'int32';
}

/**
 * How the batch dimensions of a and b relate, each drawn from one output batch
 * shape `o` (rank 1 to 3, so inputs of rank 2 to 5): `2d` none; `same` equal;
 * `bRank2` / `aRank2` one side rank 2; `bSuffix` / `aSuffix` one side has the
 * trailing batch dimensions of the other (a lower rank); `bOnes` / `aOnes` one side has 1 where the
 * other does not; `both` each side has a 1 where the other does not, e.g.
 * a [2,1,3,4] x b [1,5,4,2]; `mixed` lower rank and ones together.
 */
export const BATCH_FORMS = ['2d', 'same', 'bRank2', 'aRank2', 'bSuffix', 'aSuffix', 'bOnes', 'aOnes', 'both', 'mixed'] as const;
export type BatchForm = (typeof BATCH_FORMS)[number];

/** A batch shape from `o`: its first `drop` dimensions dropped, then 1 wherever `ones` says. */
function batchOf(o: readonly number[], drop: number, ones: readonly boolean[]): number[] {
  return o.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
}

function batchShapes(rng: Rng, form: BatchForm): [number[], number[]] {
  const r = form === '2d' ? 0 : ['bSuffix', 'aSuffix', 'both', 'mixed'].includes(form) ? rng.int(2, 3) : rng.int(1, 3);
  const o = Array.from({ length: r }, () => rng.int(2, 3));
  const none = o.map(() => false);
  // a nonempty set of axes, not all of them where `proper` (so the other side can keep one)
  const someAxes = (proper: boolean): boolean[] => {
    const at = rng.int(0, r - 1);
    return o.map((_, d) => d === at || (!(proper && d === (at + 1) % r) && rng.next() < 0.3));
  };
  switch (form) {
    case '2d':
      return [[], []];
    case 'same':
      return [o, o];
    case 'bRank2':
      return [o, []];
    case 'aRank2':
      return [[], o];
    case 'bSuffix':
      return [o, batchOf(o, rng.int(1, r - 1), none)];
    case 'aSuffix':
      return [batchOf(o, rng.int(1, r - 1), none), o];
    case 'bOnes':
      return [o, batchOf(o, 0, someAxes(false))];
    case 'aOnes':
      return [batchOf(o, 0, someAxes(false)), o];
    case 'both': {
      const aOnes = someAxes(true);
      const bOnes = aOnes.map((x, d) => !x && (d === aOnes.findIndex((y) => !y) || rng.next() < 0.5));
      return [batchOf(o, 0, aOnes), batchOf(o, 0, bOnes)];
    }
    case 'mixed': {
      const ones = someAxes(true);
      const full = batchOf(o, 0, ones);
      const lower = batchOf(o, rng.int(1, r - 1), ones.map((x) => !x && rng.next() < 0.3));
      return rng.next() < 0.5 ? [full, lower] : [lower, full];
    }
  }
}

function shapes(rng: Rng, form: BatchForm): { a: number[]; b: number[]; p: MatMulParams } {
  const big = form === '2d' ? 9 : 6;
  const m = rng.int(1, big);
  const k = rng.int(1, big);
  const n = rng.int(1, big);
  const p: MatMulParams = { transposeA: rng.next() < 0.5, transposeB: rng.next() < 0.5, dtype: 'float32' };
  const [ba, bb] = batchShapes(rng, form);
  return { a: [...ba, ...(p.transposeA ? [k, m] : [m, k])], b: [...bb, ...(p.transposeB ? [n, k] : [k, n])], p };
}

/**
 * rand: uniform in [-1, 1); large: +-1e4; exact: integers in [-8, 8]; wide:
 * integers in [-1000, 1000] (int32 only: 9 products of 1000^2 stay below 2^24, so
 * every backend, float32 kernels included, gives the exact sum).
 */
export type MatMulKind = 'rand' | 'exact' | 'large' | 'wide';

function caseOf(a: number[], b: number[], p: MatMulParams, kind: MatMulKind, seed: number): OpCase<MatMulParams> {
  const id = `a=${fmtShape(a)} b=${fmtShape(b)} tA=${p.transposeA} tB=${p.transposeB} dt=${p.dtype} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  const draw = (shape: number[]) =>
    tensor(shape, kind === 'exact' ? rng.integers(sizeOf(shape), -8, 8) : kind === 'wide' ? rng.integers(sizeOf(shape), -1000, 1000) : rng.uniform(sizeOf(shape), kind === 'large' ? -1e4 : -1, kind === 'large' ? 1e4 : 1));
  const exact = kind === 'exact' || kind === 'wide';
  const empty = sizeOf(a) === 0 || sizeOf(b) === 0;
  // NOTE: TF.js has no gradient for an integer product (the gradient of int32 inputs is not defined); an empty input has none to check.
  return { id, params: p, inputs: { a: draw(a), b: draw(b) }, exact, gradients: p.dtype === 'float32' && !empty };
}

const int32 = (p: MatMulParams): MatMulParams => ({ ...p, dtype: 'int32' });

/** The output's batch shape. */
function outBatch(c: OpCase<MatMulParams>): number[] {
  return matMulInfo('matMul', c.inputs.a, c.inputs.b, c.params.transposeA, c.params.transposeB).batch;
}

/** Whether `name`'s batch was broadcast: a lower rank than the output, or a 1 where the output has more. */
export function broadcastAlong(c: OpCase<MatMulParams>, name: 'a' | 'b'): boolean {
  const o = outBatch(c);
  const t = c.inputs[name].shape.slice(0, -2);
  return t.length < o.length || sizeOf(t) < sizeOf(o);
}

/**
 * Whether `name`'s batch reaches the output's by a flat index modulo its batch
 * size, as the cpu and wasm kernels index it (they reshape both sides to rank 3,
 * [batch, rows, cols], and take batch bi % batchOf(side)): true when its batch
 * shape, padded with leading 1s, is 1s followed by the output's trailing
 * dimensions (equal batches, a lower rank, or a batch of 1).
 */
export function flatBroadcastHolds(c: OpCase<MatMulParams>, name: 'a' | 'b'): boolean {
  const o = outBatch(c);
  const t = c.inputs[name].shape.slice(0, -2);
  const p = [...new Array<number>(o.length - t.length).fill(1), ...t];
  let j = 0;
  while (j < p.length && p[j] === 1) j++;
  return p.slice(j).every((d, i) => d === o[j + i]);
}

/** Products of an exact case are exact while every partial sum (at most sum |a_k b_k|) is an integer the storage holds. */
function bound(c: OpCase<MatMulParams>, e: Float64Array, mag: Float64Array): Float64Array {
  return c.exact && mag.every((m) => m <= storage().exactIntegers) ? new Float64Array(e.length) : e;
}

const FLAT_BATCH_NOTE =
  "BatchMatMul reshapes both inputs to rank 3 and indexes each side's batch by the output batch modulo its size: a batch broadcast other than by leading dimensions (a 1 inside a batch shape, e.g. a [2,1,3,4] x b [1,5,4,2]) gives wrong products, and a shorter buffer than the output shape where both sides are broadcast";

/** #40: cpu and wasm (the check: forward, or the gradient whose product takes the other input). */
export const FLAT_BATCH_KNOWN: KnownDiscrepancy<MatMulParams>[] = (['cpu', 'wasm'] as const).flatMap((backend) => [
  { check: 'forward', backend, kind: 'bug' as const, when: (c: OpCase<MatMulParams>) => !flatBroadcastHolds(c, 'a') || !flatBroadcastHolds(c, 'b'), readme: 40, note: FLAT_BATCH_NOTE },
  // grad:a is a product of dy (the full batch) and b; grad:b of a and dy
  { check: 'grad:a', backend, kind: 'bug' as const, when: (c: OpCase<MatMulParams>) => !flatBroadcastHolds(c, 'b'), readme: 40, note: FLAT_BATCH_NOTE },
  { check: 'grad:b', backend, kind: 'bug' as const, when: (c: OpCase<MatMulParams>) => !flatBroadcastHolds(c, 'a'), readme: 40, note: FLAT_BATCH_NOTE },
]);

/**
 * #41: wasm sends an untransposed product of batch 1 to XNNPACK's fully connected
 * operator, which refuses 0 input channels (k = 0); the kernel then returns without
 * writing its output: uninitialised memory where the sum of no products is 0.
 */
export const WASM_EMPTY_INNER_KNOWN: KnownDiscrepancy<MatMulParams> = {
  check: 'forward',
  backend: 'wasm',
  kind: 'bug',
  when: (c) => {
    const g = matMulInfo('matMul', c.inputs.a, c.inputs.b, c.params.transposeA, c.params.transposeB);
    return !c.params.transposeA && !c.params.transposeB && g.k === 0 && g.m * g.n > 0 && sizeOf(c.inputs.a.shape.slice(0, -2)) === 1 && sizeOf(c.inputs.b.shape.slice(0, -2)) === 1;
  },
  readme: 41,
  note: 'wasm BatchMatMul with an empty inner dimension (k = 0), no transposes and batch 1 returns uninitialised memory instead of zeros (XNNPACK refuses a fully connected operator with 0 input channels and the kernel skips the product)',
};

/** #42: a batch dimension of size 0: wasm's kernel divides by the batch size (bi % 0). */
export const WASM_EMPTY_BATCH_KNOWN: KnownDiscrepancy<MatMulParams> = {
  check: 'forward',
  backend: 'wasm',
  kind: 'bug',
  when: (c) => outBatch(c).some((d) => d === 0),
  readme: 42,
  note: "wasm BatchMatMul traps with 'remainder by zero' when a batch dimension is 0 (the output is empty; cpu and tensorflow return it)",
};

/** Runs `f` on the active backend: its dtype and values, or how it threw. */
function probeRead(tf: Tf, f: () => Tensor): { dtype: string; data: number[] } | string {
  try {
    let out: { dtype: string; data: number[] } | undefined;
    tf.tidy(() => {
      const y = f();
      out = { dtype: y.dtype, data: Array.from(y.dataSync()) };
    });
    return out!;
  } catch (e) {
    const m = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/^Error in [^:]+: /, '');
    return UNSUPPORTED.test(m) ? `unsupported: ${m}` : `throws: ${m}`;
  }
}

const i32 = (tf: Tf, values: number[], shape: number[]) => tf.tensor(values, shape, 'int32');

export const MATMUL_FINGERPRINTS: readonly Fingerprint[] = [
  {
    name: 'int32 x int32: result dtype',
    probe(tf) {
      const got = probeRead(tf, () => tf.matMul(i32(tf, [1, 2, 3, 4], [2, 2]), i32(tf, [5, 6, 7, 8], [2, 2])));
      if (typeof got === 'string') return got;
      const want = matMul(tensor([2, 2], [1, 2, 3, 4]), tensor([2, 2], [5, 6, 7, 8])).data;
      return `${got.dtype}, ${got.data.every((v, i) => v === want[i]) ? 'exact' : `wrong [${got.data.join(',')}]`}`;
    },
  },
  {
    name: 'int32 x float32: result dtype (TF.js upcasts)',
    probe(tf) {
      const got = probeRead(tf, () => tf.matMul(i32(tf, [1, 2], [1, 2]), tf.tensor([5, 6], [2, 1], 'float32')));
      return typeof got === 'string' ? got : `${got.dtype}, ${got.data[0] === 17 ? 'exact' : got.data[0]}`;
    },
  },
  {
    // NOTE: 16785409 is odd and above 2^24: a float32 kernel cannot return it.
    name: 'int32 4097 x 4097 = 16785409 (beyond 2^24)',
    probe(tf) {
      const got = probeRead(tf, () => tf.matMul(i32(tf, [4097], [1, 1]), i32(tf, [4097], [1, 1])));
      return typeof got === 'string' ? got : got.data[0] === 4097 * 4097 ? 'exact' : String(got.data[0]);
    },
  },
  {
    name: 'int32 46341 x 46341 = 2147488281 (beyond 2^31 - 1)',
    probe(tf) {
      const got = probeRead(tf, () => tf.matMul(i32(tf, [46341], [1, 1]), i32(tf, [46341], [1, 1])));
      if (typeof got === 'string') return got;
      const v = got.data[0];
      return v === ((46341 * 46341) | 0) ? `wraps to ${v}` : String(v);
    },
  },
  {
    name: 'batches broadcast on both sides: [2,1,1,2] x [1,3,2,1]',
    probe(tf) {
      const a = [1, 2, 3, 4];
      const b = [1, -1, 2, 0, 3, 1];
      const got = probeRead(tf, () => tf.matMul(tf.tensor(a, [2, 1, 1, 2]), tf.tensor(b, [1, 3, 2, 1])));
      if (typeof got === 'string') return got;
      const want = matMul(tensor([2, 1, 1, 2], a), tensor([1, 3, 2, 1], b)).data;
      if (got.data.length !== want.length) return `wrong (${got.data.length} values for ${want.length})`;
      return got.data.every((v, i) => v === want[i]) ? 'correct' : 'wrong';
    },
  },
  {
    name: 'an empty inner dimension: [2,0] x [0,3]',
    probe(tf) {
      const got = probeRead(tf, () => tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 3])));
      if (typeof got === 'string') return got;
      return got.data.length === 6 && got.data.every((v) => v === 0) ? 'zeros (as the reference)' : `[${got.data.join(',')}]`;
    },
  },
];

const GRID = 150;

export const matMulSpec: OpSpec<MatMulParams> = {
  id: 'matMul',
  inputs: ['a', 'b'],
  kernels: ['BatchMatMul'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'matMul/grid'));
    const plain = { transposeA: false, transposeB: false, dtype: 'float32' as const };
    const out: OpCase<MatMulParams>[] = [
      caseOf([1, 1], [1, 1], plain, 'exact', seed),
      caseOf([1, 7], [7, 1], plain, 'rand', seed),
      caseOf([64, 32], [64, 48], { ...plain, transposeA: true }, 'rand', seed),
      caseOf([2, 40, 16], [16, 40], plain, 'rand', seed),
      // README #10's replay case
      caseOf([2, 2, 1], [1, 9, 1], { ...plain, transposeB: true }, 'rand', seed),
      // the issue's two-sided broadcast, rank 5 against rank 2, rank 2 against rank 5
      caseOf([2, 1, 3, 4], [1, 5, 4, 2], plain, 'rand', seed),
      caseOf([2, 1, 3, 4], [1, 5, 4, 2], plain, 'exact', seed),
      caseOf([2, 1, 2, 3, 4], [4, 2], plain, 'rand', seed),
      caseOf([3, 4], [2, 1, 3, 4, 2], plain, 'rand', seed),
      caseOf([2, 3, 1, 3, 4], [3, 2, 2, 4], { ...plain, transposeB: true }, 'rand', seed),
      // int32: the tensors TF.js multiplies are int32 (exact on every backend that accepts them)
      caseOf([2, 3], [3, 2], int32(plain), 'exact', seed),
      caseOf([9, 9], [9, 9], int32(plain), 'wide', seed),
      caseOf([2, 1, 3, 4], [1, 5, 4, 2], int32(plain), 'exact', seed),
      caseOf([3, 2, 4, 9], [9, 3], int32(plain), 'wide', seed),
      // empty dimensions (TF.js accepts them): k = 0 sums nothing (zeros), m = 0, n = 0 or a batch of 0 give empty outputs
      caseOf([2, 0], [0, 3], plain, 'rand', seed),
      caseOf([1, 3, 0], [0, 4], plain, 'rand', seed),
      caseOf([0, 2], [0, 3], { ...plain, transposeA: true }, 'rand', seed),
      caseOf([2, 2, 0], [2, 0, 3], plain, 'rand', seed),
      caseOf([0, 3], [3, 2], plain, 'rand', seed),
      caseOf([2, 3], [3, 0], plain, 'rand', seed),
      caseOf([0, 2, 3], [3, 2], plain, 'rand', seed),
    ];
    for (let i = 0; i < GRID; i++) {
      const { a, b, p } = shapes(rng, BATCH_FORMS[i % BATCH_FORMS.length]);
      out.push(caseOf(a, b, p, 'rand', seed));
      if (i % 3 === 0) out.push(caseOf(a, b, p, 'exact', seed));
      if (i % 4 === 1) out.push(caseOf(a, b, int32(p), i % 8 === 1 ? 'wide' : 'exact', seed));
      if (i % 10 === 2) out.push(caseOf(a, b, p, 'large', seed));
    }
    return uniqueIds(withNonFinite(out, 'a', 10));
  },

  reference(c) {
    const { a, b } = c.inputs;
    const { transposeA, transposeB } = c.params;
    const value = matMul(a, b, transposeA, transposeB);
    const mag = matMul(abs(a), abs(b), transposeA, transposeB).data;
    return { value, bound: bound(c, matMulEV(input(a), input(b), transposeA, transposeB).e, mag) };
  },

  value: (c) => matMul(c.inputs.a, c.inputs.b, c.params.transposeA, c.params.transposeB),

  grads: (['a', 'b'] as const).map((name) => ({
    input: name,
    kernels: [],
    reference(c: OpCase<MatMulParams>, dy: Tensor64) {
      const { a, b } = c.inputs;
      const { transposeA: tA, transposeB: tB } = c.params;
      const value = matMulGrad(a, b, dy, tA, tB)[name];
      // the same products as the reference, as magnitudes: |dy| |B|^T or |A|^T |dy|, reduced over batches
      const mag = matMulGrad(abs(a), abs(b), abs(dy), tA, tB)[name].data;
      const inner = name === 'a' ? dy.shape[dy.shape.length - 1] : dy.shape[dy.shape.length - 2];
      const batches = sizeOf(dy.shape.slice(0, -2)) / Math.max(1, sizeOf(c.inputs[name].shape.slice(0, -2)));
      // NOTE: a gradient summed over broadcast batches is a matMul and a sum: two stored results.
      return { value, bound: dotBound(mag, inner * batches, c.exact, batches > 1 ? 2 : 1) };
    },
  })),

  fingerprints: MATMUL_FINGERPRINTS,

  tfjs: (tf, [a, b], p) => (p.dtype === 'int32' ? tf.matMul(tf.cast(a, 'int32'), tf.cast(b, 'int32'), p.transposeA, p.transposeB) : tf.matMul(a, b, p.transposeA, p.transposeB)),

  // every batch form from one output batch shape: dropped leading dimensions and 1s on either side
  arbitrary: (fc) =>
    fc
      .record({
        m: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 6 }),
        tA: fc.boolean(), tB: fc.boolean(),
        o: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
        aDrop: fc.nat({ max: 3 }), bDrop: fc.nat({ max: 3 }),
        aOnes: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), bOnes: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        dtype: fc.constantFrom<MatMulParams['dtype']>('float32', 'int32'),
        kind: fc.constantFrom<'rand' | 'exact' | 'large'>('rand', 'exact', 'large'), seed: fc.nat(),
      })
      .map((r) => {
        const ba = batchOf(r.o, Math.min(r.aDrop, r.o.length), r.aOnes);
        const bb = batchOf(r.o, Math.min(r.bDrop, r.o.length), r.bOnes);
        const a = [...ba, ...(r.tA ? [r.k, r.m] : [r.m, r.k])];
        const b = [...bb, ...(r.tB ? [r.n, r.k] : [r.k, r.n])];
        return caseOf(a, b, { transposeA: r.tA, transposeB: r.tB, dtype: r.dtype }, r.dtype === 'int32' ? 'exact' : r.kind, r.seed);
      }),

  benchCases: (size) => [({ small: 64, medium: 256, large: 512 } as const)[size]].map((n) => caseOf([n, n], [n, n], { transposeA: false, transposeB: false, dtype: 'float32' }, 'rand', 1)),

  flops(c) {
    const g = matMulInfo('matMul', c.inputs.a, c.inputs.b, c.params.transposeA, c.params.transposeB);
    return 2 * g.aBatch.length * g.m * g.n * g.k;
  },

  errorInputs: [
    {
      name: 'inner dimensions 3 and 4',
      reference: () => matMul(tensor([2, 3]), tensor([4, 2])),
      tfjs: (tf) => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2])),
      message: /Error in matMul: inner dimensions of a \[2,3\] \(transposeA=false\) and b \[4,2\] \(transposeB=false\) must match, got 3 and 4/,
    },
    {
      name: 'inner dimensions 3 and 2 under transposeB',
      reference: () => matMul(tensor([2, 2, 3]), tensor([2, 4, 2]), false, true),
      tfjs: (tf) => tf.matMul(tf.ones([2, 2, 3]), tf.ones([2, 4, 2]), false, true),
      message: /Error in matMul: inner dimensions of a \[2,2,3\] \(transposeA=false\) and b \[2,4,2\] \(transposeB=true\) must match, got 3 and 2/,
    },
    {
      name: 'rank-1 a',
      reference: () => matMul(tensor([3]), tensor([3, 2])),
      tfjs: (tf) => tf.matMul(tf.ones([3]) as never, tf.ones([3, 2])),
      message: /Error in matMul: a and b must have rank >= 2, got \[3\] and \[3,2\]/,
    },
    {
      name: 'batch 2 against batch 3',
      reference: () => matMul(tensor([2, 2, 3]), tensor([3, 3, 2])),
      tfjs: (tf) => tf.matMul(tf.ones([2, 2, 3]), tf.ones([3, 3, 2])),
      message: /Error in matMul: batch dimensions of a \[2,2,3\] and b \[3,3,2\] do not broadcast/,
    },
    {
      name: 'batch [2,3] against batch [3,2]',
      reference: () => matMul(tensor([2, 3, 2, 2]), tensor([3, 2, 2, 2])),
      tfjs: (tf) => tf.matMul(tf.ones([2, 3, 2, 2]), tf.ones([3, 2, 2, 2])),
      message: /Error in matMul: batch dimensions of a \[2,3,2,2\] and b \[3,2,2,2\] do not broadcast/,
    },
  ],

  known: [
    // NOTE: a tfjs-core bug (the gradient is composed in tfjs-core), so every backend shows it.
    ...ALL_BACKENDS.flatMap((backend) =>
      (['a', 'b'] as const).map((name) => ({
        check: `grad:${name}`,
        backend,
        kind: 'bug' as const,
        // the input broadcast along a batch dimension: a lower rank than the output, or a 1 where the output has more
        when: (c: OpCase<MatMulParams>) => broadcastAlong(c, name),
        readme: 10,
        note: `tfjs-core's BatchMatMul gradient does not sum over the batch dimensions ${name} was broadcast along: tf.grad throws a shape mismatch`,
      })),
    ),
    ...FLAT_BATCH_KNOWN,
    WASM_EMPTY_INNER_KNOWN,
    WASM_EMPTY_BATCH_KNOWN,
  ],
};
