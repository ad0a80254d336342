/**
 * Element-wise comparison of a backend's output with the reference, against a
 * per-element bound. NaN matches only NaN; +Inf and -Inf match only themselves;
 * the sign of zero is compared and counted, and is a mismatch only where the op
 * defines it (`strictZeroSign`).
 */
import { Shape, Tensor64 } from '../../reference/tensor';
import { FLOAT32_MAX } from '../bounds/gamma';

export interface Worst {
  /** Multi-index of the element, e.g. [n, h, w, c]. */
  index: number[];
  expected: number | string;
  got: number | string;
  bound: number;
  absErr: number | string;
}

export interface ElementwiseResult {
  ok: boolean;
  /** max over elements of |got - expected| / bound (Infinity for a special-value mismatch). */
  errToBound: number;
  maxAbsErr: number;
  /** Elements beyond their bound or with a mismatched special value. */
  mismatches: number;
  /** Elements where one side is +0 and the other -0. */
  signedZeroMismatches: number;
  elements: number;
  worst?: Worst;
  shapeMismatch?: string;
}

/** JSON cannot hold NaN or Inf: numbers are kept, special values spelled out. */
export function jsonNumber(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v;
}

export function unravel(flat: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

/** Ratio of one element's error to its bound: 0 = exact, > 1 = outside the bound. */
function elementRatio(e: number, g: number, bound: number, overflow: number): number {
  if (Number.isNaN(e) || Number.isNaN(g)) return Number.isNaN(e) && Number.isNaN(g) ? 0 : Infinity;
  if (!Number.isFinite(e)) return e === g ? 0 : Infinity;
  if (!Number.isFinite(g)) {
    // A result overflows to Inf when the true value may lie beyond what the storage holds.
    return Math.sign(g) === Math.sign(e) && Math.abs(e) + bound >= overflow ? 0 : Infinity;
  }
  const err = Math.abs(g - e);
  if (err === 0) return 0;
  return bound > 0 ? err / bound : Infinity;
}

export function judgeElements(
  expected: Tensor64,
  bound: Float64Array,
  got: { shape: Shape; data: ArrayLike<number> },
  strictZeroSign: boolean,
  /** Where results overflow to +-Inf: FLOAT32_MAX, or 65520 for float16 storage (src/bounds/gamma.ts Storage). */
  overflow = FLOAT32_MAX,
): ElementwiseResult {
  const n = expected.data.length;
  if (got.shape.length !== expected.shape.length || got.shape.some((d, i) => d !== expected.shape[i])) {
    return {
      ok: false, errToBound: Infinity, maxAbsErr: Infinity, mismatches: n, signedZeroMismatches: 0, elements: n,
      shapeMismatch: `expected shape [${expected.shape.join(',')}], got [${got.shape.join(',')}]`,
    };
  }
  let worstRatio = 0;
  let worstAt = -1;
  let maxAbsErr = 0;
  let mismatches = 0;
  let signedZero = 0;
  for (let i = 0; i < n; i++) {
    const e = expected.data[i];
    const g = got.data[i];
    let r = elementRatio(e, g, bound[i], overflow);
    if (e === 0 && g === 0 && Object.is(e, -0) !== Object.is(g, -0)) {
      signedZero++;
      if (strictZeroSign) r = Infinity;
    }
    if (Number.isFinite(e) && Number.isFinite(g)) maxAbsErr = Math.max(maxAbsErr, Math.abs(g - e));
    if (r > 1) mismatches++;
    if (worstAt < 0 || r > worstRatio) {
      worstRatio = r;
      worstAt = i;
    }
  }
  const comparison: ElementwiseResult = {
    ok: mismatches === 0, errToBound: worstRatio, maxAbsErr, mismatches, signedZeroMismatches: signedZero, elements: n,
  };
  if (worstAt >= 0) {
    const e = expected.data[worstAt];
    const g = got.data[worstAt];
    comparison.worst = {
      index: unravel(worstAt, expected.shape),
      expected: jsonNumber(e),
      got: jsonNumber(g),
      bound: bound[worstAt],
      absErr: jsonNumber(Math.abs(g - e)),
    };
  }
  return comparison;
}
