import { matMul } from '../../reference/BatchMatMul';
import { positionalEncoding, sinusoidalShift } from '../../reference/PositionalEncoding';
import { tensor } from '../../reference/tensor';

describe('positional encodings (notes, parts 2c and 2d)', () => {
  it('natural numbers start at 1; normalised values lie in (0, 1], the last exactly 1', () => {
    expect(Array.from(positionalEncoding(4, 2, 'natural').data)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    for (const n of [1, 7, 512]) {
      const pe = positionalEncoding(n, 3, 'normalized').data;
      expect(pe.every((v) => v > 0 && v <= 1)).toBe(true);
      expect(pe[pe.length - 1]).toBe(1);
    }
  });

  it('sinusoidal: PE(pos + k) is the same block rotation of PE(pos) for every pos', () => {
    const n = 64;
    const d = 16;
    const pe = positionalEncoding(n, d, 'sinusoidal');
    for (const k of [1, 5, 17]) {
      const M = sinusoidalShift(k, d);
      for (let pos = 0; pos + k < n; pos++) {
        const row = tensor([d, 1], pe.data.subarray(pos * d, pos * d + d));
        const shifted = matMul(M, row).data;
        for (let i = 0; i < d; i++) expect(Math.abs(shifted[i] - pe.data[(pos + k) * d + i])).toBeLessThan(1e-12);
      }
    }
  });

  it('sinusoidal by hand: row 0 is [0, 1, 0, 1, ...]; column 0 is sin(pos)', () => {
    const pe = positionalEncoding(3, 4, 'sinusoidal');
    expect(Array.from(pe.data.subarray(0, 4))).toEqual([0, 1, 0, 1]);
    expect(pe.data[2 * 4]).toBe(Math.sin(2));
  });

  it.each([
    ['a non-positive sequence length', () => positionalEncoding(-3, 4, 'natural'), /Error in positionalEncoding: the sequence length n must be a positive integer, got -3/],
    ['an odd sinusoidal width', () => positionalEncoding(3, 5, 'sinusoidal'), /Error in positionalEncoding: a sinusoidal encoding needs an even width d, got 5/],
    ['an unknown kind', () => positionalEncoding(3, 4, 'learned' as never), /Error in positionalEncoding: kind must be one of natural, normalized, sinusoidal, got "learned"/],
  ])('rejects %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
