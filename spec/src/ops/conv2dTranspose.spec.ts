import { conv2dTransposeSpec } from '../../../src/ops/conv2dTranspose';
import { conv2dSpec } from '../../../src/ops/conv2d';
import { OpSpec } from '../../../src/ops/types';
import { runChecks } from '../../../src/check/runner';
import { BACKENDS } from '../../../src/tfjs/backends';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

type Params = Parameters<typeof conv2dTransposeSpec.reference>[0]['params'];

describe('conv2dTranspose cases', () => {
  const cases = conv2dTransposeSpec.cases(1);

  it("are conv2d's NHWC undilated configurations, every padding form and rounding mode, each x of the conv2d's output shape", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.some((c) => typeof c.params.pad === 'number')).toBe(true);
    expect(cases.some((c) => Array.isArray(c.params.pad))).toBe(true);
    expect(cases.some((c) => c.params.dimRoundingMode === 'ceil')).toBe(true);
    expect(cases.some((c) => c.params.outputShape.length === 3)).toBe(true);
    expect(cases.filter((c) => c.exact).length).toBeGreaterThan(30);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) expect(conv2dTransposeSpec.reference(c).value.shape).toEqual(c.params.outputShape);
  });

  it('the exact cases have bound 0 and integer results', () => {
    for (const c of cases.filter((k) => k.exact)) {
      const { value, bound } = conv2dTransposeSpec.reference(c);
      expect(bound.every((b) => b === 0)).toBe(true);
      expect(value.data.every((v) => Number.isInteger(v))).toBe(true);
    }
  });

  it('takes the conv2d cases that TF.js can transpose: no NCHW, no dilations', () => {
    const convs = conv2dSpec.cases(1).filter((c) => !c.params.dataFormat && c.params.dilations.every((d) => d === 1));
    expect(cases.length).toBe(convs.length);
  });
});

describe('the check can fail: a transposed filter (taps reversed) is caught on every backend', () => {
  it('filter reversed along both spatial axes', async () => {
    const spec: OpSpec<Params> = {
      ...conv2dTransposeSpec, id: 'conv2dTranspose-reversed', grads: [], known: conv2dTransposeSpec.known.filter((k) => k.skip),
      cases: (seed) => conv2dTransposeSpec.cases(seed).filter((c) => typeof c.params.pad === 'string'),
      tfjs: (tf, [x, f], p) => tf.conv2dTranspose(x as never, tf.reverse(f, [0, 1]) as never, p.outputShape as never, p.strides, p.pad as never, p.dimRoundingMode),
    };
    const records = await runChecks({ ops: [spec], backends: [...BACKENDS], seed: 1 });
    for (const b of BACKENDS) expect(records.filter((r) => r.backend === b && r.status === 'fail').length).toBeGreaterThan(20);
  });
});

describeErrorInputs(conv2dTransposeSpec, {
  'x depth 2 for a filter of 3 output channels': ALL(THROWS(/Error in conv2dDerInput: depth of output \(2\) must match output depth for filter 3/)),
  // NOTE: TF.js does not check x against the shape a conv2d of outputShape gives: cpu and wasm return a result.
  'outputShape [1,5,5,1] whose conv2d output is [1,4,4,3], not x [1,3,3,3]': { cpu: RETURNS([1, 5, 5, 1]), wasm: RETURNS([1, 5, 5, 1]), tensorflow: THROWS(/Invalid TF_Status: 10/) },
  'outputShape of rank 2': ALL(THROWS(/Length of inShape \(2\) and rank of dy \(4\) must match/)),
});
