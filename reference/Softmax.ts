/**
 * Softmax over the last axis, mirroring the TF.js kernel `Softmax`
 * (`tf.softmax`), and its gradient. Notes, part 2: alpha_{l,t} = softmax_t(e_{l,t}).
 *
 * Stable: the row maximum is subtracted before exp. A row of only -Inf (a fully
 * masked row) gives NaN: exp(-Inf - (-Inf)) is undefined, and the reference says
 * so rather than invent a distribution.
 */
import { ArgumentError, Tensor64, sizeOf } from './tensor';

function lastAxis(op: string, t: Tensor64): number {
  if (t.shape.length < 1) throw new ArgumentError(op, `logits must have rank >= 1, got a scalar.`);
  if (t.data.length !== sizeOf(t.shape)) throw new ArgumentError(op, `logits have ${t.data.length} values but shape [${t.shape.join(',')}] needs ${sizeOf(t.shape)}.`);
  const n = t.shape[t.shape.length - 1];
  if (n === 0) throw new ArgumentError(op, `the last axis of logits [${t.shape.join(',')}] is empty.`);
  return n;
}

/**
 * y[..., j] = exp(x[..., j] - max_k x[..., k]) / sum_k exp(x[..., k] - max_k x[..., k])
 *
 * Order, row by row: the maximum m by Math.max in ascending j (a NaN makes it
 * NaN); e_j = exp(x_j - m); the sum starts at 0 and adds e_j in ascending j;
 * y_j = e_j / sum.
 */
export function softmax(logits: Tensor64): Tensor64 {
  const n = lastAxis('softmax', logits);
  const x = logits.data;
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length; r += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[r + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) {
      y[r + j] = Math.exp(x[r + j] - m);
      sum += y[r + j];
    }
    for (let j = 0; j < n; j++) y[r + j] /= sum;
  }
  return { shape: logits.shape, data: y };
}

/**
 * dx = y * (dy - sum(dy * y)) over the last axis, y = softmax(x); TF.js composes
 * it, so it sits under the forward.
 *
 * Order, row by row: s starts at 0 and adds dy_j * y_j in ascending j;
 * dx_j = y_j * (dy_j - s).
 */
export function softmaxGrad(y: Tensor64, dy: Tensor64): Tensor64 {
  const n = lastAxis('softmaxGrad', y);
  if (dy.shape.length !== y.shape.length || dy.shape.some((d, i) => d !== y.shape[i])) {
    throw new ArgumentError('softmaxGrad', `dy must have the shape of y [${y.shape.join(',')}], got [${dy.shape.join(',')}].`);
  }
  const dx = new Float64Array(y.data.length);
  for (let r = 0; r < y.data.length; r += n) {
    let s = 0;
    for (let j = 0; j < n; j++) s += dy.data[r + j] * y.data[r + j];
    for (let j = 0; j < n; j++) dx[r + j] = y.data[r + j] * (dy.data[r + j] - s);
  }
  return { shape: y.shape, data: dx };
}
