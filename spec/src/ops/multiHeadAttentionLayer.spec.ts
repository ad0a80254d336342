import { multiHeadAttentionLayerSpec } from '../../../src/ops/multiHeadAttentionLayer';
import { ALL, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('multiHeadAttentionLayer', () => {
  it('uses the multiHeadAttention cases (and so its non-finite ones)', () => {
    const cases = multiHeadAttentionLayerSpec.cases(1);
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(cases.some((c) => c.id.includes(' nonfinite'))).toBe(true);
  });
});

describeErrorInputs(multiHeadAttentionLayerSpec, {
  // NOTE: the layer builds a kernel of shape [8, 3, 8/3]: tfjs-core refuses the shape on every backend.
  'heads 3 for a model width 8': ALL(THROWS(/shape comprised of positive integers but got shape \[8,3,2.6666666666666665\]/)),
}, 'multiHeadAttention');
