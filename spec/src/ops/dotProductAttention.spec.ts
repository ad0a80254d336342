import { dotProductAttentionSpec } from '../../../src/ops/dotProductAttention';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('dotProductAttention cases', () => {
  const cases = dotProductAttentionSpec.cases(1);
  it('cover every mask kind, n = 1, d = 1, n = 512, large logits and a fully masked row', () => {
    expect(cases.length).toBeGreaterThanOrEqual(120);
    expect(new Set(cases.map((c) => c.params.mask))).toEqual(new Set(['none', 'causal', 'boolean', 'additive', 'masked']));
    expect(cases.some((c) => c.inputs.q.shape[1] === 1 && c.inputs.q.shape[2] === 1)).toBe(true);
    expect(cases.some((c) => c.inputs.q.shape[1] === 512)).toBe(true);
    expect(cases.some((c) => c.params.m?.data.some((v) => v === -Infinity))).toBe(true);
    expect(cases.filter((c) => c.id.endsWith('v=large')).length).toBeGreaterThan(5);
    expect(cases.filter((c) => !c.gradients).every((c) => c.params.mask === 'masked' || c.id.includes(' nonfinite'))).toBe(true);
    expect(cases.filter((c) => c.id.includes(' nonfinite')).length).toBeGreaterThan(5);
  });
});

describeErrorInputs(dotProductAttentionSpec, {
  'd_k of q (4) and k (3)': { ...ALL(THROWS(/inner shapes \(4\) and \(3\)/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'a mask of shape [3,3] for scores [1,2,2]': { ...ALL(THROWS(/could not be broadcast together with shapes 1,2,2 and 3,3/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'k and v of different lengths (3 and 2)': { ...ALL(THROWS(/inner shapes \(3\) and \(2\)/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  // NOTE: TF.js returns an empty output for an empty sequence.
  'sequence length 0': ALL(RETURNS([1, 0, 2])),
});
