import { avgPoolSpec } from '../../../src/ops/avgPool';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('avgPool cases', () => {
  const cases = avgPoolSpec.cases(1);

  it('are never marked exact (the division rounds) and cover both paddings', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.every((c) => !c.exact)).toBe(true);
    expect(new Set(cases.map((c) => c.params.pad))).toEqual(new Set(['valid', 'same']));
  });

  it('the bound is positive wherever a window averages more than one cell', () => {
    const c = cases.find((k) => k.params.filterSize[0] * k.params.filterSize[1] > 1 && k.id.endsWith('v=rand'))!;
    expect(avgPoolSpec.reference(c).bound.every((b) => b > 0)).toBe(true);
  });
});

describeErrorInputs(avgPoolSpec, {
  'window 0': { cpu: RETURNS([1, 5, 5, 1]), wasm: RETURNS([1, 5, 5, 1]), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  // NOTE: wasm returns a tensor with a negative shape.
  'negative stride': { cpu: THROWS(/shape comprised of positive integers but got shape \[1,-3,-3,1\]/), wasm: RETURNS([1, -3, -3, 1]), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  "window [3,3] larger than a 'valid' input [2,2]": ALL(RETURNS([1, 0, 0, 1])),
  'gradient: dy [1,1,1,1] for an output [1,2,2,1]': ALL(THROWS(/gradient of input 'x' has shape '1,1,1,1', which does not match the shape of the input '1,2,2,1'/)),
});
