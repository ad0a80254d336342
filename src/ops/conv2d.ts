/**
 * conv2d: reference/Conv2D.ts against `tf.conv2d` (kernel Conv2D).
 *
 * Bound: each output is a sum of at most K = fh * fw * inC products, so
 * |backend - reference| <= (gamma_K(u32) + gamma_K(u64)) * conv2d(|x|, |filter|)
 * element-wise (src/bounds/gamma.ts); 0 for small-integer cases.
 */
import { conv2d } from '../../reference/Conv2D';
import { conv2DBackpropFilter } from '../../reference/Conv2DBackpropFilter';
import { conv2DBackpropInput } from '../../reference/Conv2DBackpropInput';
import { nhwcShape } from '../../reference/layout';
import { Shape, abs, permute, sizeOf, tensor } from '../../reference/tensor';
import { DataFormat, DimRoundingMode, Padding, WindowOptions, axisPaddings, convOutputSize, formatPadding, padBefore } from '../../reference/window';
import { ALL_BACKENDS, BackendId } from '../tfjs/backendIds';
import { dotBound } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { CONV_FINGERPRINTS } from './fingerprints';
import { MachineDependence, OpCase, OpSpec, fmtShape, uniqueIds } from './types';
import { numericPadKnown } from './numericPadding';
import { cpuFlags } from '../util/cpu';

export interface Conv2DParams {
  strides: [number, number];
  pad: Padding;
  dilations: [number, number];
  /** Layout of x and dy (default NHWC); an explicit pad is read in this order. */
  dataFormat?: DataFormat;
  dimRoundingMode?: DimRoundingMode;
}

/** The reference's options of a case (layout and rounding). */
export function windowOptions(p: Conv2DParams): WindowOptions {
  return { dataFormat: p.dataFormat ?? 'NHWC', dimRoundingMode: p.dimRoundingMode };
}

/**
 * How a case's values are drawn: uniform in [-1, 1) (`rand`), small integers
 * (`exact`, bound 0), an all-negative image (`neg`), values around zero with
 * exact zeros and -0 (`small`), NaN and +-Inf in the image (`special`).
 */
export type ValueKind = 'rand' | 'exact' | 'neg' | 'small' | 'special';

interface Config extends Conv2DParams {
  /** x as NHWC `[batch, height, width, channels]`; the case stores it in `dataFormat`, without the batch axis when `unbatched`. */
  x: [number, number, number, number];
  f: [number, number, number, number];
  unbatched?: boolean;
}

/** Largest |value| of the exact cases: sums of up to 9*9*4 products of these stay far below 2^24. */
const EXACT_X = 4;
const EXACT_F = 3;

/** The hand-picked corners of the grid; random grid cases follow. */
const EDGE_CONFIGS: Config[] = [
  { x: [1, 1, 1, 1], f: [1, 1, 1, 1], strides: [1, 1], pad: 'valid', dilations: [1, 1] },
  { x: [1, 1, 1, 1], f: [1, 1, 1, 1], strides: [3, 3], pad: 'same', dilations: [1, 1] },
  { x: [1, 5, 7, 2], f: [5, 7, 2, 3], strides: [1, 1], pad: 'valid', dilations: [1, 1] }, // filter = whole input
  { x: [1, 9, 9, 1], f: [1, 1, 1, 2], strides: [3, 3], pad: 'valid', dilations: [1, 1] }, // stride > filter
  { x: [1, 9, 8, 3], f: [2, 2, 3, 1], strides: [3, 3], pad: 'valid', dilations: [1, 1] },
  { x: [2, 3, 8, 4], f: [2, 5, 4, 5], strides: [1, 2], pad: 'valid', dilations: [1, 1] }, // non-square
  { x: [1, 6, 5, 3], f: [4, 2, 3, 2], strides: [2, 3], pad: 'same', dilations: [1, 1] }, // asymmetric same padding
  { x: [1, 9, 8, 2], f: [3, 2, 2, 4], strides: [1, 1], pad: 'valid', dilations: [2, 2] },
  { x: [2, 7, 9, 1], f: [2, 3, 1, 3], strides: [1, 1], pad: 'same', dilations: [1, 2] },
  { x: [1, 2, 9, 4], f: [2, 9, 4, 5], strides: [3, 1], pad: 'same', dilations: [1, 1] }, // filter as large as the input, same
  { x: [2, 9, 9, 4], f: [3, 3, 4, 5], strides: [2, 2], pad: 'same', dilations: [1, 1] },
  // The smallest cases of the known discrepancies (README):
  { x: [1, 1, 3, 1], f: [1, 2, 1, 1], strides: [1, 3], pad: 'same', dilations: [1, 1] }, // wasm, negative 'same' padding
  { x: [2, 2, 2, 1], f: [1, 2, 1, 1], strides: [1, 3], pad: 'valid', dilations: [1, 1] }, // tensorflow, one output column
];

