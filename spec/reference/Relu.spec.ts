import { relu, reluGrad, reluGradScalar, reluScalar } from '../../reference/Relu';
import { tensor } from '../../reference/tensor';

describe('relu', () => {
  it('max(v, 0), NaN propagating like Math.max, relu(-0) = +0', () => {
    const y = relu(tensor([6], [-2, -0, 0, 3.5, NaN, -Infinity]));
    expect(Array.from(y.data)).toEqual([0, 0, 0, 3.5, NaN, 0]);
    expect(Object.is(y.data[1], 0)).toBe(true);
    for (const v of [-2, -0, 0, 3.5, NaN, Infinity, -Infinity]) expect(Object.is(reluScalar(v), Math.max(v, 0))).toBe(true);
  });
});

describe('reluGrad (TF.js composes it: dy * step(x))', () => {
  it("relu'(0) = 0, relu'(x > 0) = 1", () => {
    expect(Array.from(reluGrad(tensor([4], [-1, 0, 2, NaN]), tensor([4], [5, 5, 5, 5])).data)).toEqual([0, 0, 5, 0]);
    expect(reluGradScalar(3, -7)).toBe(-7);
  });

  it('rejects a dy of another shape', () => {
    expect(() => reluGrad(tensor([2, 2]), tensor([4]))).toThrow(/Error in reluGrad: dy must be rank 2, got rank 1/);
  });
});
