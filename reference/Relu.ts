/**
 * The rectifier, mirroring the TF.js kernel `Relu` (`tf.relu`): the notes'
 * "adding non-linearities" (part 2c) and the relu between conv2d and maxPool
 * (parts 1a-1e). TF.js composes its gradient, dy * step(x), so it sits here.
 */
import { Tensor64, expectDyShape } from './tensor';

/** relu(v) = max(v, 0), with NaN propagating (IEEE 754 maximum, like Math.max and TF.js); relu(-0) = +0. */
export function reluScalar(v: number): number {
  return v > 0 || Number.isNaN(v) ? v : 0;
}

/** relu, element-wise. */
export function relu(t: Tensor64): Tensor64 {
  return { shape: t.shape, data: t.data.map(reluScalar) };
}

/** dx = dy * relu'(x), relu'(x) = 1 for x > 0 and 0 otherwise (relu'(0) = 0, as in TF.js). */
export function reluGradScalar(x: number, dy: number): number {
  return dy * (x > 0 ? 1 : 0);
}

/** reluGradScalar, element-wise; dy has the shape of x. */
export function reluGrad(x: Tensor64, dy: Tensor64): Tensor64 {
  expectDyShape('reluGrad', dy, x.shape);
  return { shape: x.shape, data: x.data.map((v, i) => reluGradScalar(v, dy.data[i])) };
}