/**
 * The corners of the other argument forms: numeric and explicit padding, the
 * rounding modes, NCHW, unbatched images.
 */
const FORM_EDGE_CONFIGS: Config[] = [
  { x: [1, 3, 3, 2], f: [2, 2, 2, 3], strides: [1, 1], pad: [[0, 0], [3, 1], [0, 4], [0, 0]], dilations: [1, 1] }, // explicit padding larger than the window
  { x: [1, 5, 5, 1], f: [2, 2, 1, 2], strides: [2, 2], pad: 0, dilations: [1, 1], dimRoundingMode: 'ceil' }, // ceil adds a column
  { x: [1, 4, 4, 2], f: [2, 2, 2, 1], strides: [3, 3], pad: 0, dilations: [1, 1], dimRoundingMode: 'round' }, // round adds a column
  { x: [1, 5, 5, 1], f: [2, 2, 1, 1], strides: [2, 2], pad: 1, dilations: [1, 1], dimRoundingMode: 'ceil' }, // the last window holds no real cell
  { x: [2, 5, 6, 2], f: [3, 3, 2, 2], strides: [2, 2], pad: 1, dilations: [1, 1], dimRoundingMode: 'floor' },
  { x: [1, 7, 7, 2], f: [1, 1, 2, 2], strides: [3, 3], pad: 1, dilations: [1, 1] }, // stride > window, numeric pad
  { x: [1, 3, 4, 1], f: [5, 6, 1, 2], strides: [1, 1], pad: [[0, 0], [1, 1], [1, 1], [0, 0]], dilations: [1, 1] }, // filter = padded input
  { x: [1, 5, 5, 1], f: [1, 3, 1, 1], strides: [1, 1], pad: 1, dilations: [1, 1] }, // numeric pad, non-square filter (#25)
  { x: [1, 6, 6, 2], f: [2, 2, 2, 2], strides: [1, 2], pad: 1, dilations: [1, 1] }, // numeric pad, non-square strides (#25)
  { x: [2, 6, 5, 3], f: [3, 3, 3, 4], strides: [2, 1], pad: 'same', dilations: [1, 1], dataFormat: 'NCHW' },
  { x: [1, 4, 6, 2], f: [2, 3, 2, 2], strides: [1, 1], pad: [[0, 0], [0, 0], [1, 0], [0, 2]], dilations: [1, 1], dataFormat: 'NCHW' },
  { x: [1, 8, 7, 1], f: [3, 2, 1, 2], strides: [1, 1], pad: 'valid', dilations: [2, 2], dataFormat: 'NCHW' },
  { x: [1, 5, 5, 3], f: [3, 3, 3, 2], strides: [1, 1], pad: 'same', dilations: [1, 1], unbatched: true },
  { x: [1, 6, 4, 2], f: [2, 2, 2, 3], strides: [2, 2], pad: 2, dilations: [1, 1], dimRoundingMode: 'ceil', dataFormat: 'NCHW', unbatched: true },
];

/** Number of random configurations per run in the other argument forms. */
const FORM_CASES = 80;

/**
 * A random configuration in the forms beyond NHWC rank 4 with a string pad:
 * numeric or explicit padding (with a rounding mode or none), NCHW, unbatched.
 * Numeric pads get square windows and strides 4 times in 5 (#25 leaves the
 * others unjudged on every backend).
 */
function formConfig(rng: Rng): Config {
  for (;;) {
    const form = rng.pick(['number', 'explicit', 'string'] as const);
    const dataFormat: DataFormat = rng.next() < 0.35 ? 'NCHW' : 'NHWC';
    const unbatched = rng.next() < 0.2;
    const x: Config['x'] = [unbatched ? 1 : rng.int(1, 2), rng.int(1, 8), rng.int(1, 8), rng.int(1, 3)];
    const outC = rng.int(1, 4);
    const dilated = rng.next() < 0.2;
    const dilations: [number, number] = dilated ? [rng.int(1, 2), rng.int(1, 2)] : [1, 1];
    let strides: [number, number] = dilated ? [1, 1] : [rng.int(1, 3), rng.int(1, 3)];
    let pad: Padding;
    let kH = rng.int(1, 4);
    let kW = rng.int(1, 4);
    if (form === 'number') {
      pad = rng.int(0, 2);
      if (rng.next() < 0.8) {
        kW = kH;
        strides = [strides[0], strides[0]];
      }
    } else if (form === 'explicit') {
      const [t, b, l, r] = [rng.int(0, 3), rng.int(0, 3), rng.int(0, 3), rng.int(0, 3)];
      pad = dataFormat === 'NHWC' ? [[0, 0], [t, b], [l, r], [0, 0]] : [[0, 0], [0, 0], [t, b], [l, r]];
    } else {
      pad = rng.pick(['valid', 'same'] as const);
    }
    const dimRoundingMode = form === 'string' ? undefined : rng.pick([undefined, 'floor', 'round', 'ceil'] as const);
    const cfg: Config = { x, f: [kH, kW, x[3], outC], strides, pad, dilations, dataFormat, unbatched };
    if (dimRoundingMode) cfg.dimRoundingMode = dimRoundingMode;
    const [outH, outW] = convOut(x, cfg.f, cfg);
    const fits = pad !== 'valid' || ((kH - 1) * dilations[0] < x[1] && (kW - 1) * dilations[1] < x[2]);
    if (fits && outH > 0 && outW > 0) return cfg;
  }
}

