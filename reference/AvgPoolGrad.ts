/** Gradient of average pooling, mirroring the TF.js kernel `AvgPoolGrad`. */
import { windowCounts } from './AvgPool';
import { PoolInfo, pool2dInfo } from './pool';
import { ArgumentError, Shape, Tensor64, expectDyShape, tensor } from './tensor';
import { DimRoundingMode, Padding } from './window';

/**
 * dx[n, h, w, c] = sum over the windows (i, j) holding (h, w) of dy[n, i, j, c] / |W_ij|,
 * for a rank-4 input under geometry g (a window without a real cell passes nothing on).
 *
 * Order: each window's share dy / |W_ij| is added to its real cells; a cell's
 * sum starts at 0 and takes the shares one at a time in row-major order of the
 * output elements `[n, i, j, c]`.
 */
export function avgPoolGradWindows(dy: Tensor64, g: PoolInfo): Float64Array {
  const { batch, inH, inW, channels: C, kH, kW, sH, sW, dH, dW, outH, outW, padTop, padLeft } = g;
  const count = windowCounts(g);
  const dx = new Float64Array(batch * inH * inW * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let c = 0; c < C; c++) {
          const o = ((n * outH + oh) * outW + ow) * C + c;
          const share = dy.data[o] / count[o];
          for (let kh = 0; kh < kH; kh++) {
            const ih = oh * sH + kh * dH - padTop;
            if (ih < 0 || ih >= inH) continue;
            for (let kw = 0; kw < kW; kw++) {
              const iw = ow * sW + kw * dW - padLeft;
              if (iw < 0 || iw >= inW) continue;
              dx[((n * inH + ih) * inW + iw) * C + c] += share;
            }
          }
        }
      }
    }
  }
  return dx;
}

/**
 * dL/dx of `avgPool(x, filterSize, strides, pad, dimRoundingMode)`.
 *
 * @param dy `[batch, outH, outW, channels]` (rank 3 for a rank-3 input)
 * @param xShape the forward input's shape, rank 4 or 3
 */
export function avgPoolGrad(
  dy: Tensor64,
  xShape: Shape,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: Padding,
  dimRoundingMode?: DimRoundingMode,
): Tensor64 {
  if (xShape.length !== 4 && xShape.length !== 3) {
    throw new ArgumentError('avgPoolGrad', `xShape must have 4 dimensions, or 3 for a batch of one, got [${xShape.join(',')}].`);
  }
  const g = pool2dInfo('avgPoolGrad', tensor(xShape), filterSize, strides, pad, { dimRoundingMode });
  const outShape = [g.batch, g.outH, g.outW, g.channels];
  expectDyShape('avgPoolGrad', dy, xShape.length === 4 ? outShape : outShape.slice(1));
  const dx = avgPoolGradWindows({ shape: outShape, data: dy.data }, g);
  return { shape: [...xShape], data: dx };
}
