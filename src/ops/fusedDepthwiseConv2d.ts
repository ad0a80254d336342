/**
 * fused.depthwiseConv2d: reference/FusedDepthwiseConv2D.ts against
 * `tf.fused.depthwiseConv2d` (kernel FusedDepthwiseConv2D), every activation and
 * bias form, every padding form, with the gradients of x, filter and bias.
 * NHWC only: TF.js's depthwise kernels read an NCHW image as NHWC (README #31),
 * which the plain depthwiseConv2d spec records.
 *
 * Bound: z = depthwiseConv2d + bias is a sum of K + 1 products (K = fh fw; the
 * bias times 1), in any order: gamma_{K+1} (|x| * |filter| + |bias|), stored
 * twice where a backend runs the convolution and the add as two ops; then the
 * activation's own bound (src/bounds/activation.ts). Gradients: TF.js fuses only
 * 'linear' under a gradient tape and runs the ops unfused otherwise; both give
 * dz = dy f'(z), then the two depthwise backprops of dz (sums of fh fw
 * multiplier, resp. batch outH outW products) and the bias's sum.
 */
import { Activation, ACTIVATIONS } from '../../reference/activation';
import { depthwiseConv2d } from '../../reference/DepthwiseConv2dNative';
import { depthwiseConv2dNativeBackpropFilter } from '../../reference/DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInput } from '../../reference/DepthwiseConv2dNativeBackpropInput';
import { channelAxis } from '../../reference/FusedConv2D';
import { FusedDepthwiseConv2DArgs, fusedDepthwiseConv2d, fusedDepthwiseConv2dGrad, fusedDepthwiseConv2dParts } from '../../reference/FusedDepthwiseConv2D';
import { nhwcShape } from '../../reference/layout';
import { Shape, Tensor64, abs, permute, tensor } from '../../reference/tensor';
import { DataFormat, Padding, axisPaddings, convOutputSize, formatPadding } from '../../reference/window';
import { activationEV, activationGradEV } from '../bounds/activation';
import { EV } from '../bounds/errorModel';
import { dotBound } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { Conv2DParams } from './conv2d';
import { EXACT_ACTIVATIONS, EXACT_LEAKY_ALPHAS, LEAKY_ALPHAS, ParamForm, biasGradBound, draw, fmtActivation, fmtForm, formShape, preluWeights } from './fusedMatMul';
import { numericPadKnown } from './numericPadding';
import { KnownDiscrepancy, OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';

export interface FusedDepthwiseParams extends Conv2DParams {
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
  const [padH, padW] = axisPaddings('fused depthwiseConv2d', p.pad, p.dataFormat);
  return [convOutputSize(x[1], f[0], p.strides[0], padH, p.dilations[0]), convOutputSize(x[2], f[1], p.strides[1], padW, p.dilations[1])];
}

/** The output shape of a configuration in its layout and rank. */
function outShape(cfg: Config): number[] {
  const [oh, ow] = outHW(cfg.x, cfg.f, cfg);
  const s = [cfg.x[0], oh, ow, cfg.f[2] * cfg.f[3]];
  return cfg.unbatched ? s.slice(1) : s;
}

function caseOf(cfg: Config, act: { activation: Activation; bias: ParamForm; prelu: ParamForm; leakyreluAlpha: number }, kind: Kind, seed: number): OpCase<FusedDepthwiseParams> {
  const out = outShape(cfg);
  const outC = cfg.f[2] * cfg.f[3];
  const biasShape = formShape(act.bias, out, outC);
  const preluShape = formShape(act.prelu, out, outC);
  const fmt = cfg.dataFormat === 'NCHW' ? ' fmt=NCHW' : '';
  const rank = cfg.unbatched ? ' unbatched' : '';
  const id = `x=${fmtShape(cfg.x)} f=${fmtShape(cfg.f)} s=${fmtShape(cfg.strides)} p=${formatPadding(cfg.pad)} d=${fmtShape(cfg.dilations)}${fmt}${rank} bias=${fmtForm(act.bias, biasShape)} ${fmtActivation(act.activation, act.leakyreluAlpha, fmtShape(preluShape))} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  const x = draw(rng, cfg.x, kind, -4, 4);
  const moved = cfg.dataFormat === 'NCHW' ? permute(x, [0, 3, 1, 2]) : x;
  const params: FusedDepthwiseParams = { strides: cfg.strides, pad: cfg.pad, dilations: cfg.dilations, ...act };
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

export function argsOf(c: OpCase<FusedDepthwiseParams>): FusedDepthwiseConv2DArgs {
  const { x, filter, bias, preluActivationWeights } = c.inputs;
  const p = c.params;
  return {
    x, filter, strides: p.strides, pad: p.pad, dataFormat: p.dataFormat ?? 'NHWC', dilations: p.dilations, dimRoundingMode: p.dimRoundingMode,
    bias: p.bias === 'none' ? undefined : bias, activation: p.activation,
    preluActivationWeights: p.activation === 'prelu' ? preluActivationWeights : undefined, leakyreluAlpha: p.leakyreluAlpha,
  };
}

/** A case's x shape as NHWC rank 4. */
function xNHWC(c: OpCase<FusedDepthwiseParams>): number[] {
  return nhwcShape('fused depthwiseConv2d', 'x', c.inputs.x.shape, c.params.dataFormat ?? 'NHWC');
}

function forwardEV(c: OpCase<FusedDepthwiseParams>): { z: EV; y: EV; alpha: Float64Array | number } {
  const args = argsOf(c);
  const parts = fusedDepthwiseConv2dParts(args);
  const o = { dataFormat: args.dataFormat, dimRoundingMode: args.dimRoundingMode };
  const mag = args.bias
    ? fusedDepthwiseConv2d({ ...args, x: abs(args.x), filter: abs(args.filter), bias: abs(args.bias), activation: 'linear' }).data
    : depthwiseConv2d(abs(args.x), abs(args.filter), args.strides, args.pad, args.dilations, o).data;
  const [kH, kW] = args.filter.shape;
  const k = kH * kW;
  const z: EV = { shape: parts.z.shape, v: parts.z.data, e: dotBound(mag, args.bias ? k + 1 : k, c.exact, args.bias ? 2 : 1) };
  return { z, y: activationEV(z, parts.activation, parts.alpha), alpha: parts.alpha };
}

function dzEV(c: OpCase<FusedDepthwiseParams>, dy: Tensor64): EV {
  const { z, y, alpha } = forwardEV(c);
  return activationGradEV(z, y, dy.data, c.params.activation, alpha);
}

/** A gradient that is a product with dz: e_dz carried through it, and gamma_K of the magnitudes with |dz| + e_dz. */
function productGrad(carried: Float64Array, mag: Float64Array, k: number, exact: boolean): Float64Array {
  const b = dotBound(mag, k, exact && carried.every((e) => e === 0));
  return b.map((v, i) => v + carried[i]);
}

const GRID = 190;

function gridConfig(rng: Rng): Config {
  for (;;) {
    const dataFormat: DataFormat = 'NHWC';
    const x: Config['x'] = [rng.int(1, 2), rng.int(1, 7), rng.int(1, 7), rng.int(1, 3)];
    const dilated = rng.next() < 0.15;
    const dilations: [number, number] = dilated ? [rng.int(1, 2), rng.int(1, 2)] : [1, 1];
    let strides: [number, number] = dilated ? [1, 1] : [rng.int(1, 2), rng.int(1, 2)];
    let kH = rng.int(1, 3);
    let kW = rng.int(1, 3);
    const form = rng.pick(['valid', 'same', 'same', 'number', 'explicit'] as const);
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
    const cfg: Config = { x, f: [kH, kW, x[3], rng.int(1, 2)], strides, pad, dilations, dataFormat };
    const [oh, ow] = outHW(x, cfg.f, cfg);
    if (oh > 0 && ow > 0 && (pad !== 'valid' || ((kH - 1) * dilations[0] < x[1] && (kW - 1) * dilations[1] < x[2]))) return cfg;
  }
}

const EDGE_CONFIGS: Config[] = [
  { x: [1, 1, 1, 1], f: [1, 1, 1, 1], strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' },
  { x: [2, 8, 8, 4], f: [3, 3, 4, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], dataFormat: 'NHWC' }, // a MobileNet block
  { x: [1, 7, 7, 3], f: [3, 3, 3, 2], strides: [2, 2], pad: 'same', dilations: [1, 1], dataFormat: 'NHWC' }, // multiplier 2, stride 2
  { x: [1, 5, 5, 2], f: [3, 3, 2, 2], strides: [1, 1], pad: 1, dilations: [1, 1], dataFormat: 'NHWC' }, // numeric pad, judged
  { x: [1, 6, 5, 2], f: [2, 3, 2, 1], strides: [1, 1], pad: [[0, 0], [1, 0], [0, 2], [0, 0]], dilations: [1, 1], dataFormat: 'NHWC' },
  { x: [1, 6, 6, 2], f: [2, 2, 2, 1], strides: [1, 1], pad: 'valid', dilations: [2, 2], dataFormat: 'NHWC' },
  { x: [1, 5, 5, 3], f: [3, 3, 3, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], dataFormat: 'NHWC', unbatched: true },
];

const GRAD_CHECKS = ['grad:x', 'grad:filter', 'grad:bias'];

/** The window geometry of a case (README #25 and #33). */
function windowGeometry(c: OpCase<FusedDepthwiseParams>) {
  const [, inH, inW] = xNHWC(c);
  const [kH, kW] = c.inputs.filter.shape;
  return { inHW: [inH, inW] as [number, number], kHW: [kH, kW] as [number, number], strides: c.params.strides, dilations: c.params.dilations, pad: c.params.pad, dimRoundingMode: c.params.dimRoundingMode };
}

/** 'same' padding negative on an axis with a window of more than one tap (README #30). */
function negativeSamePadding(c: OpCase<FusedDepthwiseParams>): boolean {
  const [, inH, inW] = xNHWC(c);
  const [kH, kW] = c.inputs.filter.shape;
  if (c.params.pad !== 'same' || kH * kW === 1) return false;
  return ([[inH, kH, c.params.strides[0], c.params.dilations[0]], [inW, kW, c.params.strides[1], c.params.dilations[1]]] as const).some(([n, k, s, d]) => (Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 < n);
}

const explicitNonZero = (c: OpCase<FusedDepthwiseParams>) => typeof c.params.pad === 'object' && c.params.pad.some((side) => side[0] !== 0 || side[1] !== 0);

/** The checks wasm can run: it has no depthwise backprop kernels (grad:bias needs none). */
const wasmHasKernels = (check: string) => check === 'forward' || check === 'grad:bias';

/** DepthwiseConv2dNative's known discrepancies (README #25, #30, #33, #34) on the fused kernel, and the fused ones (#35, #37, #38). */
export const FUSED_DEPTHWISE_KNOWN: KnownDiscrepancy<FusedDepthwiseParams>[] = [
  // NOTE: #33 (wasm writes past its output buffer under #25) is covered by #25's skip on wasm (numericPadKnown below).
  // NOTE: wasm has no depthwise backprop kernels: its grad:x and grad:filter are unsupported, never one of these.
  // #35: wasm's fused kernels take only a rank-1 bias of one value per output channel.
  ...['forward', ...GRAD_CHECKS.filter(wasmHasKernels)].map((check) => ({
    check, backend: 'wasm' as const, kind: 'bug' as const, readme: 35,
    note: "wasm's FusedDepthwiseConv2D throws for a bias that is not [outChannels] (a scalar, or [1] with more than one output channel), which tf.fused.depthwiseConv2d accepts",
    when: (c: OpCase<FusedDepthwiseParams>) => (c.params.bias === 'scalar' || (c.params.bias === 'one' && c.inputs.filter.shape[2] * c.inputs.filter.shape[3] > 1)) && (check === 'forward' || c.params.activation === 'linear'),
  })),
  {
    check: 'forward', backend: 'wasm', kind: 'semantic', readme: 37,
    note: "wasm's fused relu and relu6 (XNNPACK's clamp) give 0 for NaN, where TF.js's cpu kernels and the reference propagate it",
    when: (c, expected) => (c.params.activation === 'relu' || c.params.activation === 'relu6') && expected !== undefined && expected.data.some(Number.isNaN),
  },
  {
    check: 'forward', backend: 'tensorflow', kind: 'bug', readme: 38,
    note: "tfjs-node's Prelu computes relu(x) + alpha * (x - |x|) * 0.5, which is NaN for x = +Inf (Inf - Inf) where prelu(+Inf) = +Inf",
    when: (c, expected) => c.params.activation === 'prelu' && expected !== undefined && expected.data.some((v) => v === Infinity),
  },
  // #30 on the forward, and on the gradients of the non-linear activations (TF.js runs the convolution unfused under the tape).
  ...['forward', ...GRAD_CHECKS.filter(wasmHasKernels)].map((check) => ({
    check, backend: 'wasm' as const, kind: 'bug' as const, readme: 30,
    note: "wasm DepthwiseConv2dNative returns zeros under 'same' padding when TensorFlow's total padding is negative on an axis with more than one tap" + (check === 'forward' ? '' : '; a non-linear activation\'s derivative then reads the wrong pre-activation'),
    when: (c: OpCase<FusedDepthwiseParams>) => negativeSamePadding(c) && (check === 'forward' || c.params.activation !== 'linear'),
  })),
  ...GRAD_CHECKS.map((check) => ({
    check, backend: 'tensorflow' as const, kind: 'bug' as const, readme: 34,
    note: "tfjs-node's depthwise backprop kernels send padding 'EXPLICIT' without explicit_paddings: libtensorflow rejects every gradient of an explicitly padded depthwiseConv2d (the fused gradient computes both backprops)",
    when: (c: OpCase<FusedDepthwiseParams>) => explicitNonZero(c),
  })),
  ...numericPadKnown<FusedDepthwiseParams>(['forward', ...GRAD_CHECKS], windowGeometry, (backend, check) => backend === 'wasm' && !wasmHasKernels(check)),
];

export const fusedDepthwiseConv2dSpec: OpSpec<FusedDepthwiseParams> = {
  id: 'fusedDepthwiseConv2d',
  inputs: ['x', 'filter', 'bias', 'preluActivationWeights'],
  kernels: ['FusedDepthwiseConv2D'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'fusedDepthwiseConv2d/grid'));
    const out: OpCase<FusedDepthwiseParams>[] = [];
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

  value: (c) => fusedDepthwiseConv2d(argsOf(c)),

  grads: [
    {
      input: 'x',
      kernels: ['DepthwiseConv2dNativeBackpropInput'],
      // Each dX element sums at most fh * fw * multiplier products dz * filter.
      reference(c, dy) {
        const args = argsOf(c);
        const value = fusedDepthwiseConv2dGrad(args, dy).x;
        const dz = dzEV(c, dy);
        const o = { dataFormat: args.dataFormat, dimRoundingMode: args.dimRoundingMode };
        const F = abs(args.filter);
        const carried = depthwiseConv2dNativeBackpropInput(args.x.shape, { shape: dz.shape, data: dz.e }, F, args.strides, args.pad, args.dilations, o).data;
        const mag = depthwiseConv2dNativeBackpropInput(args.x.shape, { shape: dz.shape, data: dz.v.map((v, i) => Math.abs(v) + dz.e[i]) }, F, args.strides, args.pad, args.dilations, o).data;
        const [kH, kW, , mult] = args.filter.shape;
        return { value, bound: productGrad(carried, mag, kH * kW * mult, c.exact) };
      },
    },
    {
      input: 'filter',
      kernels: ['DepthwiseConv2dNativeBackpropFilter'],
      // Each dW element sums at most batch * outH * outW products dz * x.
      reference(c, dy) {
        const args = argsOf(c);
        const value = fusedDepthwiseConv2dGrad(args, dy).filter;
        const dz = dzEV(c, dy);
        const o = { dataFormat: args.dataFormat, dimRoundingMode: args.dimRoundingMode };
        const X = abs(args.x);
        const carried = depthwiseConv2dNativeBackpropFilter(X, { shape: dz.shape, data: dz.e }, args.filter.shape, args.strides, args.pad, args.dilations, o).data;
        const mag = depthwiseConv2dNativeBackpropFilter(X, { shape: dz.shape, data: dz.v.map((v, i) => Math.abs(v) + dz.e[i]) }, args.filter.shape, args.strides, args.pad, args.dilations, o).data;
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
        const value = fusedDepthwiseConv2dGrad(args, dy).bias!;
        return { value, bound: biasGradBound(dzEV(c, dy), c.inputs.bias.shape, c.exact, channelAxis(dy.shape.length, args.dataFormat ?? 'NHWC')) };
      },
    },
  ],

  fingerprints: [],

  tfjs: (tf, [x, filter, bias, w], p) =>
    tf.fused.depthwiseConv2d({
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
    [({ small: [16, 8], medium: [32, 16], large: [64, 32] } as const)[size]].map(([hw, ci]) =>
      caseOf({ x: [1, hw, hw, ci], f: [3, 3, ci, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], dataFormat: 'NHWC' }, { activation: 'relu', bias: 'channel', prelu: 'channel', leakyreluAlpha: 0.2 }, 'rand', 1),
    ),

  flops(c) {
    const x = xNHWC(c);
    const [kH, kW, inC, mult] = c.inputs.filter.shape;
    const [oh, ow] = outHW(x, c.inputs.filter.shape, c.params);
    const outs = x[0] * oh * ow * inC * mult;
    return 2 * outs * kH * kW + (c.params.bias === 'none' ? 0 : outs) + (c.params.activation === 'linear' ? 0 : outs);
  },

  errorInputs: [
    {
      name: "unknown activation 'tanh'",
      reference: () => fusedDepthwiseConv2d({ x: tensor([1, 4, 4, 1]), filter: tensor([2, 2, 1, 1]), strides: 1, pad: 'valid', activation: 'tanh' as Activation }),
      tfjs: (tf) => tf.fused.depthwiseConv2d({ x: tf.ones([1, 4, 4, 1]) as never, filter: tf.ones([2, 2, 1, 1]) as never, strides: 1, pad: 'valid', activation: 'tanh' as never }),
      message: /Error in fused depthwiseConv2d: activation must be one of 'linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'elu', 'sigmoid', got "tanh"/,
    },
    {
      name: 'channel mismatch x=[1,4,4,3] f=[2,2,4,1]',
      reference: () => fusedDepthwiseConv2d({ x: tensor([1, 4, 4, 3]), filter: tensor([2, 2, 4, 1]), strides: 1, pad: 'valid' }),
      tfjs: (tf) => tf.fused.depthwiseConv2d({ x: tf.ones([1, 4, 4, 3]) as never, filter: tf.ones([2, 2, 4, 1]) as never, strides: 1, pad: 'valid' }),
      message: /Error in fused depthwiseConv2d: number of input channels \(3\) must match the inChannels dimension in filter \(4\)/,
    },
    {
      name: 'bias [3] for 2 output channels',
      reference: () => fusedDepthwiseConv2d({ x: tensor([1, 4, 4, 1]), filter: tensor([2, 2, 1, 2]), strides: 1, pad: 'valid', bias: tensor([3]) }),
      tfjs: (tf) => tf.fused.depthwiseConv2d({ x: tf.ones([1, 4, 4, 1]) as never, filter: tf.ones([2, 2, 1, 2]) as never, strides: 1, pad: 'valid', bias: tf.ones([3]) }),
      message: /Error in fused depthwiseConv2d: bias of shape \[3\] must be a scalar, \[2\] \(one per output channel\) or broadcast to the output shape \[1,3,3,2\]/,
    },
    {
      name: 'prelu weights [3] for 2 output channels',
      reference: () => fusedDepthwiseConv2d({ x: tensor([1, 4, 4, 1]), filter: tensor([2, 2, 1, 2]), strides: 1, pad: 'valid', activation: 'prelu', preluActivationWeights: tensor([3]) }),
      tfjs: (tf) => tf.fused.depthwiseConv2d({ x: tf.ones([1, 4, 4, 1]) as never, filter: tf.ones([2, 2, 1, 2]) as never, strides: 1, pad: 'valid', activation: 'prelu', preluActivationWeights: tf.ones([3]) }),
      message: /Error in fused depthwiseConv2d: preluActivationWeights of shape \[3\] must be a scalar, \[2\] \(one per output channel\) or broadcast to the output shape \[1,3,3,2\]/,
    },
  ],

  known: FUSED_DEPTHWISE_KNOWN,
};