/** Number of random grid configurations per run. */
const GRID_CASES = 110;

/** A random configuration from the grid of the Foundation issue that TF.js accepts. */
function gridConfig(rng: Rng): Config {
  const batch = rng.int(1, 2);
  const inH = rng.int(1, 9);
  const inW = rng.int(1, 9);
  const inC = rng.int(1, 4);
  const outC = rng.int(1, 5);
  const pad = rng.pick<Padding>(['valid', 'same']);
  // NOTE: tf.conv2d accepts strides > 1 or dilations > 1, not both ("Either strides or dilations must be 1").
  const dilated = rng.next() < 0.25;
  const dilations: [number, number] = dilated ? [rng.int(1, 2), rng.int(1, 2)] : [1, 1];
  const strides: [number, number] = dilated ? [1, 1] : [rng.int(1, 3), rng.int(1, 3)];
  // Filters up to the whole input; under 'valid' the dilated span must fit.
  const maxK = (inSize: number, d: number) => (pad === 'valid' ? Math.floor((inSize - 1) / d) + 1 : inSize);
  const kH = rng.int(1, maxK(inH, dilations[0]));
  const kW = rng.int(1, maxK(inW, dilations[1]));
  return { x: [batch, inH, inW, inC], f: [kH, kW, inC, outC], strides, pad, dilations };
}

/** Output height and width of conv2d on an NHWC image shape x. */
function convOut(x: Shape, f: Shape, p: Conv2DParams): [number, number] {
  const [padH, padW] = axisPaddings('conv2d', p.pad, p.dataFormat);
  return [
    convOutputSize(x[1], f[0], p.strides[0], padH, p.dilations[0], p.dimRoundingMode),
    convOutputSize(x[2], f[1], p.strides[1], padW, p.dilations[1], p.dimRoundingMode),
  ];
}

/** A case's x shape as NHWC rank 4, whatever its layout and rank. */
export function xNHWC(c: OpCase<Conv2DParams>): number[] {
  return nhwcShape('conv2d', 'x', c.inputs.x.shape, c.params.dataFormat ?? 'NHWC');
}

function outHW(c: OpCase<Conv2DParams>): [number, number] {
  return convOut(xNHWC(c), c.inputs.filter.shape, c.params);
}

/**
 * True when the last window ends before the last input row or column on some
 * axis, (out - 1) * s + span - padBefore < in: the stride skips trailing cells.
 * Under 'same' padding this is TensorFlow's negative total padding, clamped to 0.
 * x is NHWC.
 */
export function trailingCellsUnused(x: Shape, f: Shape, p: Conv2DParams): boolean {
  const [outH, outW] = convOut(x, f, p);
  const [padH, padW] = axisPaddings('conv2d', p.pad, p.dataFormat);
  const spanH = (f[0] - 1) * p.dilations[0] + 1;
  const spanW = (f[1] - 1) * p.dilations[1] + 1;
  const top = padBefore(x[1], f[0], p.strides[0], padH, p.dilations[0]);
  const left = padBefore(x[2], f[1], p.strides[1], padW, p.dilations[1]);
  return (outH - 1) * p.strides[0] + spanH - top < x[1] || (outW - 1) * p.strides[1] + spanW - left < x[2];
}

/**
 * True when the dimRoundingMode gives another output size than TF.js's default
 * truncation: TF.js's Conv2D gradient (tfjs-core gradients/Conv2D_grad) does
 * not pass dimRoundingMode on to Conv2DBackpropInput / Conv2DBackpropFilter.
 */
export function roundingChangesSize(x: Shape, f: Shape, p: Conv2DParams): boolean {
  if (p.dimRoundingMode === undefined) return false;
  const [h, w] = convOut(x, f, p);
  const [th, tw] = convOut(x, f, { ...p, dimRoundingMode: undefined });
  return h !== th || w !== tw;
}

/** A confirmed Conv2D bug, as a predicate on the shapes and parameters (the pipeline specs reuse it). */
export interface Conv2DBug {
  backend: BackendId;
  machine?: MachineDependence;
  /** Its number in the README's "Known backend discrepancies". */
  readme: number;
  note: string;
  when(x: Shape, f: Shape, p: Conv2DParams): boolean;
}

