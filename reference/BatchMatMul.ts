/**
 * Batched matrix product, mirroring the TF.js kernel `BatchMatMul` (`tf.matMul`),
 * with optional transposes, and its gradients side by side. The notes' part 2b
 * writes attention with it: a(Q, K, V) = Softmax(Q K^T) V.
 *
 * Shapes: a is [..., m, k] (or [..., k, m] with transposeA), b is [..., k, n] (or
 * [..., n, k] with transposeB), each of rank 2 or higher. The batch dimensions
 * broadcast as in NumPy (and TensorFlow's BatchMatMulV2): the lower rank is padded
 * with leading 1s, and each pair of sizes must be equal or one of them 1, on
 * either side or both (a [2,1,3,4] x b [1,5,4,2] is [2,5,3,2]). Sizes of 0 are
 * allowed: k = 0 gives zeros (empty sums), m, n or a batch of 0 an empty output.
 * Values are float64 whatever dtype TF.js multiplies in (int32 products that
 * stay below 2^53 are exact here).
 */
import { ArgumentError, Shape, Tensor64, broadcastIndex, sizeOf } from './tensor';

export interface MatMulInfo {
  batch: number[];
  m: number;
  k: number;
  n: number;
  /** For each output batch index, the batch index of a and of b. */
  aBatch: Int32Array;
  bBatch: Int32Array;
}

/** Checks the shapes of a product (for `op`: matMul or matMulGrad) and derives its geometry. */
export function matMulInfo(op: string, a: Tensor64, b: Tensor64, transposeA: boolean, transposeB: boolean): MatMulInfo {
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new ArgumentError(op, `a and b must have rank >= 2, got [${a.shape.join(',')}] and [${b.shape.join(',')}].`);
  }
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (t.data.length !== sizeOf(t.shape)) throw new ArgumentError(op, `${name} has ${t.data.length} values but shape [${t.shape.join(',')}] needs ${sizeOf(t.shape)}.`);
  }
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const kb = transposeB ? bc : br;
  const n = transposeB ? br : bc;
  if (k !== kb) {
    throw new ArgumentError(op, `inner dimensions of a [${a.shape.join(',')}] (transposeA=${transposeA}) and b [${b.shape.join(',')}] (transposeB=${transposeB}) must match, got ${k} and ${kb}.`);
  }
  let batches: ReturnType<typeof broadcastIndex>;
  try {
    batches = broadcastIndex(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new ArgumentError(op, `batch dimensions of a [${a.shape.join(',')}] and b [${b.shape.join(',')}] do not broadcast.`);
  }
  return { batch: batches.shape, m, k, n, aBatch: batches.aIdx, bBatch: batches.bIdx };
}

/**
 * y[..., i, j] = sum_p opA(a)[..., i, p] * opB(b)[..., p, j], where
 * opA(a)[i, p] is a[p, i] under transposeA (and likewise for b).
 *
 * Order: each output element is one sum starting at 0, the products added one
 * at a time in ascending p.
 */
export function matMul(a: Tensor64, b: Tensor64, transposeA = false, transposeB = false): Tensor64 {
  const g = matMulInfo('matMul', a, b, transposeA, transposeB);
  const { m, k, n } = g;
  const total = g.aBatch.length;
  const y = new Float64Array(total * m * n);
  for (let t = 0; t < total; t++) {
    const aOff = g.aBatch[t] * m * k;
    const bOff = g.bBatch[t] * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = transposeA ? a.data[aOff + p * m + i] : a.data[aOff + i * k + p];
          const bv = transposeB ? b.data[bOff + j * k + p] : b.data[bOff + p * n + j];
          sum += av * bv;
        }
        y[(t * m + i) * n + j] = sum;
      }
    }
  }
  return { shape: [...g.batch, m, n], data: y };
}

/** Sums a broadcast gradient back over the batch dimensions a tensor of `shape` was broadcast along. */
function reduceTo(t: Tensor64, shape: Shape): Tensor64 {
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return t;
  const out = new Float64Array(sizeOf(shape));
  const rank = t.shape.length;
  const padded = [...new Array(rank - shape.length).fill(1), ...shape];
  for (let flat = 0; flat < t.data.length; flat++) {
    let rest = flat;
    let idx = 0;
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const i = rest % t.shape[d];
      rest = Math.floor(rest / t.shape[d]);
      idx += (padded[d] === 1 ? 0 : i) * stride;
      stride *= padded[d];
    }
    out[idx] += t.data[flat];
  }
  return { shape: [...shape], data: out };
}

/**
 * Gradients of y = opA(a) opB(b): with dy the gradient of y,
 *   d opA(a) = dy opB(b)^T,  d opB(b) = opA(a)^T dy,
 * transposed back where a or b entered transposed, and summed over broadcast batches.
 * TF.js composes it, so it sits under the forward.
 *
 * Order: each is one matMul (its order); where a or b was broadcast, the batch
 * gradients are then added one at a time, from 0, in ascending batch order.
 */
export function matMulGrad(a: Tensor64, b: Tensor64, dy: Tensor64, transposeA = false, transposeB = false): { a: Tensor64; b: Tensor64 } {
  const g = matMulInfo('matMulGrad', a, b, transposeA, transposeB);
  const want = [...g.batch, g.m, g.n];
  if (dy.shape.length !== want.length || dy.shape.some((d, i) => d !== want[i])) {
    throw new ArgumentError('matMulGrad', `dy must have the output shape [${want.join(',')}], got [${dy.shape.join(',')}].`);
  }
  // da = dy b^T (or b dy^T when a entered transposed ...), by the four cases of TF's MatMul gradient
  const da = transposeA ? (transposeB ? matMul(b, dy, true, true) : matMul(b, dy, false, true)) : transposeB ? matMul(dy, b) : matMul(dy, b, false, true);
  const db = transposeA ? (transposeB ? matMul(dy, a, true, true) : matMul(a, dy)) : transposeB ? matMul(dy, a, true, false) : matMul(a, dy, true, false);
  return { a: reduceTo(da, a.shape), b: reduceTo(db, b.shape) };
}
