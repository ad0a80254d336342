/**
 * fused.matMul: reference/FusedMatMul.ts against `tf.fused.matMul` (kernel
 * _FusedMatMul, what tfjs-layers' Dense runs), every activation and bias form,
 * with the gradients of a, b and the bias.
 *
 * Bound: z = opA(a) opB(b) + bias is a sum of k + 1 products (the bias times 1),
 * in any order: gamma_{k+1} (|A||B| + |bias|), stored twice where the backend runs
 * matMul and add as two ops (tensorflow); then the activation's own bound
 * (src/bounds/activation.ts). Gradients: TF.js fuses only 'linear' under a
 * gradient tape and runs matMul, add and the activation unfused otherwise; both
 * give dz = dy f'(z) (activationGradEV) and then products of dz (gamma_K on
 * |dz| + e_dz, plus e_dz carried through the product).
 */
import { Activation, ACTIVATIONS, biasGrad } from '../../reference/activation';
import { matMul, matMulGrad, matMulInfo } from '../../reference/BatchMatMul';
import { FusedMatMulArgs, fusedMatMul, fusedMatMulGrad, fusedMatMulParts } from '../../reference/FusedMatMul';
import { Tensor64, abs, sizeOf, tensor } from '../../reference/tensor';
import { activationEV, activationGradEV } from '../bounds/activation';
import { EV, underflowLoss } from '../bounds/errorModel';
import { dotBound, gamma, storedGamma, U64 } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { Expected, KnownDiscrepancy, OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';

/** How a bias or prelu weights tensor is shaped against the output [..., m, n]. */
export type ParamForm = 'none' | 'channel' | 'scalar' | 'one' | 'full';

export interface FusedMatMulParams {
  transposeA: boolean;
  transposeB: boolean;
  activation: Activation;
  bias: ParamForm;
  prelu: ParamForm;
  leakyreluAlpha: number;
}

type Kind = 'rand' | 'exact' | 'wide';

/** Activations whose exact cases stay exact (integers, power-of-two alpha). */
export const EXACT_ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'relu6', 'prelu', 'leakyrelu'];
const BIAS_FORMS: readonly ParamForm[] = ['none', 'channel', 'scalar', 'one', 'full'];
const PRELU_FORMS: readonly ParamForm[] = ['channel', 'scalar', 'one', 'full'];

/** The shape of a bias or prelu-weights form against an output of `out` shape whose channel axis has `c` entries. */
export function formShape(form: ParamForm, out: readonly number[], c: number): number[] {
  return form === 'channel' ? [c] : form === 'scalar' ? [] : form === 'one' ? [1] : form === 'full' ? [...out] : [1];
}

export const fmtForm = (form: ParamForm, shape: readonly number[]) => (form === 'none' ? 'none' : fmtShape(shape));

/** The activation part of a case id: `act=leakyrelu(0.2)`, `act=prelu[4]`. */
export const fmtActivation = (act: Activation, alpha: number, prelu: string) => (act === 'leakyrelu' ? `act=leakyrelu(${alpha})` : act === 'prelu' ? `act=prelu${prelu}` : `act=${act}`);

/** Values of a case input: uniform in [-1, 1) (rand), [-4, 4) (wide), or integers in [-8, 8] (exact). */
export function draw(rng: Rng, shape: readonly number[], kind: Kind, lo = -8, hi = 8): Tensor64 {
  const n = sizeOf(shape);
  return tensor(shape, kind === 'exact' ? rng.integers(n, lo, hi) : kind === 'wide' ? rng.uniform(n, -4, 4) : rng.uniform(n));
}

/** prelu weights: uniform in [-1, 1.5) or, for exact cases, integers and powers of two whose products stay exact. */
export function preluWeights(rng: Rng, shape: readonly number[], kind: Kind): Tensor64 {
  const n = sizeOf(shape);
  return tensor(shape, kind === 'exact' ? Float64Array.from({ length: n }, () => rng.pick([0.25, 0.5, 2, -1, 0, 3])) : rng.uniform(n, -1, 1.5));
}

