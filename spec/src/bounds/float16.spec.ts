/**
 * Float16 storage (src/bounds/gamma.ts): the rounding the runner applies to a
 * float16 backend's inputs, checked against every float16 bit pattern, and the
 * bounds derived for it.
 */
import { FLOAT16, FLOAT32, U16, dotBound, roundToFloat16, storedConstant, withStorage, storage } from '../../../src/bounds/gamma';

/** The value of a float16 bit pattern (IEEE 754 binary16), decoded field by field. */
function decode(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

describe('roundToFloat16', () => {
  const finite = Array.from({ length: 0x7c00 }, (_, b) => decode(b)); // +0 .. 65504, increasing

  it('keeps every float16 value (normal, subnormal, signed zero) as it is', () => {
    const moved: number[] = [];
    for (let b = 0; b < 0x10000; b++) {
      const v = decode(b);
      if (!Number.isNaN(v) && !Object.is(roundToFloat16(v), v)) moved.push(b);
    }
    expect(moved).toEqual([]);
  });

  it('rounds to nearest, ties to the even neighbour, between every two consecutive values', () => {
    const wrong: string[] = [];
    for (let b = 0; b + 1 < finite.length; b++) {
      const [lo, hi] = [finite[b], finite[b + 1]];
      const mid = (lo + hi) / 2;
      const even = b % 2 === 0 ? lo : hi;
      const cases: [number, number][] = [[mid, even], [-mid, -even], [lo + (hi - lo) / 4, lo], [hi - (hi - lo) / 4, hi]];
      for (const [x, want] of cases) if (roundToFloat16(x) !== want) wrong.push(`${x} -> ${roundToFloat16(x)}, want ${want}`);
    }
    expect(wrong).toEqual([]);
  });

  it('overflows to +-Inf from 65520 on (the midpoint above 65504), and keeps NaN', () => {
    expect(roundToFloat16(65519.99)).toBe(65504);
    expect(roundToFloat16(65520)).toBe(Infinity);
    expect(roundToFloat16(-70000)).toBe(-Infinity);
    expect(Number.isNaN(roundToFloat16(NaN))).toBe(true);
    // values seen stored by SwiftShader's half-float textures (probe in the browser spec)
    expect(roundToFloat16(1 + 2 ** -12)).toBe(1);
    expect(roundToFloat16(3 + 2 ** -10 + 2 ** -11)).toBe(3 + 2 ** -9);
    expect(roundToFloat16(2 ** -25)).toBe(0);
    expect(roundToFloat16(1e-7)).toBe(2 ** -23);
  });
});

describe('bounds under float16 storage', () => {
  it('withStorage sets the storage for the bound and restores it, also when the bound throws', () => {
    expect(storage()).toBe(FLOAT32);
    expect(() => withStorage(FLOAT16, () => {
      expect(storage()).toBe(FLOAT16);
      throw new Error('x');
    })).toThrow('x');
    expect(storage()).toBe(FLOAT32);
  });

  it('a stored dot product adds one float16 rounding of the result and float16 underflow', () => {
    const mag = Float64Array.of(1, 1000);
    const b32 = dotBound(mag, 8, false);
    const b16 = withStorage(FLOAT16, () => dotBound(mag, 8, false));
    for (let i = 0; i < 2; i++) {
      expect(b16[i] - b32[i]).toBeGreaterThanOrEqual(U16 * mag[i]);
      expect(b16[i] - b32[i]).toBeLessThan(1.01 * U16 * mag[i] + 2 ** -14 + 1e-12);
    }
  });

  it('integer cases stay exact only while the storage holds every partial sum', () => {
    expect(withStorage(FLOAT16, () => dotBound(Float64Array.of(2048), 4, true))[0]).toBe(0);
    expect(withStorage(FLOAT16, () => dotBound(Float64Array.of(2049), 4, true))[0]).toBeGreaterThan(0);
    expect(dotBound(Float64Array.of(2049), 4, true)[0]).toBe(0);
  });

  it('a scale constant is held as the storage holds it', () => {
    expect(storedConstant(1 / 3)).toBe(Math.fround(1 / 3));
    expect(withStorage(FLOAT16, () => storedConstant(1 / 3))).toBe(roundToFloat16(Math.fround(1 / 3)));
  });
});
