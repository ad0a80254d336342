/**
 * The position-wise feed-forward block with a residual connection (notes, part
 * 2c, "adding non-linearities"): y = x + act(x W1 + b1) W2 + b2, on x
 * [batch, n, d], W1 [d, dff], W2 [dff, d]. act is ReLU or GELU in its tanh form,
 * gelu(z) = 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))).
 */
import { matMul, matMulGrad } from './BatchMatMul';
import { reluGradScalar, reluScalar } from './Relu';
import { ArgumentError, Tensor64, expectRank } from './tensor';

export type Activation = 'relu' | 'gelu';

export interface FeedForwardWeights {
  w1: Tensor64;
  b1: Tensor64;
  w2: Tensor64;
  b2: Tensor64;
}

const C = Math.sqrt(2 / Math.PI);

export function gelu(z: number): number {
  return 0.5 * z * (1 + Math.tanh(C * (z + 0.044715 * z * z * z)));
}

/** d gelu / dz for the tanh form. */
export function geluDerivative(z: number): number {
  const t = Math.tanh(C * (z + 0.044715 * z * z * z));
  return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * C * (1 + 3 * 0.044715 * z * z);
}

function check(op: string, x: Tensor64, w: FeedForwardWeights): { rows: number; d: number; dff: number } {
  expectRank(op, 'x', x, 3);
  expectRank(op, 'w1', w.w1, 2);
  expectRank(op, 'w2', w.w2, 2);
  const d = x.shape[2];
  const [d1, dff] = w.w1.shape;
  if (d1 !== d) throw new ArgumentError(op, `w1 must have ${d} rows (the width of x), got [${w.w1.shape.join(',')}].`);
  if (w.w2.shape[0] !== dff || w.w2.shape[1] !== d) throw new ArgumentError(op, `w2 must have shape [${dff},${d}], got [${w.w2.shape.join(',')}].`);
  if (w.b1.data.length !== dff || w.b2.data.length !== d) throw new ArgumentError(op, `b1 must have ${dff} values and b2 ${d}, got ${w.b1.data.length} and ${w.b2.data.length}.`);
  return { rows: x.shape[0] * x.shape[1], d, dff };
}

const addRow = (t: Tensor64, b: Tensor64): Tensor64 => ({ shape: t.shape, data: t.data.map((v, i) => v + b.data[i % b.data.length]) });

/** y = x + act(x W1 + b1) W2 + b2, computed as z = matMul(x, W1) + b1, then (matMul(act(z), W2) + b2) + x. */
export function feedForward(x: Tensor64, w: FeedForwardWeights, act: Activation): Tensor64 {
  const { rows, d, dff } = check('feedForward', x, w);
  const xf = { shape: [rows, d], data: x.data };
  const z = addRow(matMul(xf, w.w1), w.b1);
  const a = { shape: [rows, dff], data: z.data.map(act === 'relu' ? reluScalar : gelu) };
  const y = addRow(matMul(a, w.w2), w.b2);
  return { shape: x.shape, data: y.data.map((v, i) => v + x.data[i]) };
}

/**
 * Gradients with respect to x, W1, b1, W2, b2 for the upstream dy [batch, n, d],
 * by matMulGrad; db1 and db2 sum their rows from 0 in ascending row order;
 * dx = (dz W1^T) + dy.
 */
export function feedForwardGrad(x: Tensor64, w: FeedForwardWeights, act: Activation, dy: Tensor64): { x: Tensor64; w1: Tensor64; b1: Tensor64; w2: Tensor64; b2: Tensor64 } {
  const { rows, d, dff } = check('feedForwardGrad', x, w);
  const xf = { shape: [rows, d], data: x.data };
  const z = addRow(matMul(xf, w.w1), w.b1);
  const a = { shape: [rows, dff], data: z.data.map(act === 'relu' ? reluScalar : gelu) };
  const dyf = { shape: [rows, d], data: dy.data };
  const g2 = matMulGrad(a, w.w2, dyf);
  const dz = { shape: [rows, dff], data: g2.a.data.map((g, i) => (act === 'relu' ? reluGradScalar(z.data[i], g) : g * geluDerivative(z.data[i]))) };
  const g1 = matMulGrad(xf, w.w1, dz);
  const colSum = (t: Tensor64, cols: number) => {
    const s = new Float64Array(cols);
    t.data.forEach((v, i) => (s[i % cols] += v));
    return { shape: [cols], data: s };
  };
  return {
    x: { shape: x.shape, data: g1.a.data.map((v, i) => v + dy.data[i]) },
    w1: g1.b,
    b1: colSum(dz, dff),
    w2: g2.b,
    b2: colSum(dyf, d),
  };
}
