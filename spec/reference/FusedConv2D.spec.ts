import { activationScalar } from '../../reference/activation';
import { conv2d } from '../../reference/Conv2D';
import { fusedConv2d, fusedConv2dGrad } from '../../reference/FusedConv2D';
import { Tensor64, permute, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff } from './helpers';

const rnd = (rng: Rng, shape: number[]) => tensor(shape, rng.uniform(shape.reduce((a, b) => a * b, 1)));

describe('fusedConv2d', () => {
  it('a hand case: ones [1,2,2,1] * ones [2,2,1,2] + [1,-5], relu6 and relu', () => {
    const x = tensor([1, 2, 2, 1], [1, 1, 1, 1]);
    const filter = tensor([2, 2, 1, 2], [1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(fusedConv2d({ x, filter, strides: 1, pad: 'valid', bias: tensor([2], [3, -5]), activation: 'relu6' }).data)).toEqual([6, 0]);
    expect(Array.from(fusedConv2d({ x, filter, strides: 1, pad: 'valid', bias: tensor([], [-1]), activation: 'relu' }).data)).toEqual([3, 3]);
  });

  it('keeps the stated order, bitwise: conv2d, then + bias, then f (every activation, numeric and explicit pads)', () => {
    const rng = new Rng(5);
    for (const act of ['linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'elu', 'sigmoid'] as const) {
      for (const pad of ['same', 1, [[0, 0], [1, 0], [0, 2], [0, 0]]] as const) {
        const x = rnd(rng, [2, 5, 4, 3]);
        const filter = rnd(rng, [3, 2, 3, 4]);
        const bias = rnd(rng, [4]);
        const w = rnd(rng, [4]);
        const y = fusedConv2d({ x, filter, strides: 1, pad: pad as never, bias, activation: act, preluActivationWeights: w, leakyreluAlpha: 0.3 });
        const z = conv2d(x, filter, 1, pad as never);
        const want = z.data.map((v, i) => activationScalar(act, v + bias.data[i % 4], act === 'prelu' ? w.data[i % 4] : 0.3));
        expect(bitwiseDiff(y, { shape: z.shape, data: want })).toBeUndefined();
      }
    }
  });

  it('NCHW puts a [C] bias and prelu weights on the channel axis: the NHWC result, transposed', () => {
    const rng = new Rng(9);
    const x = rnd(rng, [2, 4, 5, 3]);
    const filter = rnd(rng, [2, 2, 3, 4]);
    const bias = rnd(rng, [4]);
    const w = rnd(rng, [4]);
    const nhwc = fusedConv2d({ x, filter, strides: 1, pad: 'same', bias, activation: 'prelu', preluActivationWeights: w });
    const nchw = fusedConv2d({ x: permute(x, [0, 3, 1, 2]), filter, strides: 1, pad: 'same', dataFormat: 'NCHW', bias, activation: 'prelu', preluActivationWeights: w });
    expect(bitwiseDiff(nchw, permute(nhwc, [0, 3, 1, 2]))).toBeUndefined();
  });

  it('a rank-3 image gives a rank-3 result', () => {
    const rng = new Rng(2);
    const x = rnd(rng, [4, 4, 2]);
    const filter = rnd(rng, [2, 2, 2, 3]);
    const y = fusedConv2d({ x, filter, strides: 1, pad: 'valid', bias: tensor([3], [1, 2, 3]), activation: 'elu' });
    expect(y.shape).toEqual([3, 3, 3]);
  });

  it('gradients agree with central differences of the forward', () => {
    const rng = new Rng(13);
    for (const act of ['sigmoid', 'elu', 'leakyrelu', 'linear'] as const) {
      const args = { x: rnd(rng, [1, 4, 4, 2]), filter: rnd(rng, [2, 2, 2, 3]), strides: 1, pad: 'same' as const, bias: rnd(rng, [3]), activation: act, leakyreluAlpha: 0.3 };
      const dy = rnd(rng, [1, 4, 4, 3]);
      const g = fusedConv2dGrad(args, dy);
      const loss = (o: typeof args) => fusedConv2d(o).data.reduce((s, v, i) => s + v * dy.data[i], 0);
      for (const name of ['x', 'filter', 'bias'] as const) {
        const t: Tensor64 = args[name];
        for (let i = 0; i < t.data.length; i += 3) {
          const h = 1e-6;
          const plus = Float64Array.from(t.data); plus[i] += h;
          const minus = Float64Array.from(t.data); minus[i] -= h;
          const fd = (loss({ ...args, [name]: { shape: t.shape, data: plus } }) - loss({ ...args, [name]: { shape: t.shape, data: minus } })) / (2 * h);
          expect(g[name]!.data[i]).toBeCloseTo(fd, 6);
        }
      }
    }
  });

  it('rejects ill-formed arguments, naming them', () => {
    const x = tensor([1, 4, 4, 1]);
    const filter = tensor([2, 2, 1, 2]);
    expect(() => fusedConv2d({ x: tensor([1, 4, 4, 3]), filter, strides: 1, pad: 'valid' })).toThrow(/Error in fused conv2d: depth of input \(3\) must match input depth for filter \(1\)/);
    expect(() => fusedConv2d({ x, filter, strides: 1, pad: 'valid', bias: tensor([3]) })).toThrow(/Error in fused conv2d: bias of shape \[3\] must be a scalar, \[2\] \(one per output channel\) or broadcast to the output shape \[1,3,3,2\]/);
    expect(() => fusedConv2d({ x: tensor([1, 1, 4, 4]), filter, strides: 1, pad: 'valid', dataFormat: 'NCHW', bias: tensor([2, 1]) })).toThrow(/Error in fused conv2d: bias must have rank 0 or 1 for NCHW, got shape \[2,1\]/);
    expect(() => fusedConv2d({ x, filter, strides: 1, pad: 'valid', activation: 'prelu', preluActivationWeights: tensor([3, 2]) })).toThrow(/Error in fused conv2d: preluActivationWeights must have rank 0 or 1 or 3, got shape \[3,2\]/);
    expect(() => fusedConv2d({ x, filter, strides: 1, pad: 'valid', activation: 'prelu' })).toThrow(/Error in fused conv2d: activation 'prelu' needs preluActivationWeights, got none/);
    expect(() => fusedConv2d({ x, filter, strides: 0, pad: 'valid' })).toThrow(/Error in fused conv2d: strides must be positive integers, got \[0,0\]/);
  });
});
