/**
 * Sliding-window geometry shared by convolution and pooling (notes, part 1a),
 * for every padding form TF.js accepts.
 */
import { ArgumentError } from './tensor';

/** `[[0, 0], [top, bottom], [left, right], [0, 0]]` in NHWC order, `[[0, 0], [0, 0], [top, bottom], [left, right]]` in NCHW. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * `valid` is the notes' "no padding"; `same` pads like TensorFlow; a number pads
 * every side by that many cells; an explicit array gives each side, one pair per
 * axis of the data format (batch and channel pairs must be 0).
 */
export type Padding = 'valid' | 'same' | number | ExplicitPadding;

/** Padding of one spatial axis: the string rules, or `[before, after]` cells. */
export type AxisPadding = 'valid' | 'same' | readonly [number, number];

/** How TF.js rounds the output size under numeric or explicit padding; without one it truncates toward zero. */
export type DimRoundingMode = 'floor' | 'round' | 'ceil';
export const DIM_ROUNDING_MODES: readonly DimRoundingMode[] = ['floor', 'round', 'ceil'];

/** Image layout: channels last (`[batch, height, width, channels]`) or first (`[batch, channels, height, width]`). */
export type DataFormat = 'NHWC' | 'NCHW';
export const DATA_FORMATS: readonly DataFormat[] = ['NHWC', 'NCHW'];

