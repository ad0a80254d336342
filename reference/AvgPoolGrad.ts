/** Gradient of average pooling, mirroring the TF.js kernel `AvgPoolGrad`. */
import { windowCounts } from './AvgPool';
import { pool2dInfo } from './pool';
import { ArgumentError, Shape, Tensor64, expectDyShape, sizeOf, tensor } from './tensor';
import { Padding } from './window';

/**
 * dx[n, h, w, c] = sum over the windows (i, j) holding (h, w) of dy[n, i, j, c] / |W_ij|.
 *
 * Order: each window's share dy / |W_ij| is added to its real cells; a cell's
 * sum starts at 0 and takes the shares one at a time in row-major order of the
 * output elements `[n, i, j, c]`.
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
  const { batch, inH, inW, channels: C, kH, kW, sH, sW, outH, outW, padTop, padLeft } = g;
  expectDyShape('avgPoolGrad', dy, [batch, outH, outW, C]);
  const count = windowCounts(g);
  const dx = new Float64Array(sizeOf(xShape));
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let c = 0; c < C; c++) {
          const o = ((n * outH + oh) * outW + ow) * C + c;
          const share = dy.data[o] / count[o];
          for (let kh = 0; kh < kH; kh++) {
            const ih = oh * sH + kh - padTop;
            if (ih < 0 || ih >= inH) continue;
            for (let kw = 0; kw < kW; kw++) {
              const iw = ow * sW + kw - padLeft;
              if (iw < 0 || iw >= inW) continue;
              dx[((n * inH + ih) * inW + iw) * C + c] += share;
            }
          }
        }
      }
    }
  }
  return { shape: [...xShape], data: dx };
}
