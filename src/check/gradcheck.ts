/**
 * Checks the reference backward against float64 central differences of the
 * reference forward: d<F(inputs), dy>/d input_i ~ (L(x_i + h) - L(x_i - h)) / 2h.
 *
 * Every op of the convolution half is piecewise linear in each input (conv2d is
 * linear in x and in the filter; max, relu and averages are piecewise linear), so
 * the central difference is exact inside a linear piece and its error is the
 * float64 rounding of the two loss evaluations, the documented FD error estimate:
 *   (sum_k |dy_k| r_k + gamma_{n+1}(u64) S) / (2h)   for each of L(x+h), L(x-h),
 * with r_k the float64 rounding of output k (the op's float32 bound scaled by
 * u64/u32, as both come from the same magnitudes) and S = sum_k |F_k dy_k|.
 * Exact cases use a power-of-two step, so that every sum stays exact in float64
 * and the estimate is 0. A step that crosses a kink shows up as a failure.
 *
 * The attention half is smooth, not piecewise linear: there the difference is
 * taken with steps h and h/2 and extrapolated (Richardson, (4 D(h/2) - D(h)) / 3,
 * error O(h^4)); the truncation allowance is |D(h/2) - D(h)| / 3, the estimated
 * error of D(h/2) itself, so the check stays conservative. For a piecewise linear
 * op D(h/2) = D(h) up to rounding and nothing changes.
 */
import type { Tensor64 } from '../../reference/tensor';
import { U32, U64, gamma } from '../bounds/gamma';
import { AnyOpSpec, OpCase, upstreamGradient } from '../ops/types';
import { Rng, hashSeed } from '../util/random';

export interface FdCheck {
  input: string;
  index: number;
  analytic: number;
  numeric: number;
  /** |numeric - analytic| allowed: 1e-6 relative plus the rounding and truncation estimates. */
  tolerance: number;
  ok: boolean;
}

/**
 * L = <F, dy> and the float64 rounding estimate of computing it, from the bound
 * of the unperturbed case (the perturbation is far too small to change it).
 */
function loss(spec: AnyOpSpec, c: OpCase<unknown>, dy: Tensor64, bound: Float64Array): { value: number; rounding: number } {
  const out = spec.value ? spec.value(c) : spec.reference(c).value;
  let value = 0;
  let magnitude = 0;
  let inner = 0;
  for (let k = 0; k < out.data.length; k++) {
    value += out.data[k] * dy.data[k];
    magnitude += Math.abs(out.data[k] * dy.data[k]);
    inner += Math.abs(dy.data[k]) * bound[k] * (U64 / U32);
  }
  return { value, rounding: inner + gamma(out.data.length + 1, U64) * magnitude };
}

function perturbed(c: OpCase<unknown>, input: string, index: number, delta: number): OpCase<unknown> {
  const t = c.inputs[input];
  const data = Float64Array.from(t.data);
  data[index] += delta;
  return { ...c, inputs: { ...c.inputs, [input]: { shape: t.shape, data } } };
}

/**
 * Compares `samples` elements (chosen by seed) of every gradient of `c` with
 * central differences of step `h`.
 */
export function checkReferenceGradients(spec: AnyOpSpec, c: OpCase<unknown>, seed: number, h: number, samples = 6): FdCheck[] {
  const { value: y, bound } = spec.reference(c);
  const dy = upstreamGradient(c, y.shape, seed);
  const rng = new Rng(hashSeed(seed, `${c.id} fd`));
  const out: FdCheck[] = [];
  for (const g of spec.grads) {
    const analytic = g.reference(c, dy).value.data;
    const n = c.inputs[g.input].data.length;
    const picks = n <= samples ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: samples }, () => rng.int(0, n - 1));
    for (const index of picks) {
      const central = (step: number) => {
        const plus = loss(spec, perturbed(c, g.input, index, step), dy, bound);
        const minus = loss(spec, perturbed(c, g.input, index, -step), dy, bound);
        return { d: (plus.value - minus.value) / (2 * step), rounding: (plus.rounding + minus.rounding) / (2 * step) };
      };
      const d1 = central(h);
      const d2 = central(h / 2);
      const numeric = (4 * d2.d - d1.d) / 3;
      const tolerance = 1e-6 * Math.abs(analytic[index]) + (4 * d2.rounding + d1.rounding) / 3 + Math.abs(d2.d - d1.d) / 3;
      out.push({ input: g.input, index, analytic: analytic[index], numeric, tolerance, ok: Math.abs(numeric - analytic[index]) <= tolerance });
    }
  }
  return out;
}
