import { softmaxSpec } from '../../../src/ops/softmax';
import { RETURNS, ALL, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('softmax cases', () => {
  const cases = softmaxSpec.cases(1);
  it('cover logits near the float32 limits, -Inf, fully masked rows and n = 1', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    const kinds = new Set(cases.map((c) => c.params.kind));
    expect([...kinds].sort()).toEqual(['const', 'large', 'limit', 'masked', 'neginf', 'rand']);
    expect(cases.some((c) => c.inputs.logits.data.some((v) => Math.abs(v) > 9000))).toBe(true);
    expect(cases.some((c) => c.inputs.logits.data.some((v) => v > 88.7))).toBe(true);
    expect(cases.some((c) => c.inputs.logits.shape[c.inputs.logits.shape.length - 1] === 1)).toBe(true);
    expect(cases.some((c) => c.inputs.logits.shape[c.inputs.logits.shape.length - 1] === 512)).toBe(true);
  });

  it('cover ranks 1 to 6', () => {
    expect(new Set(cases.map((c) => c.inputs.logits.shape.length))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    expect(cases.filter((c) => c.inputs.logits.shape.length >= 4 && c.gradients).length).toBeGreaterThan(15);
  });

  it('a fully masked row is NaN in the reference, everywhere else a distribution', () => {
    for (const c of cases.filter((k) => !k.id.includes(' nonfinite'))) {
      const { value } = softmaxSpec.reference(c);
      const n = value.shape[value.shape.length - 1];
      for (let r = 0; r < value.data.length; r += n) {
        const row = Array.from(value.data.subarray(r, r + n));
        const masked = Array.from(c.inputs.logits.data.subarray(r, r + n)).every((v) => v === -Infinity);
        if (masked) expect(row.every(Number.isNaN)).toBe(true);
        else expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      }
    }
  });
});

describeErrorInputs(softmaxSpec, {
  // NOTE: wasm returns a scalar for the softmax of a scalar.
  'dim 0 of logits [2,3]': ALL(THROWS(/Softmax along a non-last dimension is not yet supported\. Logits was rank 2 and dim was 0/)),
  'a scalar': { cpu: THROWS(/axis param must be in range \[-0, 0\) but got axis -1/), wasm: RETURNS([]), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'an empty last axis [2,0]': ALL(RETURNS([2, 0])),
  'gradient: dy [2,2] for y [2,3]': { ...ALL(THROWS(/could not be broadcast together with shapes 2,2 and 2,3/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
});
