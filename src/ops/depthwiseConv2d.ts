/**
 * depthwiseConv2d: reference/DepthwiseConv2dNative.ts against
 * `tf.depthwiseConv2d` (kernel DepthwiseConv2dNative), with its gradients
 * (kernels DepthwiseConv2dNativeBackpropInput and ...BackpropFilter), in every
 * argument form TF.js accepts: 'valid', 'same', numeric and explicit padding,
 * dimRoundingMode, NHWC and NCHW, dilations, rank-3 images, channel multipliers.
 *
 * Bounds: each output is a sum of at most K = fh * fw products (one channel's
 * window), so |backend - reference| <= (gamma_K(u32) + gamma_K(u64)) *
 * depthwiseConv2d(|x|, |filter|) element-wise; each dX element sums at most
 * fh * fw * multiplier products dy * filter; each dW element at most
 * batch * outH * outW products dy * x. 0 for small-integer cases.
 */
import { depthwiseConv2d } from '../../reference/DepthwiseConv2dNative';
import { depthwiseConv2dNativeBackpropFilter } from '../../reference/DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInput } from '../../reference/DepthwiseConv2dNativeBackpropInput';
import { nhwcShape } from '../../reference/layout';
import { Shape, abs, sizeOf, tensor } from '../../reference/tensor';
import { AxisPadding, DataFormat, DimRoundingMode, Padding, axisPaddings, convOutputSize, formatPadding, window2D } from '../../reference/window';
import { dotBound } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { convValues } from './conv2d';
import { WindowGeometry, numericPadKnown } from './numericPadding';
import { KnownDiscrepancy, OpCase, OpSpec, fmtShape, uniqueIds } from './types';

export interface DepthwiseParams {
  strides: [number, number];
  pad: Padding;
  dataFormat: DataFormat;
  dilations: [number, number];
  dimRoundingMode?: DimRoundingMode;
}

/**
 * How a case's values are drawn: uniform in [-1, 1) (`rand`), small integers
 * (`exact`, bound 0), an all-negative image (`neg`), values around zero with
 * exact zeros and -0 (`small`), NaN and +-Inf in the image (`special`).
 */
export type ValueKind = 'rand' | 'exact' | 'neg' | 'small' | 'special';

/** A configuration: x's shape in its data format (rank 4, or rank 3 unbatched), the filter `[fh, fw, inC, multiplier]`. */
interface Config extends DepthwiseParams {
  x: number[];
  f: [number, number, number, number];
}

// The values are drawn as conv2d's (convValues): exact cases in [-4, 4] x [-3, 3], sums of up to 9*9 products far below 2^24.

const nhwc = (p: Partial<DepthwiseParams> & Pick<DepthwiseParams, 'pad'>): DepthwiseParams => ({ strides: [1, 1], dilations: [1, 1], dataFormat: 'NHWC', ...p });