export const CONV2D_BUGS: readonly Conv2DBug[] = [
  {
    backend: 'wasm',
    readme: 1,
    note: "wasm Conv2D returns zeros under 'same' padding when TensorFlow's total padding (out-1)*s + k - in is negative on an axis",
    when: (x, f, p) => p.pad === 'same' && trailingCellsUnused(x, f, p),
  },
  {
    backend: 'tensorflow',
    readme: 2,
    machine: { note: 'seen on an earlier machine of this project (2-core AMD EPYC with AVX-512); not on a later one whose AVX-512 has BF16 and VNNI, at 1, 2, 4 or 8 threads and every oneDNN ISA level; the condition is not known' },
    note: 'native Conv2D (oneDNN, TF 2.21) gives wrong rows after the first batch item when one input channel yields a single output column (stride_w > 1, filter width > 1, stride_h = 1); right with TF_ENABLE_ONEDNN_OPTS=0',
    when(x, f, p) {
      const [outH, outW] = convOut(x, f, p);
      const [sH, sW] = p.strides;
      return x[0] > 1 && x[3] === 1 && sH === 1 && sW > 1 && f[1] > 1 && outH > 1 && outW === 1;
    },
  },
];

/**
 * Native Conv2DBackpropFilter (oneDNN, TF 2.21) corrupts the process heap (glibc
 * aborts later: "corrupted size vs. prev_size", "free(): invalid size") when the
 * stride skips trailing input cells; such cases are not run on 'tensorflow'.
 */
export const NATIVE_FILTER_GRAD_CRASH = {
  check: 'grad:filter',
  backend: 'tensorflow' as const,
  kind: 'bug' as const,
  skip: true,
  readme: 3,
  note: 'native Conv2DBackpropFilter (oneDNN, TF 2.21) corrupts the process heap when the stride skips trailing input cells ((out-1)*s + k < in); not run',
  when: (x: Shape, f: Shape, p: Conv2DParams) => trailingCellsUnused(x, f, p),
};

/**
 * Native Conv2DBackpropInput (oneDNN 3.7's AVX-512 backward-data kernel, TF 2.21)
 * drops filter taps when the filter has one input and one output channel and
 * more than one tap: dX is that of the filter with some taps zeroed, which taps
 * depending on the thread race. Right with TF_ENABLE_ONEDNN_OPTS=0 and with
 * ONEDNN_MAX_CPU_ISA=AVX2; cpu and wasm are right.
 */
export const NATIVE_INPUT_GRAD_BUG = {
  check: 'grad:x',
  backend: 'tensorflow' as const,
  kind: 'bug' as const,
  readme: 15,
  note: 'native Conv2DBackpropInput (oneDNN AVX-512 backward-data, TF 2.21) drops filter taps when the filter has one input and one output channel and more than one tap; right with TF_ENABLE_ONEDNN_OPTS=0',
  machine: {
    note: 'oneDNN takes this kernel only where the CPU has AVX-512 (with ONEDNN_MAX_CPU_ISA=AVX2 the results are right)',
    shows: () => cpuFlags().has('avx512f'),
  },
  when: (x: Shape, f: Shape) => x[3] === 1 && f[3] === 1 && f[0] * f[1] > 1,
};

/** The id of a case: every argument; the layout, rank and rounding only where they are not the defaults (so older ids stay the same). */
function caseId(cfg: Config, kind: ValueKind): string {
  const fmt = cfg.dataFormat === 'NCHW' ? ' fmt=NCHW' : '';
  const rank = cfg.unbatched ? ' unbatched' : '';
  const round = cfg.dimRoundingMode ? ` r=${cfg.dimRoundingMode}` : '';
  return `x=${fmtShape(cfg.x)} f=${fmtShape(cfg.f)} s=${fmtShape(cfg.strides)} p=${formatPadding(cfg.pad)} d=${fmtShape(cfg.dilations)}${round}${fmt}${rank} v=${kind}`;
}

/** An NHWC rank-4 tensor in the configuration's layout and rank. */
function inLayout(cfg: Config, t: ReturnType<typeof tensor>): ReturnType<typeof tensor> {
  const moved = cfg.dataFormat === 'NCHW' ? permute(t, [0, 3, 1, 2]) : t;
  return cfg.unbatched ? tensor(moved.shape.slice(1), moved.data) : moved;
}

/**
 * tfjs-node's Conv2D and both backprop kernels pass strides and dilations to
 * TensorFlow as [1, h, w, 1] whatever the data format (kernels/Conv2D.js): for
 * NCHW that is a stride or dilation on the channel axis (TensorFlow refuses it:
 * "does not yet support strides in the batch and depth dimensions") or on the
 * wrong spatial axis (a wrong result).
 */
export const NATIVE_NCHW_STRIDES = {
  backend: 'tensorflow' as const,
  kind: 'bug' as const,
  readme: 45,
  note: "tfjs-node passes strides and dilations as [1, h, w, 1] for NCHW too: TensorFlow refuses a stride or dilation on the channel axis, or strides the wrong axis",
  when: (p: Conv2DParams) => p.dataFormat === 'NCHW' && [...p.strides, ...p.dilations].some((v) => v !== 1),
};

