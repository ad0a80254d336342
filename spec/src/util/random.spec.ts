import { Rng, hashSeed } from '../../../src/util/random';

describe('Rng', () => {
  it('replays the same stream from the same seed', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
  });

  it('draws float32 values, integers within range, and independent forks', () => {
    const r = new Rng(1);
    for (const v of r.uniform(1000)) {
      expect(Math.fround(v)).toBe(v);
      expect(v).toBeGreaterThanOrEqual(-1);
      expect(v).toBeLessThan(1);
    }
    const ints = r.integers(1000, -3, 3);
    expect(new Set(ints)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    expect(new Rng(1).fork('a').next()).not.toBe(new Rng(1).fork('b').next());
    expect(hashSeed(1, 'x')).not.toBe(hashSeed(2, 'x'));
  });
});
