/**
 * Sliding-window geometry shared by convolution and pooling (notes, part 1a).
 */
import { ArgumentError } from './tensor';

/** `valid` is the notes' "no padding"; `same` pads like TensorFlow. */
export type Padding = 'valid' | 'same';
export const PADDINGS: readonly Padding[] = ['valid', 'same'];

/**
 * Output length along one axis (notes, part 1a): `floor(1 + (W - w) / s)` with no
 * padding, where a dilated window spans `(w - 1) * d + 1` cells; `ceil(W / s)` with
 * `same` padding. Returns 0 when a `valid` window does not fit.
 */
export function convOutputSize(inSize: number, windowSize: number, stride: number, pad: Padding, dilation = 1): number {
  const span = (windowSize - 1) * dilation + 1;
  if (pad === 'same') return Math.ceil(inSize / stride);
  return inSize < span ? 0 : Math.floor((inSize - span) / stride) + 1;
}

/**
 * Padding added before one axis under TensorFlow's `same` rule: total
 * `max((out - 1) * s + span - in, 0)`, the smaller half before.
 */
export function padBefore(inSize: number, windowSize: number, stride: number, pad: Padding, dilation = 1): number {
  if (pad === 'valid') return 0;
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
  readonly padTop: number;
  readonly padLeft: number;
}

/** Checks `pad` and the window against the input and returns the geometry. */
export function window2D(
  op: string,
  inHW: readonly [number, number],
  kHW: readonly [number, number],
  strides: readonly [number, number],
  pad: Padding,
  dilations: readonly [number, number] = [1, 1],
): Window2D {
  if (!PADDINGS.includes(pad)) {
    throw new ArgumentError(op, `pad must be one of ${PADDINGS.map((p) => `'${p}'`).join(', ')}, got ${JSON.stringify(pad)}.`);
  }
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
  return {
    inH, inW, kH, kW, sH, sW, dH, dW,
    outH: convOutputSize(inH, kH, sH, pad, dH),
    outW: convOutputSize(inW, kW, sW, pad, dW),
    padTop: padBefore(inH, kH, sH, pad, dH),
    padLeft: padBefore(inW, kW, sW, pad, dW),
  };
}