/** The hand-picked corners; random grid cases follow. */
const EDGE_CONFIGS: Config[] = [
  { x: [1, 1, 1, 1], f: [1, 1, 1, 1], ...nhwc({ pad: 'valid' }) },
  { x: [1, 1, 1, 1], f: [1, 1, 1, 3], ...nhwc({ pad: 'same', strides: [3, 3] }) }, // multiplier 3, stride past the image
  { x: [1, 5, 7, 2], f: [5, 7, 2, 2], ...nhwc({ pad: 'valid' }) }, // filter = whole input
  { x: [1, 5, 7, 2], f: [5, 7, 2, 1], ...nhwc({ pad: 'same' }) },
  { x: [1, 9, 9, 2], f: [1, 1, 2, 2], ...nhwc({ pad: 'valid', strides: [3, 3] }) }, // stride > filter
  { x: [1, 9, 8, 3], f: [2, 2, 3, 1], ...nhwc({ pad: 'valid', strides: [3, 3] }) },
  // 1xN and Nx1 filters, stride 2, 'same' (the shapes of MobileNet-style separable blocks)
  { x: [1, 6, 6, 2], f: [1, 3, 2, 1], ...nhwc({ pad: 'same', strides: [2, 2] }) },
  { x: [1, 6, 6, 2], f: [3, 1, 2, 1], ...nhwc({ pad: 'same', strides: [2, 2] }) },
  { x: [1, 7, 7, 3], f: [1, 3, 3, 2], ...nhwc({ pad: 'same', strides: [2, 2] }) },
  { x: [1, 7, 7, 3], f: [3, 1, 3, 2], ...nhwc({ pad: 'same', strides: [2, 2] }) },
  { x: [2, 8, 5, 4], f: [1, 5, 4, 1], ...nhwc({ pad: 'same', strides: [2, 2] }) },
  { x: [2, 8, 5, 4], f: [5, 1, 4, 1], ...nhwc({ pad: 'same', strides: [2, 2] }) },
  { x: [1, 1, 9, 2], f: [1, 3, 2, 1], ...nhwc({ pad: 'same', strides: [2, 2] }) },
  { x: [1, 9, 1, 2], f: [3, 1, 2, 1], ...nhwc({ pad: 'same', strides: [2, 2] }) },
  { x: [1, 6, 5, 3], f: [4, 2, 3, 2], ...nhwc({ pad: 'same', strides: [2, 3] }) }, // asymmetric 'same' padding
  { x: [1, 9, 8, 2], f: [3, 2, 2, 2], ...nhwc({ pad: 'valid', dilations: [2, 2] }) },
  { x: [2, 7, 9, 1], f: [2, 3, 1, 3], ...nhwc({ pad: 'same', dilations: [1, 2] }) },
  { x: [1, 1, 3, 1], f: [1, 2, 1, 1], ...nhwc({ pad: 'same', strides: [1, 3] }) }, // negative 'same' padding
  // numeric, explicit, rounding
  { x: [1, 5, 5, 2], f: [3, 3, 2, 1], ...nhwc({ pad: 1 }) },
  { x: [1, 6, 6, 2], f: [2, 2, 2, 2], ...nhwc({ pad: 2, strides: [2, 2] }) },
  { x: [1, 5, 5, 1], f: [3, 1, 1, 1], ...nhwc({ pad: 1 }) }, // non-square window under a numeric pad (README #25)
  { x: [1, 5, 7, 2], f: [2, 3, 2, 1], ...nhwc({ pad: [[0, 0], [1, 2], [0, 1], [0, 0]], strides: [2, 1] }) },
  { x: [1, 3, 4, 1], f: [2, 2, 1, 2], ...nhwc({ pad: [[0, 0], [3, 0], [0, 3], [0, 0]] }) }, // padding larger than the window
  { x: [1, 5, 5, 2], f: [2, 2, 2, 1], ...nhwc({ pad: 0, strides: [2, 2], dimRoundingMode: 'floor' }) },
  { x: [1, 5, 5, 2], f: [2, 2, 2, 1], ...nhwc({ pad: 0, strides: [2, 2], dimRoundingMode: 'round' }) },
  { x: [1, 5, 5, 2], f: [2, 2, 2, 1], ...nhwc({ pad: 0, strides: [2, 2], dimRoundingMode: 'ceil' }) },
  { x: [1, 6, 6, 1], f: [2, 2, 1, 2], ...nhwc({ pad: 1, strides: [3, 3], dimRoundingMode: 'ceil' }) },
  { x: [2, 5, 6, 2], f: [2, 3, 2, 1], ...nhwc({ pad: [[0, 0], [1, 0], [0, 2], [0, 0]], strides: [2, 2], dimRoundingMode: 'round' }) },
  // NCHW and rank 3
  { x: [1, 2, 5, 5], f: [3, 3, 2, 1], ...nhwc({ pad: 'same', dataFormat: 'NCHW' }) },
  { x: [2, 3, 4, 3], f: [2, 2, 3, 2], ...nhwc({ pad: 'valid', dataFormat: 'NCHW' }) }, // width = channels: TF.js's NHWC reading passes its checks
  { x: [1, 2, 6, 5], f: [2, 3, 2, 1], ...nhwc({ pad: [[0, 0], [0, 0], [1, 0], [1, 1]], strides: [2, 1], dataFormat: 'NCHW' }) },
  { x: [5, 5, 2], f: [3, 3, 2, 2], ...nhwc({ pad: 'same' }) },
  { x: [4, 6, 3], f: [2, 2, 3, 1], ...nhwc({ pad: 1, strides: [2, 2] }) },
  { x: [2, 4, 4], f: [3, 3, 2, 1], ...nhwc({ pad: 'valid', dataFormat: 'NCHW' }) },
];

/** Number of random grid configurations per run. */
const GRID_CASES = 150;

