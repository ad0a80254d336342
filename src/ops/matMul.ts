/**
 * matMul: reference/BatchMatMul.ts against `tf.matMul` (kernel BatchMatMul), with
 * transposes, broadcast batches, and both gradients.
 *
 * Bound: each output sums k products: gamma_k |A||B| (src/bounds/errorModel.ts); the
 * gradients are products too (dA = dy B^T, dB = A^T dy, summed over broadcast
 * batches: a sum of b products of k terms is one sum of b*k products).
 */
import { ALL_BACKENDS } from '../tfjs/backendIds';
import { matMul, matMulGrad, matMulInfo } from '../../reference/BatchMatMul';
import { Tensor64, sizeOf, tensor } from '../../reference/tensor';
import { input, matMulEV } from '../bounds/errorModel';
import { dotBound } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';

export interface MatMulParams {
  transposeA: boolean;
  transposeB: boolean;
}

const GRID = 120;

function shapes(rng: Rng): { a: number[]; b: number[]; p: MatMulParams } {
  const m = rng.int(1, 9);
  const k = rng.int(1, 9);
  const n = rng.int(1, 9);
  const p = { transposeA: rng.next() < 0.5, transposeB: rng.next() < 0.5 };
  const rank3 = rng.next() < 0.5;
  const batch = rng.int(1, 3);
  const bcast = rank3 && rng.next() < 0.3; // b has batch 1 (broadcast) or rank 2
  const a2 = p.transposeA ? [k, m] : [m, k];
  const b2 = p.transposeB ? [n, k] : [k, n];
  return {
    a: rank3 ? [batch, ...a2] : a2,
    b: rank3 ? (bcast ? (rng.next() < 0.5 ? [1, ...b2] : b2) : [batch, ...b2]) : b2,
    p,
  };
}

function caseOf(a: number[], b: number[], p: MatMulParams, kind: 'rand' | 'exact' | 'large', seed: number): OpCase<MatMulParams> {
  const id = `a=${fmtShape(a)} b=${fmtShape(b)} tA=${p.transposeA} tB=${p.transposeB} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  const draw = (shape: number[]) => tensor(shape, kind === 'exact' ? rng.integers(sizeOf(shape), -8, 8) : rng.uniform(sizeOf(shape), kind === 'large' ? -1e4 : -1, kind === 'large' ? 1e4 : 1));
  return { id, params: p, inputs: { a: draw(a), b: draw(b) }, exact: kind === 'exact', gradients: true };
}

/** Products of an exact case are exact: 8*8*9 terms stay far below 2^24. */
function bound(c: OpCase<MatMulParams>, t: { shape: readonly number[]; e: Float64Array }): Float64Array {
  return c.exact ? new Float64Array(t.e.length) : t.e;
}

export const matMulSpec: OpSpec<MatMulParams> = {
  id: 'matMul',
  inputs: ['a', 'b'],
  kernels: ['BatchMatMul'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'matMul/grid'));
    const out: OpCase<MatMulParams>[] = [
      caseOf([1, 1], [1, 1], { transposeA: false, transposeB: false }, 'exact', seed),
      caseOf([1, 7], [7, 1], { transposeA: false, transposeB: false }, 'rand', seed),
      caseOf([64, 32], [64, 48], { transposeA: true, transposeB: false }, 'rand', seed),
      caseOf([2, 40, 16], [16, 40], { transposeA: false, transposeB: false }, 'rand', seed),
    ];
    for (let i = 0; i < GRID; i++) {
      const { a, b, p } = shapes(rng);
      out.push(caseOf(a, b, p, 'rand', seed));
      if (i % 3 === 0) out.push(caseOf(a, b, p, 'exact', seed));
      if (i % 10 === 1) out.push(caseOf(a, b, p, 'large', seed));
    }
    return uniqueIds(withNonFinite(out, 'a', 10));
  },

  reference(c) {
    const { a, b } = c.inputs;
    const { transposeA, transposeB } = c.params;
    const value = matMul(a, b, transposeA, transposeB);
    return { value, bound: bound(c, matMulEV(input(a), input(b), transposeA, transposeB)) };
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
      const abs = (t: Tensor64) => ({ shape: t.shape, data: t.data.map(Math.abs) });
      const mag = matMulGrad(abs(a), abs(b), abs(dy), tA, tB)[name].data;
      const inner = name === 'a' ? dy.shape[dy.shape.length - 1] : dy.shape[dy.shape.length - 2];
      const batches = sizeOf(dy.shape.slice(0, -2)) / Math.max(1, sizeOf(c.inputs[name].shape.slice(0, -2)));
      // NOTE: a gradient summed over broadcast batches is a matMul and a sum: two stored results.
      return { value, bound: dotBound(mag, inner * batches, c.exact, batches > 1 ? 2 : 1) };
    },
  })),

  fingerprints: [],

  tfjs: (tf, [a, b], p) => tf.matMul(a, b, p.transposeA, p.transposeB),

  arbitrary: (fc) =>
    fc
      .record({
        m: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }),
        tA: fc.boolean(), tB: fc.boolean(), batch: fc.integer({ min: 1, max: 3 }), rank3: fc.boolean(),
        kind: fc.constantFrom<'rand' | 'exact' | 'large'>('rand', 'exact', 'large'), seed: fc.nat(),
      })
      .map((r) => {
        const a2 = r.tA ? [r.k, r.m] : [r.m, r.k];
        const b2 = r.tB ? [r.n, r.k] : [r.k, r.n];
        return caseOf(r.rank3 ? [r.batch, ...a2] : a2, r.rank3 ? [r.batch, ...b2] : b2, { transposeA: r.tA, transposeB: r.tB }, r.kind, r.seed);
      }),

  benchCases: (size) => [({ small: 64, medium: 256, large: 512 } as const)[size]].map((n) => caseOf([n, n], [n, n], { transposeA: false, transposeB: false }, 'rand', 1)),

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
  ],

  // NOTE: a tfjs-core bug (the gradient is composed in tfjs-core), so every backend shows it.
  known: ALL_BACKENDS.map((backend) => ({
    check: 'grad:b',
    backend,
    kind: 'bug' as const,
    // b broadcast along a batch dimension: a rank-2 b under a rank-3 a, or a batch of 1 under a larger one
    when: (c: OpCase<MatMulParams>) => c.inputs.b.shape.length < c.inputs.a.shape.length || sizeOf(c.inputs.b.shape.slice(0, -2)) < sizeOf(c.inputs.a.shape.slice(0, -2)),
    readme: 10,
    note: "tfjs-core's BatchMatMul gradient does not sum over the batch dimensions b was broadcast along: tf.grad throws a shape mismatch",
  })),
};
