/**
 * Running error bounds for composed ops (Higham, "Accuracy and Stability of
 * Numerical Algorithms", ch. 3): each value carries the float64 reference value
 * `v` and a bound `e` on |float32 computation - exact|, element-wise. Every step
 * is the one TF.js runs for the composition, with this rounding model:
 *   - a sum of K products (matMul), in any order, with or without FMA:
 *     gamma_K (Higham eq. 3.5), on the perturbed operands;
 *   - one elementwise op (add, sub, mul, a division): one rounding, u;
 *   - exp, tanh, sin, cos: within C_FN * u relative (plus the argument's error
 *     times the function's slope), C_FN = 4: an assumption about the backends'
 *     math libraries, not a fact; a backend outside it shows up as a failure;
 *   - softmax: see softmaxEV;
 *   - underflow: every rounding may also lose ETA32 = 2^-126 absolutely (denormals
 *     flushed to zero), a product sum K * ETA32.
 * Values are the reference's (float64, essentially exact); u64 terms are added so
 * the bound covers the reference's own rounding too. Where a backend stores in
 * float16 (src/bounds/gamma.ts, Storage), every step's result is also rounded
 * when it is stored: u grows by u16 per step and each sum's bound by one stored
 * rounding, and ETA by the float16 underflow.
 */
import { matMul } from '../../reference/BatchMatMul';
import { reluScalar } from '../../reference/Relu';
import { Shape, Tensor64, broadcastIndex, permute } from '../../reference/tensor';
import { ETA32, U32, U64, gamma, storage, storedConstant, storedGamma, BeyondStorageRange } from './gamma';

export interface EV {
  shape: Shape;
  v: Float64Array;
  e: Float64Array;
  /** Set when a value may have overflowed its storage (float16): usable as a final result, not as an operand. */
  beyondRange?: string;
}

/** Relative accuracy assumed for exp, tanh, sin and cos on every backend, in units of u. */
export const C_FN = 4;
/** One rounding of a step: float32 arithmetic, then storing (float16), plus the reference's float64. */
const unitRoundoff = () => U32 + storage().store + U64;
/** A sum of k terms in float32, stored once. */
const G = (k: number) => storedGamma(k) + gamma(k, U64);
/** Absolute loss of one step (underflow): float32's, plus float16's when stored in it. */
const eta = () => ETA32 + storage().eta;

/**
 * A step's result as it is stored: where the storage is float16 and a finite
 * value may reach its overflow, the stored value may be +-Inf. As a final result
 * that is judged (src/check/elementwise.ts accepts the overflow); as an operand
 * of a further step it is beyond what this model bounds (`operands` throws
 * BeyondStorageRange). float32 steps are not marked (the cases stay far below
 * FLOAT32_MAX).
 */
function stored(a: EV, step: string): EV {
  const s = storage();
  if (s.name === 'float32') return a;
  for (let i = 0; i < a.v.length; i++) {
    if (Number.isFinite(a.v[i]) && Math.abs(a.v[i]) + a.e[i] >= s.overflow) {
      return { ...a, beyondRange: `${step} reaches ${a.v[i].toPrecision(6)} (bound ${a.e[i].toPrecision(3)}), beyond ${s.name}'s range (overflow from ${s.overflow}), and a further step uses it: the error model does not bound what follows` };
    }
  }
  return a;
}

/** Refuses operands that may have overflowed their storage (see `stored`). */
function operands(...xs: EV[]): void {
  for (const x of xs) if (x.beyondRange) throw new BeyondStorageRange(x.beyondRange);
}

/** An input: float32 values shared exactly by the reference and the backend. */
export function input(t: Tensor64): EV {
  return { shape: t.shape, v: t.data, e: new Float64Array(t.data.length) };
}

export function value(a: EV): Tensor64 {
  return { shape: a.shape, data: a.v };
}

const t64 = (shape: Shape, data: Float64Array): Tensor64 => ({ shape, data });
const absT = (shape: Shape, d: Float64Array) => t64(shape, d.map(Math.abs));

