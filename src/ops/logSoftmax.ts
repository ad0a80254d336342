/**
 * logSoftmax: reference/Softmax.ts `logSoftmax` against `tf.logSoftmax` over the
 * last axis (TF.js composes it: Max, Sub, Exp, Sum, Log, Sub, with a custom
 * gradient dx = dy - exp(y) sum(dy)). No case is exact: exp and log round.
 *
 * Bound (logSoftmaxEV below), with the error model of src/bounds/errorModel.ts:
 * one rounding u per elementwise step (the reference's u64 included), gamma_n for
 * the sum, and the assumption that exp and log are each within C_FN u of their
 * value relative (C_FN = 4, as softmaxEV assumes for exp; log likewise: a claim
 * about the backends' math libraries, which a failure would refute).
 */
import { logSoftmax, logSoftmaxGrad } from '../../reference/Softmax';
import { Tensor64, sizeOf, tensor } from '../../reference/tensor';
import { C_FN, EV, input, mulEV, subEV, sumLastEV, underflowLoss, unitRoundoff } from '../bounds/errorModel';
import { U64, gamma, storedGamma } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';

/**
 * rand: logits in [-4, 4); large: +-1e4; small: +-1e-4 (nearly uniform rows,
 * y near -log n); limit: [80, 89), where exp overflows without the max
 * subtraction; tiny: [-100, -87), where it underflows; onehot: one logit 0 and
 * the rest near -30 (y near 0 and near -30: the log of a sum just above 1);
 * neginf: some -Inf entries (y = -Inf there); masked: a row of only -Inf (NaN by
 * definition); const: equal logits (y = -log n).
 */
export type LogSoftmaxKind = 'rand' | 'large' | 'small' | 'limit' | 'tiny' | 'onehot' | 'neginf' | 'masked' | 'const';

export interface LogSoftmaxParams {
  kind: LogSoftmaxKind;
}

