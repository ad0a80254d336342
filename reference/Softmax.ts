/**
 * Softmax over the last axis, mirroring the TF.js kernel `Softmax`
 * (`tf.softmax`), and its gradient; `logSoftmax` (`tf.logSoftmax`, which TF.js
 * composes from Max, Sub, Exp, Sum and Log with a custom gradient) and its
 * gradient sit under them. Notes, part 2: alpha_{l,t} = softmax_t(e_{l,t}).
 *
 * Stable: the row maximum is subtracted before exp. A row of only -Inf (a fully
 * masked row) gives NaN: exp(-Inf - (-Inf)) is undefined, and the reference says
 * so rather than invent a distribution. Any rank >= 1; like TF.js, only the last
 * axis (given as -1 or rank - 1).
 */
import { ArgumentError, Tensor64, sizeOf } from './tensor';

/** TF.js takes the axis as -1 or rank - 1 and rejects any other. */
function checkLastAxis(op: string, name: string, t: Tensor64, axis: number): void {
  const rank = t.shape.length;
  if (axis !== -1 && axis !== rank - 1) {
    throw new ArgumentError(op, `${name} must be the last axis (-1 or ${rank - 1} for logits [${t.shape.join(',')}]), got ${axis}.`);
  }
}

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
export function softmax(logits: Tensor64, dim = -1): Tensor64 {
  const n = lastAxis('softmax', logits);
  checkLastAxis('softmax', 'dim', logits, dim);
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

/**
 * y[..., j] = (x_j - m) - log(sum_k exp(x_k - m)), m = max_k x_k: TF.js's
 * composition (max, sub, exp, sum, log, sub), the log of softmax without its
 * division. A -Inf logit gives -Inf; a NaN or +Inf in a row, or a row of only
 * -Inf, makes the row NaN (x - m is NaN somewhere, and so is the sum).
 *
 * Order, row by row: the maximum m by Math.max in ascending j; d_j = x_j - m;
 * the sum starts at 0 and adds exp(d_j) in ascending j; l = log(sum);
 * y_j = d_j - l.
 */
export function logSoftmax(logits: Tensor64, axis = -1): Tensor64 {
  const n = lastAxis('logSoftmax', logits);
  checkLastAxis('logSoftmax', 'axis', logits, axis);
  const x = logits.data;
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length; r += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[r + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) {
      y[r + j] = x[r + j] - m;
      sum += Math.exp(y[r + j]);
    }
    const l = Math.log(sum);
    for (let j = 0; j < n; j++) y[r + j] -= l;
  }
  return { shape: logits.shape, data: y };
}

/**
 * dx = dy - exp(y) * sum(dy) over the last axis, y = logSoftmax(x): TF.js's
 * custom gradient (exp(y) is softmax(x)); it sits under the forward.
 *
 * Order, row by row: s starts at 0 and adds dy_j in ascending j;
 * dx_j = dy_j - exp(y_j) * s.
 */
export function logSoftmaxGrad(y: Tensor64, dy: Tensor64): Tensor64 {
  const n = lastAxis('logSoftmaxGrad', y);
  if (dy.shape.length !== y.shape.length || dy.shape.some((d, i) => d !== y.shape[i])) {
    throw new ArgumentError('logSoftmaxGrad', `dy must have the shape of y [${y.shape.join(',')}], got [${dy.shape.join(',')}].`);
  }
  const dx = new Float64Array(y.data.length);
  for (let r = 0; r < y.data.length; r += n) {
    let s = 0;
    for (let j = 0; j < n; j++) s += dy.data[r + j];
    for (let j = 0; j < n; j++) dx[r + j] = dy.data[r + j] - Math.exp(y.data[r + j]) * s;
  }
  return { shape: y.shape, data: dx };
}