/** a (x) b with the error of gamma_K on perturbed operands: |A| eB + eA |B| + eA eB + gamma_K (|A| + eA)(|B| + eB). */
export function matMulEV(a: EV, b: EV, transposeA = false, transposeB = false): EV {
  operands(a, b);
  const v = matMul(value(a), value(b), transposeA, transposeB);
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const A = absT(a.shape, a.v);
  const B = absT(b.shape, b.v);
  const eA = t64(a.shape, a.e);
  const eB = t64(b.shape, b.e);
  const mm = (x: Tensor64, y: Tensor64) => matMul(x, y, transposeA, transposeB).data;
  const first = mm(A, eB);
  const second = mm(eA, B);
  const third = mm(eA, eB);
  const big = mm(t64(a.shape, A.data.map((x, i) => x + a.e[i])), t64(b.shape, B.data.map((x, i) => x + b.e[i])));
  const g = G(k);
  return stored({ shape: v.shape, v: v.data, e: first.map((f, i) => f + second[i] + third[i] + g * big[i] + k * ETA32 + storage().eta) }, 'a matMul');
}

/** Element-wise binary op with NumPy broadcasting. */
function broadcast(a: EV, b: EV, f: (av: number, ae: number, bv: number, be: number) => [number, number]): EV {
  operands(a, b);
  const { shape, aIdx, bIdx } = broadcastIndex('errorModel', a.shape, b.shape);
  const v = new Float64Array(aIdx.length);
  const e = new Float64Array(aIdx.length);
  for (let t = 0; t < aIdx.length; t++) [v[t], e[t]] = f(a.v[aIdx[t]], a.e[aIdx[t]], b.v[bIdx[t]], b.e[bIdx[t]]);
  return stored({ shape, v, e }, 'an element-wise step');
}

export function addEV(a: EV, b: EV): EV {
  const U = unitRoundoff();
  return broadcast(a, b, (x, ex, y, ey) => {
    const s = x + y;
    return [s, ex + ey + U * (Math.abs(s) + ex + ey) + eta()];
  });
}

export function subEV(a: EV, b: EV): EV {
  const U = unitRoundoff();
  return broadcast(a, b, (x, ex, y, ey) => {
    const s = x - y;
    return [s, ex + ey + U * (Math.abs(s) + ex + ey) + eta()];
  });
}

export function mulEV(a: EV, b: EV): EV {
  const U = unitRoundoff();
  return broadcast(a, b, (x, ex, y, ey) => [x * y, Math.abs(x) * ey + ex * Math.abs(y) + ex * ey + U * (Math.abs(x) + ex) * (Math.abs(y) + ey) + eta()]);
}

/** Multiplication by a constant that TF.js holds as a scalar tensor: fround(c), stored (src/bounds/gamma.ts storedConstant). */
export function scaleEV(a: EV, c: number): EV {
  operands(a);
  const U = unitRoundoff();
  const c32 = storedConstant(c);
  const dc = Math.abs(c - c32);
  return stored({ shape: a.shape, v: a.v.map((x) => x * c), e: a.v.map((x, i) => Math.abs(c) * a.e[i] + Math.abs(x) * dc + U * Math.abs(c32) * (Math.abs(x) + a.e[i]) + eta()) }, 'a scaling');
}

/** Sum over the last axis, keeping it as size 1. */
export function sumLastEV(a: EV): EV {
  operands(a);
  const n = a.shape[a.shape.length - 1];
  const rows = a.v.length / n;
  const v = new Float64Array(rows);
  const e = new Float64Array(rows);
  const g = G(n);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    let es = 0;
    let mag = 0;
    for (let j = 0; j < n; j++) {
      s += a.v[r * n + j];
      es += a.e[r * n + j];
      mag += Math.abs(a.v[r * n + j]) + a.e[r * n + j];
    }
    v[r] = s;
    e[r] = es + g * mag + n * ETA32 + storage().eta;
  }
  return stored({ shape: [...a.shape.slice(0, -1), 1], v, e }, 'a sum');
}

/**
 * Softmax over the last axis (max subtracted). With s perturbed by at most e_j
 * and the subtraction rounded, each exponent is off by at most
 * delta_j = e_j + u (|s_j - m| + e_j + E), E = max_k e_k; each exp by C_FN u; the
 * sum of n terms by gamma_n; the division by u. So p_hat_j / p_j lies within
 * exp(+-(delta_j + D)) (1 +- C_FN u)(1 +- gamma_n)(1 +- u), D = max_k delta_k, and
 * |p_hat_j - p_j| <= p_j (exp(delta_j + D) (1 + C_FN u)(1 + u) / ((1 - C_FN u)(1 - gamma_n)) - 1) + 2 ETA32.
 * -Inf logits give exactly 0 on both sides; a row of only -Inf gives NaN.
 */