/** A random configuration that TF.js accepts (strides or dilations 1, a window that fits under 'valid'). */
function gridConfig(rng: Rng): Config {
  const batch = rng.int(1, 2);
  const inH = rng.int(1, 9);
  const inW = rng.int(1, 9);
  const inC = rng.int(1, 4);
  const mult = rng.int(1, 3);
  const form = rng.pick(['valid', 'same', 'same', 'number', 'explicit'] as const);
  // NOTE: TF.js's depthwise kernels accept strides > 1 or dilations > 1, not both.
  const dilated = rng.next() < 0.2;
  let dilations: [number, number] = dilated ? [rng.int(1, 2), rng.int(1, 2)] : [1, 1];
  let strides: [number, number] = dilated ? [1, 1] : [rng.int(1, 3), rng.int(1, 3)];
  const maxK = (inSize: number, d: number) => (form === 'valid' ? Math.floor((inSize - 1) / d) + 1 : Math.min(inSize, 4));
  let kH = rng.int(1, maxK(inH, dilations[0]));
  let kW = rng.int(1, maxK(inW, dilations[1]));
  let pad: Padding = form === 'valid' || form === 'same' ? form : 0;
  let dimRoundingMode: DimRoundingMode | undefined;
  if (form === 'number' || form === 'explicit') {
    dimRoundingMode = rng.pick([undefined, undefined, 'floor', 'round', 'ceil'] as const);
  }
  if (form === 'number') {
    pad = rng.int(0, 2);
    // NOTE: most numeric-pad cases are square (window, stride, dilation) so that they are judged (README #25).
    if (rng.next() < 0.8) {
      kW = kH = Math.min(kH, kW);
      strides = [strides[0], strides[0]];
      dilations = [dilations[0], dilations[0]];
    }
  }
  if (form === 'explicit') pad = [[0, 0], [rng.int(0, 2), rng.int(0, 2)], [rng.int(0, 2), rng.int(0, 2)], [0, 0]];
  const dataFormat: DataFormat = rng.next() < 0.15 ? 'NCHW' : 'NHWC';
  if (dataFormat === 'NCHW' && typeof pad === 'object') pad = [pad[0], pad[3], pad[1], pad[2]];
  const x = dataFormat === 'NHWC' ? [batch, inH, inW, inC] : [batch, inC, inH, inW];
  return { x: rng.next() < 0.15 ? x.slice(1) : x, f: [kH, kW, inC, mult], strides, pad, dilations, dataFormat, dimRoundingMode };
}

/** Whether the reference accepts a configuration (a grid draw may leave no output under a rounding mode). */
function accepted(cfg: Config): boolean {
  try {
    window2D('depthwiseConv2d', imageHW(cfg.x, cfg.dataFormat), [cfg.f[0], cfg.f[1]], cfg.strides, cfg.pad, cfg.dilations, cfg);
    return true;
  } catch {
    return false;
  }
}

/** Height and width of an image shape in a data format. */
function imageHW(x: Shape, dataFormat: DataFormat): [number, number] {
  const [, h, w] = nhwcShape('depthwiseConv2d', 'x', x, dataFormat);
  return [h, w];
}

/** The window geometry of a case (for README #25 and the other classes). */
export function geometry(c: OpCase<DepthwiseParams>): WindowGeometry {
  const f = c.inputs.filter.shape;
  return { inHW: imageHW(c.inputs.x.shape, c.params.dataFormat), kHW: [f[0], f[1]], strides: c.params.strides, dilations: c.params.dilations, pad: c.params.pad, dimRoundingMode: c.params.dimRoundingMode };
}

/** Each axis's (in, window, stride, padding, dilation). */
function axes(g: WindowGeometry, dataFormat: DataFormat): [number, number, number, AxisPadding, number][] {
  const pads = axisPaddings('depthwiseConv2d', g.pad, dataFormat);
  const d = g.dilations ?? [1, 1];
  return [0, 1].map((a) => [g.inHW[a], g.kHW[a], g.strides[a], pads[a], d[a]]);
}

/** Output height and width (each axis with its own window and stride). */
function outHW(c: OpCase<DepthwiseParams>): [number, number] {
  const [h, w] = axes(geometry(c), c.params.dataFormat).map(([n, k, s, p, d]) => convOutputSize(n, k, s, p, d, c.params.dimRoundingMode));
  return [h, w];
}

