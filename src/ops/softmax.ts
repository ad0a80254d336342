/**
 * softmax: reference/Softmax.ts against `tf.softmax` (kernel Softmax) over the
 * last axis of logits of rank 1 to 6 (TF.js rejects any other axis), and its
 * gradient dx = y (dy - sum(dy y)).
 *
 * Bound: src/bounds/errorModel.ts softmaxEV (exponent errors, exp accuracy, the sum and
 * the division) and softmaxGradEV (TF.js's gradient steps).
 */
import { BROWSER_BACKENDS } from '../tfjs/backendIds';
import { softmax, softmaxGrad } from '../../reference/Softmax';
import { Tensor64, sizeOf, tensor } from '../../reference/tensor';
import { input, softmaxEV, softmaxGradEV } from '../bounds/errorModel';
import { Rng, hashSeed } from '../util/random';
import { OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';

/**
 * rand: logits in [-4, 4); large: +-1e4; limit: around 88.7 = ln(FLT_MAX), where
 * exp overflows without the max subtraction; neginf: some -Inf entries (masked);
 * masked: a row of only -Inf (NaN by definition); const: equal logits.
 */
export type SoftmaxKind = 'rand' | 'large' | 'limit' | 'neginf' | 'masked' | 'const';

export interface SoftmaxParams {
  kind: SoftmaxKind;
}

function values(rng: Rng, kind: SoftmaxKind, shape: number[]): Float64Array {
  const n = sizeOf(shape);
  const last = shape[shape.length - 1];
  switch (kind) {
    case 'large':
      return rng.uniform(n, -1e4, 1e4);
    case 'limit':
      return rng.uniform(n, 80, 89);
    case 'const':
      return new Float64Array(n).fill(Math.fround(0.3));
    case 'neginf':
    case 'masked': {
      const a = rng.uniform(n, -4, 4);
      for (let r = 0; r < n; r += last) {
        for (let j = 0; j < last; j++) if (rng.next() < 0.3) a[r + j] = -Infinity;
        if (kind === 'masked' && r === 0) a.fill(-Infinity, 0, last);
        if (kind === 'neginf' && a.subarray(r, r + last).every((x) => x === -Infinity)) a[r] = 0;
      }
      return a;
    }
    case 'rand':
      return rng.uniform(n, -4, 4);
  }
}

function caseOf(shape: number[], kind: SoftmaxKind, seed: number): OpCase<SoftmaxParams> {
  const id = `x=${fmtShape(shape)} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  return { id, params: { kind }, inputs: { logits: tensor(shape, values(rng, kind, shape)) }, exact: false, gradients: kind !== 'masked' };
}

/** A row of all -Inf (case kind 'masked'): the reference gives NaN (0/0), webgl finite weights. */
export const WEBGL_SOFTMAX_MASKED = BROWSER_BACKENDS.filter((b) => b.startsWith('webgl')).map((backend) => ({
  check: 'forward',
  backend,
  kind: 'bug' as const,
  when: (c: OpCase<SoftmaxParams>) => c.params.kind === 'masked',
  readme: 17,
  note: 'webgl Softmax of a row whose logits are all -Inf returns finite weights (1 where the reference, cpu and webgpu give NaN)',
}));

/** NaN or +-Inf in a row: the reference, cpu and webgl give NaN for the whole row. */
export const WEBGPU_SOFTMAX_NONFINITE = [
  {
    check: 'forward',
    backend: 'webgpu' as const,
    kind: 'bug' as const,
    when: (c: OpCase<SoftmaxParams>) => c.id.includes(' nonfinite'),
    readme: 18,
    note: 'webgpu Softmax does not carry a NaN or Inf of a row to the other entries: [1, NaN, 2] gives [0, NaN, 0] where the reference, cpu and webgl give NaN everywhere',
  },
];

export const softmaxSpec: OpSpec<SoftmaxParams> = {
  id: 'softmax',
  inputs: ['logits'],
  kernels: ['Softmax'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'softmax/grid'));
    const out: OpCase<SoftmaxParams>[] = [caseOf([1], 'rand', seed), caseOf([1, 1], 'limit', seed), caseOf([4, 512], 'rand', seed), caseOf([2, 512], 'large', seed)];
    const kinds: SoftmaxKind[] = ['rand', 'rand', 'rand', 'large', 'limit', 'neginf', 'masked', 'const'];
    for (let i = 0; i < 110; i++) {
      const rank = rng.int(1, 3);
      const shape = Array.from({ length: rank }, () => rng.int(1, 9));
      out.push(caseOf(shape, kinds[i % kinds.length], seed));
    }
    // ranks 4 to 6 (TF.js takes any rank; the kernels reduce the last axis)
    const high = new Rng(hashSeed(seed, 'softmax/high ranks'));
    for (let i = 0; i < 24; i++) {
      const rank = 4 + (i % 3);
      const shape = [...Array.from({ length: rank - 1 }, () => high.int(1, 3)), high.int(1, 9)];
      out.push(caseOf(shape, kinds[i % kinds.length], seed));
    }
    return uniqueIds(withNonFinite(out, 'logits', 10));
  },

  reference(c) {
    const e = softmaxEV(input(c.inputs.logits));
    return { value: softmax(c.inputs.logits), bound: e.e };
  },

  value: (c) => softmax(c.inputs.logits),

  grads: [
    {
      input: 'logits',
      kernels: [],
      reference(c, dy: Tensor64) {
        const y = softmaxEV(input(c.inputs.logits));
        const value = softmaxGrad(softmax(c.inputs.logits), dy);
        return { value, bound: softmaxGradEV(y, input(dy)).e };
      },
    },
  ],

  fingerprints: [],

  tfjs: (tf, [x]) => tf.softmax(x),

  arbitrary: (fc) =>
    fc
      .record({
        lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 4 }),
        last: fc.integer({ min: 1, max: 9 }),
        kind: fc.constantFrom<SoftmaxKind>('rand', 'large', 'limit', 'neginf', 'const'),
        seed: fc.nat(),
      })
      .map((r) => caseOf([...r.lead, r.last], r.kind, r.seed)),

  benchCases: (size) => [({ small: 64, medium: 256, large: 1024 } as const)[size]].map((n) => caseOf([n, n], 'rand', 1)),

  flops: (c) => 4 * c.inputs.logits.data.length,

  errorInputs: [
    {
      name: 'dim 0 of logits [2,3]',
      reference: () => softmax(tensor([2, 3]), 0),
      tfjs: (tf) => tf.softmax(tf.ones([2, 3]), 0),
      message: /Error in softmax: dim must be the last axis \(-1 or 1 for logits \[2,3\]\), got 0/,
    },
    {
      name: 'a scalar',
      reference: () => softmax(tensor([])),
      tfjs: (tf) => tf.softmax(tf.scalar(1)),
      message: /Error in softmax: logits must have rank >= 1, got a scalar/,
    },
    {
      name: 'an empty last axis [2,0]',
      reference: () => softmax(tensor([2, 0])),
      tfjs: (tf) => tf.softmax(tf.zeros([2, 0])),
      message: /Error in softmax: the last axis of logits \[2,0\] is empty/,
    },
    {
      name: 'gradient: dy [2,2] for y [2,3]',
      reference: () => softmaxGrad(tensor([2, 3]), tensor([2, 2])),
      tfjs: (tf) => tf.grad((x) => tf.softmax(x))(tf.ones([2, 3]), tf.ones([2, 2])),
      message: /Error in softmaxGrad: dy must have the shape of y \[2,3\], got \[2,2\]/,
    },
  ],

  known: [...WEBGL_SOFTMAX_MASKED, ...WEBGPU_SOFTMAX_NONFINITE],
};