export const LEAKY_ALPHAS = [0.2, 0.1, 1.5, -0.3];
export const EXACT_LEAKY_ALPHAS = [0.5, 0.25, 2];

function caseOf(a: number[], b: number[], p: FusedMatMulParams, kind: Kind, seed: number, gradients = true): OpCase<FusedMatMulParams> {
  const g = matMulInfo('fused matMul', tensor(a), tensor(b), p.transposeA, p.transposeB);
  const out = [...g.batch, g.m, g.n];
  const biasShape = formShape(p.bias, out, g.n);
  const preluShape = formShape(p.prelu, out, g.n);
  const id = `a=${fmtShape(a)} b=${fmtShape(b)} tA=${p.transposeA} tB=${p.transposeB} bias=${fmtForm(p.bias, biasShape)} ${fmtActivation(p.activation, p.leakyreluAlpha, fmtShape(preluShape))} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  return {
    id,
    params: p,
    inputs: { a: draw(rng, a, kind), b: draw(rng, b, kind), bias: draw(rng, biasShape, kind), preluActivationWeights: preluWeights(rng, preluShape, kind) },
    exact: kind === 'exact',
    // NOTE: without a bias its input is unused, and tf.grad of an unused input throws.
    gradients: gradients && p.bias !== 'none',
  };
}

export function argsOf(c: OpCase<FusedMatMulParams>): FusedMatMulArgs {
  const { a, b, bias, preluActivationWeights } = c.inputs;
  const p = c.params;
  return {
    a, b, transposeA: p.transposeA, transposeB: p.transposeB, bias: p.bias === 'none' ? undefined : bias,
    activation: p.activation, preluActivationWeights: p.activation === 'prelu' ? preluActivationWeights : undefined, leakyreluAlpha: p.leakyreluAlpha,
  };
}

/** A sum of k terms computed in float32 (stored `stores` times), plus the reference's float64. */
const G = (k: number, stores: number) => storedGamma(k, stores) + gamma(k, U64);

/** The forward's steps as error-model values: z = product + bias, y = f(z). */
function forwardEV(c: OpCase<FusedMatMulParams>): { z: EV; y: EV; alpha: Float64Array | number; k: number } {
  const args = argsOf(c);
  const parts = fusedMatMulParts(args);
  const { transposeA: tA, transposeB: tB } = c.params;
  const k = matMulInfo('fused matMul', args.a, args.b, tA, tB).k;
  let mag = matMul(abs(args.a), abs(args.b), tA, tB).data;
  if (args.bias) mag = fusedMatMul({ a: abs(args.a), b: abs(args.b), transposeA: tA, transposeB: tB, bias: abs(args.bias) }).data;
  const ez = dotBound(mag, args.bias ? k + 1 : k, c.exact, args.bias ? 2 : 1);
  const z: EV = { shape: parts.z.shape, v: parts.z.data, e: ez };
  return { z, y: activationEV(z, parts.activation, parts.alpha), alpha: parts.alpha, k };
}

/** dz = dy f'(z) as an error-model value. */
function dzEV(c: OpCase<FusedMatMulParams>, dy: Tensor64): EV {
  const { z, y, alpha } = forwardEV(c);
  return activationGradEV(z, y, dy.data, c.params.activation, alpha);
}

/** The bias gradient's bound: each entry sums N elements of dz. */
export function biasGradBound(dz: EV, biasShape: readonly number[], exact: boolean, channelAxis?: number): Float64Array {
  const carried = biasGrad({ shape: dz.shape, data: dz.e }, biasShape, channelAxis).data;
  const mag = biasGrad({ shape: dz.shape, data: dz.v.map((v, i) => Math.abs(v) + dz.e[i]) }, biasShape, channelAxis).data;
  const n = sizeOf(dz.shape) / Math.max(1, sizeOf(biasShape));
  if (exact && carried.every((e) => e === 0)) return dotBound(mag, n, true);
  return mag.map((m, i) => carried[i] + G(n, 1) * m + n * underflowLoss());
}

/** A gradient that is a product with dz: e_dz carried through the product, and gamma_K of |.| (|dz| + e_dz). */
function productGrad(carried: Float64Array, mag: Float64Array, k: number, exact: boolean, stores: number): Float64Array {
  const exactDz = exact && carried.every((e) => e === 0);
  const b = dotBound(mag, k, exactDz, stores);
  return b.map((x, i) => x + carried[i]);
}

export const ACTIVATION_KERNELS: Record<Activation, string[]> = {
  linear: [], relu: ['Relu'], relu6: ['Relu6'], prelu: ['Prelu'], leakyrelu: ['LeakyRelu'], elu: ['Elu'], sigmoid: ['Sigmoid'],
};

function shapes(rng: Rng): { a: number[]; b: number[]; tA: boolean; tB: boolean; bcast: boolean } {
  const m = rng.int(1, 7);
  const k = rng.int(1, 9);
  const n = rng.int(1, 7);
  const tA = rng.next() < 0.5;
  const tB = rng.next() < 0.5;
  const rank3 = rng.next() < 0.35;
  const batch = rng.int(1, 3);
  const bcast = rank3 && batch > 1 && rng.next() < 0.3;
  const a2 = tA ? [k, m] : [m, k];
  const b2 = tB ? [n, k] : [k, n];
  return { a: rank3 ? [batch, ...a2] : a2, b: rank3 ? (bcast ? b2 : [batch, ...b2]) : b2, tA, tB, bcast };
}

const GRID = 140;

function gridCases(seed: number): OpCase<FusedMatMulParams>[] {
  const rng = new Rng(hashSeed(seed, 'fusedMatMul/grid'));
  const out: OpCase<FusedMatMulParams>[] = [];
  for (let i = 0; i < GRID; i++) {
    const activation = ACTIVATIONS[i % ACTIVATIONS.length];
    const bias = BIAS_FORMS[Math.floor(i / ACTIVATIONS.length) % BIAS_FORMS.length];
    const prelu = PRELU_FORMS[Math.floor(i / (ACTIVATIONS.length * BIAS_FORMS.length)) % PRELU_FORMS.length];
    const s = shapes(rng);
    const p = { transposeA: s.tA, transposeB: s.tB, activation, bias, prelu, leakyreluAlpha: rng.pick(LEAKY_ALPHAS) };
    // NOTE: b broadcast along a's batch: tfjs-core's matMul gradient does not reduce it (README #10).
    out.push(caseOf(s.a, s.b, p, activation === 'relu6' && i % 2 === 0 ? 'wide' : 'rand', seed, !s.bcast));
    if (i % 2 === 0 && EXACT_ACTIVATIONS.includes(activation)) out.push(caseOf(s.a, s.b, { ...p, leakyreluAlpha: rng.pick(EXACT_LEAKY_ALPHAS) }, 'exact', seed, !s.bcast));
  }
  return out;
}

/** The product's geometry of a case: k, m, n and whether wasm takes its XNNPACK path (no transposes, batch 1 on both sides). */
function geometry(c: OpCase<FusedMatMulParams>): { m: number; n: number; k: number; xnn: boolean } {
  const { a, b } = c.inputs;
  const g = matMulInfo('fused matMul', a, b, c.params.transposeA, c.params.transposeB);
  const xnn = !c.params.transposeA && !c.params.transposeB && sizeOf(a.shape.slice(0, -2)) === 1 && sizeOf(b.shape.slice(0, -2)) === 1;
  return { m: g.m, n: g.n, k: g.k, xnn };
}

const hasValue = (t: Tensor64 | undefined, pred: (v: number) => boolean) => t !== undefined && t.data.some(pred);
const grads = ['grad:a', 'grad:b', 'grad:bias'];

/** Confirmed discrepancies of the fused matMul (README #35-#38; evidence in the README). */
export const FUSED_MATMUL_KNOWN: KnownDiscrepancy<FusedMatMulParams>[] = [
  // #35: wasm's _FusedMatMul takes only a rank-1 bias; it throws for a scalar or a 2-D/3-D bias (the linear
  // activation runs fused under tf.grad too), and on its XNNPACK path it reads n bias values from a [1] bias.
  ...['forward', ...grads].map((check) => ({
    check, backend: 'wasm' as const, kind: 'bug' as const, readme: 35,
    note: "wasm's _FusedMatMul throws for a bias that is not rank 1 (a scalar, or one of the output's shape), which tf.fused.matMul accepts",
    when: (c: OpCase<FusedMatMulParams>) => (c.params.bias === 'scalar' || c.params.bias === 'full') && (check === 'forward' || c.params.activation === 'linear'),
  })),
  {
    check: 'forward', backend: 'wasm', kind: 'bug', readme: 35,
    note: "wasm's _FusedMatMul on its XNNPACK path (no transposes, batch 1) reads n bias values from a [1] bias: columns after the first get what lies beyond it",
    when: (c) => c.params.bias === 'one' && geometry(c).xnn && geometry(c).n > 1,
  },
  // #36: wasm's slow_batch_matmul (any transpose, or a batch) indexes a 1-D bias by i*n + j clamped to n-1 (rows
  // after the first get bias[n-1]), and adds the bias and clamps (relu, relu6) once per 48-wide block of k.
  {
    check: 'forward', backend: 'wasm', kind: 'bug', readme: 36,
    note: "wasm's slow_batch_matmul (transposed or batched fused matMul) adds bias[min(i*n + j, n-1)] (rows after the first get the last bias), and adds the bias and applies relu/relu6 once per 48-wide block of the inner dimension",
    when: (c) => {
      const g = geometry(c);
      if (g.xnn) return false;
      const perBlock = g.k > 48 && (c.params.bias !== 'none' || c.params.activation === 'relu' || c.params.activation === 'relu6');
      return (c.params.bias === 'channel' && g.n > 1 && g.m > 1) || perBlock;
    },
  },
  // #37: XNNPACK's clamp (fused relu and relu6 on the XNNPACK path, and wasm's Relu6) gives 0 for NaN.
  {
    check: 'forward', backend: 'wasm', kind: 'semantic', readme: 37,
    note: "wasm's fused relu and relu6 on its XNNPACK path (and wasm's Relu6) give 0 for NaN, where TF.js's cpu kernels and the reference propagate it",
    when: (c, expected) => geometry(c).xnn && (c.params.activation === 'relu' || c.params.activation === 'relu6') && hasValue(expected, Number.isNaN),
  },
  // #38: tfjs-node's Prelu is relu(x) + alpha (x - |x|) / 2: +Inf gives Inf - Inf = NaN.
  {
    check: 'forward', backend: 'tensorflow', kind: 'bug', readme: 38,
    note: "tfjs-node's Prelu computes relu(x) + alpha * (x - |x|) * 0.5, which is NaN for x = +Inf (Inf - Inf) where prelu(+Inf) = +Inf",
    when: (c, expected) => c.params.activation === 'prelu' && hasValue(expected, (v) => v === Infinity),
  },
];

export const fusedMatMulSpec: OpSpec<FusedMatMulParams> = {
  id: 'fusedMatMul',
  inputs: ['a', 'b', 'bias', 'preluActivationWeights'],
  kernels: ['_FusedMatMul'],
  strictZeroSign: false,

  cases(seed) {
    const lin = (act: Activation, bias: ParamForm): FusedMatMulParams => ({ transposeA: false, transposeB: false, activation: act, bias, prelu: 'channel', leakyreluAlpha: 0.2 });
    const edges = [
      caseOf([1, 1], [1, 1], lin('linear', 'channel'), 'exact', seed),
      caseOf([4, 32], [32, 10], lin('relu', 'channel'), 'rand', seed),
      caseOf([16, 64], [64, 8], lin('sigmoid', 'channel'), 'wide', seed),
      caseOf([16, 64], [64, 8], lin('elu', 'channel'), 'wide', seed),
      caseOf([8, 16], [16, 8], lin('relu6', 'channel'), 'wide', seed),
      // k > 48 on wasm's slow path (transposed): its epilogue runs once per 48-wide block of k
      caseOf([64, 3], [64, 4], { ...lin('relu', 'channel'), transposeA: true }, 'rand', seed),
      caseOf([3, 100], [4, 100], { ...lin('relu', 'none'), transposeB: true }, 'rand', seed),
      caseOf([2, 100], [100, 3], { ...lin('linear', 'one'), transposeA: false }, 'exact', seed),
      caseOf([100, 2], [100, 3], { ...lin('linear', 'one'), transposeA: true }, 'exact', seed),
    ];
    // NaN through relu and relu6 on wasm's XNNPACK path (no transposes, batch 1): #37
    const nan = (['relu', 'relu6'] as const).map((act) => {
      const c = caseOf([2, 3], [3, 4], lin(act, 'channel'), 'rand', seed, false);
      const a = Float64Array.from(c.inputs.a.data);
      a[1] = NaN;
      return { ...c, id: `${c.id} nan`, inputs: { ...c.inputs, a: { shape: c.inputs.a.shape, data: a } } };
    });
    return uniqueIds(withNonFinite([...edges, ...nan, ...gridCases(seed)], 'a', 7));
  },

  reference(c): Expected {
    const { y } = forwardEV(c);
    return { value: { shape: y.shape, data: y.v }, bound: y.e };
  },

  value: (c) => fusedMatMul(argsOf(c)),

  grads: [
    ...(['a', 'b'] as const).map((name) => ({
      input: name,
      kernels: [],
      reference(c: OpCase<FusedMatMulParams>, dy: Tensor64): Expected {
        const args = argsOf(c);
        const { transposeA: tA, transposeB: tB } = c.params;
        const value = fusedMatMulGrad(args, dy)[name];
        const dz = dzEV(c, dy);
        const A = abs(args.a);
        const B = abs(args.b);
        const carried = matMulGrad(A, B, { shape: dz.shape, data: dz.e }, tA, tB)[name].data;
        const mag = matMulGrad(A, B, { shape: dz.shape, data: dz.v.map((v, i) => Math.abs(v) + dz.e[i]) }, tA, tB)[name].data;
        const inner = name === 'a' ? dy.shape[dy.shape.length - 1] : dy.shape[dy.shape.length - 2];
        const batches = sizeOf(dy.shape.slice(0, -2)) / Math.max(1, sizeOf(c.inputs[name].shape.slice(0, -2)));
        return { value, bound: productGrad(carried, mag, inner * batches, c.exact, batches > 1 ? 2 : 1) };
      },
    })),
    {
      input: 'bias',
      kernels: [],
      reference(c: OpCase<FusedMatMulParams>, dy: Tensor64): Expected {
        const value = fusedMatMulGrad(argsOf(c), dy).bias!;
        return { value, bound: biasGradBound(dzEV(c, dy), c.inputs.bias.shape, c.exact) };
      },
    },
  ],

  fingerprints: [],

  tfjs: (tf, [a, b, bias, w], p) =>
    tf.fused.matMul({
      a, b, transposeA: p.transposeA, transposeB: p.transposeB, bias: p.bias === 'none' ? undefined : bias,
      activation: p.activation, preluActivationWeights: p.activation === 'prelu' ? w : undefined, leakyreluAlpha: p.leakyreluAlpha,
    }),

  arbitrary: (fc) =>
    fc
      .record({
        m: fc.integer({ min: 1, max: 7 }), k: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 7 }), tA: fc.boolean(), tB: fc.boolean(),
        activation: fc.constantFrom(...ACTIVATIONS), bias: fc.constantFrom(...BIAS_FORMS), prelu: fc.constantFrom(...PRELU_FORMS),
        alpha: fc.constantFrom(...LEAKY_ALPHAS), kind: fc.constantFrom<Kind>('rand', 'wide'), seed: fc.nat(),
      })
      .map((r) => caseOf(r.tA ? [r.k, r.m] : [r.m, r.k], r.tB ? [r.n, r.k] : [r.k, r.n], { transposeA: r.tA, transposeB: r.tB, activation: r.activation, bias: r.bias, prelu: r.prelu, leakyreluAlpha: r.alpha }, r.kind, r.seed)),

  benchCases: (size) =>
    [({ small: 64, medium: 256, large: 512 } as const)[size]].map((n) =>
      caseOf([n, n], [n, n], { transposeA: false, transposeB: false, activation: 'relu', bias: 'channel', prelu: 'channel', leakyreluAlpha: 0.2 }, 'rand', 1),
    ),

  flops(c) {
    const g = matMulInfo('fused matMul', c.inputs.a, c.inputs.b, c.params.transposeA, c.params.transposeB);
    const outs = g.aBatch.length * g.m * g.n;
    return 2 * outs * g.k + (c.params.bias === 'none' ? 0 : outs) + (c.params.activation === 'linear' ? 0 : outs);
  },

  // NOTE: 'prelu' without weights is left out: it aborts the wasm module (the reference's test checks its message).
  errorInputs: [
    {
      name: "unknown activation 'tanh'",
      reference: () => fusedMatMul({ a: tensor([2, 3]), b: tensor([3, 2]), activation: 'tanh' as Activation }),
      tfjs: (tf) => tf.fused.matMul({ a: tf.ones([2, 3]), b: tf.ones([3, 2]), activation: 'tanh' as never }),
      message: /Error in fused matMul: activation must be one of 'linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'elu', 'sigmoid', got "tanh"/,
    },
    {
      name: 'inner dimensions 3 and 4',
      reference: () => fusedMatMul({ a: tensor([2, 3]), b: tensor([4, 2]) }),
      tfjs: (tf) => tf.fused.matMul({ a: tf.ones([2, 3]), b: tf.ones([4, 2]) }),
      message: /Error in fused matMul: inner dimensions of a \[2,3\] \(transposeA=false\) and b \[4,2\] \(transposeB=false\) must match, got 3 and 4/,
    },
    {
      name: 'bias [3] against output [2,2]',
      reference: () => fusedMatMul({ a: tensor([2, 3]), b: tensor([3, 2]), bias: tensor([3]) }),
      tfjs: (tf) => tf.fused.matMul({ a: tf.ones([2, 3]), b: tf.ones([3, 2]), bias: tf.ones([3]) }),
      message: /Error in fused matMul: bias of shape \[3\] must be a scalar, \[2\] \(one per output channel\) or broadcast to the output shape \[2,2\]/,
    },
    {
      name: 'bias [3,2,2] enlarging output [2,2]',
      reference: () => fusedMatMul({ a: tensor([2, 3]), b: tensor([3, 2]), bias: tensor([3, 2, 2]) }),
      tfjs: (tf) => tf.fused.matMul({ a: tf.ones([2, 3]), b: tf.ones([3, 2]), bias: tf.ones([3, 2, 2]) }),
      message: /Error in fused matMul: bias of shape \[3,2,2\] must be a scalar, \[2\] \(one per output channel\) or broadcast to the output shape \[2,2\]/,
    },
    {
      name: 'prelu weights [3] against output [2,2]',
      reference: () => fusedMatMul({ a: tensor([2, 3]), b: tensor([3, 2]), activation: 'prelu', preluActivationWeights: tensor([3]) }),
      tfjs: (tf) => tf.fused.matMul({ a: tf.ones([2, 3]), b: tf.ones([3, 2]), activation: 'prelu', preluActivationWeights: tf.ones([3]) }),
      message: /Error in fused matMul: preluActivationWeights of shape \[3\] must be a scalar, \[2\] \(one per output channel\) or broadcast to the output shape \[2,2\]/,
    },
  ],

  known: FUSED_MATMUL_KNOWN,
};