export function softmaxEV(s: EV): EV {
  operands(s);
  const U = unitRoundoff();
  const n = s.shape[s.shape.length - 1];
  const v = new Float64Array(s.v.length);
  const e = new Float64Array(s.v.length);
  const gn = G(n);
  for (let r = 0; r < s.v.length; r += n) {
    let m = -Infinity;
    let E = 0;
    for (let j = 0; j < n; j++) {
      m = Math.max(m, s.v[r + j]);
      if (s.v[r + j] !== -Infinity) E = Math.max(E, s.e[r + j]);
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      v[r + j] = Math.exp(s.v[r + j] - m);
      sum += v[r + j];
    }
    const delta = (j: number) => (s.v[r + j] === -Infinity ? 0 : s.e[r + j] + U * (Math.abs(s.v[r + j] - m) + s.e[r + j] + E));
    let D = 0;
    for (let j = 0; j < n; j++) D = Math.max(D, delta(j));
    for (let j = 0; j < n; j++) {
      v[r + j] /= sum;
      const rho = (Math.exp(delta(j) + D) * (1 + C_FN * U) * (1 + U)) / ((1 - C_FN * U) * (1 - gn)) - 1;
      // + 2 eta: the exp and the division may underflow (the sum is >= 1)
      e[r + j] = Number.isNaN(v[r + j]) ? NaN : v[r + j] * rho + 2 * eta();
    }
  }
  return { shape: s.shape, v, e };
}

/** TF.js's softmax gradient, step by step: t = dy * y; dx = t - sum(t) * y. */
export function softmaxGradEV(y: EV, dy: EV): EV {
  const t = mulEV(dy, y);
  return subEV(t, mulEV(sumLastEV(t), y));
}

/** relu is 1-Lipschitz and exact. */
export function reluEV(a: EV): EV {
  operands(a);
  // relu(-Inf) = 0 exactly on both sides, whatever the bound of its input
  return { shape: a.shape, v: a.v.map(reluScalar), e: a.e.map((e, i) => (a.v[i] === -Infinity ? 0 : e)) };
}

/**
 * dy * step(a): exact where the sign of a is certain; where |a| <= e_a the
 * float32 mask may differ, and the bound takes the whole |dy| + e_dy.
 */
export function reluGradEV(a: EV, dy: EV): EV {
  operands(a, dy);
  return {
    shape: a.shape,
    v: a.v.map((x, i) => (x > 0 ? dy.v[i] : 0)),
    e: a.v.map((x, i) => (Math.abs(x) <= a.e[i] ? Math.abs(dy.v[i]) + dy.e[i] : x > 0 ? dy.e[i] : 0)),
  };
}

/** Element-wise function with slope bound `slope(x, e)` over [x - e, x + e] and `ops` float32 steps of evaluation. */
export function unaryEV(a: EV, f: (x: number) => number, slope: (x: number, e: number) => number, evalError: (x: number) => number): EV {
  operands(a);
  return stored({ shape: a.shape, v: a.v.map(f), e: a.v.map((x, i) => slope(x, a.e[i]) * a.e[i] + evalError(x)) }, 'an element-wise function');
}

/** Builds an EV from raw parts (tests and specs). */
export function ev(shape: Shape, v: Float64Array, e?: Float64Array): EV {
  return { shape, v, e: e ?? new Float64Array(v.length) };
}

/** Permutes the axes (exact): output axis d is input axis perm[d]. */
export function permuteEV(a: EV, perm: readonly number[]): EV {
  const v = permute(t64(a.shape, a.v), perm);
  return { shape: v.shape, v: v.data, e: permute(t64(a.shape, a.e), perm).data, beyondRange: a.beyondRange };
}

/** Reshape (exact). */
export function reshapeEV(a: EV, shape: Shape): EV {
  return { shape, v: a.v, e: a.e, beyondRange: a.beyondRange };
}

export { unitRoundoff, eta as underflowLoss };
