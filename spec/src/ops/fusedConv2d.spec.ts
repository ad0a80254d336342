import { ACTIVATIONS } from '../../../reference/activation';
import { runChecks } from '../../../src/check/runner';
import { fusedConv2dSpec } from '../../../src/ops/fusedConv2d';
import { OpSpec } from '../../../src/ops/types';
import { BACKENDS } from '../../../src/tfjs/backends';
import { ALL, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

type Params = Parameters<(typeof fusedConv2dSpec)['tfjs']>[2];

describe('fusedConv2d cases', () => {
  const cases = fusedConv2dSpec.cases(1);
  it('cover every activation x bias form, the pad forms, NCHW, exact and non-finite cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    for (const act of ACTIVATIONS) for (const bias of ['none', 'channel', 'scalar', 'one']) expect(cases.some((c) => c.params.activation === act && c.params.bias === bias)).toBe(true);
    for (const prelu of ['channel', 'scalar', 'one']) expect(cases.some((c) => c.params.activation === 'prelu' && c.params.prelu === prelu)).toBe(true);
    expect(cases.some((c) => typeof c.params.pad === 'number')).toBe(true);
    expect(cases.some((c) => Array.isArray(c.params.pad))).toBe(true);
    expect(cases.filter((c) => c.params.dataFormat === 'NCHW' && c.params.bias === 'channel').length).toBeGreaterThan(3);
    expect(cases.filter((c) => c.id.endsWith('nonfinite')).length).toBeGreaterThan(10);
    expect(cases.filter((c) => c.gradients).length).toBeGreaterThanOrEqual(100);
  });

  it('exact cases have bound 0', () => {
    const exact = cases.filter((c) => c.exact);
    expect(exact.length).toBeGreaterThan(30);
    for (const c of exact) expect(fusedConv2dSpec.reference(c).bound.every((b) => b === 0)).toBe(true);
  });
});

describe('the check can fail: planted faults are caught on every backend', () => {
  const planted = (name: string, tfjs: OpSpec<Params>['tfjs']): OpSpec<Params> => ({
    ...fusedConv2dSpec, id: `fusedConv2d-${name}`, known: fusedConv2dSpec.known.filter((k) => k.skip), grads: [], tfjs,
    cases: (seed) => fusedConv2dSpec.cases(seed).filter((c) => c.params.bias === 'channel' && !c.params.dataFormat && typeof c.params.pad === 'string' && c.params.pad === 'valid' && !c.id.endsWith('nonfinite')),
  });
  it.each([
    // NOTE: the NCHW form of the webgl report: the bias added along the last axis instead of the channels.
    ['bias dropped', planted('no-bias', (tf, inputs, p) => fusedConv2dSpec.tfjs(tf, inputs, { ...p, bias: 'none' }))],
    ['activation dropped', planted('linear', (tf, inputs, p) => fusedConv2dSpec.tfjs(tf, inputs, { ...p, activation: 'linear' }))],
    ['result scaled by 1 + 2^-20', planted('scaled', (tf, inputs, p) => tf.mul(fusedConv2dSpec.tfjs(tf, inputs, p), 1 + 2 ** -20))],
  ])('%s', async (_name, spec) => {
    const records = await runChecks({ ops: [spec], backends: [...BACKENDS], seed: 2 });
    for (const b of BACKENDS) expect(records.filter((r) => r.backend === b && r.status === 'fail').length).toBeGreaterThan(5);
  });

  it('an NCHW bias added on the last axis (the webgl report) fails on cpu', async () => {
    const spec: OpSpec<Params> = {
      ...fusedConv2dSpec, id: 'fusedConv2d-nchw-bias-axis', known: [], grads: [],
      cases: (seed) => fusedConv2dSpec.cases(seed).filter((c) => c.params.dataFormat === 'NCHW' && c.params.bias === 'channel' && c.params.activation === 'linear' && !c.id.endsWith('nonfinite')),
      tfjs: (tf, [x, f, bias], p) => tf.add(tf.conv2d(x as never, f as never, p.strides, p.pad as never, 'NCHW', p.dilations), bias),
    };
    const records = (await runChecks({ ops: [spec], backends: ['cpu'], seed: 1 })).filter((r) => r.status !== 'error');
    expect(records.length).toBeGreaterThan(0);
    expect(records.some((r) => r.status === 'fail')).toBe(true);
  });
});

describeErrorInputs(
  fusedConv2dSpec,
  {
    "unknown activation 'tanh'": { cpu: THROWS(/Activation tanh has not been implemented for the CPU backend/), wasm: THROWS(/tanh activation not yet supported for FusedConv2D in the wasm backend/), tensorflow: THROWS(/Activation: tanh has not been implemented for the Node.js backend/) },
    'channel mismatch x=[1,4,4,3] f=[2,2,4,1]': ALL(THROWS(/Error in conv2d: depth of input \(3\) must match input depth for filter 4/)),
    'bias [3] for 2 output channels': ALL(THROWS(/Operands could not be broadcast together with shapes 1,3,3,2 and 3/)),
    'NCHW bias of rank 2': ALL(THROWS(/Error in fused conv2d: only supports scalar or 1-D Tensor bias for NCHW format but got the bias of rank-2/)),
    'prelu weights [3] for 2 output channels': ALL(THROWS(/Error in fused conv2d: PReLU activation weights \(3\) is not compatible with the number of output channels \(2\)/)),
    'prelu weights of rank 2': ALL(THROWS(/Error in fused conv2d: only supports scalar, 1-D Tensor or 3-D Tensor PReLU activation weights but got a tensor of rank-2/)),
  },
  'fused conv2d',
);