function values(rng: Rng, kind: LogSoftmaxKind, shape: number[]): Float64Array {
  const n = sizeOf(shape);
  const last = shape[shape.length - 1];
  switch (kind) {
    case 'large':
      return rng.uniform(n, -1e4, 1e4);
    case 'small':
      return rng.uniform(n, -1e-4, 1e-4);
    case 'limit':
      return rng.uniform(n, 80, 89);
    case 'tiny':
      return rng.uniform(n, -100, -87);
    case 'onehot': {
      const a = rng.uniform(n, -31, -29);
      for (let r = 0; r < n; r += last) a[r + rng.int(0, last - 1)] = 0;
      return a;
    }
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

function caseOf(shape: number[], kind: LogSoftmaxKind, seed: number): OpCase<LogSoftmaxParams> {
  const id = `x=${fmtShape(shape)} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  // NOTE: no gradient where a logit is -Inf: y = -Inf there, and <y, dy> has no finite difference.
  return { id, params: { kind }, inputs: { logits: tensor(shape, values(rng, kind, shape)) }, exact: false, gradients: kind !== 'masked' && kind !== 'neginf' };
}

/**
 * The bound of TF.js's steps, row by row (m the row maximum, exact; p_j the
 * softmax; U = unitRoundoff(); gamma_n for the sum; eta the underflow loss):
 *   d_j = x_j - m, rounded once:            |d^_j - d_j| <= delta_j = U |d_j| + eta;
 *   e_j = exp(d^_j) within C_FN U relative (and eta);
 *   S = sum_j e_j within gamma_n:           S^/S in [(1 - B)(1 - C_FN U)(1 - gamma_n), (1 + A)(1 + C_FN U)(1 + gamma_n)]
 *     with A = sum_j p_j expm1(delta_j), B = -sum_j p_j expm1(-delta_j) (the exponents'
 *     errors weighted by their share of S), so |log S^ - log S| <= rho (+ 4 n eta, S >= 1);
 *   L = log(S^) within C_FN U relative:     |L^ - L| <= E_L = rho + C_FN U (L + rho) + eta;
 *   y_j = d^_j - L^, rounded once:          |y^_j - y_j| <= delta_j + E_L + U (|y_j| + delta_j + E_L) + eta.
 * A -Inf logit gives -Inf exactly on both sides (bound 0); a NaN row stays NaN.
 */
export function logSoftmaxEV(x: Tensor64): EV {
  const U = unitRoundoff();
  const eta = underflowLoss();
  const n = x.shape[x.shape.length - 1];
  const g = storedGamma(n) + gamma(n, U64);
  const v = logSoftmax(x).data;
  const e = new Float64Array(v.length);
  for (let r = 0; r < v.length; r += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x.data[r + j]);
    let S = 0;
    for (let j = 0; j < n; j++) S += Math.exp(x.data[r + j] - m);
    const delta = (j: number) => U * Math.abs(x.data[r + j] - m) + eta;
    let A = 0;
    let B = 0;
    for (let j = 0; j < n; j++) {
      if (x.data[r + j] === -Infinity) continue;
      const p = Math.exp(x.data[r + j] - m) / S;
      A += p * Math.expm1(delta(j));
      B -= p * Math.expm1(-delta(j));
    }
    const up = Math.log1p(A) + Math.log1p(C_FN * U) + Math.log1p(g);
    const down = -(Math.log1p(-B) + Math.log1p(-C_FN * U) + Math.log1p(-g));
    const rho = Math.max(up, down) + 4 * n * eta;
    const L = Math.log(S);
    const EL = rho + C_FN * U * (L + rho) + eta;
    for (let j = 0; j < n; j++) {
      const i = r + j;
      if (Number.isNaN(v[i])) e[i] = NaN;
      else if (v[i] === -Infinity) e[i] = 0;
      else e[i] = delta(j) + EL + U * (Math.abs(v[i]) + delta(j) + EL) + eta;
    }
  }
  return { shape: x.shape, v, e };
}

/**
 * TF.js's gradient, step by step: s = exp(y) (from the forward's y and its
 * bound: |exp(y^)(1 + C_FN U) - exp(y)| <= exp(y + e_y)(e_y + C_FN U) + eta);
 * dx = dy - sum(dy) * s.
 */
export function logSoftmaxGradEV(y: EV, dy: Tensor64): EV {
  const U = unitRoundoff();
  const eta = underflowLoss();
  const s: EV = { shape: y.shape, v: y.v.map(Math.exp), e: y.v.map((x, i) => Math.exp(x + y.e[i]) * (y.e[i] + C_FN * U) + eta) };
  return subEV(input(dy), mulEV(sumLastEV(input(dy)), s));
}

export const logSoftmaxSpec: OpSpec<LogSoftmaxParams> = {
  id: 'logSoftmax',
  inputs: ['logits'],
  kernels: ['Max', 'Sub', 'Exp', 'Sum', 'Log'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'logSoftmax/grid'));
    const out: OpCase<LogSoftmaxParams>[] = [
      caseOf([1], 'rand', seed), caseOf([1, 1], 'limit', seed), caseOf([7], 'rand', seed),
      caseOf([4, 512], 'rand', seed), caseOf([2, 512], 'large', seed), caseOf([3, 512], 'onehot', seed), caseOf([2, 512], 'small', seed),
      caseOf([2, 3, 4, 5], 'rand', seed), caseOf([2, 1, 3, 2, 6], 'rand', seed), caseOf([1, 2, 1, 2, 1, 3], 'rand', seed),
    ];
    const kinds: LogSoftmaxKind[] = ['rand', 'rand', 'rand', 'large', 'small', 'limit', 'tiny', 'onehot', 'neginf', 'masked', 'const'];
    for (let i = 0; i < 150; i++) {
      const rank = 1 + (i % 5);
      const shape = [...Array.from({ length: rank - 1 }, () => rng.int(1, 3)), rng.int(1, 9)];
      out.push(caseOf(shape, kinds[i % kinds.length], seed));
    }
    return uniqueIds(withNonFinite(out, 'logits', 10));
  },

  reference(c) {
    const e = logSoftmaxEV(c.inputs.logits);
    return { value: { shape: e.shape, data: e.v }, bound: e.e };
  },

  value: (c) => logSoftmax(c.inputs.logits),

  grads: [
    {
      input: 'logits',
      kernels: ['Exp', 'Sum', 'Multiply', 'Sub'],
      reference(c, dy: Tensor64) {
        const y = logSoftmaxEV(c.inputs.logits);
        const value = logSoftmaxGrad({ shape: y.shape, data: y.v }, dy);
        return { value, bound: logSoftmaxGradEV(y, dy).e };
      },
    },
  ],

  fingerprints: [],

  tfjs: (tf, [x]) => tf.logSoftmax(x),

  arbitrary: (fc) =>
    fc
      .record({
        lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 4 }),
        last: fc.integer({ min: 1, max: 9 }),
        kind: fc.constantFrom<LogSoftmaxKind>('rand', 'large', 'small', 'limit', 'tiny', 'onehot', 'neginf', 'const'),
        seed: fc.nat(),
      })
      .map((r) => caseOf([...r.lead, r.last], r.kind, r.seed)),

  benchCases: (size) => [({ small: 64, medium: 256, large: 1024 } as const)[size]].map((n) => caseOf([n, n], 'rand', 1)),

  flops: (c) => 5 * c.inputs.logits.data.length,

  errorInputs: [
    {
      name: 'axis 0 of logits [2,3]',
      reference: () => logSoftmax(tensor([2, 3]), 0),
      tfjs: (tf) => tf.logSoftmax(tf.ones([2, 3]), 0),
      message: /Error in logSoftmax: axis must be the last axis \(-1 or 1 for logits \[2,3\]\), got 0/,
    },
    {
      name: 'a scalar',
      reference: () => logSoftmax(tensor([])),
      tfjs: (tf) => tf.logSoftmax(tf.scalar(1)),
      message: /Error in logSoftmax: logits must have rank >= 1, got a scalar/,
    },
    {
      name: 'an empty last axis [2,0]',
      reference: () => logSoftmax(tensor([2, 0])),
      tfjs: (tf) => tf.logSoftmax(tf.zeros([2, 0])),
      message: /Error in logSoftmax: the last axis of logits \[2,0\] is empty/,
    },
    {
      name: 'gradient: dy [2,2] for y [2,3]',
      reference: () => logSoftmaxGrad(tensor([2, 3]), tensor([2, 2])),
      tfjs: (tf) => tf.grad((x) => tf.logSoftmax(x))(tf.ones([2, 3]), tf.ones([2, 2])),
      message: /Error in logSoftmaxGrad: dy must have the shape of y \[2,3\], got \[2,2\]/,
    },
  ],

  known: [],
};
