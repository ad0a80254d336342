import { multiHeadAttentionSpec } from '../../../src/ops/multiHeadAttention';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('multiHeadAttention cases', () => {
  it('cover 1 to 4 heads, with and without the causal mask', () => {
    const cases = multiHeadAttentionSpec.cases(1);
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map((c) => c.params.heads))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(cases.map((c) => c.params.mask))).toEqual(new Set(['none', 'causal']));
  });
});

describeErrorInputs(multiHeadAttentionSpec, {
  // NOTE: wasm reshapes to a fractional head width and returns an output of the input's shape.
  'heads 3 for a model width 8': { cpu: THROWS(/shape comprised of positive integers but got shape \[3,2,2.6666666666666665\]/), wasm: RETURNS([1, 2, 8]), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'sequence length 0': ALL(RETURNS([1, 0, 4])),
  'wo of shape [4,3]': { ...ALL(THROWS(/Size\(6\) must match the product of shape 1,2,4/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
});
