import { ACTIVATIONS } from '../../../reference/activation';
import { runChecks } from '../../../src/check/runner';
import { fusedDepthwiseConv2dSpec } from '../../../src/ops/fusedDepthwiseConv2d';
import { OpSpec } from '../../../src/ops/types';
import { BACKENDS } from '../../../src/tfjs/backends';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

type Params = Parameters<(typeof fusedDepthwiseConv2dSpec)['tfjs']>[2];

describe('fusedDepthwiseConv2d cases', () => {
  const cases = fusedDepthwiseConv2dSpec.cases(1);
  it('cover every activation x bias form, multipliers, the pad forms, exact and non-finite cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    for (const act of ACTIVATIONS) for (const bias of ['none', 'channel', 'scalar', 'one']) expect(cases.some((c) => c.params.activation === act && c.params.bias === bias)).toBe(true);
    expect(cases.some((c) => c.inputs.filter.shape[3] > 1)).toBe(true);
    expect(cases.some((c) => typeof c.params.pad === 'number')).toBe(true);
    expect(cases.some((c) => Array.isArray(c.params.pad))).toBe(true);
    expect(cases.filter((c) => c.id.endsWith('nonfinite')).length).toBeGreaterThan(10);
    expect(cases.filter((c) => c.gradients).length).toBeGreaterThanOrEqual(100);
  });

  it('exact cases have bound 0', () => {
    const exact = cases.filter((c) => c.exact);
    expect(exact.length).toBeGreaterThan(30);
    for (const c of exact) expect(fusedDepthwiseConv2dSpec.reference(c).bound.every((b) => b === 0)).toBe(true);
  });
});

describe('the check can fail: planted faults are caught on every backend', () => {
  const planted = (name: string, tfjs: OpSpec<Params>['tfjs']): OpSpec<Params> => ({
    ...fusedDepthwiseConv2dSpec, id: `fusedDepthwiseConv2d-${name}`, known: fusedDepthwiseConv2dSpec.known.filter((k) => k.skip), grads: [], tfjs,
    cases: (seed) => fusedDepthwiseConv2dSpec.cases(seed).filter((c) => c.params.bias === 'channel' && c.params.pad === 'valid' && !c.id.endsWith('nonfinite')),
  });
  it.each([
    ['bias dropped', planted('no-bias', (tf, inputs, p) => fusedDepthwiseConv2dSpec.tfjs(tf, inputs, { ...p, bias: 'none' }))],
    ['activation dropped', planted('linear', (tf, inputs, p) => fusedDepthwiseConv2dSpec.tfjs(tf, inputs, { ...p, activation: 'linear' }))],
    ['result scaled by 1 + 2^-20', planted('scaled', (tf, inputs, p) => tf.mul(fusedDepthwiseConv2dSpec.tfjs(tf, inputs, p), 1 + 2 ** -20))],
  ])('%s', async (_name, spec) => {
    const records = await runChecks({ ops: [spec], backends: [...BACKENDS], seed: 2 });
    for (const b of BACKENDS) expect(records.filter((r) => r.backend === b && r.status === 'fail').length).toBeGreaterThan(5);
  });
});

describeErrorInputs(
  fusedDepthwiseConv2dSpec,
  {
    "unknown activation 'tanh'": { cpu: THROWS(/Activation tanh has not been implemented for the CPU backend/), wasm: THROWS(/tanh activation not yet supported for FusedDepthwiseConv2D in the wasm backend/), tensorflow: THROWS(/Activation: tanh has not been implemented for the Node.js backend/) },
    'channel mismatch x=[1,4,4,3] f=[2,2,4,1]': ALL(THROWS(/Error in fused depthwiseConv2d: number of input channels \(3\) must match the inChannels dimension in filter 4/)),
    'bias [3] for 2 output channels': ALL(THROWS(/Operands could not be broadcast together with shapes 1,3,3,2 and 3/)),
    // NOTE: wasm applies 3 prelu weights to 2 output channels without a check.
    'prelu weights [3] for 2 output channels': { cpu: THROWS(/Operands could not be broadcast together with shapes 1,3,3,2 and 3/), wasm: RETURNS([1, 3, 3, 2]), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  },
  'fused depthwiseConv2d',
);
