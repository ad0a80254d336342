import { avgPoolSpec } from '../../../src/ops/avgPool';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('avgPool cases', () => {
  const cases = avgPoolSpec.cases(1);

  it('are never marked exact (the division rounds) and cover both paddings', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(cases.every((c) => !c.exact)).toBe(true);
    expect(new Set(cases.map((c) => typeof c.params.pad))).toEqual(new Set(['string', 'number', 'object']));
    expect(new Set(cases.map((c) => c.params.dimRoundingMode))).toEqual(new Set([undefined, 'floor', 'round', 'ceil']));
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
  'rank-5 x [1,1,4,4,1]': ALL(THROWS(/x must be rank 4 but got rank 5/)),
  "dimRoundingMode 'floor' with pad 'valid'": ALL(THROWS(/pad must be an integer when using dimRoundingMode floor but got pad valid/)),
  // NOTE: TF.js takes a negative explicit pad: a smaller output.
  'negative explicit pad': { cpu: RETURNS([1, 2, 3, 1]), wasm: RETURNS([1, 2, 3, 1]), tensorflow: THROWS(/supports only 'valid' and 'same' padding while padding was EXPLICIT/) },
  'gradient: dy [1,1,1,1] for an output [1,2,2,1]': ALL(THROWS(/gradient of input 'x' has shape '1,1,1,1', which does not match the shape of the input '1,2,2,1'/)),
});
