import { ACTIVATIONS, activationGradScalar, activationScalar, applyActivation, applyActivationGrad, biasGrad, checkActivation, expandParameter } from '../../reference/activation';
import { tensor } from '../../reference/tensor';

describe('activationScalar: the cpu kernels\' formulas', () => {
  it('linear, relu, relu6 (NaN propagates, relu(-0) = +0)', () => {
    expect([-2, 0, 3].map((z) => activationScalar('linear', z))).toEqual([-2, 0, 3]);
    expect([-2, 0.5, 7, NaN].map((z) => activationScalar('relu', z))).toEqual([0, 0.5, 7, NaN]);
    expect([-2, 0.5, 6, 7, Infinity, -Infinity, NaN].map((z) => activationScalar('relu6', z))).toEqual([0, 0.5, 6, 6, 6, 0, NaN]);
    expect(Object.is(activationScalar('relu6', -0), 0)).toBe(true);
    for (const z of [-3, -0, 0, 2.5, 8, NaN, Infinity, -Infinity]) expect(Object.is(activationScalar('relu6', z), Math.min(Math.max(0, z), 6))).toBe(true);
  });

  it('prelu and leakyrelu: z < 0 ? alpha z : z (-0 stays -0)', () => {
    expect(activationScalar('leakyrelu', -2, 0.2)).toBe(-0.4);
    expect(activationScalar('prelu', -2, 3)).toBe(-6);
    expect(activationScalar('prelu', 5, 3)).toBe(5);
    expect(Object.is(activationScalar('leakyrelu', -0, 0.2), -0)).toBe(true);
    expect(activationScalar('leakyrelu', -Infinity, 0.5)).toBe(-Infinity);
  });

  it('elu: z >= 0 ? z : exp(z) - 1; sigmoid: 1 / (1 + exp(-z))', () => {
    expect(activationScalar('elu', 2)).toBe(2);
    expect(activationScalar('elu', -1)).toBeCloseTo(Math.exp(-1) - 1, 15);
    expect(activationScalar('elu', -Infinity)).toBe(-1);
    expect(activationScalar('sigmoid', 0)).toBe(0.5);
    expect(activationScalar('sigmoid', 2)).toBe(1 / (1 + Math.exp(-2)));
    expect(activationScalar('sigmoid', -Infinity)).toBe(0);
    expect(activationScalar('sigmoid', Infinity)).toBe(1);
    for (const a of ACTIVATIONS) expect(activationScalar(a, NaN, 0.5)).toBeNaN();
  });
});

describe('activationGradScalar: TF.js\'s gradients', () => {
  it('masks on z: relu\'(0) = 0, relu6 passes 0 < z <= 6, prelu/leakyrelu scale z <= 0 by alpha', () => {
    expect([-1, 0, 2].map((z) => activationGradScalar('relu', z, 0, 5))).toEqual([0, 0, 5]);
    expect([0, 3, 6, 6.5].map((z) => activationGradScalar('relu6', z, 0, 5))).toEqual([0, 5, 5, 0]);
    expect([-1, 0, 2].map((z) => activationGradScalar('leakyrelu', z, 0, 4, 0.25))).toEqual([1, 1, 4]);
    expect(activationGradScalar('linear', -3, -3, 7)).toBe(7);
  });

  it('elu and sigmoid from the output y', () => {
    expect(activationGradScalar('elu', 1, 1, 3)).toBe(3);
    expect(activationGradScalar('elu', -1, -0.5, 3)).toBe(1.5);
    expect(activationGradScalar('sigmoid', 0, 0.25, 2)).toBe(2 * 0.25 * 0.75);
  });

  it('match central differences of the forward where the function is smooth', () => {
    for (const a of ['elu', 'sigmoid', 'leakyrelu', 'relu6'] as const) {
      for (const z of [-2.5, -0.3, 0.7, 3.1]) {
        const h = 1e-6;
        const fd = (activationScalar(a, z + h, 0.3) - activationScalar(a, z - h, 0.3)) / (2 * h);
        expect(activationGradScalar(a, z, activationScalar(a, z, 0.3), 1, 0.3)).toBeCloseTo(fd, 6);
      }
    }
  });
});

describe('expandParameter: a bias or prelu weights against the output', () => {
  it('[C] on the channel axis, in either layout', () => {
    expect(Array.from(expandParameter('t', 'bias', tensor([2], [10, 20]), [1, 2, 2, 2]))).toEqual([10, 20, 10, 20, 10, 20, 10, 20]);
    expect(Array.from(expandParameter('t', 'bias', tensor([2], [10, 20]), [1, 2, 2, 2], 1))).toEqual([10, 10, 10, 10, 20, 20, 20, 20]);
  });

  it('a scalar, [1], or a broadcast shape', () => {
    expect(Array.from(expandParameter('t', 'bias', tensor([], [7]), [2, 2]))).toEqual([7, 7, 7, 7]);
    expect(Array.from(expandParameter('t', 'bias', tensor([1], [7]), [2, 2]))).toEqual([7, 7, 7, 7]);
    expect(Array.from(expandParameter('t', 'bias', tensor([2, 1], [1, 2]), [2, 2]))).toEqual([1, 1, 2, 2]);
  });

  it('rejects a shape that does not broadcast, or enlarges the output', () => {
    expect(() => expandParameter('fused matMul', 'bias', tensor([3]), [2, 2])).toThrow(/Error in fused matMul: bias of shape \[3\] must be a scalar, \[2\] \(one per output channel\) or broadcast to the output shape \[2,2\]/);
    expect(() => expandParameter('fused matMul', 'bias', tensor([3, 2, 2]), [2, 2])).toThrow(/bias of shape \[3,2,2\] must be/);
  });
});

describe('applyActivation, applyActivationGrad, biasGrad', () => {
  it('element-wise with one alpha per element', () => {
    const z = tensor([4], [-2, -1, 1, 2]);
    expect(Array.from(applyActivation(z, 'prelu', Float64Array.of(1, 2, 3, 4)).data)).toEqual([-2, -2, 1, 2]);
    const y = applyActivation(z, 'leakyrelu', 0.5);
    expect(Array.from(applyActivationGrad(z, y, tensor([4], [1, 1, 1, 1]), 'leakyrelu', 0.5).data)).toEqual([0.5, 0.5, 1, 1]);
  });

  it('biasGrad sums dz over the axes the bias was broadcast along', () => {
    const dz = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(Array.from(biasGrad(dz, [3]).data)).toEqual([5, 7, 9]);
    expect(Array.from(biasGrad(dz, []).data)).toEqual([21]);
    expect(Array.from(biasGrad(dz, [1]).data)).toEqual([21]);
    expect(Array.from(biasGrad(tensor([1, 2, 1, 2], [1, 2, 3, 4]), [2], 1).data)).toEqual([3, 7]);
  });

  it('checkActivation names what exists', () => {
    expect(() => checkActivation('fused conv2d', 'tanh')).toThrow(/Error in fused conv2d: activation must be one of 'linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'elu', 'sigmoid', got "tanh"/);
    expect(checkActivation('x', 'elu')).toBe('elu');
  });
});
