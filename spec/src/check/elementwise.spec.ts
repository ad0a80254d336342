import { tensor } from '../../../reference/tensor';
import { gamma, U32 } from '../../../src/bounds/gamma';
import { judgeElements } from '../../../src/check/elementwise';

const exp = (vals: number[]) => tensor([vals.length], vals);
const run = (e: number[], g: number[], bound: number[] | number = 0, strict = false) =>
  judgeElements(exp(e), Float64Array.from(typeof bound === 'number' ? e.map(() => bound) : bound), { shape: [g.length], data: g }, strict);

describe('compare', () => {
  it('passes within the bound and fails just outside it', () => {
    expect(run([1], [1 + 1e-7], 2e-7).ok).toBe(true);
    const r = run([1], [1 + 3e-7], 2e-7);
    expect(r.ok).toBe(false);
    expect(r.errToBound).toBeCloseTo(1.5, 6);
    expect(r.worst).toMatchObject({ index: [0], expected: 1, bound: 2e-7 });
  });

  it('a zero bound accepts only an exact match', () => {
    expect(run([3], [3]).errToBound).toBe(0);
    expect(run([3], [3 + 2 ** -20]).errToBound).toBe(Infinity);
  });

  it('NaN matches only NaN', () => {
    expect(run([NaN], [NaN]).ok).toBe(true);
    expect(run([NaN], [0], 1).ok).toBe(false);
    expect(run([0], [NaN], 1).ok).toBe(false);
    expect(run([0], [NaN], 1).worst!.got).toBe('NaN');
  });

  it('+Inf and -Inf match only themselves', () => {
    expect(run([Infinity, -Infinity], [Infinity, -Infinity]).ok).toBe(true);
    expect(run([Infinity], [-Infinity], 1).ok).toBe(false);
    expect(run([Infinity], [3.4e38], 1e38).ok).toBe(false);
    expect(run([-Infinity], [NaN], 1).ok).toBe(false);
  });

  it('a finite value beyond float32 range may round to Inf of the same sign only', () => {
    expect(run([4e38], [Infinity], 1).ok).toBe(true);
    expect(run([4e38], [-Infinity], 1).ok).toBe(false);
    expect(run([1e38], [Infinity], 1).ok).toBe(false);
  });

  it('counts a +0/-0 difference, and fails it only where the op defines the sign', () => {
    const loose = run([0], [-0]);
    expect(loose.ok).toBe(true);
    expect(loose.signedZeroMismatches).toBe(1);
    const strict = run([0], [-0], 0, true);
    expect(strict.ok).toBe(false);
    expect(strict.worst!.got).toBe('-0');
  });

  it('reports the worst element with its multi-index', () => {
    const e = tensor([2, 2, 1, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const g = [1, 2, 3, 4, 5, 6, 7.5, 8];
    const r = judgeElements(e, new Float64Array(8).fill(0.1), { shape: [2, 2, 1, 2], data: g }, false);
    expect(r.mismatches).toBe(1);
    expect(r.worst!.index).toEqual([1, 1, 0, 0]);
    expect(r.maxAbsErr).toBe(0.5);
  });

  it('a shape difference fails with both shapes named', () => {
    const r = judgeElements(tensor([2, 2]), new Float64Array(4), { shape: [4], data: [0, 0, 0, 0] }, false);
    expect(r.ok).toBe(false);
    expect(r.shapeMismatch).toBe('expected shape [2,2], got [4]');
  });
});

describe('gamma', () => {
  it('is K u / (1 - K u) and has no bound once K u >= 1', () => {
    expect(gamma(1, U32)).toBe(U32 / (1 - U32));
    expect(gamma(1, U32)).toBeGreaterThan(U32);
    expect(gamma(100, U32)).toBe((100 * U32) / (1 - 100 * U32));
    expect(gamma(2 ** 24, U32)).toBe(Infinity);
  });
});
