/**
 * fused.conv2d: reference/FusedConv2D.ts against `tf.fused.conv2d` (kernel
 * FusedConv2D, what tfjs-layers' Conv2D runs), every activation and bias form,
 * every padding form, NCHW (forward), with the gradients of x, filter and bias.
 *
 * Bound: z = conv2d + bias is a sum of K + 1 products (K = fh fw inC; the bias
 * times 1), in any order: gamma_{K+1} (|x| * |filter| + |bias|), stored twice
 * where a backend runs conv and add as two ops; then the activation's own bound
 * (src/bounds/activation.ts). Gradients: TF.js fuses only 'linear' under a
 * gradient tape (and NHWC only) and runs conv2d, add and the activation
 * unfused otherwise; both give dz = dy f'(z), then the two backprops of dz (a
 * sum of fh fw outC, resp. batch outH outW products) and the bias's sum.
 */
import { Activation, ACTIVATIONS } from '../../reference/activation';
import { conv2d } from '../../reference/Conv2D';
import { conv2DBackpropFilter } from '../../reference/Conv2DBackpropFilter';
import { conv2DBackpropInput } from '../../reference/Conv2DBackpropInput';
import { FusedConv2DArgs, channelAxis, fusedConv2d, fusedConv2dGrad, fusedConv2dParts } from '../../reference/FusedConv2D';
import { nhwcShape } from '../../reference/layout';
import { Shape, Tensor64, abs, permute, tensor } from '../../reference/tensor';
import { DataFormat, Padding, axisPaddings, convOutputSize, formatPadding } from '../../reference/window';
import { activationEV, activationGradEV } from '../bounds/activation';
import { EV } from '../bounds/errorModel';
import { dotBound } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { CONV2D_BUGS, Conv2DParams, NATIVE_FILTER_GRAD_CRASH, NATIVE_INPUT_GRAD_BUG } from './conv2d';
import { EXACT_ACTIVATIONS, EXACT_LEAKY_ALPHAS, LEAKY_ALPHAS, ParamForm, biasGradBound, draw, fmtActivation, fmtForm, formShape, preluWeights } from './fusedMatMul';
import { numericPadKnown } from './numericPadding';
import { KnownDiscrepancy, OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';

export interface FusedConv2DParams extends Conv2DParams {
  activation: Activation;
  bias: ParamForm;
  prelu: ParamForm;
  leakyreluAlpha: number;
}

type Kind = 'rand' | 'exact' | 'wide';

interface Config {
  /** x as NHWC `[batch, height, width, channels]`; stored in `dataFormat`, without the batch axis when `unbatched`. */
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: [number, number];
  pad: Padding;
  dilations: [number, number];
  dataFormat: DataFormat;
  unbatched?: boolean;
}

const BIAS_FORMS: readonly ParamForm[] = ['none', 'channel', 'scalar', 'one'];
const PRELU_FORMS: readonly ParamForm[] = ['channel', 'scalar', 'one'];

function outHW(x: Shape, f: Shape, p: { strides: readonly number[]; pad: Padding; dilations: readonly number[]; dataFormat?: DataFormat }): [number, number] {
  const [padH, padW] = axisPaddings('fused conv2d', p.pad, p.dataFormat);
  return [convOutputSize(x[1], f[0], p.strides[0], padH, p.dilations[0]), convOutputSize(x[2], f[1], p.strides[1], padW, p.dilations[1])];
}

/** The output shape of a configuration in its layout and rank. */
function outShape(cfg: Config): number[] {
  const [oh, ow] = outHW(cfg.x, cfg.f, cfg);
  const s = cfg.dataFormat === 'NHWC' ? [cfg.x[0], oh, ow, cfg.f[3]] : [cfg.x[0], cfg.f[3], oh, ow];
  return cfg.unbatched ? s.slice(1) : s;
}

function caseOf(cfg: Config, act: { activation: Activation; bias: ParamForm; prelu: ParamForm; leakyreluAlpha: number }, kind: Kind, seed: number): OpCase<FusedConv2DParams> {
  const out = outShape(cfg);
  const outC = cfg.f[3];
  const biasShape = formShape(act.bias, out, outC);
  const preluShape = formShape(act.prelu, out, outC);
  const fmt = cfg.dataFormat === 'NCHW' ? ' fmt=NCHW' : '';
  const rank = cfg.unbatched ? ' unbatched' : '';
  const id = `x=${fmtShape(cfg.x)} f=${fmtShape(cfg.f)} s=${fmtShape(cfg.strides)} p=${formatPadding(cfg.pad)} d=${fmtShape(cfg.dilations)}${fmt}${rank} bias=${fmtForm(act.bias, biasShape)} ${fmtActivation(act.activation, act.leakyreluAlpha, fmtShape(preluShape))} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  const x = draw(rng, cfg.x, kind, -4, 4);
  const moved = cfg.dataFormat === 'NCHW' ? permute(x, [0, 3, 1, 2]) : x;
  const params: FusedConv2DParams = { strides: cfg.strides, pad: cfg.pad, dilations: cfg.dilations, ...act };
  if (cfg.dataFormat === 'NCHW') params.dataFormat = 'NCHW';
  const nhwc = cfg.dataFormat === 'NHWC' && !cfg.unbatched;
  return {
    id,
    params,
    inputs: {
      x: cfg.unbatched ? tensor(moved.shape.slice(1), moved.data) : moved,
      filter: draw(rng, cfg.f, kind, -3, 3),
      bias: draw(rng, biasShape, kind),
      preluActivationWeights: preluWeights(rng, preluShape, kind),
    },
    exact: kind === 'exact',
    // NOTE: TF.js's fused gradient takes NHWC only and no dilation; without a bias its input is unused (tf.grad throws).
    gradients: nhwc && act.bias !== 'none' && cfg.dilations.every((d) => d === 1),
  };
}

export function argsOf(c: OpCase<FusedConv2DParams>): FusedConv2DArgs {
  const { x, filter, bias, preluActivationWeights } = c.inputs;
  const p = c.params;
  return {
    x, filter, strides: p.strides, pad: p.pad, dataFormat: p.dataFormat ?? 'NHWC', dilations: p.dilations, dimRoundingMode: p.dimRoundingMode,
    bias: p.bias === 'none' ? undefined : bias, activation: p.activation,
    preluActivationWeights: p.activation === 'prelu' ? preluActivationWeights : undefined, leakyreluAlpha: p.leakyreluAlpha,
  };
}

/** A case's x shape as NHWC rank 4. */
function xNHWC(c: OpCase<FusedConv2DParams>): number[] {
  return nhwcShape('fused conv2d', 'x', c.inputs.x.shape, c.params.dataFormat ?? 'NHWC');
}

function forwardEV(c: OpCase<FusedConv2DParams>): { z: EV; y: EV; alpha: Float64Array | number } {
  const args = argsOf(c);
  const parts = fusedConv2dParts(args);
  const o = { dataFormat: args.dataFormat, dimRoundingMode: args.dimRoundingMode };
  const mag = args.bias
    ? fusedConv2d({ ...args, x: abs(args.x), filter: abs(args.filter), bias: abs(args.bias), activation: 'linear' }).data
    : conv2d(abs(args.x), abs(args.filter), args.strides, args.pad, args.dilations, o).data;
  const [kH, kW, inC] = args.filter.shape;
  const k = kH * kW * inC;
  const z: EV = { shape: parts.z.shape, v: parts.z.data, e: dotBound(mag, args.bias ? k + 1 : k, c.exact, args.bias ? 2 : 1) };
  return { z, y: activationEV(z, parts.activation, parts.alpha), alpha: parts.alpha };
}

function dzEV(c: OpCase<FusedConv2DParams>, dy: Tensor64): EV {
  const { z, y, alpha } = forwardEV(c);
  return activationGradEV(z, y, dy.data, c.params.activation, alpha);
}

/** A gradient that is a product with dz: e_dz carried through it, and gamma_K of the magnitudes with |dz| + e_dz. */
function productGrad(carried: Float64Array, mag: Float64Array, k: number, exact: boolean): Float64Array {
  const b = dotBound(mag, k, exact && carried.every((e) => e === 0));
  return b.map((v, i) => v + carried[i]);
}

const GRID = 230;

function gridConfig(rng: Rng): Config {
  for (;;) {
    const dataFormat: DataFormat = rng.next() < 0.15 ? 'NCHW' : 'NHWC';
    const x: Config['x'] = [rng.int(1, 2), rng.int(1, 7), rng.int(1, 7), rng.int(1, 3)];
    const dilated = rng.next() < 0.15;
    const dilations: [number, number] = dilated ? [rng.int(1, 2), rng.int(1, 2)] : [1, 1];
    let strides: [number, number] = dilated ? [1, 1] : [rng.int(1, 2), rng.int(1, 2)];
    let kH = rng.int(1, 3);
    let kW = rng.int(1, 3);
    const form = rng.pick(['valid', 'valid', 'same', 'same', 'same', 'number', 'explicit'] as const);
    let pad: Padding;
    if (form === 'number') {
      pad = rng.int(0, 2);
      // NOTE: numeric pads mostly square: a non-square one is #25 on every backend (numericPadKnown)
      if (rng.next() < 0.85) {
        kW = kH;
        strides = [strides[0], strides[0]];
      }
    } else if (form === 'explicit') {
      const [t, b, l, r] = [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)];
      pad = dataFormat === 'NHWC' ? [[0, 0], [t, b], [l, r], [0, 0]] : [[0, 0], [0, 0], [t, b], [l, r]];
    } else {
      pad = form;
    }
    const cfg: Config = { x, f: [kH, kW, x[3], rng.int(1, 4)], strides, pad, dilations, dataFormat };
    const [oh, ow] = outHW(x, cfg.f, cfg);
    if (oh > 0 && ow > 0 && (pad !== 'valid' || ((kH - 1) * dilations[0] < x[1] && (kW - 1) * dilations[1] < x[2]))) return cfg;
  }
}

const EDGE_CONFIGS: Config[] = [
  { x: [1, 1, 1, 1], f: [1, 1, 1, 1], strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' },
  { x: [2, 8, 8, 3], f: [3, 3, 3, 8], strides: [1, 1], pad: 'same', dilations: [1, 1], dataFormat: 'NHWC' }, // a Conv2D layer
  { x: [1, 6, 6, 4], f: [1, 1, 4, 6], strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' }, // pointwise
  { x: [1, 5, 5, 2], f: [3, 3, 2, 3], strides: [1, 1], pad: 1, dilations: [1, 1], dataFormat: 'NHWC' }, // numeric pad, judged
  { x: [1, 5, 5, 1], f: [1, 3, 1, 2], strides: [1, 1], pad: 1, dilations: [1, 1], dataFormat: 'NHWC' }, // numeric pad, non-square (#25)
  { x: [2, 5, 6, 3], f: [3, 3, 3, 4], strides: [1, 1], pad: 'same', dilations: [1, 1], dataFormat: 'NCHW' }, // bias on the channel axis
  { x: [1, 4, 4, 2], f: [2, 2, 2, 4], strides: [1, 1], pad: [[0, 0], [0, 0], [1, 0], [0, 1]], dilations: [1, 1], dataFormat: 'NCHW' },
  { x: [1, 5, 5, 3], f: [3, 3, 3, 2], strides: [1, 1], pad: 'same', dilations: [1, 1], dataFormat: 'NHWC', unbatched: true },
];

const GRAD_CHECKS = ['grad:x', 'grad:filter', 'grad:bias'];
const shapesOf = (c: OpCase<FusedConv2DParams>) => [xNHWC(c), c.inputs.filter.shape] as const;

/** Conv2D's known discrepancies (README #1-#3, #15, #45, #25) on the fused kernel, and the fused ones (README #35-#38). */
export const FUSED_CONV2D_KNOWN: KnownDiscrepancy<FusedConv2DParams>[] = [
  // #35: wasm's fused kernels take only a rank-1 bias of one value per output channel (tf.fused.conv2d accepts a scalar and [1]).
  // NOTE: wasm has no Conv2DBackpropFilter: its grad:filter is unsupported, never this.
  ...['forward', ...GRAD_CHECKS.filter((k) => k !== 'grad:filter')].map((check) => ({
    check, backend: 'wasm' as const, kind: 'bug' as const, readme: 35,
    note: "wasm's FusedConv2D throws for a bias that is not [outChannels] (a scalar, or [1] with more than one output channel), which tf.fused.conv2d accepts",
    when: (c: OpCase<FusedConv2DParams>) => (c.params.bias === 'scalar' || (c.params.bias === 'one' && c.inputs.filter.shape[3] > 1)) && (check === 'forward' || c.params.activation === 'linear'),
  })),
  // NOTE: #37 (XNNPACK's clamp gives 0 for NaN) is judged on fusedMatMul; on seed 1 no fused conv2d case puts a NaN under relu on wasm.
  // #38: tfjs-node's Prelu is relu(x) + alpha (x - |x|) / 2: +Inf gives NaN.
  {
    check: 'forward', backend: 'tensorflow', kind: 'bug', readme: 38,
    note: "tfjs-node's Prelu computes relu(x) + alpha * (x - |x|) * 0.5, which is NaN for x = +Inf (Inf - Inf) where prelu(+Inf) = +Inf",
    when: (c, expected) => c.params.activation === 'prelu' && expected !== undefined && expected.data.some((v) => v === Infinity),
  },
  // #1 reaches the gradients of the other activations: TF.js runs conv2d unfused under the tape, and f'(z) reads the wrong z.
  ...CONV2D_BUGS.filter((bug) => bug.readme === 1).flatMap((bug) =>
    GRAD_CHECKS.filter((k) => k !== 'grad:filter').map((check) => ({
      check, backend: bug.backend, kind: 'bug' as const, readme: bug.readme, note: `${bug.note}; under tf.grad TF.js runs Conv2D unfused for a non-linear activation, whose derivative then reads the wrong pre-activation`,
      when: (c: OpCase<FusedConv2DParams>) => c.params.activation !== 'linear' && bug.when(...shapesOf(c), c.params),
    })),
  ),
  ...CONV2D_BUGS.map((bug) => ({
    check: 'forward', backend: bug.backend, kind: 'bug' as const, readme: bug.readme, machine: bug.machine, note: bug.note,
    when: (c: OpCase<FusedConv2DParams>) => bug.when(...shapesOf(c), c.params),
  })),
  // NOTE: TF.js's fused gradient computes the filter's gradient whichever input tf.grad asks for: every gradient check
  // runs native Conv2DBackpropFilter, which corrupts the heap (#3); not run.
  ...GRAD_CHECKS.map((check) => ({ ...NATIVE_FILTER_GRAD_CRASH, check, when: (c: OpCase<FusedConv2DParams>) => NATIVE_FILTER_GRAD_CRASH.when(...shapesOf(c), c.params) })),
  { ...NATIVE_INPUT_GRAD_BUG, when: (c: OpCase<FusedConv2DParams>) => NATIVE_INPUT_GRAD_BUG.when(...shapesOf(c)) },
  // NOTE: #45 (NCHW strides on tfjs-node) does not reach FusedConv2D: tfjs-node refuses its NCHW form (unsupported).
  ...numericPadKnown<FusedConv2DParams>(['forward', ...GRAD_CHECKS], (c) => {
    const [, inH, inW] = xNHWC(c);
    const [kH, kW] = c.inputs.filter.shape;
    return { inHW: [inH, inW], kHW: [kH, kW], strides: c.params.strides, dilations: c.params.dilations, pad: c.params.pad, dimRoundingMode: c.params.dimRoundingMode };
  }),
];

export const fusedConv2dSpec: OpSpec<FusedConv2DParams> = {
  id: 'fusedConv2d',
  inputs: ['x', 'filter', 'bias', 'preluActivationWeights'],
  kernels: ['FusedConv2D'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'fusedConv2d/grid'));
    const out: OpCase<FusedConv2DParams>[] = [];
    EDGE_CONFIGS.forEach((cfg, i) => {
      for (const activation of ACTIVATIONS) {
        const act = { activation, bias: (i % 2 === 0 ? 'channel' : 'scalar') as ParamForm, prelu: 'channel' as ParamForm, leakyreluAlpha: 0.2 };
        out.push(caseOf(cfg, act, activation === 'relu6' ? 'wide' : 'rand', seed));
      }
    });
    for (let i = 0; i < GRID; i++) {
      const activation = ACTIVATIONS[i % ACTIVATIONS.length];
      const bias = BIAS_FORMS[Math.floor(i / ACTIVATIONS.length) % BIAS_FORMS.length];
      const prelu = PRELU_FORMS[Math.floor(i / (ACTIVATIONS.length * BIAS_FORMS.length)) % PRELU_FORMS.length];
      const cfg = gridConfig(rng);
      const act = { activation, bias, prelu, leakyreluAlpha: rng.pick(LEAKY_ALPHAS) };
      out.push(caseOf(cfg, act, activation === 'relu6' && i % 2 === 0 ? 'wide' : 'rand', seed));
      if (i % 2 === 0 && EXACT_ACTIVATIONS.includes(activation)) out.push(caseOf(cfg, { ...act, leakyreluAlpha: rng.pick(EXACT_LEAKY_ALPHAS) }, 'exact', seed));
    }
    return uniqueIds(withNonFinite(out, 'x', 9));
  },

  reference(c) {
    const { y } = forwardEV(c);
    return { value: { shape: y.shape, data: y.v }, bound: y.e };
  },

  value: (c) => fusedConv2d(argsOf(c)),

  grads: [
    {
      input: 'x',
      kernels: ['Conv2DBackpropInput'],
      // Each dX element sums at most fh * fw * outC products dz * filter.
      reference(c, dy) {
        const args = argsOf(c);
        const value = fusedConv2dGrad(args, dy).x;
        const dz = dzEV(c, dy);
        const o = { dataFormat: args.dataFormat, dimRoundingMode: args.dimRoundingMode };
        const F = abs(args.filter);
        const carried = conv2DBackpropInput(args.x.shape, { shape: dz.shape, data: dz.e }, F, args.strides, args.pad, args.dilations, o).data;
        const mag = conv2DBackpropInput(args.x.shape, { shape: dz.shape, data: dz.v.map((v, i) => Math.abs(v) + dz.e[i]) }, F, args.strides, args.pad, args.dilations, o).data;
        const [kH, kW, , outC] = args.filter.shape;
        return { value, bound: productGrad(carried, mag, kH * kW * outC, c.exact) };
      },
    },
    {
      input: 'filter',
      kernels: ['Conv2DBackpropFilter'],
      // Each dW element sums at most batch * outH * outW products dz * x.
      reference(c, dy) {
        const args = argsOf(c);
        const value = fusedConv2dGrad(args, dy).filter;
        const dz = dzEV(c, dy);
        const o = { dataFormat: args.dataFormat, dimRoundingMode: args.dimRoundingMode };
        const X = abs(args.x);
        const carried = conv2DBackpropFilter(X, { shape: dz.shape, data: dz.e }, args.filter.shape, args.strides, args.pad, args.dilations, o).data;
        const mag = conv2DBackpropFilter(X, { shape: dz.shape, data: dz.v.map((v, i) => Math.abs(v) + dz.e[i]) }, args.filter.shape, args.strides, args.pad, args.dilations, o).data;
        const [batch] = xNHWC(c);
        const [oh, ow] = outHW(xNHWC(c), args.filter.shape, c.params);
        return { value, bound: productGrad(carried, mag, batch * oh * ow, c.exact) };
      },
    },
    {
      input: 'bias',
      kernels: [],
      reference(c, dy) {
        const args = argsOf(c);
        const value = fusedConv2dGrad(args, dy).bias!;
        return { value, bound: biasGradBound(dzEV(c, dy), c.inputs.bias.shape, c.exact, channelAxis(dy.shape.length, args.dataFormat ?? 'NHWC')) };
      },
    },
  ],

  fingerprints: [],

  tfjs: (tf, [x, filter, bias, w], p) =>
    tf.fused.conv2d({
      x: x as never, filter: filter as never, strides: p.strides, pad: p.pad as never, dataFormat: p.dataFormat ?? 'NHWC', dilations: p.dilations,
      dimRoundingMode: p.dimRoundingMode, bias: p.bias === 'none' ? undefined : bias, activation: p.activation,
      preluActivationWeights: p.activation === 'prelu' ? w : undefined, leakyreluAlpha: p.leakyreluAlpha,
    }),

  arbitrary: (fc) =>
    fc
      .record({
        b: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }),
        ci: fc.integer({ min: 1, max: 3 }), co: fc.integer({ min: 1, max: 4 }), pad: fc.constantFrom<Padding>('valid', 'same', 0, 1),
        s: fc.integer({ min: 1, max: 2 }), k: fc.tuple(fc.nat(), fc.nat()),
        activation: fc.constantFrom(...ACTIVATIONS), bias: fc.constantFrom(...BIAS_FORMS), prelu: fc.constantFrom(...PRELU_FORMS),
        alpha: fc.constantFrom(...LEAKY_ALPHAS), kind: fc.constantFrom<Kind>('rand', 'wide'), seed: fc.nat(),
      })
      .map((r) => {
        const maxK = (n: number) => (r.pad === 'valid' ? n : Math.min(n, 3));
        const k = 1 + (r.k[0] % maxK(Math.min(r.h, r.w)));
        const cfg: Config = { x: [r.b, r.h, r.w, r.ci], f: [k, k, r.ci, r.co], strides: [r.s, r.s], pad: r.pad, dilations: [1, 1], dataFormat: 'NHWC' };
        return caseOf(cfg, { activation: r.activation, bias: r.bias, prelu: r.prelu, leakyreluAlpha: r.alpha }, r.kind, r.seed);
      }),

  benchCases: (size) =>
    [({ small: [16, 8, 16], medium: [32, 16, 32], large: [64, 32, 64] } as const)[size]].map(([hw, ci, co]) =>
      caseOf({ x: [1, hw, hw, ci], f: [3, 3, ci, co], strides: [1, 1], pad: 'same', dilations: [1, 1], dataFormat: 'NHWC' }, { activation: 'relu', bias: 'channel', prelu: 'channel', leakyreluAlpha: 0.2 }, 'rand', 1),
    ),

  flops(c) {
    const x = xNHWC(c);
    const [kH, kW, inC, outC] = c.inputs.filter.shape;
    const [oh, ow] = outHW(x, c.inputs.filter.shape, c.params);
    const outs = x[0] * oh * ow * outC;
    return 2 * outs * kH * kW * inC + (c.params.bias === 'none' ? 0 : outs) + (c.params.activation === 'linear' ? 0 : outs);
  },

  errorInputs: [
    {
      name: "unknown activation 'tanh'",
      reference: () => fusedConv2d({ x: tensor([1, 4, 4, 1]), filter: tensor([2, 2, 1, 1]), strides: 1, pad: 'valid', activation: 'tanh' as Activation }),
      tfjs: (tf) => tf.fused.conv2d({ x: tf.ones([1, 4, 4, 1]) as never, filter: tf.ones([2, 2, 1, 1]) as never, strides: 1, pad: 'valid', activation: 'tanh' as never }),
      message: /Error in fused conv2d: activation must be one of 'linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'elu', 'sigmoid', got "tanh"/,
    },
    {
      name: 'channel mismatch x=[1,4,4,3] f=[2,2,4,1]',
      reference: () => fusedConv2d({ x: tensor([1, 4, 4, 3]), filter: tensor([2, 2, 4, 1]), strides: 1, pad: 'valid' }),
      tfjs: (tf) => tf.fused.conv2d({ x: tf.ones([1, 4, 4, 3]) as never, filter: tf.ones([2, 2, 4, 1]) as never, strides: 1, pad: 'valid' }),
      message: /Error in fused conv2d: depth of input \(3\) must match input depth for filter \(4\)/,
    },
    {
      name: 'bias [3] for 2 output channels',
      reference: () => fusedConv2d({ x: tensor([1, 4, 4, 1]), filter: tensor([2, 2, 1, 2]), strides: 1, pad: 'valid', bias: tensor([3]) }),
      tfjs: (tf) => tf.fused.conv2d({ x: tf.ones([1, 4, 4, 1]) as never, filter: tf.ones([2, 2, 1, 2]) as never, strides: 1, pad: 'valid', bias: tf.ones([3]) }),
      message: /Error in fused conv2d: bias of shape \[3\] must be a scalar, \[2\] \(one per output channel\) or broadcast to the output shape \[1,3,3,2\]/,
    },
    {
      name: 'NCHW bias of rank 2',
      reference: () => fusedConv2d({ x: tensor([1, 1, 4, 4]), filter: tensor([2, 2, 1, 2]), strides: 1, pad: 'valid', dataFormat: 'NCHW', bias: tensor([2, 1]) }),
      tfjs: (tf) => tf.fused.conv2d({ x: tf.ones([1, 1, 4, 4]) as never, filter: tf.ones([2, 2, 1, 2]) as never, strides: 1, pad: 'valid', dataFormat: 'NCHW', bias: tf.ones([2, 1]) }),
      message: /Error in fused conv2d: bias must have rank 0 or 1 for NCHW, got shape \[2,1\]/,
    },
    {
      name: 'prelu weights [3] for 2 output channels',
      reference: () => fusedConv2d({ x: tensor([1, 4, 4, 1]), filter: tensor([2, 2, 1, 2]), strides: 1, pad: 'valid', activation: 'prelu', preluActivationWeights: tensor([3]) }),
      tfjs: (tf) => tf.fused.conv2d({ x: tf.ones([1, 4, 4, 1]) as never, filter: tf.ones([2, 2, 1, 2]) as never, strides: 1, pad: 'valid', activation: 'prelu', preluActivationWeights: tf.ones([3]) }),
      message: /Error in fused conv2d: preluActivationWeights of shape \[3\] must be a scalar, \[2\] \(one per output channel\) or broadcast to the output shape \[1,3,3,2\]/,
    },
    {
      name: 'prelu weights of rank 2',
      reference: () => fusedConv2d({ x: tensor([1, 4, 4, 1]), filter: tensor([2, 2, 1, 2]), strides: 1, pad: 'valid', activation: 'prelu', preluActivationWeights: tensor([3, 2]) }),
      tfjs: (tf) => tf.fused.conv2d({ x: tf.ones([1, 4, 4, 1]) as never, filter: tf.ones([2, 2, 1, 2]) as never, strides: 1, pad: 'valid', activation: 'prelu', preluActivationWeights: tf.ones([3, 2]) }),
      message: /Error in fused conv2d: preluActivationWeights must have rank 0 or 1 or 3, got shape \[3,2\]/,
    },
  ],

  known: FUSED_CONV2D_KNOWN,
};

