/**
 * The activations TF.js fuses into its kernels (`_FusedMatMul`, `FusedConv2D`,
 * `FusedDepthwiseConv2D`), mirroring tfjs-core's fused_util `applyActivation`,
 * and the derivatives TF.js uses for them (its gradient functions of Relu,
 * Relu6, LeakyRelu, Prelu, Elu and Sigmoid). Each is the plain scalar formula of
 * the cpu kernel, evaluated in float64.
 */
import { reluGradScalar, reluScalar } from './Relu';
import { ArgumentError, Shape, Tensor64, broadcastIndex, sizeOf } from './tensor';

export type Activation = 'linear' | 'relu' | 'relu6' | 'prelu' | 'leakyrelu' | 'elu' | 'sigmoid';
export const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'elu', 'sigmoid'];

/** TF.js's default `leakyreluAlpha` of the fused ops. */
export const LEAKYRELU_ALPHA = 0.2;

/** Checks an activation name. */
export function checkActivation(op: string, activation: unknown): Activation {
  if (!ACTIVATIONS.includes(activation as Activation)) {
    throw new ArgumentError(op, `activation must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(activation)}.`);
  }
  return activation as Activation;
}

/**
 * f(z) for one element, `alpha` the element's prelu weight or leakyreluAlpha:
 *   linear z; relu max(z, 0); relu6 min(max(z, 0), 6);
 *   prelu, leakyrelu: z < 0 ? alpha z : z;
 *   elu: z >= 0 ? z : exp(z) - 1 (computed as expm1(z), its float64 value);
 *   sigmoid: 1 / (1 + exp(-z)).
 * NaN propagates through every one (relu6 like Math.min(Math.max(0, z), 6)).
 */
export function activationScalar(activation: Activation, z: number, alpha = 0): number {
  switch (activation) {
    case 'linear':
      return z;
    case 'relu':
      return reluScalar(z);
    case 'relu6':
      return z > 6 ? 6 : reluScalar(z);
    case 'prelu':
    case 'leakyrelu':
      return z < 0 ? alpha * z : z;
    case 'elu':
      return z >= 0 ? z : Math.expm1(z);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-z));
  }
}

/**
 * dz = dy f'(z), as TF.js's gradients compute it: relu dy step(z) (relu'(0) = 0);
 * relu6 dy (0 < z <= 6); prelu and leakyrelu z > 0 ? dy : dy alpha; elu from the
 * output y: y >= 0 ? dy : dy (y + 1); sigmoid from the output: dy (y (1 - y)).
 */
export function activationGradScalar(activation: Activation, z: number, y: number, dy: number, alpha = 0): number {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return reluGradScalar(z, dy);
    case 'relu6':
      return dy * (z > 0 && z <= 6 ? 1 : 0);
    case 'prelu':
    case 'leakyrelu':
      return z > 0 ? dy : dy * alpha;
    case 'elu':
      return y >= 0 ? dy : dy * (y + 1);
    case 'sigmoid':
      return dy * (y * (1 - y));
  }
}

/**
 * A per-channel parameter (bias, prelu weights) as one value per output element:
 * a 1-D tensor of `shape[channelAxis]` values (not 1) lies along the channel axis
 * (TF.js's rule for NCHW; for NHWC that is NumPy broadcasting too); any other
 * tensor must broadcast to `shape` (NumPy rules) without enlarging it.
 */
export function expandParameter(op: string, name: string, w: Tensor64, shape: Shape, channelAxis = shape.length - 1): Float64Array {
  if (w.data.length !== sizeOf(w.shape)) throw new ArgumentError(op, `${name} has ${w.data.length} values but shape [${w.shape.join(',')}] needs ${sizeOf(w.shape)}.`);
  const out = new Float64Array(sizeOf(shape));
  const c = shape[channelAxis];
  if (w.shape.length === 1 && w.shape[0] === c && c !== 1) {
    const inner = sizeOf(shape.slice(channelAxis + 1));
    for (let i = 0; i < out.length; i++) out[i] = w.data[Math.floor(i / inner) % c];
    return out;
  }
  let idx: ReturnType<typeof broadcastIndex> | undefined;
  try {
    idx = broadcastIndex(op, shape, w.shape);
  } catch {
    idx = undefined;
  }
  if (idx === undefined || idx.shape.length !== shape.length || idx.shape.some((d, i) => d !== shape[i])) {
    throw new ArgumentError(op, `${name} of shape [${w.shape.join(',')}] must be a scalar, [${c}] (one per output channel) or broadcast to the output shape [${shape.join(',')}].`);
  }
  for (let i = 0; i < out.length; i++) out[i] = w.data[idx.bIdx[i]];
  return out;
}

/** f(z) element-wise; `alpha` is one prelu weight per element (expandParameter) or the leakyreluAlpha. */
export function applyActivation(z: Tensor64, activation: Activation, alpha: Float64Array | number = 0): Tensor64 {
  const a = (i: number) => (typeof alpha === 'number' ? alpha : alpha[i]);
  return { shape: z.shape, data: z.data.map((v, i) => activationScalar(activation, v, a(i))) };
}

/** dz = dy f'(z) element-wise, with y = f(z) (elu and sigmoid take their derivative from y, as TF.js does). */
export function applyActivationGrad(z: Tensor64, y: Tensor64, dy: Tensor64, activation: Activation, alpha: Float64Array | number = 0): Tensor64 {
  const a = (i: number) => (typeof alpha === 'number' ? alpha : alpha[i]);
  return { shape: z.shape, data: z.data.map((v, i) => activationGradScalar(activation, v, y.data[i], dy.data[i], a(i))) };
}

/**
 * The gradient of the bias of y = f(z + bias): the sum of dz over every output
 * element the bias element was broadcast to, in ascending flat order, from 0.
 */
export function biasGrad(dz: Tensor64, biasShape: Shape, channelAxis = dz.shape.length - 1): Tensor64 {
  const owner = expandParameter('biasGrad', 'bias', { shape: biasShape, data: Float64Array.from({ length: sizeOf(biasShape) }, (_, i) => i) }, dz.shape, channelAxis);
  const out = new Float64Array(sizeOf(biasShape));
  for (let i = 0; i < dz.data.length; i++) out[owner[i]] += dz.data[i];
  return { shape: [...biasShape], data: out };
}
