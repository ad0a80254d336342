/**
 * Known discrepancy #25 (README), shared by every window op of TF.js: under a
 * numeric `pad`, TF.js's core (`computeOutputShape2D` in conv_util, tfjs-core
 * 4.22) computes the output width with the filter's *height* and the *height*
 * stride, so a window or stride that is not square gets the wrong output width
 * on every backend (tf.conv2d(ones[1,5,5,1], ones[1,3,1,1], 1, 1) is [1,7,7,1];
 * the same padding written explicitly, [[0,0],[1,1],[1,1],[0,0]], gives
 * [1,7,5,1], as TensorFlow's formula does). The reference computes each axis
 * with its own window and stride.
 */
import { ALL_BACKENDS, REFERENCE_BACKEND } from '../tfjs/backendIds';
import { convOutputSize, DimRoundingMode, Padding } from '../../reference/window';
import { KnownDiscrepancy, OpCase } from './types';

/** The window of a case along each axis: size (before dilation), stride, dilation. */
export interface WindowGeometry {
  inHW: readonly [number, number];
  kHW: readonly [number, number];
  strides: readonly [number, number];
  dilations?: readonly [number, number];
  pad: Padding;
  dimRoundingMode?: DimRoundingMode;
}

/** True when TF.js's output width (from the height's window and stride) differs from the right one. */
export function numericPadWidthWrong(g: WindowGeometry): boolean {
  if (typeof g.pad !== 'number') return false;
  const [dH, dW] = g.dilations ?? [1, 1];
  const spanH = (g.kHW[0] - 1) * dH + 1;
  const right = convOutputSize(g.inHW[1], g.kHW[1], g.strides[1], g.pad, dW, g.dimRoundingMode);
  const tfjs = convOutputSize(g.inHW[1], spanH, g.strides[0], g.pad, 1, g.dimRoundingMode);
  return right !== tfjs;
}

export const NUMERIC_PAD_README = 25;
export const NUMERIC_PAD_NOTE =
  "TF.js core computes the output width under a numeric pad with the filter height and the height stride (conv_util computeOutputShape2D): a non-square window or stride gets the wrong width on every backend";

/**
 * On wasm the wrong width is worse than a wrong shape: the kernel walks the
 * image with it and traps ("memory access out of bounds"), and the wasm heap
 * stays corrupted (later, unrelated calls trap too: case x=[1,5,3,3]
 * f=[4,3,3,2] pad 1 broke the next 30 cases of a run). Such cases are not run on wasm.
 */
export const NUMERIC_PAD_WASM_NOTE = `${NUMERIC_PAD_NOTE}; on wasm the kernel then walks past its buffers and corrupts the wasm heap (later calls trap); not run`;

/**
 * Discrepancy #25 for the given checks of an op whose cases carry a window
 * geometry, on every backend where it can show. Not on `reference` (its kernels
 * derive the output shape from the reference, not from TF.js's conv_util), nor
 * on `tensorflow` (tfjs-node refuses a non-zero numeric pad, "supports only
 * 'valid' and 'same'", and runs pad 0 as TensorFlow's VALID, whose own geometry
 * is right). `omit` leaves out the checks a backend has no kernel for (they are
 * unsupported there, never this).
 */
export function numericPadKnown<P>(
  checks: readonly string[],
  geometry: (c: OpCase<P>) => WindowGeometry,
  omit: (backend: string, check: string) => boolean = () => false,
): KnownDiscrepancy<P>[] {
  return checks.flatMap((check) =>
    ALL_BACKENDS.filter((b) => b !== REFERENCE_BACKEND && b !== 'tensorflow' && !omit(b, check)).map((backend) => ({
      check,
      backend,
      kind: 'bug' as const,
      readme: NUMERIC_PAD_README,
      note: backend === 'wasm' ? NUMERIC_PAD_WASM_NOTE : NUMERIC_PAD_NOTE,
      ...(backend === 'wasm' ? { skip: true } : {}),
      when: (c: OpCase<P>) => numericPadWidthWrong(geometry(c)),
    })),
  );
}
