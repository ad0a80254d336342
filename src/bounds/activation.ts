/**
 * Error bounds of the fused activations (reference/activation.ts), in the
 * running error model of errorModel.ts: the pre-activation z carries a bound
 * e_z; the activation adds its own rounding.
 *
 * - linear, relu, relu6: 1-Lipschitz and exact given their input: e_z.
 * - prelu, leakyrelu: Lipschitz constant max(1, |alpha|) and one rounding of
 *   alpha z where z may be negative: u |alpha| (|z| + e_z), plus |z| |alpha -
 *   alpha32| where the backend holds leakyreluAlpha as a float32 attribute
 *   (wasm, tensorflow) while cpu multiplies by the JavaScript number; 0 where z
 *   is exact and alpha z is a float32.
 * - elu (z < 0): exp(z) - 1, either as fl(fl(exp z) - 1) or as expm1 (the
 *   backends' libraries differ): with exp (or expm1) within C_FN u relative (the
 *   assumption errorModel.ts states for exp, tanh, sin, cos and the softmax
 *   spec uses), the error is at most C_FN u (1 + u) exp(z) + C_FN u |expm1 z|;
 *   elu is 1-Lipschitz, so the input's e_z carries through.
 * - sigmoid: 1 / (1 + exp(-z)): exp within C_FN u, the add and the division one
 *   rounding each, so fl(sigma) / sigma lies within (1 + u) / ((1 - C_FN u)(1 - u));
 *   a backend's own approximation (XNNPACK, Eigen) is assumed at least as good.
 *   Its slope is at most 1/4: e_z / 4 carries through.
 * Every step may also underflow (ETA). A non-finite z gives an exact result
 * (f(+-Inf) and NaN are what the formula gives), bound 0.
 */
import { Activation, activationGradScalar, activationScalar } from '../../reference/activation';
import { EV, C_FN, input, mulEV, subEV, ev, underflowLoss, unitRoundoff } from './errorModel';
import { roundToFloat16, storage, storedConstant } from './gamma';

const alphaAt = (alpha: Float64Array | number, i: number) => (typeof alpha === 'number' ? alpha : alpha[i]);

/** A value as the storage in force holds it (float32, or float16). */
function storedValue(v: number): number {
  const f = Math.fround(v);
  return storage().name === 'float16' ? roundToFloat16(f) : f;
}

/** alpha as the backend multiplies by it: a prelu weight is a stored input already; leakyreluAlpha a float32 attribute. */
function heldAlpha(activation: Activation, a: number): number {
  return activation === 'leakyrelu' ? storedConstant(a) : a;
}

/** The rounding of alpha * x (x within e of the reference's x), 0 when it is exact. */
function productRounding(activation: Activation, a: number, x: number, e: number): number {
  const a32 = heldAlpha(activation, a);
  const da = Math.abs(a - a32);
  const p = a * x;
  if (e === 0 && da === 0 && storedValue(p) === p) return 0;
  return da * (Math.abs(x) + e) + unitRoundoff() * Math.abs(a32) * (Math.abs(x) + e) + underflowLoss();
}

/** y = f(z) with its bound, z carrying its own (see the module comment). */
export function activationEV(z: EV, activation: Activation, alpha: Float64Array | number): EV {
  const U = unitRoundoff();
  const C = C_FN;
  const v = new Float64Array(z.v.length);
  const e = new Float64Array(z.v.length);
  for (let i = 0; i < v.length; i++) {
    const zi = z.v[i];
    const ez = z.e[i];
    const a = alphaAt(alpha, i);
    v[i] = activationScalar(activation, zi, a);
    if (!Number.isFinite(zi)) continue;
    switch (activation) {
      case 'linear':
      case 'relu':
      case 'relu6':
        e[i] = ez;
        break;
      case 'prelu':
      case 'leakyrelu':
        e[i] = Math.max(1, Math.abs(a)) * ez + (zi - ez < 0 ? productRounding(activation, a, zi, ez) : 0);
        break;
      case 'elu':
        e[i] = ez + (zi - ez < 0 ? C * U * (1 + U) * Math.exp(Math.min(zi + ez, 0)) + C * U * Math.min(1, Math.abs(Math.expm1(zi)) + ez) + underflowLoss() : 0);
        break;
      case 'sigmoid': {
        const rho = (1 + U) / ((1 - C * U) * (1 - U)) - 1;
        e[i] = ez / 4 + rho * (v[i] + ez / 4) + underflowLoss();
        break;
      }
    }
  }
  return { shape: z.shape, v, e };
}

/**
 * dz = dy f'(z) with its bound, as TF.js computes it from the backend's z (relu,
 * relu6, prelu, leakyrelu: a mask on z, then dy or dy alpha) or y (elu, sigmoid).
 * Where a mask's condition is uncertain (z within e_z of 0, or of 6 for relu6),
 * the bound takes the difference of both branches.
 */
export function activationGradEV(z: EV, y: EV, dy: Float64Array, activation: Activation, alpha: Float64Array | number): EV {
  const U = unitRoundoff();
  const n = z.v.length;
  const v = new Float64Array(n);
  const e = new Float64Array(n);
  if (activation === 'sigmoid') {
    // TF.js: mul(dy, mul(y, sub(1, y)))
    const one = ev([], Float64Array.of(1));
    return mulEV(input({ shape: z.shape, data: dy }), mulEV(y, subEV(one, y)));
  }
  for (let i = 0; i < n; i++) {
    const zi = z.v[i];
    const ez = z.e[i];
    const d = dy[i];
    const a = alphaAt(alpha, i);
    v[i] = activationGradScalar(activation, zi, y.v[i], d, a);
    switch (activation) {
      case 'linear':
        break;
      case 'relu':
        e[i] = ez > 0 && Math.abs(zi) <= ez ? Math.abs(d) : 0;
        break;
      case 'relu6':
        e[i] = ez > 0 && (Math.abs(zi) <= ez || Math.abs(zi - 6) <= ez) ? Math.abs(d) : 0;
        break;
      case 'prelu':
      case 'leakyrelu': {
        const round = zi - ez <= 0 ? productRounding(activation, a, d, 0) : 0;
        e[i] = (ez > 0 && Math.abs(zi) <= ez ? Math.abs(d) * Math.abs(1 - a) : 0) + round;
        break;
      }
      case 'elu': {
        const yi = y.v[i];
        const ey = y.e[i];
        // y >= 0 ? dy : dy (y + 1): the add and the product rounded; the branches differ by |dy y| <= |dy| e_y near 0
        e[i] = yi - ey >= 0 ? 0 : Math.abs(d) * ey + 2 * U * Math.abs(d) * (Math.abs(yi + 1) + ey) + underflowLoss();
        break;
      }
    }
  }
  return { shape: z.shape, v, e };
}
