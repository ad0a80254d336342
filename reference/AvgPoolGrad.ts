/** Gradient of average pooling, mirroring the TF.js kernel `AvgPoolGrad`. */
import { windowCounts } from './AvgPool';
import { expectDyShape } from './Conv2DBackpropFilter';
import { forEachWindowCell, pool2dInfo } from './pool';
import { ArgumentError, Shape, Tensor64, tensor } from './tensor';
import { Padding } from './window';

/**
 * dx[n, h, w, c] = sum over windows (i, j) holding (h, w) of dy[n, i, j, c] / |W_ij|.
 *
 * @param dy `[batch, outH, outW, channels]`
 * @param xShape the forward input's shape
 */
export function avgPoolGrad(
  dy: Tensor64,
  xShape: Shape,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
): Tensor64 {
  if (xShape.length !== 4) throw new ArgumentError('avgPoolGrad', `xShape must have 4 dimensions, got [${xShape.join(',')}].`);
  const g = pool2dInfo('avgPoolGrad', tensor(xShape), filterSize, strides, pad);
  expectDyShape('avgPoolGrad', dy, [g.batch, g.outH, g.outW, g.channels]);
  const count = windowCounts(g);
  const dx = new Float64Array(xShape.reduce((a, b) => a * b, 1));
  const C = g.channels;
  forEachWindowCell(g, (o, i) => {
    for (let c = 0; c < C; c++) dx[i + c] += dy.data[o + c] / count[o + c];
  });
  return { shape: [...xShape], data: dx };
}
