/**
 * The reference's data type: a row-major Float64Array with an explicit shape.
 * No TensorFlow.js import anywhere under reference/.
 */
export type Shape = readonly number[];

export interface Tensor64 {
  readonly shape: Shape;
  readonly data: Float64Array;
}

/**
 * The one error type of the reference: `Error in <op>: <what>`, with the values
 * in the message, like TF.js's own argument errors.
 */
export class ArgumentError extends Error {
  constructor(
    readonly op: string,
    message: string,
  ) {
    super(`Error in ${op}: ${message}`);
    this.name = 'ArgumentError';
  }
}

/** Number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A tensor of `shape`, zero-filled or wrapping `data` (whose length must match). */
export function tensor(shape: Shape, data?: Float64Array | readonly number[]): Tensor64 {
  const n = sizeOf(shape);
  const d = data === undefined ? new Float64Array(n) : Float64Array.from(data);
  if (d.length !== n) {
    throw new ArgumentError('tensor', `data has ${d.length} values but shape [${shape.join(',')}] needs ${n}.`);
  }
  return { shape: [...shape], data: d };
}

/** Element-wise |t|: the magnitude tensors used by the error bounds. */
export function abs(t: Tensor64): Tensor64 {
  return { shape: t.shape, data: t.data.map(Math.abs) };
}

/** `[a, b]` from a number or a pair, checked to be positive integers. */
export function pair(op: string, name: string, v: number | readonly [number, number]): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!Array.isArray(v) && typeof v !== 'number') {
    throw new ArgumentError(op, `${name} must be a number or a pair [h, w], got ${JSON.stringify(v)}.`);
  }
  if (typeof v !== 'number' && v.length !== 2) {
    throw new ArgumentError(op, `${name} must be a number or a pair [h, w], got [${v.join(',')}].`);
  }
  if (!p.every((x) => Number.isInteger(x) && x > 0)) {
    throw new ArgumentError(op, `${name} must be positive integers, got [${p.join(',')}].`);
  }
  return p;
}

/** Checks that `t` has the given rank. */
export function expectRank(op: string, name: string, t: Tensor64, rank: number): void {
  if (t.shape.length !== rank) {
    throw new ArgumentError(op, `${name} must be rank ${rank}, got rank ${t.shape.length} (shape [${t.shape.join(',')}]).`);
  }
  if (t.data.length !== sizeOf(t.shape)) {
    throw new ArgumentError(op, `${name} has ${t.data.length} values but shape [${t.shape.join(',')}] needs ${sizeOf(t.shape)}.`);
  }
}

/** Checks that an upstream gradient `dy` has the shape the forward op gives, `want`. */
export function expectDyShape(op: string, dy: Tensor64, want: Shape): void {
  expectRank(op, 'dy', dy, want.length);
  if (dy.shape.some((d, i) => d !== want[i])) {
    throw new ArgumentError(op, `dy must have the output shape [${want.join(',')}], got [${dy.shape.join(',')}].`);
  }
}

/** Permutes the axes: output axis d is input axis perm[d] (like tf.transpose). */
export function permute(t: Tensor64, perm: readonly number[]): Tensor64 {
  const shape = perm.map((p) => t.shape[p]);
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((x, y) => x * y, 1));
  const out = new Float64Array(t.data.length);
  for (let flat = 0; flat < out.length; flat++) {
    let rest = flat;
    let src = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const i = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
      src += i * strides[perm[d]];
    }
    out[flat] = t.data[src];
  }
  return { shape, data: out };
}

/** The same data under another shape of the same size. */
export function reshape(t: Tensor64, shape: Shape): Tensor64 {
  if (sizeOf(shape) !== t.data.length) throw new ArgumentError('reshape', `cannot reshape [${t.shape.join(',')}] to [${shape.join(',')}].`);
  return { shape: [...shape], data: t.data };
}

/**
 * NumPy broadcasting of two shapes: the result shape and, for each result
 * element, the flat index into a and into b.
 */
export function broadcastIndex(op: string, a: Shape, b: Shape): { shape: number[]; aIdx: Int32Array; bIdx: Int32Array } {
  const rank = Math.max(a.length, b.length);
  const pa = [...new Array<number>(rank - a.length).fill(1), ...a];
  const pb = [...new Array<number>(rank - b.length).fill(1), ...b];
  const shape = pa.map((d, i) => {
    if (d !== pb[i] && d !== 1 && pb[i] !== 1) throw new ArgumentError(op, `shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast.`);
    // NOTE: 1 takes the other size, 0 included (1 against 0 is 0, as in NumPy).
    return d === 1 ? pb[i] : d;
  });
  const total = sizeOf(shape);
  const aIdx = new Int32Array(total);
  const bIdx = new Int32Array(total);
  for (let t = 0; t < total; t++) {
    let rest = t;
    let ia = 0;
    let ib = 0;
    let sa = 1;
    let sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const i = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
      ia += (pa[d] === 1 ? 0 : i) * sa;
      ib += (pb[d] === 1 ? 0 : i) * sb;
      sa *= pa[d];
      sb *= pb[d];
    }
    aIdx[t] = ia;
    bIdx[t] = ib;
  }
  return { shape, aIdx, bIdx };
}
