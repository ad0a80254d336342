import { ACTIVATIONS } from '../../../reference/activation';
import { runChecks } from '../../../src/check/runner';
import { fusedMatMulSpec } from '../../../src/ops/fusedMatMul';
import { OpSpec } from '../../../src/ops/types';
import { BACKENDS } from '../../../src/tfjs/backends';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

type Params = Parameters<(typeof fusedMatMulSpec)['tfjs']>[2];

describe('fusedMatMul cases', () => {
  const cases = fusedMatMulSpec.cases(1);
  it('cover every activation x bias form, the transposes, exact and non-finite cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    for (const act of ACTIVATIONS) for (const bias of ['none', 'channel', 'scalar', 'one', 'full']) expect(cases.some((c) => c.params.activation === act && c.params.bias === bias)).toBe(true);
    for (const prelu of ['channel', 'scalar', 'one', 'full']) expect(cases.some((c) => c.params.activation === 'prelu' && c.params.prelu === prelu)).toBe(true);
    for (const tA of [true, false]) for (const tB of [true, false]) expect(cases.some((c) => c.params.transposeA === tA && c.params.transposeB === tB)).toBe(true);
    expect(cases.filter((c) => c.id.endsWith('nonfinite')).length).toBeGreaterThan(10);
    expect(cases.filter((c) => c.gradients).length).toBeGreaterThanOrEqual(100);
  });

  it('exact cases (integers, power-of-two alpha) have bound 0, forward and gradients', () => {
    const exact = cases.filter((c) => c.exact);
    expect(exact.length).toBeGreaterThan(30);
    for (const c of exact) {
      expect(fusedMatMulSpec.reference(c).bound.every((b) => b === 0)).toBe(true);
    }
    const c = exact.find((k) => k.gradients && k.params.activation === 'linear')!;
    const dy = { shape: fusedMatMulSpec.reference(c).value.shape, data: new Float64Array(fusedMatMulSpec.reference(c).value.data.length).fill(2) };
    for (const g of fusedMatMulSpec.grads) expect(g.reference(c, dy).bound.every((b) => b === 0)).toBe(true);
  });

  it('elu and sigmoid bounds are not zero (exp is not exact)', () => {
    const c = cases.find((k) => k.params.activation === 'sigmoid')!;
    expect(fusedMatMulSpec.reference(c).bound.every((b) => b > 0)).toBe(true);
  });
});

describe('known discrepancies reproduce on their backend only', () => {
  it.each([
    ['wasm', 'a=[2,7] b=[2,4] tA=true tB=false bias=[4] act=linear v=rand'],
    ['wasm', 'a=[64,3] b=[64,4] tA=true tB=false bias=[4] act=relu v=rand'],
    ['wasm', 'a=[2,100] b=[100,3] tA=false tB=false bias=[1] act=linear v=exact'],
  ] as const)('%s: %s', async (backend, caseId) => {
    const spec = { ...fusedMatMulSpec, grads: [] };
    const records = await runChecks({ ops: [spec], backends: [...BACKENDS], seed: 1, caseId });
    const by = Object.fromEntries(records.map((r) => [r.backend, r]));
    expect(by[backend].status).toBe('xfail');
    for (const other of BACKENDS.filter((b) => b !== backend)) expect(by[other].status).toBe('pass');
  });
});

describe('second oracle: the unfused composition on the same backend agrees with the reference where the fused kernel does not', () => {
  // matMul, add, the activation: what TF.js itself runs under a gradient tape.
  const unfused: OpSpec<Params> = {
    ...fusedMatMulSpec, id: 'fusedMatMul-unfused', known: [], grads: [],
    tfjs: (tf, [a, b, bias], p) => {
      let z = tf.add(tf.matMul(a, b, p.transposeA, p.transposeB), p.bias === 'none' ? tf.scalar(0) : bias);
      if (p.activation === 'relu') z = tf.relu(z);
      return z;
    },
  };
  it.each([
    'a=[2,7] b=[2,4] tA=true tB=false bias=[4] act=linear v=rand',
    'a=[64,3] b=[64,4] tA=true tB=false bias=[4] act=relu v=rand',
    'a=[2,100] b=[100,3] tA=false tB=false bias=[1] act=linear v=exact',
  ])('%s', async (caseId) => {
    const records = await runChecks({ ops: [unfused], backends: ['wasm'], seed: 1, caseId });
    expect(records.map((r) => r.status)).toEqual(['pass']);
  });
});

describe('the check can fail: planted faults are caught on every backend', () => {
  const planted = (name: string, tfjs: OpSpec<Params>['tfjs']): OpSpec<Params> => ({
    ...fusedMatMulSpec, id: `fusedMatMul-${name}`, known: [], grads: [], tfjs,
    cases: (seed) => fusedMatMulSpec.cases(seed).filter((c) => (c.params.bias === 'channel' || c.params.bias === 'none') && !c.params.transposeA && !c.params.transposeB && c.inputs.a.shape.length === 2 && !c.id.endsWith('nonfinite')),
  });
  it.each([
    ['bias dropped', planted('no-bias', (tf, inputs, p) => fusedMatMulSpec.tfjs(tf, inputs, { ...p, bias: 'none' }))],
    ['activation dropped', planted('linear', (tf, inputs, p) => fusedMatMulSpec.tfjs(tf, inputs, { ...p, activation: 'linear' }))],
    ['result scaled by 1 + 2^-20', planted('scaled', (tf, inputs, p) => tf.mul(fusedMatMulSpec.tfjs(tf, inputs, p), 1 + 2 ** -20))],
  ])('%s', async (_name, spec) => {
    const records = await runChecks({ ops: [spec], backends: [...BACKENDS], seed: 2 });
    for (const b of BACKENDS) expect(records.filter((r) => r.backend === b && r.status === 'fail').length).toBeGreaterThan(5);
  });
});

// What TF.js 4.22 does with each, per backend, recorded.
describeErrorInputs(
  fusedMatMulSpec,
  {
    // NOTE: wasm's message names FusedConv2D for the matMul kernel too.
    "unknown activation 'tanh'": { cpu: THROWS(/Activation tanh has not been implemented for the CPU backend/), wasm: THROWS(/tanh activation not yet supported for FusedConv2D in the wasm backend/), tensorflow: THROWS(/Activation: tanh has not been implemented for the Node.js backend/) },
    'inner dimensions 3 and 4': ALL(THROWS(/Error in fused matMul: inner shapes \(3\) and \(4\)/)),
    'bias [3] against output [2,2]': ALL(THROWS(/Operands could not be broadcast together with shapes 2,2 and 3/)),
    'bias [3,2,2] enlarging output [2,2]': { cpu: THROWS(/Size\(12\) must match the product of shape 2,2/), wasm: THROWS(/_FusedMatMul only supports rank-1 bias but got rank 3/), tensorflow: THROWS(/Invalid TF_Status: 3/) },
    // NOTE: wasm applies 3 prelu weights to a 2x2 output without a check.
    'prelu weights [3] against output [2,2]': { cpu: THROWS(/Operands could not be broadcast together with shapes 1,2,2 and 3/), wasm: RETURNS([2, 2]), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  },
  'fused matMul',
);
