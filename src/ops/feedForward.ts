/**
 * feedForward (notes, part 2c, "adding non-linearities"): y = x + act(x W1 + b1) W2 + b2
 * with ReLU or tanh-GELU, against the TF.js composition, with gradients with
 * respect to x and every weight.
 *
 * Bounds: src/bounds/errorModel.ts step by step. ReLU is exact and 1-Lipschitz (its
 * gradient mask is uncertain only where |z| is within z's bound, and the bound
 * then takes the whole upstream gradient). GELU (slope <= 1.13) is evaluated in
 * about ten float32 steps: |err| <= 0.5|z| (0.8 * 7u (|z| + 0.045|z|^3) + 10u);
 * its derivative, computed by TF.js's autodiff of those steps, within
 * 40u (1 + |z| + 0.14|z|^3) plus the slope of gelu' (<= 1) times z's error.
 */
import { FeedForwardWeights, feedForward, feedForwardGrad, gelu, geluDerivative } from '../../reference/FeedForward';
import { Tensor64, tensor } from '../../reference/tensor';
import { EV, addEV, underflowLoss, unitRoundoff, input, matMulEV, permuteEV, reluEV, reluGradEV, reshapeEV, sumLastEV, unaryEV } from '../bounds/errorModel';
import { Rng, hashSeed } from '../util/random';
import type { Tf } from '../tfjs/tf';
import { OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';
import type { Tensor } from '@tensorflow/tfjs-node';
import { BROWSER_BACKENDS } from '../tfjs/backendIds';

export interface FeedForwardParams {
  act: 'relu' | 'gelu';
}

const C = Math.sqrt(2 / Math.PI);

/** The webgl variants that run the packed kernels (README 21, 22). */
const PACKED_WEBGL = BROWSER_BACKENDS.filter((b) => b.startsWith('webgl') && b !== 'webgl-unpacked');

/**
 * Some row r of the flattened x meets `test(x_r, z_r = x_r W1 + b1, dff)` while
 * the reference's output row is not all NaN (packed webgl then returns the
 * whole row NaN).
 */
function webglNaNRow(c: OpCase<FeedForwardParams>, expected: Tensor64 | undefined, test: (xr: Float64Array, z: number[], dff: number) => boolean): boolean {
  if (c.params.act !== 'relu' || !expected) return false;
  const { x, w1, b1 } = c.inputs;
  const d = x.shape[2];
  const dff = w1.shape[1];
  for (let r = 0; r < x.data.length / d; r++) {
    const xr = x.data.subarray(r * d, (r + 1) * d);
    const z = Array.from({ length: dff }, (_, j) => xr.reduce((s, v, k) => s + v * w1.data[k * dff + j], 0) + b1.data[j]);
    if (test(xr, z, dff) && expected.data.subarray(r * d, (r + 1) * d).some((v) => !Number.isNaN(v))) return true;
  }
  return false;
}

function geluEV(z: EV): EV {
  const U = unitRoundoff();
  const ETA32 = underflowLoss();
  return unaryEV(z, gelu, () => 1.13, (x) => 0.5 * Math.abs(x) * (0.8 * 7 * U * (Math.abs(x) + 0.045 * Math.abs(x) ** 3) + 10 * U) + ETA32);
}

/** dA * gelu'(z), with the derivative's evaluation error and its sensitivity to z. */
function geluGradEV(z: EV, dA: EV): EV {
  const U = unitRoundoff();
  const ETA32 = underflowLoss();
  const v = z.v.map((x, i) => dA.v[i] * geluDerivative(x));
  const e = z.v.map((x, i) => {
    const gp = Math.abs(geluDerivative(x));
    const eD = 40 * U * (1 + Math.abs(x) + 0.14 * Math.abs(x) ** 3) + z.e[i];
    return (Math.abs(dA.v[i]) + dA.e[i]) * eD + gp * dA.e[i] + U * Math.abs(v[i]) + ETA32;
  });
  return { shape: z.shape, v, e };
}

function weights(c: OpCase<FeedForwardParams>): FeedForwardWeights {
  return { w1: c.inputs.w1, b1: c.inputs.b1, w2: c.inputs.w2, b2: c.inputs.b2 };
}

/** The composition with running error bounds: forward, and TF.js's backward for dy. */
function model(c: OpCase<FeedForwardParams>, dy?: Tensor64) {
  const [b, n, d] = c.inputs.x.shape;
  const x = input(c.inputs.x);
  const xf = reshapeEV(x, [b * n, d]);
  const [w1, b1, w2, b2] = [input(c.inputs.w1), input(c.inputs.b1), input(c.inputs.w2), input(c.inputs.b2)];
  const z = addEV(matMulEV(xf, w1), b1);
  const a = c.params.act === 'relu' ? reluEV(z) : geluEV(z);
  const y = addEV(addEV(matMulEV(a, w2), b2), xf);
  if (!dy) return { y: reshapeEV(y, x.shape) };
  const g = input(dy);
  const gf = reshapeEV(g, [b * n, d]);
  const dA = matMulEV(gf, w2, false, true);
  const dz = c.params.act === 'relu' ? reluGradEV(z, dA) : geluGradEV(z, dA);
  const colSum = (t: EV) => reshapeEV(sumLastEV(permuteEV(t, [1, 0])), [t.shape[1]]);
  return {
    y: reshapeEV(y, x.shape),
    grads: {
      x: reshapeEV(addEV(matMulEV(dz, w1, false, true), gf), x.shape),
      w1: matMulEV(xf, dz, true, false),
      b1: colSum(dz),
      w2: matMulEV(a, gf, true, false),
      b2: colSum(gf),
    },
  };
}

/** The TF.js composition. */
export function feedForwardTf(tf: Tf, [x, w1, b1, w2, b2]: Tensor[], act: 'relu' | 'gelu'): Tensor {
  const [b, n, d] = x.shape;
  const xf = tf.reshape(x, [b * n, d]);
  const z = tf.add(tf.matMul(xf, w1), b1);
  const a = act === 'relu' ? tf.relu(z) : tf.mul(tf.mul(z, 0.5), tf.add(1, tf.tanh(tf.mul(C, tf.add(z, tf.mul(0.044715, tf.mul(z, tf.mul(z, z))))))));
  return tf.reshape(tf.add(tf.add(tf.matMul(a, w2), b2), xf), [b, n, d]);
}

function caseOf(shape: { batch: number; n: number; d: number; dff: number }, act: 'relu' | 'gelu', seed: number): OpCase<FeedForwardParams> {
  const { batch, n, d, dff } = shape;
  const id = `x=${fmtShape([batch, n, d])} w1=${fmtShape([d, dff])} act=${act}`;
  const rng = new Rng(hashSeed(seed, id));
  return {
    id,
    params: { act },
    inputs: {
      x: tensor([batch, n, d], rng.uniform(batch * n * d)),
      w1: tensor([d, dff], rng.uniform(d * dff)),
      b1: tensor([dff], rng.uniform(dff, -0.5, 0.5)),
      w2: tensor([dff, d], rng.uniform(dff * d)),
      b2: tensor([d], rng.uniform(d, -0.5, 0.5)),
    },
    exact: false,
    gradients: true,
  };
}

export const feedForwardSpec: OpSpec<FeedForwardParams> = {
  id: 'feedForward',
  inputs: ['x', 'w1', 'b1', 'w2', 'b2'],
  kernels: ['BatchMatMul', 'Add', 'Relu', 'Tanh', 'Multiply'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'feedForward/grid'));
    const out: OpCase<FeedForwardParams>[] = [caseOf({ batch: 1, n: 1, d: 1, dff: 1 }, 'relu', seed), caseOf({ batch: 2, n: 32, d: 16, dff: 64 }, 'gelu', seed)];
    for (let i = 0; i < 110; i++) {
      out.push(caseOf({ batch: rng.int(1, 2), n: rng.int(1, 9), d: rng.int(1, 8), dff: rng.int(1, 16) }, i % 2 === 0 ? 'relu' : 'gelu', seed));
    }
    // z = Inf - Inf: the NaN that x86 arithmetic gives has its sign bit set (the wasm Relu discrepancy)
    const base = caseOf({ batch: 1, n: 1, d: 2, dff: 1 }, 'relu', seed);
    const infMinusInf: OpCase<FeedForwardParams> = {
      ...base,
      id: 'x=[1,1,2] w1=[2,1] act=relu z=Inf-Inf nonfinite',
      inputs: { ...base.inputs, x: tensor([1, 1, 2], [Infinity, Infinity]), w1: tensor([2, 1], [1, -1]) },
      gradients: false,
    };
    return uniqueIds([...withNonFinite(out, 'x', 10), infMinusInf]);
  },

  reference(c) {
    return { value: feedForward(c.inputs.x, weights(c), c.params.act), bound: model(c).y.e };
  },

  value: (c) => feedForward(c.inputs.x, weights(c), c.params.act),

  grads: (['x', 'w1', 'b1', 'w2', 'b2'] as const).map((name) => ({
    input: name,
    kernels: [],
    reference(c: OpCase<FeedForwardParams>, dy: Tensor64) {
      return { value: feedForwardGrad(c.inputs.x, weights(c), c.params.act, dy)[name], bound: model(c, dy).grads![name].e };
    },
  })),

  fingerprints: [
    {
      name: 'relu of a NaN with its sign bit set (Inf - Inf)',
      probe(tf) {
        let v = 0;
        tf.tidy(() => {
          v = tf.relu(tf.sub(tf.scalar(Infinity), tf.scalar(Infinity))).dataSync()[0];
        });
        return Number.isNaN(v) ? 'NaN (as the reference)' : String(v);
      },
    },
  ],

  tfjs: (tf, xs, p) => feedForwardTf(tf, xs, p.act),

  arbitrary: (fc) =>
    fc
      .record({ batch: fc.integer({ min: 1, max: 2 }), n: fc.integer({ min: 1, max: 9 }), d: fc.integer({ min: 1, max: 8 }), dff: fc.integer({ min: 1, max: 16 }), gelu: fc.boolean(), seed: fc.nat() })
      .map((r) => caseOf(r, r.gelu ? 'gelu' : 'relu', r.seed)),

  benchCases: (size) =>
    [({ small: [32, 32, 64], medium: [128, 64, 256], large: [256, 128, 512] } as const)[size]].map(([n, d, dff]) => caseOf({ batch: 1, n, d, dff }, 'gelu', 1)),

  flops(c) {
    const [b, n, d] = c.inputs.x.shape;
    const dff = c.inputs.w1.shape[1];
    return b * n * (4 * d * dff + 2 * dff + 2 * d) + (c.params.act === 'gelu' ? b * n * dff * 10 : 0);
  },

  errorInputs: [
    {
      name: 'w1 with 3 rows for x of width 4',
      reference: () => feedForward(tensor([1, 2, 4]), { w1: tensor([3, 5]), b1: tensor([5]), w2: tensor([5, 4]), b2: tensor([4]) }, 'relu'),
      tfjs: (tf) => feedForwardTf(tf, [tf.ones([1, 2, 4]), tf.ones([3, 5]), tf.ones([5]), tf.ones([5, 4]), tf.ones([4])], 'relu'),
      message: /Error in feedForward: w1 must have 4 rows \(the width of x\), got \[3,5\]/,
    },
    {
      name: 'w2 of shape [5,3] for dff 5 and width 4',
      reference: () => feedForward(tensor([1, 2, 4]), { w1: tensor([4, 5]), b1: tensor([5]), w2: tensor([5, 3]), b2: tensor([4]) }, 'relu'),
      tfjs: (tf) => feedForwardTf(tf, [tf.ones([1, 2, 4]), tf.ones([4, 5]), tf.ones([5]), tf.ones([5, 3]), tf.ones([4])], 'relu'),
      message: /Error in feedForward: w2 must have shape \[5,4\], got \[5,3\]/,
    },
  ],

  known: [
    {
      check: 'forward',
      backend: 'wasm',
      kind: 'bug',
      when: (c) => c.params.act === 'relu' && c.id.includes(' nonfinite'),
      readme: 14,
      note: 'wasm Relu returns 0 for a NaN whose sign bit is set (the NaN that Inf - Inf or 0 * Inf gives on x86): it takes the maximum of the bit patterns as integers',
    },
    ...PACKED_WEBGL.map((backend) => ({
      check: 'forward',
      backend,
      kind: 'bug' as const,
      when: (c: OpCase<FeedForwardParams>, e?: Tensor64) => webglNaNRow(c, e, (_xr, z) => z.includes(-Infinity)),
      readme: 21,
      note: 'webgl packed Relu returns NaN for -Inf: its shader multiplies x by the mask (x >= 0), and -Inf * 0 = NaN',
    })),
    ...PACKED_WEBGL.map((backend) => ({
      check: 'forward',
      backend,
      kind: 'bug' as const,
      when: (c: OpCase<FeedForwardParams>, e?: Tensor64) => webglNaNRow(c, e, (xr, _z, dff) => dff % 2 === 1 && xr.some((v) => !Number.isFinite(v))),
      readme: 22,
      note: "webgl packed MatMul with an odd inner dimension multiplies its inputs' padding lanes, where a packed MatMul leaves x_row . 0 = NaN for a row holding Inf or NaN",
    })),
  ],
};
