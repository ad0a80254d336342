import { positionalEncodingSpec } from '../../../src/ops/positionalEncoding';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('positionalEncoding cases', () => {
  it('cover the three kinds, n from 1 to 512', () => {
    const cases = positionalEncodingSpec.cases(1);
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map((c) => c.params.kind))).toEqual(new Set(['natural', 'normalized', 'sinusoidal']));
    expect(cases.some((c) => c.params.n === 1)).toBe(true);
    expect(cases.some((c) => c.params.n === 512)).toBe(true);
  });
});

describeErrorInputs(positionalEncodingSpec, {
  // NOTE: the TF.js composition has no argument checks of its own: it returns an empty encoding, or fails on a reshape.
  'sequence length 0': ALL(RETURNS([0, 4])),
  'odd width 5 for the sinusoid': { ...ALL(THROWS(/Size\(3\) must match the product of shape 1,2.5/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  "unknown kind 'learned'": ALL(RETURNS([4, 4])),
});
