/**
 * Known discrepancies of the pooling kernels that come from the output size
 * and the padding forms (README, "Known backend discrepancies"), shared by the
 * maxPool and avgPool specs.
 */
import { PoolInfo, batchOfImages } from '../../reference/pool';
import { DimRoundingMode, axisPaddings, convOutputSize } from '../../reference/window';
import { ALL_BACKENDS } from '../tfjs/backendIds';
import { avgPoolWindows } from '../../reference/AvgPool';
import { PoolParams, poolGeometry, windowMaxima, windowWithoutCells } from './poolCases';
import { KnownDiscrepancy, OpCase } from './types';

/** The output size [outH, outW] of a case under another rounding mode (undefined: truncation). */
function sizeWith(c: OpCase<PoolParams>, g: PoolInfo, mode: DimRoundingMode | undefined): [number, number] {
  const [padH, padW] = axisPaddings('pool', c.params.pad);
  return [convOutputSize(g.inH, g.kH, g.sH, padH, g.dH, mode), convOutputSize(g.inW, g.kW, g.sW, padW, g.dW, mode)];
}

/** True when the case's dimRoundingMode gives another output size than truncation (what the gradients get, #27). */
export function roundingChangesSize(c: OpCase<PoolParams>): boolean {
  if (!c.params.dimRoundingMode) return false;
  const g = poolGeometry(c);
  const [h, w] = sizeWith(c, g, undefined);
  return h !== g.outH || w !== g.outW;
}

/** True when the pad is zero (0 or an all-zero explicit array): tfjs-node runs it as native 'VALID'. */
function zeroPad(c: OpCase<PoolParams>): boolean {
  const { pad } = c.params;
  return pad === 0 || (Array.isArray(pad) && pad.every((p) => p[0] === 0 && p[1] === 0));
}

/** True when TensorFlow's 'VALID' output size, ceil((in - k + 1) / s), is not the case's. */
function validSizeDiffers(c: OpCase<PoolParams>): boolean {
  const g = poolGeometry(c);
  return Math.ceil((g.inH - g.kH + 1) / g.sH) !== g.outH || Math.ceil((g.inW - g.kW + 1) / g.sW) !== g.outW;
}

/**
 * True when XNNPACK's own output size, floor((in + pads - k) / s) + 1, is smaller
 * than TF.js's (a 'ceil' or 'round' mode that adds outputs): wasm leaves the extra
 * outputs unwritten.
 */
function xnnpackSizeSmaller(c: OpCase<PoolParams>): boolean {
  const g = poolGeometry(c);
  const [h, w] = sizeWith(c, g, 'floor');
  return h < g.outH || w < g.outW;
}

/** True for a 1x1 window whose output shape equals the input's (cpu then returns x unchanged), where the reference is not x. */
function identityShortcut(c: OpCase<PoolParams>): boolean {
  const g = poolGeometry(c);
  if (g.kH !== 1 || g.kW !== 1 || g.outH !== g.inH || g.outW !== g.inW) return false;
  const x = c.inputs.x.data;
  return windowMaxima(c).some((v, i) => !Object.is(v, x[i])) || avgPoolWindowsOf(c).some((v, i) => !Object.is(v, x[i]) && !(Number.isNaN(v) && Number.isNaN(x[i])));
}

/** The window means of a case (reference avgPool). */
function avgPoolWindowsOf(c: OpCase<PoolParams>): Float64Array {
  return avgPoolWindows(batchOfImages('pool', c.inputs.x), poolGeometry(c)).data;
}

export const POOL_SIZE_KNOWN: KnownDiscrepancy<PoolParams>[] = [
  ...ALL_BACKENDS.map((backend) => ({
    check: 'grad:x',
    backend,
    kind: 'bug' as const,
    readme: 27,
    note: "TF.js core's MaxPool and AvgPool gradients (gradients/MaxPool_grad.ts, AvgPool_grad.ts) drop dimRoundingMode: where the mode changes the output size, the backward kernel reads dy with the truncated geometry",
    when: roundingChangesSize,
  })),
  {
    check: 'forward',
    backend: 'tensorflow',
    kind: 'bug',
    readme: 27,
    note: "tfjs-node runs a zero pad (0 or an all-zero explicit array) as native 'VALID', whose output size ignores dimRoundingMode",
    when: (c) => zeroPad(c) && c.params.dimRoundingMode !== undefined && validSizeDiffers(c),
  },
  {
    check: 'forward',
    backend: 'wasm',
    kind: 'bug',
    readme: 28,
    note: "wasm MaxPool/AvgPool (XNNPACK) give a window that holds no real cell (explicit padding larger than the window, a 'ceil' window past the input) another value than TF.js's -Inf (max) or 0/0 = NaN (avg): a real cell's value in MaxPool, -Inf or 0 in AvgPool; they pool a padded 1x1 window as if unpadded, and lay the output out in XNNPACK's own floor size where a 'ceil' or 'round' mode makes TF.js's larger",
    when: (c) => windowWithoutCells(c) || xnnpackSizeSmaller(c) || (c.params.filterSize[0] * c.params.filterSize[1] === 1 && poolGeometry(c).padTop + poolGeometry(c).padLeft > 0),
  },
  {
    check: 'forward',
    backend: 'cpu',
    kind: 'bug',
    readme: 28,
    note: "cpu MaxPool/AvgPool return the input unchanged for a 1x1 window whose output shape equals the input shape, whatever the padding and strides: windows that hold only padding get a real cell, and a NaN stays NaN where TF.js's pooling rule (and cpu MaxPool otherwise) gives -Inf",
    when: identityShortcut,
  },
];
