/**
 * The notes' "max over (I * G)" (parts 1a-1e) as one differentiable pipeline:
 * L = sum_o w[o] * maxPool(relu(conv2d(x, filter)))[o]. It has no TF.js kernel
 * of its own; it is named for what it does.
 */
import { conv2d } from './Conv2D';
import { conv2DBackpropFilter } from './Conv2DBackpropFilter';
import { conv2DBackpropInput } from './Conv2DBackpropInput';
import { maxPool } from './MaxPool';
import { maxPoolGrad } from './MaxPoolGrad';
import { relu } from './Relu';
import { ArgumentError, Tensor64 } from './tensor';

export interface ConvReluMaxPoolParams {
  strides: [number, number];
  pad: 'valid' | 'same';
  poolSize: [number, number];
  poolStrides: [number, number];
  poolPad: 'valid' | 'same';
}

export interface ConvReluMaxPoolForward {
  /** The scalar L, shape []. */
  value: Tensor64;
  conv: Tensor64;
  relu: Tensor64;
  pooled: Tensor64;
}

/**
 * L = sum_o w[o] * maxPool(relu(conv2d(x, filter)))[o]; `w` has the pooled shape.
 * Order: the sum starts at 0 and adds w[o] * pooled[o] in ascending flat o.
 */
export function convReluMaxPool(x: Tensor64, filter: Tensor64, w: Tensor64, p: ConvReluMaxPoolParams): ConvReluMaxPoolForward {
  const conv = conv2d(x, filter, p.strides, p.pad);
  const r = relu(conv);
  const pooled = maxPool(r, p.poolSize, p.poolStrides, p.poolPad);
  if (w.shape.length !== pooled.shape.length || w.shape.some((d, i) => d !== pooled.shape[i])) {
    throw new ArgumentError('convReluMaxPool', `w must have the pooled shape [${pooled.shape.join(',')}], got [${w.shape.join(',')}].`);
  }
  let sum = 0;
  for (let o = 0; o < w.data.length; o++) sum += w.data[o] * pooled.data[o];
  return { value: { shape: [], data: Float64Array.of(sum) }, conv, relu: r, pooled };
}

/**
 * dL/dconv = relu'(conv) * maxPoolGrad(dL * w): the upstream gradient goes to each
 * window's maximum (notes, part 1e), then through the relu mask (relu'(0) = 0).
 */
export function convReluMaxPoolUpstream(fwd: ConvReluMaxPoolForward, w: Tensor64, dL: number, p: ConvReluMaxPoolParams): Tensor64 {
  const dPooled: Tensor64 = { shape: w.shape, data: w.data.map((v) => v * dL) };
  const dRelu = maxPoolGrad(dPooled, fwd.relu, p.poolSize, p.poolStrides, p.poolPad);
  // NOTE: the relu mask selects: g where conv > 0, +0 elsewhere (even for an infinite g)
  return { shape: dRelu.shape, data: dRelu.data.map((g, i) => (fwd.conv.data[i] > 0 ? g : 0)) };
}

/** dL/dx and dL/dfilter of the pipeline for an upstream gradient dL of the scalar. */
export function convReluMaxPoolGrad(
  x: Tensor64,
  filter: Tensor64,
  w: Tensor64,
  dL: number,
  p: ConvReluMaxPoolParams,
): { x: Tensor64; filter: Tensor64 } {
  const fwd = convReluMaxPool(x, filter, w, p);
  const dConv = convReluMaxPoolUpstream(fwd, w, dL, p);
  return {
    x: conv2DBackpropInput(x.shape, dConv, filter, p.strides, p.pad),
    filter: conv2DBackpropFilter(x, dConv, filter.shape, p.strides, p.pad),
  };
}
