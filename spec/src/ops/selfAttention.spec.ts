import { selfAttentionSpec } from '../../../src/ops/selfAttention';
import { ALL, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describeErrorInputs(selfAttentionSpec, {
  'wq with 3 columns for h of width 4': { ...ALL(THROWS(/inner shapes \(4\) and \(3\)/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'wq and wk of different d_k (2 and 3)': { ...ALL(THROWS(/inner shapes \(2\) and \(3\)/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
});