/**
 * True when 'same' padding is negative on an axis, the last window ending
 * before the last input cell, (out - 1) * s + span < in (TensorFlow clamps the
 * padding to 0), and the filter is not 1x1 (which XNNPACK runs another way).
 */
export function negativeSamePadding(c: OpCase<DepthwiseParams>): boolean {
  const [kH, kW] = c.inputs.filter.shape;
  if (c.params.pad !== 'same' || kH * kW === 1) return false;
  return axes(geometry(c), c.params.dataFormat).some(([n, k, s, , d]) => (Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 < n);
}

/** An explicit padding with at least one non-zero side (TF.js sends an all-zero one as 'VALID'). */
export function explicitNonZero(c: OpCase<DepthwiseParams>): boolean {
  const p = c.params.pad;
  return typeof p === 'object' && p.some((side) => side[0] !== 0 || side[1] !== 0);
}

/** True when dimRoundingMode makes an axis's output longer than floor would (a window hangs past the padded input). */
export function roundsUp(c: OpCase<DepthwiseParams>): boolean {
  const { pad, dimRoundingMode } = c.params;
  if (typeof pad === 'string' || dimRoundingMode === undefined) return false;
  return axes(geometry(c), c.params.dataFormat).some(([n, k, s, p, d]) => convOutputSize(n, k, s, p, d, dimRoundingMode) > convOutputSize(n, k, s, p, d, 'floor'));
}

function caseOf(cfg: Config, kind: ValueKind, seed: number): OpCase<DepthwiseParams> {
  const rm = cfg.dimRoundingMode ? ` rm=${cfg.dimRoundingMode}` : '';
  const id = `x=${fmtShape(cfg.x)} f=${fmtShape(cfg.f)} s=${fmtShape(cfg.strides)} p=${formatPadding(cfg.pad)} d=${fmtShape(cfg.dilations)} ${cfg.dataFormat}${rm} v=${kind}`;
  const rng = new Rng(hashSeed(seed, id));
  const { xs, fs } = convValues(rng, kind, sizeOf(cfg.x), sizeOf(cfg.f));
  const { strides, pad, dilations, dataFormat, dimRoundingMode } = cfg;
  const params: DepthwiseParams = { strides, pad, dilations, dataFormat };
  if (dimRoundingMode) params.dimRoundingMode = dimRoundingMode;
  return {
    id,
    params,
    inputs: { x: tensor(cfg.x, xs), filter: tensor(cfg.f, fs) },
    exact: kind === 'exact',
    gradients: kind !== 'special',
  };
}

const ALL_CHECKS = ['forward', 'grad:x', 'grad:filter'] as const;

/** The webgl variants that run the packed depthwise program (WEBGL_PACK_DEPTHWISECONV follows WEBGL_PACK). */
const PACKED_WEBGL = ['webgl', 'webgl-f16', 'webgl-noim2col'] as const;

/** README number of the packed webgl program's 1e-15 (tentative: the depthwise range #30-#34 is used up). */
const WEBGL_EPSILON_README = 39;

/** Backends whose DepthwiseConv2dNative kernel reads an NCHW image as NHWC (README #31). */
const NCHW_MISREAD = ['cpu', 'wasm', 'tensorflow', 'webgl', 'webgl-f16', 'webgl-unpacked', 'webgl-noim2col'] as const;

/** Known discrepancies found by this suite (README numbers; evidence in the README). */
const KNOWN: KnownDiscrepancy<DepthwiseParams>[] = [
  ...numericPadKnown<DepthwiseParams>(ALL_CHECKS, geometry),
  {
    check: 'forward',
    backend: 'wasm',
    kind: 'bug',
    readme: 30,
    note: "wasm DepthwiseConv2dNative returns zeros under 'same' padding when TensorFlow's total padding (out-1)*s + span - in is negative on an axis (filter not 1x1): the code of README #1, conv2d_impl.cc",
    when: (c) => negativeSamePadding(c),
  },
  ...PACKED_WEBGL.map((backend) => ({
    check: 'forward',
    backend,
    kind: 'bug' as const,
    readme: WEBGL_EPSILON_README,
    note: "webgl's packed depthwise program (multiplier 1, stride_w <= 2) starts each sum at 1e-15 and subtracts 1e-15 at the end: where a partial sum absorbs the 1e-15, an exact 0 comes back as -1e-15 (the unpacked program is exact)",
    when: (c: OpCase<DepthwiseParams>) => c.params.dataFormat === 'NHWC' && c.inputs.filter.shape[3] === 1 && c.params.strides[1] <= 2,
  })),
  // NOTE: on the reference backend the forward kernel reads NCHW right; TF.js's gradient still reads it as NHWC.
  ...ALL_CHECKS.flatMap((check) =>
    // NOTE: wasm has no depthwise backprop kernels (its gradients are unsupported, never this).
    ([...NCHW_MISREAD.filter((b) => check === 'forward' || b !== 'wasm'), ...(check === 'forward' ? [] : (['reference'] as const))] as const).map((backend) => ({
      check,
      backend,
      kind: 'bug' as const,
      readme: 31,
      note: "TF.js's DepthwiseConv2dNative kernels (cpu, wasm, tensorflow, webgl) and its gradient ignore dataFormat 'NCHW': they read an NCHW image as NHWC (wrong shapes and values; cpu NaN from reads past the filter; tensorflow a depth error; webgl an invalid texture size)",
      when: (c: OpCase<DepthwiseParams>) => c.params.dataFormat === 'NCHW',
      // NOTE: read as NHWC, an NCHW image can leave XNNPACK a negative output size: 'memory access out of bounds', then every later wasm call aborts.
      ...(backend === 'wasm' && check === 'forward' ? { skip: true } : {}),
    })),
  ),
  ...(['wasm', 'tensorflow'] as const).flatMap((backend) =>
    ALL_CHECKS.filter((check) => backend !== 'wasm' || check === 'forward').map((check) => ({
      check,
      backend,
      kind: 'bug' as const,
      readme: 32,
      note: "dimRoundingMode is ignored by the wasm (XNNPACK) and tensorflow (libtensorflow) depthwise kernels: where it rounds the output size up past floor, tensorflow returns TensorFlow's smaller shape and wasm writes the floor-size result into TF.js's larger buffer",
      // NOTE: tensorflow refuses a non-zero numeric pad outright ('supports only valid and same'): not this entry.
      when: (c: OpCase<DepthwiseParams>) => roundsUp(c) && !(backend === 'tensorflow' && typeof c.params.pad === 'number' && c.params.pad !== 0),
    })),
  ),
  ...(['grad:x', 'grad:filter'] as const).map((check) => ({
    check,
    backend: 'tensorflow' as const,
    kind: 'bug' as const,
    readme: 34,
    note: "tfjs-node's DepthwiseConv2dNativeBackpropInput and ...BackpropFilter send padding 'EXPLICIT' without explicit_paddings: libtensorflow rejects every gradient of an explicitly padded depthwiseConv2d ('explicit_paddings attribute must contain 8 values, but got: 0'; with unequal strides it first says it 'only supports equal length strides')",
    when: (c: OpCase<DepthwiseParams>) => explicitNonZero(c),
  })),
  // NOTE: #33 (wasm writes past its output buffer under #25) is covered by #25's skip on wasm, which comes first for the same cases.
];

export const depthwiseConv2dSpec: OpSpec<DepthwiseParams> = {
  id: 'depthwiseConv2d',
  inputs: ['x', 'filter'],
  kernels: ['DepthwiseConv2dNative'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'depthwiseConv2d/grid'));
    const grid: Config[] = [];
    while (grid.length < GRID_CASES) {
      const cfg = gridConfig(rng);
      if (accepted(cfg)) grid.push(cfg);
    }
    const out: OpCase<DepthwiseParams>[] = [];
    for (const cfg of EDGE_CONFIGS) out.push(caseOf(cfg, 'rand', seed), caseOf(cfg, 'exact', seed));
    grid.forEach((cfg, i) => {
      out.push(caseOf(cfg, 'rand', seed));
      if (i % 3 === 0) out.push(caseOf(cfg, 'exact', seed));
      if (i % 10 === 1) out.push(caseOf(cfg, 'neg', seed));
      if (i % 10 === 2) out.push(caseOf(cfg, 'small', seed));
      if (i % 15 === 0) out.push(caseOf(cfg, 'special', seed));
    });
    return uniqueIds(out);
  },

  reference(c) {
    const { x, filter } = c.inputs;
    const { strides, pad, dilations } = c.params;
    const value = depthwiseConv2d(x, filter, strides, pad, dilations, c.params);
    const mag = depthwiseConv2d(abs(x), abs(filter), strides, pad, dilations, c.params).data;
    const [kH, kW] = filter.shape;
    return { value, bound: dotBound(mag, kH * kW, c.exact) };
  },

  value: (c) => depthwiseConv2d(c.inputs.x, c.inputs.filter, c.params.strides, c.params.pad, c.params.dilations, c.params),

  grads: [
    {
      input: 'x',
      kernels: ['DepthwiseConv2dNativeBackpropInput'],
      // Each dX element sums at most fh * fw * multiplier products dy * filter.
      reference(c, dy) {
        const { x, filter } = c.inputs;
        const { strides, pad, dilations } = c.params;
        const value = depthwiseConv2dNativeBackpropInput(x.shape, dy, filter, strides, pad, dilations, c.params);
        const mag = depthwiseConv2dNativeBackpropInput(x.shape, abs(dy), abs(filter), strides, pad, dilations, c.params).data;
        const [kH, kW, , mult] = filter.shape;
        return { value, bound: dotBound(mag, kH * kW * mult, c.exact) };
      },
    },
    {
      input: 'filter',
      kernels: ['DepthwiseConv2dNativeBackpropFilter'],
      // Each dW element sums at most batch * outH * outW products dy * x.
      reference(c, dy) {
        const { x, filter } = c.inputs;
        const { strides, pad, dilations } = c.params;
        const value = depthwiseConv2dNativeBackpropFilter(x, dy, filter.shape, strides, pad, dilations, c.params);
        const mag = depthwiseConv2dNativeBackpropFilter(abs(x), abs(dy), filter.shape, strides, pad, dilations, c.params).data;
        const [outH, outW] = outHW(c);
        const batch = x.shape.length === 4 ? x.shape[0] : 1;
        return { value, bound: dotBound(mag, batch * outH * outW, c.exact) };
      },
    },
  ],

  fingerprints: [],

  tfjs(tf, [x, filter], { strides, pad, dataFormat, dilations, dimRoundingMode }) {
    return tf.depthwiseConv2d(x as never, filter as never, strides, pad as never, dataFormat, dilations, dimRoundingMode);
  },

  errorInputs: [
    {
      name: 'channel mismatch x=[1,4,4,3] f=[2,2,2,1]',
      reference: () => depthwiseConv2d(tensor([1, 4, 4, 3]), tensor([2, 2, 2, 1]), 1, 'valid'),
      tfjs: (tf) => tf.depthwiseConv2d(tf.zeros([1, 4, 4, 3]) as never, tf.zeros([2, 2, 2, 1]) as never, 1, 'valid'),
      message: /Error in depthwiseConv2d: number of input channels \(3\) must match the inChannels dimension in filter \(2\)/,
    },
    {
      name: 'stride 0',
      reference: () => depthwiseConv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 0, 'valid'),
      tfjs: (tf) => tf.depthwiseConv2d(tf.zeros([1, 4, 4, 1]) as never, tf.zeros([2, 2, 1, 1]) as never, 0, 'valid'),
      message: /Error in depthwiseConv2d: strides must be positive integers, got \[0,0\]/,
    },
    {
      name: 'rank-2 image [4,4]',
      reference: () => depthwiseConv2d(tensor([4, 4]), tensor([2, 2, 1, 1]), 1, 'valid'),
      tfjs: (tf) => tf.depthwiseConv2d(tf.ones([4, 4]) as never, tf.ones([2, 2, 1, 1]) as never, 1, 'valid'),
      message: /Error in depthwiseConv2d: x must be rank 4 or rank 3 \(unbatched\), got rank 2/,
    },
    {
      name: 'rank-3 filter [2,2,1]',
      reference: () => depthwiseConv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1]), 1, 'valid'),
      tfjs: (tf) => tf.depthwiseConv2d(tf.ones([1, 4, 4, 1]) as never, tf.ones([2, 2, 1]) as never, 1, 'valid'),
      message: /Error in depthwiseConv2d: filter must be rank 4, got rank 3/,
    },
    {
      name: "dimRoundingMode 'ceil' with 'same' padding",
      reference: () => depthwiseConv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 1, 'same', 1, { dimRoundingMode: 'ceil' }),
      tfjs: (tf) => tf.depthwiseConv2d(tf.ones([1, 4, 4, 1]) as never, tf.ones([2, 2, 1, 1]) as never, 1, 'same', 'NHWC', 1, 'ceil'),
      message: /Error in depthwiseConv2d: pad must be an integer when using dimRoundingMode ceil but got pad same/,
    },
    {
      name: "filter [3,3] larger than a 'valid' input [2,2]",
      reference: () => depthwiseConv2d(tensor([1, 2, 2, 1]), tensor([3, 3, 1, 1]), 1, 'valid'),
      tfjs: (tf) => tf.depthwiseConv2d(tf.ones([1, 2, 2, 1]) as never, tf.ones([3, 3, 1, 1]) as never, 1, 'valid'),
      message: /Error in depthwiseConv2d: window \[3,3\] with dilations \[1,1\] spans \[3,3\], larger than the input \[2,2\]/,
    },
    {
      name: 'negative numeric pad -1',
      reference: () => depthwiseConv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 1, -1),
      tfjs: (tf) => tf.depthwiseConv2d(tf.ones([1, 4, 4, 1]) as never, tf.ones([2, 2, 1, 1]) as never, 1, -1),
      message: /Error in depthwiseConv2d: pad must be 'valid', 'same', a non-negative integer or an explicit .* got -1/,
    },
  ],

  known: KNOWN,

  arbitrary: (fc) =>
    fc
      .record({
        b: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }),
        ci: fc.integer({ min: 1, max: 4 }), m: fc.integer({ min: 1, max: 3 }),
        form: fc.constantFrom('valid', 'same', 'number', 'explicit'),
        explicit: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
        rm: fc.constantFrom<DimRoundingMode | undefined>(undefined, 'floor', 'round', 'ceil'),
        dilated: fc.boolean(), s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })), k: fc.tuple(fc.nat(), fc.nat()),
        kind: fc.constantFrom<ValueKind>('rand', 'exact', 'neg', 'small'), seed: fc.nat(),
      })
      .map((r) => {
        const dilations: [number, number] = r.dilated ? [r.d[0], r.d[1]] : [1, 1];
        const strides: [number, number] = r.dilated ? [1, 1] : [r.s[0], r.s[1]];
        const maxK = (n: number, d: number) => (r.form === 'valid' ? Math.floor((n - 1) / d) + 1 : Math.min(n, 4));
        let kH = 1 + (r.k[0] % maxK(r.h, dilations[0]));
        let kW = 1 + (r.k[1] % maxK(r.w, dilations[1]));
        // NOTE: numeric pad 0 only: tfjs-node refuses any other ('supports only valid and same'), which the runner records as an error; the grid has them.
        let pad: Padding = r.form === 'valid' || r.form === 'same' ? r.form : 0;
        if (r.form === 'number') {
          // square, so that README #25 leaves the case judged
          kH = kW = Math.min(kH, kW);
          strides[1] = strides[0];
          dilations[1] = dilations[0];
        }
        if (r.form === 'explicit') pad = [[0, 0], [r.explicit[0], r.explicit[1]], [r.explicit[2], r.explicit[3]], [0, 0]];
        const cfg: Config = { x: [r.b, r.h, r.w, r.ci], f: [kH, kW, r.ci, r.m], strides, pad, dilations, dataFormat: 'NHWC' };
        if (typeof pad !== 'string' && r.rm) cfg.dimRoundingMode = r.rm;
        // a rounding mode that leaves no output: drop it (floor of a window past the padded input)
        if (!accepted(cfg)) delete cfg.dimRoundingMode;
        if (!accepted(cfg)) cfg.pad = 'same';
        return caseOf(cfg, r.kind, r.seed);
      }),

  benchCases: (size) =>
    [({ small: [16, 8], medium: [32, 32], large: [64, 64] } as const)[size]].map(([hw, ch]) =>
      caseOf({ x: [1, hw, hw, ch], f: [3, 3, ch, 1], ...nhwc({ pad: 'same' }) }, 'rand', 1),
    ),

  flops(c) {
    const [kH, kW, inC, mult] = c.inputs.filter.shape;
    const batch = c.inputs.x.shape.length === 4 ? c.inputs.x.shape[0] : 1;
    const [outH, outW] = outHW(c);
    return 2 * batch * outH * outW * inC * mult * kH * kW;
  },
};