/**
 * Backends whose kernel computes the output size by its own rule, ignoring
 * dimRoundingMode, where TF.js's shape (from the rounding mode) differs.
 */
export const ROUNDING_IGNORED: readonly { backend: BackendId; note: string }[] = [
  { backend: 'tensorflow', note: "tfjs-node hands the padding to TensorFlow, whose output size is floor((in + pads - span) / s) + 1: dimRoundingMode 'ceil' or 'round' that adds a row or column is ignored (a smaller result)" },
  { backend: 'wasm', note: "wasm's XNNPACK convolution computes floor((in + pads - span) / s) + 1 rows and columns: the extra row or column that TF.js allocates for dimRoundingMode 'ceil' or 'round' is never written (stale memory)" },
];
export const ROUNDING_IGNORED_README = 46;

/** TF.js core's Conv2D gradient (gradients/Conv2D_grad) drops dimRoundingMode: both backprops get the truncated geometry. */
export const ROUNDING_GRADIENT = {
  kind: 'bug' as const,
  readme: 47,
  note: 'TF.js core\'s Conv2D gradient does not pass dimRoundingMode to Conv2DBackpropInput / Conv2DBackpropFilter: where the rounding changes the output size, both gradients use the truncated geometry on every backend',
};

/**
 * The values of an image of nx cells and a filter of nf taps, drawn for a value
 * kind (shared by the convolution specs: conv2d, depthwiseConv2d).
 */
export function convValues(rng: Rng, kind: ValueKind, nx: number, nf: number): { xs: Float64Array; fs: Float64Array } {
  if (kind === 'exact') return { xs: rng.integers(nx, -EXACT_X, EXACT_X), fs: rng.integers(nf, -EXACT_F, EXACT_F) };
  const xs = kind === 'neg' ? rng.uniform(nx, -1, 0) : kind === 'small' ? rng.uniform(nx, -1e-3, 1e-3) : rng.uniform(nx);
  const fs = rng.uniform(nf);
  if (kind === 'small') {
    for (let k = 0; k < nx; k += 3) xs[k] = k % 2 === 0 ? 0 : -0;
  }
  if (kind === 'special') {
    // NaN, +Inf and -Inf in the image only: a padded cell times an infinite tap is left undefined by the notes.
    for (const v of [NaN, Infinity, -Infinity]) xs[rng.int(0, nx - 1)] = v;
  }
  return { xs, fs };
}

function caseOf(cfg: Config, kind: ValueKind, seed: number): OpCase<Conv2DParams> {
  const id = caseId(cfg, kind);
  const rng = new Rng(hashSeed(seed, id));
  const { xs, fs } = convValues(rng, kind, sizeOf(cfg.x), sizeOf(cfg.f));
  const params: Conv2DParams = { strides: cfg.strides, pad: cfg.pad, dilations: cfg.dilations };
  if (cfg.dataFormat === 'NCHW') params.dataFormat = 'NCHW';
  if (cfg.dimRoundingMode) params.dimRoundingMode = cfg.dimRoundingMode;
  return {
    id,
    params,
    inputs: { x: inLayout(cfg, tensor(cfg.x, xs)), filter: tensor(cfg.f, fs) },
    exact: kind === 'exact',
    gradients: kind !== 'special',
  };
}

