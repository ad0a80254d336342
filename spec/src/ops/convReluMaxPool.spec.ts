import { convReluMaxPoolSpec, gradientWellDefined } from '../../../src/ops/convReluMaxPool';
import { THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('convReluMaxPool cases', () => {
  const cases = convReluMaxPoolSpec.cases(1);

  it('are many, mostly with well-defined gradients', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(cases.filter((c) => c.gradients).length).toBeGreaterThanOrEqual(140);
  });

  it('gradients are checked only where float32 cannot change a window winner or a relu mask', () => {
    for (const c of cases.filter((k) => k.gradients)) {
      const { x, filter, w } = c.inputs;
      expect(gradientWellDefined(x, filter, w, c.params, c.exact)).toBe(true);
    }
  });

  it('the guard rejects a tie between two window cells, and a relu at its kink', () => {
    // a constant image and an all-ones filter: every conv output is 4, every window a tie
    const p = { strides: [1, 1] as [number, number], pad: 'valid' as const, poolSize: [2, 2] as [number, number], poolStrides: [1, 1] as [number, number], poolPad: 'valid' as const };
    const ones = (shape: number[]) => ({ shape, data: new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(1) });
    expect(gradientWellDefined(ones([1, 4, 4, 1]), ones([2, 2, 1, 1]), ones([1, 2, 2, 1]), p, true)).toBe(false);
    // a strict winner in every window passes
    const x = { shape: [1, 4, 4, 1], data: Float64Array.from({ length: 16 }, (_, i) => i) };
    expect(gradientWellDefined(x, ones([2, 2, 1, 1]), ones([1, 2, 2, 1]), p, true)).toBe(true);
    // a winner exactly at 0 sits on relu's kink
    const z = { shape: [1, 4, 4, 1], data: Float64Array.from({ length: 16 }, (_, i) => i - 15) };
    expect(gradientWellDefined(z, ones([1, 1, 1, 1]), ones([1, 3, 3, 1]), { ...p, poolSize: [2, 2] }, true)).toBe(false);
  });
});

describeErrorInputs(convReluMaxPoolSpec, {
  'w of the wrong shape': { cpu: THROWS(/could not be broadcast together with shapes 1,2,2,1 and 1,3,3,1/), wasm: THROWS(/could not be broadcast/), tensorflow: THROWS(/Invalid TF_Status: 3/) },
});
