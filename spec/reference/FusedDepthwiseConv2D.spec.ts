import { activationScalar } from '../../reference/activation';
import { depthwiseConv2d } from '../../reference/DepthwiseConv2dNative';
import { fusedDepthwiseConv2d, fusedDepthwiseConv2dGrad } from '../../reference/FusedDepthwiseConv2D';
import { Tensor64, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff } from './helpers';

const rnd = (rng: Rng, shape: number[]) => tensor(shape, rng.uniform(shape.reduce((a, b) => a * b, 1)));

describe('fusedDepthwiseConv2d', () => {
  it('a hand case: channel c, multiplier m gives output channel c*M + m, each with its own bias', () => {
    // x: 2 channels of ones [1,2,2,2]; filter [2,2,2,2]: channel 0 taps 1 (m=0) and 2 (m=1), channel 1 taps 3 and -4
    const x = tensor([1, 2, 2, 2], [1, 1, 1, 1, 1, 1, 1, 1]);
    const filter = tensor([2, 2, 2, 2], [1, 2, 3, -4, 1, 2, 3, -4, 1, 2, 3, -4, 1, 2, 3, -4]);
    const y = fusedDepthwiseConv2d({ x, filter, strides: 1, pad: 'valid', bias: tensor([4], [0, 1, 2, 3]), activation: 'relu' });
    expect(y.shape).toEqual([1, 1, 1, 4]);
    expect(Array.from(y.data)).toEqual([4, 9, 14, 0]);
  });

  it('keeps the stated order, bitwise: depthwiseConv2d, then + bias, then f (every activation, pad forms)', () => {
    const rng = new Rng(3);
    for (const act of ['linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'elu', 'sigmoid'] as const) {
      for (const pad of ['same', 1, [[0, 0], [0, 1], [2, 0], [0, 0]]] as const) {
        const x = rnd(rng, [2, 5, 4, 3]);
        const filter = rnd(rng, [3, 2, 3, 2]);
        const bias = rnd(rng, [6]);
        const w = rnd(rng, [6]);
        const y = fusedDepthwiseConv2d({ x, filter, strides: 1, pad: pad as never, bias, activation: act, preluActivationWeights: w, leakyreluAlpha: 0.3 });
        const z = depthwiseConv2d(x, filter, 1, pad as never);
        const want = z.data.map((v, i) => activationScalar(act, v + bias.data[i % 6], act === 'prelu' ? w.data[i % 6] : 0.3));
        expect(bitwiseDiff(y, { shape: z.shape, data: want })).toBeUndefined();
      }
    }
  });

  it('gradients agree with central differences of the forward', () => {
    const rng = new Rng(17);
    for (const act of ['sigmoid', 'elu', 'prelu', 'linear'] as const) {
      const args = { x: rnd(rng, [1, 4, 4, 2]), filter: rnd(rng, [2, 2, 2, 2]), strides: 1, pad: 'same' as const, bias: rnd(rng, [4]), activation: act, preluActivationWeights: rnd(rng, [4]) };
      const dy = rnd(rng, [1, 4, 4, 4]);
      const g = fusedDepthwiseConv2dGrad(args, dy);
      const loss = (o: typeof args) => fusedDepthwiseConv2d(o).data.reduce((s, v, i) => s + v * dy.data[i], 0);
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
    expect(() => fusedDepthwiseConv2d({ x: tensor([1, 4, 4, 3]), filter: tensor([2, 2, 4, 1]), strides: 1, pad: 'valid' })).toThrow(/Error in fused depthwiseConv2d: number of input channels \(3\) must match the inChannels dimension in filter \(4\)/);
    expect(() => fusedDepthwiseConv2d({ x, filter, strides: 1, pad: 'valid', bias: tensor([3]) })).toThrow(/Error in fused depthwiseConv2d: bias of shape \[3\] must be a scalar, \[2\]/);
    expect(() => fusedDepthwiseConv2d({ x, filter, strides: 1, pad: 'valid', activation: 'prelu' })).toThrow(/Error in fused depthwiseConv2d: activation 'prelu' needs preluActivationWeights, got none/);
    expect(() => fusedDepthwiseConv2d({ x, filter, strides: 1, pad: 'valid', activation: 'gelu' as never })).toThrow(/Error in fused depthwiseConv2d: activation must be one of/);
  });
});