export const conv2dSpec: OpSpec<Conv2DParams> = {
  id: 'conv2d',
  inputs: ['x', 'filter'],
  kernels: ['Conv2D'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'conv2d/grid'));
    const grid = Array.from({ length: GRID_CASES }, () => gridConfig(rng));
    const out: OpCase<Conv2DParams>[] = [];
    for (const cfg of EDGE_CONFIGS) out.push(caseOf(cfg, 'rand', seed), caseOf(cfg, 'exact', seed));
    grid.forEach((cfg, i) => {
      out.push(caseOf(cfg, 'rand', seed));
      if (i % 3 === 0) out.push(caseOf(cfg, 'exact', seed));
      if (i % 10 === 1) out.push(caseOf(cfg, 'neg', seed));
      if (i % 10 === 2) out.push(caseOf(cfg, 'small', seed));
      if (i % 20 === 0) out.push(caseOf(cfg, 'special', seed));
    });
    // NOTE: drawn after the grid, from their own stream, so that the grid's cases (and their ids in stored baselines) stay the same.
    const formRng = new Rng(hashSeed(seed, 'conv2d/forms'));
    for (const cfg of FORM_EDGE_CONFIGS) out.push(caseOf(cfg, 'rand', seed), caseOf(cfg, 'exact', seed));
    Array.from({ length: FORM_CASES }, () => formConfig(formRng)).forEach((cfg, i) => {
      out.push(caseOf(cfg, 'rand', seed));
      if (i % 3 === 0) out.push(caseOf(cfg, 'exact', seed));
      if (i % 10 === 4) out.push(caseOf(cfg, 'special', seed));
    });
    return uniqueIds(out);
  },

  reference(c) {
    const { x, filter } = c.inputs;
    const { strides, pad, dilations } = c.params;
    const o = windowOptions(c.params);
    const value = conv2d(x, filter, strides, pad, dilations, o);
    const mag = conv2d(abs(x), abs(filter), strides, pad, dilations, o).data;
    const [kH, kW, inC] = filter.shape;
    return { value, bound: dotBound(mag, kH * kW * inC, c.exact) };
  },

  value: (c) => conv2d(c.inputs.x, c.inputs.filter, c.params.strides, c.params.pad, c.params.dilations, windowOptions(c.params)),

  grads: [
    {
      input: 'x',
      kernels: ['Conv2DBackpropInput'],
      // Each dX element sums at most fh * fw * outC products dy * filter.
      reference(c, dy) {
        const { x, filter } = c.inputs;
        const { strides, pad, dilations } = c.params;
        const o = windowOptions(c.params);
        const value = conv2DBackpropInput(x.shape, dy, filter, strides, pad, dilations, o);
        const mag = conv2DBackpropInput(x.shape, abs(dy), abs(filter), strides, pad, dilations, o).data;
        const [kH, kW, , outC] = filter.shape;
        return { value, bound: dotBound(mag, kH * kW * outC, c.exact) };
      },
    },
    {
      input: 'filter',
      kernels: ['Conv2DBackpropFilter'],
      // Each dW element sums at most batch * outH * outW products dy * x (notes, eq. 1).
      reference(c, dy) {
        const { x, filter } = c.inputs;
        const { strides, pad, dilations } = c.params;
        const o = windowOptions(c.params);
        const value = conv2DBackpropFilter(x, dy, filter.shape, strides, pad, dilations, o);
        const mag = conv2DBackpropFilter(abs(x), abs(dy), filter.shape, strides, pad, dilations, o).data;
        const [outH, outW] = outHW(c);
        return { value, bound: dotBound(mag, xNHWC(c)[0] * outH * outW, c.exact) };
      },
      value: (c, dy) => conv2DBackpropFilter(c.inputs.x, dy, c.inputs.filter.shape, c.params.strides, c.params.pad, c.params.dilations, windowOptions(c.params)),
      kernel: (tf, [x, filter], dy, { strides, pad }) =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: filter.shape } as never) as never,
    },
  ],

  fingerprints: CONV_FINGERPRINTS,

  tfjs(tf, [x, filter], { strides, pad, dilations, dataFormat, dimRoundingMode }) {
    return tf.conv2d(x as never, filter as never, strides, pad, dataFormat ?? 'NHWC', dilations, dimRoundingMode);
  },

  errorInputs: [
    {
      name: 'channel mismatch x=[1,4,4,3] f=[2,2,4,1]',
      reference: () => conv2d(tensor([1, 4, 4, 3]), tensor([2, 2, 4, 1]), 1, 'valid'),
      tfjs: (tf) => tf.conv2d(tf.zeros([1, 4, 4, 3]) as never, tf.zeros([2, 2, 4, 1]) as never, 1, 'valid'),
      message: /Error in conv2d: depth of input \(3\) must match input depth for filter \(4\)/,
    },
    {
      name: 'stride 0',
      reference: () => conv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 0, 'valid'),
      tfjs: (tf) => tf.conv2d(tf.zeros([1, 4, 4, 1]) as never, tf.zeros([2, 2, 1, 1]) as never, 0, 'valid'),
      message: /Error in conv2d: strides must be positive integers, got \[0,0\]/,
    },
    {
      name: 'negative stride',
      reference: () => conv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), -1, 'valid'),
      tfjs: (tf) => tf.conv2d(tf.zeros([1, 4, 4, 1]) as never, tf.zeros([2, 2, 1, 1]) as never, -1, 'valid'),
      message: /Error in conv2d: strides must be positive integers, got \[-1,-1\]/,
    },
    {
      name: 'fractional stride 1.5',
      reference: () => conv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 1.5, 'valid'),
      tfjs: (tf) => tf.conv2d(tf.ones([1, 4, 4, 1]) as never, tf.ones([2, 2, 1, 1]) as never, 1.5, 'valid'),
      message: /Error in conv2d: strides must be positive integers, got \[1.5,1.5\]/,
    },
    {
      name: 'dilation 0',
      reference: () => conv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 1, 'valid', 0),
      tfjs: (tf) => tf.conv2d(tf.zeros([1, 4, 4, 1]) as never, tf.zeros([2, 2, 1, 1]) as never, 1, 'valid', 'NHWC', 0),
      message: /Error in conv2d: dilations must be positive integers, got \[0,0\]/,
    },
    {
      name: "unknown padding 'full'",
      reference: () => conv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 1, 'full' as Padding),
      tfjs: (tf) => tf.conv2d(tf.zeros([1, 4, 4, 1]) as never, tf.zeros([2, 2, 1, 1]) as never, 1, 'full' as never),
      message: /Error in conv2d: pad must be one of 'valid', 'same', a non-negative integer or an explicit 4x2 array, got "full"/,
    },
    {
      name: "filter [3,3] larger than a 'valid' input [2,2]",
      reference: () => conv2d(tensor([1, 2, 2, 1]), tensor([3, 3, 1, 1]), 1, 'valid'),
      tfjs: (tf) => tf.conv2d(tf.ones([1, 2, 2, 1]) as never, tf.ones([3, 3, 1, 1]) as never, 1, 'valid'),
      message: /Error in conv2d: window \[3,3\] with dilations \[1,1\] spans \[3,3\], larger than the input \[2,2\]/,
    },
    {
      name: 'rank-2 image [4,4]',
      reference: () => conv2d(tensor([4, 4]), tensor([2, 2, 1, 1]), 1, 'valid'),
      tfjs: (tf) => tf.conv2d(tf.ones([4, 4]) as never, tf.ones([2, 2, 1, 1]) as never, 1, 'valid'),
      message: /Error in conv2d: x must be rank 4 or rank 3 \(unbatched\), got rank 2/,
    },
    {
      name: "dimRoundingMode 'ceil' with pad 'same'",
      reference: () => conv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 1, 'same', 1, { dimRoundingMode: 'ceil' }),
      tfjs: (tf) => tf.conv2d(tf.ones([1, 4, 4, 1]) as never, tf.ones([2, 2, 1, 1]) as never, 1, 'same', 'NHWC', 1, 'ceil'),
      message: /Error in conv2d: pad must be an integer when using dimRoundingMode ceil but got pad same/,
    },
    {
      name: 'explicit pad on the channel axis',
      reference: () => conv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 1, [[0, 0], [1, 1], [1, 1], [1, 1]]),
      tfjs: (tf) => tf.conv2d(tf.ones([1, 4, 4, 1]) as never, tf.ones([2, 2, 1, 1]) as never, 1, [[0, 0], [1, 1], [1, 1], [1, 1]]),
      message: /Error in conv2d: explicit pad of the channel axis must be \[0,0\]/,
    },
    {
      name: "dataFormat 'NWHC'",
      reference: () => conv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), 1, 'valid', 1, { dataFormat: 'NWHC' as never }),
      tfjs: (tf) => tf.conv2d(tf.ones([1, 4, 4, 1]) as never, tf.ones([2, 2, 1, 1]) as never, 1, 'valid', 'NWHC' as never),
      message: /Error in conv2d: dataFormat must be one of 'NHWC', 'NCHW', got "NWHC"/,
    },
    {
      name: 'rank-3 filter [2,2,1]',
      reference: () => conv2d(tensor([1, 4, 4, 1]), tensor([2, 2, 1]), 1, 'valid'),
      tfjs: (tf) => tf.conv2d(tf.ones([1, 4, 4, 1]) as never, tf.ones([2, 2, 1]) as never, 1, 'valid'),
      message: /Error in conv2d: filter must be rank 4, got rank 3/,
    },
  ],

  known: [
    ...CONV2D_BUGS.map((bug) => ({
      check: 'forward',
      backend: bug.backend,
      kind: 'bug' as const,
      readme: bug.readme,
      machine: bug.machine,
      note: bug.note,
      when: (c: OpCase<Conv2DParams>) => bug.when(xNHWC(c), c.inputs.filter.shape, c.params),
    })),
    {
      ...NATIVE_FILTER_GRAD_CRASH,
      when: (c: OpCase<Conv2DParams>) => NATIVE_FILTER_GRAD_CRASH.when(xNHWC(c), c.inputs.filter.shape, c.params),
    },
    { ...NATIVE_INPUT_GRAD_BUG, when: (c: OpCase<Conv2DParams>) => NATIVE_INPUT_GRAD_BUG.when(xNHWC(c), c.inputs.filter.shape) },
    ...['forward', 'grad:x', 'grad:filter'].map((check) => ({ ...NATIVE_NCHW_STRIDES, check, when: (c: OpCase<Conv2DParams>) => NATIVE_NCHW_STRIDES.when(c.params) })),
    ...ROUNDING_IGNORED.map((r) => ({
      check: 'forward', backend: r.backend, kind: 'bug' as const, readme: ROUNDING_IGNORED_README, note: r.note,
      when: (c: OpCase<Conv2DParams>) => roundingChangesSize(xNHWC(c), c.inputs.filter.shape, c.params),
    })),
    // NOTE: not wasm's grad:filter: wasm has no Conv2DBackpropFilter (unsupported).
    ...['grad:x', 'grad:filter'].flatMap((check) =>
      ALL_BACKENDS.filter((b) => !(b === 'wasm' && check === 'grad:filter')).map((backend) => ({ ...ROUNDING_GRADIENT, check, backend, when: (c: OpCase<Conv2DParams>) => roundingChangesSize(xNHWC(c), c.inputs.filter.shape, c.params) })),
    ),
    ...numericPadKnown<Conv2DParams>(['forward', 'grad:x', 'grad:filter'], (c) => {
      const [, inH, inW] = xNHWC(c);
      const [kH, kW] = c.inputs.filter.shape;
      return { inHW: [inH, inW], kHW: [kH, kW], strides: c.params.strides, dilations: c.params.dilations, pad: c.params.pad, dimRoundingMode: c.params.dimRoundingMode };
    }),
  ],

  arbitrary: (fc) =>
    fc
      .record({
        b: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }),
        ci: fc.integer({ min: 1, max: 4 }), co: fc.integer({ min: 1, max: 5 }),
        // every padding form: the string rules, a number, or [top, bottom, left, right]
        form: fc.constantFrom('valid', 'same', 'number', 'explicit'), p: fc.integer({ min: 0, max: 2 }),
        sides: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
        mode: fc.constantFrom<DimRoundingMode | undefined>(undefined, 'floor', 'round', 'ceil'), nchw: fc.boolean(), unbatched: fc.boolean(),
        dilated: fc.boolean(), s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })), k: fc.tuple(fc.nat(), fc.nat()),
        kind: fc.constantFrom<ValueKind>('rand', 'exact', 'neg', 'small'), seed: fc.nat(),
      })
      .map((r) => {
        const dilations: [number, number] = r.dilated ? r.d : [1, 1];
        const strides: [number, number] = r.dilated ? [1, 1] : r.s;
        const dataFormat: DataFormat = r.nchw ? 'NCHW' : 'NHWC';
        const [t, b, l, rt] = r.sides;
        const pad: Padding =
          r.form === 'number' ? r.p : r.form === 'explicit' ? (r.nchw ? [[0, 0], [0, 0], [t, b], [l, rt]] : [[0, 0], [t, b], [l, rt], [0, 0]]) : (r.form as 'valid' | 'same');
        const extra = (before: number, after: number) => (r.form === 'number' ? 2 * r.p : r.form === 'explicit' ? before + after : 0);
        // filters up to the (padded) input; under 'valid' the dilated span must fit
        const maxK = (n: number, d: number, pads: number) => (r.form === 'same' ? n : Math.floor((n + pads - 1) / d) + 1);
        const f: Config['f'] = [1 + (r.k[0] % maxK(r.h, dilations[0], extra(t, b))), 1 + (r.k[1] % maxK(r.w, dilations[1], extra(l, rt))), r.ci, r.co];
        const cfg: Config = { x: [r.unbatched ? 1 : r.b, r.h, r.w, r.ci], f, strides, pad, dilations, dataFormat, unbatched: r.unbatched };
        if (r.mode && typeof pad !== 'string') cfg.dimRoundingMode = r.mode;
        return caseOf(cfg, r.kind, r.seed);
      }),

  benchCases: (size) =>
    [({ small: [16, 8, 16], medium: [32, 16, 32], large: [64, 32, 64] } as const)[size]].map(([hw, ci, co]) =>
      caseOf({ x: [1, hw, hw, ci], f: [3, 3, ci, co], strides: [1, 1], pad: 'same', dilations: [1, 1] }, 'rand', 1),
    ),

  // The filter gradient (notes, eq. 1) at a layer's size; too slow on cpu for the small sweep.
  benchGrads: (size) =>
    size === 'small' ? [] : [{ input: 'filter', case: caseOf({ x: [1, 64, 64, 32], f: [3, 3, 32, 64], strides: [1, 1], pad: 'valid', dilations: [1, 1] }, 'rand', 1) }],

  scalingSweeps: () => {
    const square = (hw: number, ch: number) => caseOf({ x: [1, hw, hw, ch], f: [3, 3, ch, ch], strides: [1, 1], pad: 'same', dilations: [1, 1] }, 'rand', 1);
    return [
      { axis: 'image side H = W (C = 8)', expected: '2 (work ~ H W)', points: [8, 16, 32, 64].map((h) => ({ x: h, case: square(h, 8) })) },
      { axis: 'channels C_in = C_out (H = W = 16)', expected: '2 (work ~ C_in C_out)', points: [4, 8, 16, 32].map((ch) => ({ x: ch, case: square(16, ch) })) },
    ];
  },

  flops(c) {
    const [batch] = xNHWC(c);
    const [kH, kW, inC, outC] = c.inputs.filter.shape;
    const [outH, outW] = outHW(c);
    return 2 * batch * outH * outW * outC * kH * kW * inC;
  },
};