/** A padding as text for case ids and messages: `same`, `2`, `[[0,0],[1,2],[0,1],[0,0]]`. */
export function formatPadding(pad: Padding): string {
  return typeof pad === 'string' || typeof pad === 'number' ? String(pad) : JSON.stringify(pad);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * The padding of the height and the width axes, checked: a number must be a
 * non-negative integer; an explicit array must be 4 pairs of non-negative
 * integers whose batch and channel pairs are 0 (in the data format's axis order).
 */
export function axisPaddings(op: string, pad: Padding, dataFormat: DataFormat = 'NHWC'): [AxisPadding, AxisPadding] {
  if (pad === 'valid' || pad === 'same') return [pad, pad];
  if (typeof pad === 'number') {
    if (!isCount(pad)) throw new ArgumentError(op, `pad must be 'valid', 'same', a non-negative integer or an explicit [[0,0],[top,bottom],[left,right],[0,0]] array, got ${pad}.`);
    return [[pad, pad], [pad, pad]];
  }
  if (!Array.isArray(pad as unknown)) {
    throw new ArgumentError(op, `pad must be one of 'valid', 'same', a non-negative integer or an explicit 4x2 array, got ${JSON.stringify(pad)}.`);
  }
  if ((pad as unknown[]).length !== 4 || !pad.every((p) => Array.isArray(p) && p.length === 2 && p.every(isCount))) {
    throw new ArgumentError(op, `explicit pad must be 4 pairs of non-negative integers, one per axis of ${dataFormat}, got ${JSON.stringify(pad)}.`);
  }
  const [h, w, others] = dataFormat === 'NHWC' ? [1, 2, [0, 3]] : [2, 3, [0, 1]];
  for (const a of others) {
    if (pad[a][0] !== 0 || pad[a][1] !== 0) {
      throw new ArgumentError(op, `explicit pad of the ${a === 0 ? 'batch' : 'channel'} axis must be [0,0], got ${JSON.stringify(pad)} (${dataFormat}).`);
    }
  }
  return [pad[h], pad[w]];
}

/** Checks `dimRoundingMode`: one of the modes, and only with a numeric or explicit pad (as TF.js requires). */
export function checkRoundingMode(op: string, pad: Padding, mode: DimRoundingMode | undefined): void {
  if (mode === undefined) return;
  if (!DIM_ROUNDING_MODES.includes(mode)) {
    throw new ArgumentError(op, `dimRoundingMode must be one of ${DIM_ROUNDING_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}.`);
  }
  if (typeof pad === 'string') throw new ArgumentError(op, `pad must be an integer when using dimRoundingMode ${mode} but got pad ${pad}.`);
}

function roundSize(v: number, mode: DimRoundingMode | undefined): number {
  switch (mode) {
    case undefined:
      return Math.trunc(v);
    case 'floor':
      return Math.floor(v);
    case 'ceil':
      return Math.ceil(v);
    case 'round':
      return Math.round(v);
  }
}

/**
 * Output length along one axis (notes, part 1a), where a dilated window spans
 * `span = (w - 1) * d + 1` cells: with no padding `floor(1 + (W - span) / s)`
 * (0 when the window does not fit); with `same` padding `ceil(W / s)`; with
 * `before + after` cells of padding, TF.js's rule
 * `round((W - span + before + after) / s + 1)` where `round` is the
 * `dimRoundingMode` (truncation toward zero without one), never below 0.
 */
export function convOutputSize(inSize: number, windowSize: number, stride: number, pad: AxisPadding | number, dilation = 1, mode?: DimRoundingMode): number {
  const span = (windowSize - 1) * dilation + 1;
  if (pad === 'same') return Math.ceil(inSize / stride);
  if (pad === 'valid') return inSize < span ? 0 : Math.floor((inSize - span) / stride) + 1;
  const [before, after] = typeof pad === 'number' ? [pad, pad] : pad;
  return Math.max(0, roundSize((inSize - span + before + after) / stride + 1, mode));
}

/**
 * Padding added before one axis: under TensorFlow's `same` rule the smaller half
 * of `max((out - 1) * s + span - in, 0)`; numeric and explicit padding give it.
 */
export function padBefore(inSize: number, windowSize: number, stride: number, pad: AxisPadding | number, dilation = 1): number {
  if (pad === 'valid') return 0;
  if (typeof pad === 'number') return pad;
  if (pad !== 'same') return pad[0];
  const out = convOutputSize(inSize, windowSize, stride, pad, dilation);
  const span = (windowSize - 1) * dilation + 1;
  return Math.floor(Math.max((out - 1) * stride + span - inSize, 0) / 2);
}

/** Everything a 2-D window op needs to walk its input, derived and checked once. */
export interface Window2D {
  readonly inH: number;
  readonly inW: number;
  readonly kH: number;
  readonly kW: number;
  readonly sH: number;
  readonly sW: number;
  readonly dH: number;
  readonly dW: number;
  readonly outH: number;
  readonly outW: number;
  /** Cells added before the first row and column; output row oh reads input rows from `oh * sH - padTop`. */
  readonly padTop: number;
  readonly padLeft: number;
}

/** The optional arguments of a window op, as TF.js takes them. */
export interface WindowOptions {
  /** Which axes of a rank-4 image are height and width, and how an explicit pad is read. Default NHWC. */
  dataFormat?: DataFormat;
  /** Rounding of the output size under numeric or explicit padding. */
  dimRoundingMode?: DimRoundingMode;
}

/**
 * Checks `pad` (every form TF.js accepts), the rounding mode and the window
 * against the input, and returns the geometry. Rejects a window whose span is
 * larger than the input under 'valid' and any padding that leaves no output.
 */
export function window2D(
  op: string,
  inHW: readonly [number, number],
  kHW: readonly [number, number],
  strides: readonly [number, number],
  pad: Padding,
  dilations: readonly [number, number] = [1, 1],
  options: WindowOptions = {},
): Window2D {
  const { dataFormat = 'NHWC', dimRoundingMode } = options;
  if (!DATA_FORMATS.includes(dataFormat)) {
    throw new ArgumentError(op, `dataFormat must be one of ${DATA_FORMATS.map((f) => `'${f}'`).join(', ')}, got ${JSON.stringify(dataFormat)}.`);
  }
  const [padH, padW] = axisPaddings(op, pad, dataFormat);
  checkRoundingMode(op, pad, dimRoundingMode);
  const [inH, inW] = inHW;
  const [kH, kW] = kHW;
  const [sH, sW] = strides;
  const [dH, dW] = dilations;
  const spanH = (kH - 1) * dH + 1;
  const spanW = (kW - 1) * dW + 1;
  if (pad === 'valid' && (spanH > inH || spanW > inW)) {
    throw new ArgumentError(
      op,
      `window [${kH},${kW}] with dilations [${dH},${dW}] spans [${spanH},${spanW}], larger than the input [${inH},${inW}] under 'valid' padding.`,
    );
  }
  const outH = convOutputSize(inH, kH, sH, padH, dH, dimRoundingMode);
  const outW = convOutputSize(inW, kW, sW, padW, dW, dimRoundingMode);
  if (outH === 0 || outW === 0) {
    throw new ArgumentError(
      op,
      `window [${kH},${kW}] with dilations [${dH},${dW}] and pad ${formatPadding(pad)} leaves no output on the input [${inH},${inW}] (output [${outH},${outW}]).`,
    );
  }
  return {
    inH, inW, kH, kW, sH, sW, dH, dW, outH, outW,
    padTop: padBefore(inH, kH, sH, padH, dH),
    padLeft: padBefore(inW, kW, sW, padW, dW),
  };
}

/**
 * The image's axes under a data format: `[batch, height, width, channels]` read
 * from a rank-4 shape in NHWC or NCHW order.
 */
export function imageDims(shape: readonly number[], dataFormat: DataFormat = 'NHWC'): [number, number, number, number] {
  const [a, b, c, d] = shape;
  return dataFormat === 'NHWC' ? [a, b, c, d] : [a, c, d, b];
}
