import { matMulSpec } from '../../../src/ops/matMul';
import { ALL, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('matMul cases', () => {
  const cases = matMulSpec.cases(1);
  it('cover the transposes, ranks 2 and 3, broadcast batches and exact integers', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const tA of [true, false]) for (const tB of [true, false]) expect(cases.some((c) => c.params.transposeA === tA && c.params.transposeB === tB)).toBe(true);
    expect(cases.some((c) => c.inputs.a.shape.length === 3 && c.inputs.b.shape.length === 2)).toBe(true);
    expect(cases.some((c) => c.inputs.b.shape.length === 3 && c.inputs.b.shape[0] === 1 && c.inputs.a.shape[0] > 1)).toBe(true);
    expect(cases.filter((c) => c.exact).length).toBeGreaterThan(30);
    for (const c of cases.filter((k) => k.exact)) expect(matMulSpec.reference(c).bound.every((b) => b === 0)).toBe(true);
  });
});

// NOTE: the native backend passes shapes to TensorFlow unchecked and reports only the status code.
describeErrorInputs(matMulSpec, {
  'inner dimensions 3 and 4': { cpu: THROWS(/inner shapes \(3\) and \(4\)/), wasm: THROWS(/inner shapes \(3\) and \(4\)/), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'rank-1 a': { cpu: THROWS(/new shape \(1,,3\) has NaN elements/), wasm: THROWS(/new shape: 1,,3, old shape: 3/), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'batch 2 against batch 3': { ...ALL(THROWS(/could not be broadcast together with shapes 2 and 3/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
});
