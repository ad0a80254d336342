import { feedForwardSpec } from '../../../src/ops/feedForward';
import { ALL, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('feedForward cases', () => {
  it('cover ReLU and GELU', () => {
    const cases = feedForwardSpec.cases(1);
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(cases.filter((c) => c.params.act === 'relu').length).toBeGreaterThan(50);
    expect(cases.filter((c) => c.params.act === 'gelu').length).toBeGreaterThan(50);
  });
});

describeErrorInputs(feedForwardSpec, {
  'w1 with 3 rows for x of width 4': { ...ALL(THROWS(/inner shapes \(4\) and \(3\)/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'w2 of shape [5,3] for dff 5 and width 4': { ...ALL(THROWS(/could not be broadcast together with shapes 2,3 and 4/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
});
