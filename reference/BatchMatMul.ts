/**
 * Batched matrix product, mirroring the TF.js kernel `BatchMatMul` (`tf.matMul`),
 * with optional transposes, and its gradients side by side. The notes' part 2b
 * writes attention with it: a(Q, K, V) = Softmax(Q K^T) V.
 *
 * Shapes: a is [..., m, k] (or [..., k, m] with transposeA), b is [..., k, n] (or
 * [..., n, k] with transposeB); leading batch dimensions must be equal, or 1 on
 * one side (broadcast). Rank 2 and higher.
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

/** Checks the shapes of a product and derives its geometry. */
export function matMulInfo(a: Tensor64, b: Tensor64, transposeA: boolean, transposeB: boolean, op = 'matMul'): MatMulInfo {
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
 * y[..., i, j] = sum_p opA(a)[..., i, p] * opB(b)[..., p, j], each sum taken in
 * ascending p.
 */
export function matMul(a: Tensor64, b: Tensor64, transposeA = false, transposeB = false): Tensor64 {
  const g = matMulInfo(a, b, transposeA, transposeB);
  const { m, k, n } = g;
  const total = g.aBatch.length;
  const y = new Float64Array(total * m * n);
  const ad = a.data;
  // NOTE: a transposed b is copied to [k, n] once, so that the inner loop always
  // runs over contiguous columns of b and y.
  const bd = transposeB ? transposeLast2(b.data, b.shape) : b.data;
  const aAt = transposeA ? (off: number, i: number, p: number) => ad[off + p * m + i] : (off: number, i: number, p: number) => ad[off + i * k + p];
  for (let t = 0; t < total; t++) {
    const aOff = g.aBatch[t] * m * k;
    const bOff = g.bBatch[t] * k * n;
    const yOff = t * m * n;
    let i = 0;
    // four rows of y at a time share each load of b (the order of every sum is unchanged)
    for (; i + 4 <= m; i += 4) {
      const y0 = yOff + i * n;
      const y1 = y0 + n;
      const y2 = y1 + n;
      const y3 = y2 + n;
      for (let p = 0; p < k; p++) {
        const a0 = aAt(aOff, i, p);
        const a1 = aAt(aOff, i + 1, p);
        const a2 = aAt(aOff, i + 2, p);
        const a3 = aAt(aOff, i + 3, p);
        const bRow = bOff + p * n;
        for (let j = 0; j < n; j++) {
          const bv = bd[bRow + j];
          y[y0 + j] += a0 * bv;
          y[y1 + j] += a1 * bv;
          y[y2 + j] += a2 * bv;
          y[y3 + j] += a3 * bv;
        }
      }
    }
    for (; i < m; i++) {
      const yRow = yOff + i * n;
      for (let p = 0; p < k; p++) {
        const av = aAt(aOff, i, p);
        const bRow = bOff + p * n;
        for (let j = 0; j < n; j++) y[yRow + j] += av * bd[bRow + j];
      }
    }
  }
  return { shape: [...g.batch, m, n], data: y };
}

/** The last two dimensions of a row-major tensor swapped, every batch matrix. */
function transposeLast2(d: Float64Array, shape: Shape): Float64Array {
  const [r, c] = shape.slice(-2);
  const out = new Float64Array(d.length);
  for (let off = 0; off < d.length; off += r * c) {
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[off + j * r + i] = d[off + i * c + j];
  }
  return out;
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
 */
export function matMulGrad(a: Tensor64, b: Tensor64, dy: Tensor64, transposeA = false, transposeB = false): { a: Tensor64; b: Tensor64 } {
  const g = matMulInfo(a, b, transposeA, transposeB, 'matMulGrad');
  const want = [...g.batch, g.m, g.n];
  if (dy.shape.length !== want.length || dy.shape.some((d, i) => d !== want[i])) {
    throw new ArgumentError('matMulGrad', `dy must have the output shape [${want.join(',')}], got [${dy.shape.join(',')}].`);
  }
  // da = dy b^T (or b dy^T when a entered transposed ...), by the four cases of TF's MatMul gradient
  const da = transposeA ? (transposeB ? matMul(b, dy, true, true) : matMul(b, dy, false, true)) : transposeB ? matMul(dy, b) : matMul(dy, b, false, true);
  const db = transposeA ? (transposeB ? matMul(dy, a, true, true) : matMul(a, dy)) : transposeB ? matMul(dy, a, true, false) : matMul(a, dy, true, false);
  return { a: reduceTo(da, a.shape), b: reduceTo(db, b.shape) };
}
