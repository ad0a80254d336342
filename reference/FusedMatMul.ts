/**
 * The fused matrix product, mirroring the TF.js kernel `_FusedMatMul`
 * (`tf.fused.matMul`, which tfjs-layers' Dense calls and the converter emits):
 * y = f(opA(a) opB(b) + bias), f one of the fused activations (activation.ts).
 * TF.js composes its gradient, so it sits here.
 */
import { Activation, LEAKYRELU_ALPHA, applyActivation, applyActivationGrad, biasGrad, checkActivation, expandParameter } from './activation';
import { matMul, matMulGrad } from './BatchMatMul';
import { ArgumentError, Tensor64 } from './tensor';

export interface FusedMatMulArgs {
  a: Tensor64;
  b: Tensor64;
  transposeA?: boolean;
  transposeB?: boolean;
  /** Broadcast against the output [..., m, n] (NumPy rules; [n] is one per column). */
  bias?: Tensor64;
  activation?: Activation;
  /** prelu's alpha, broadcast against the output like the bias; required by 'prelu'. */
  preluActivationWeights?: Tensor64;
  leakyreluAlpha?: number;
}

/** The steps of the forward: z = opA(a) opB(b) + bias, each element's alpha, y = f(z). */
export interface FusedParts {
  z: Tensor64;
  alpha: Float64Array | number;
  y: Tensor64;
  activation: Activation;
}

/** Checks the activation's arguments and gives each output element's alpha (prelu) or leakyreluAlpha. */
export function activationAlpha(op: string, activation: Activation, shape: readonly number[], preluActivationWeights: Tensor64 | undefined, leakyreluAlpha: number, channelAxis?: number): Float64Array | number {
  if (activation === 'prelu') {
    if (preluActivationWeights === undefined) throw new ArgumentError(op, `activation 'prelu' needs preluActivationWeights, got none.`);
    return expandParameter(op, 'preluActivationWeights', preluActivationWeights, shape, channelAxis);
  }
  if (activation === 'leakyrelu' && !Number.isFinite(leakyreluAlpha)) throw new ArgumentError(op, `leakyreluAlpha must be a finite number, got ${leakyreluAlpha}.`);
  return leakyreluAlpha;
}

/**
 * y[..., i, j] = f(sum_p opA(a)[..., i, p] opB(b)[..., p, j] + bias[..., i, j]).
 *
 * Order: the product in matMul's order (one sum from 0, ascending p), then the
 * bias added to it, then f.
 */
export function fusedMatMulParts(args: FusedMatMulArgs): FusedParts {
  const op = 'fused matMul';
  const activation = checkActivation(op, args.activation ?? 'linear');
  let z: Tensor64;
  try {
    z = matMul(args.a, args.b, args.transposeA ?? false, args.transposeB ?? false);
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(op, e.message.replace(/^Error in matMul: /, ''));
    throw e;
  }
  if (args.bias !== undefined) {
    const bias = expandParameter(op, 'bias', args.bias, z.shape);
    z = { shape: z.shape, data: z.data.map((v, i) => v + bias[i]) };
  }
  const alpha = activationAlpha(op, activation, z.shape, args.preluActivationWeights, args.leakyreluAlpha ?? LEAKYRELU_ALPHA);
  return { z, alpha, y: applyActivation(z, activation, alpha), activation };
}

/** tf.fused.matMul: f(opA(a) opB(b) + bias). */
export function fusedMatMul(args: FusedMatMulArgs): Tensor64 {
  return fusedMatMulParts(args).y;
}

/**
 * Gradients, as TF.js composes them: dz = dy f'(z) (activation.ts), then
 * da, db = matMulGrad(a, b, dz) and dbias = dz summed over the axes the bias was
 * broadcast along.
 *
 * Order: dz element-wise; da and db in matMulGrad's order; dbias in biasGrad's.
 */
export function fusedMatMulGrad(args: FusedMatMulArgs, dy: Tensor64): { a: Tensor64; b: Tensor64; bias?: Tensor64 } {
  const { z, y, alpha, activation } = fusedMatMulParts(args);
  const dz = applyActivationGrad(z, y, dy, activation, alpha);
  const g = matMulGrad(args.a, args.b, dz, args.transposeA ?? false, args.transposeB ?? false);
  return args.bias === undefined ? g : { ...g, bias: biasGrad(dz, args.bias.shape) };
}
