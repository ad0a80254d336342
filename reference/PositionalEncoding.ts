/**
 * Positional encodings (notes, parts 2c and 2d). Output [n, d]; position pos
 * counts from 0 for the sinusoid and from 1 for the natural numbers.
 *   natural:    PE[pos, i] = pos + 1 (the notes' first item is 1);
 *   normalized: PE[pos, i] = (pos + 1) / n, in (0, 1] (the notes' fix for scale);
 *   sinusoidal: PE[pos, 2i] = sin(pos * w_i), PE[pos, 2i + 1] = cos(pos * w_i),
 *               w_i = 10000^(-2i/d) (the relative-position encoding of part 2d).
 * For the sinusoid, PE(pos + k) is a fixed linear map of PE(pos): each (sin, cos)
 * pair turns by the angle k * w_i, whatever pos is (`sinusoidalShift`).
 */
import { ArgumentError, Tensor64 } from './tensor';

export type PositionalEncodingKind = 'natural' | 'normalized' | 'sinusoidal';
export const POSITIONAL_KINDS: readonly PositionalEncodingKind[] = ['natural', 'normalized', 'sinusoidal'];

export function positionalEncoding(n: number, d: number, kind: PositionalEncodingKind): Tensor64 {
  const op = 'positionalEncoding';
  if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(op, `the sequence length n must be a positive integer, got ${n}.`);
  if (!Number.isInteger(d) || d <= 0) throw new ArgumentError(op, `the width d must be a positive integer, got ${d}.`);
  if (!POSITIONAL_KINDS.includes(kind)) throw new ArgumentError(op, `kind must be one of ${POSITIONAL_KINDS.join(', ')}, got ${JSON.stringify(kind)}.`);
  if (kind === 'sinusoidal' && d % 2 !== 0) throw new ArgumentError(op, `a sinusoidal encoding needs an even width d, got ${d}.`);
  const pe = new Float64Array(n * d);
  // w_i = 10000^(-2i/d), once per pair of columns
  const w = Array.from({ length: d }, (_, i) => Math.pow(10000, -(2 * Math.floor(i / 2)) / d));
  for (let pos = 0; pos < n; pos++) {
    for (let i = 0; i < d; i++) {
      if (kind === 'natural') pe[pos * d + i] = pos + 1;
      else if (kind === 'normalized') pe[pos * d + i] = (pos + 1) / n;
      else pe[pos * d + i] = i % 2 === 0 ? Math.sin(pos * w[i]) : Math.cos(pos * w[i]);
    }
  }
  return { shape: [n, d], data: pe };
}

/**
 * The linear map M_k with PE(pos + k) = M_k PE(pos) for the sinusoid: block
 * diagonal, one 2x2 rotation [[cos kw, sin kw], [-sin kw, cos kw]] per pair.
 * Returned as [d, d], row-major.
 */
export function sinusoidalShift(k: number, d: number): Tensor64 {
  const m = new Float64Array(d * d);
  for (let p = 0; p < d; p += 2) {
    const a = k * Math.pow(10000, -p / d);
    // sin(x + a) = sin x cos a + cos x sin a; cos(x + a) = cos x cos a - sin x sin a
    m[p * d + p] = Math.cos(a);
    m[p * d + p + 1] = Math.sin(a);
    m[(p + 1) * d + p] = -Math.sin(a);
    m[(p + 1) * d + p + 1] = Math.cos(a);
  }
  return { shape: [d, d], data: m };
}
