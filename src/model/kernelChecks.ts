/**
 * Judging one recorded kernel call of a model run (`crosscheck model`, DESIGN.md
 * "model/"): the call's kernel, attributes and inputs become a case of the op
 * spec that owns the kernel, the spec's reference (or its gradient's, with the
 * call's dy) gives the value and the derived bound, and the backend's output is
 * held to it with judgeElements. A failure inside one of the spec's known
 * discrepancies is `xfail` with its README number. No tolerance is made up here:
 * every bound is a spec's (the activation kernels' is src/bounds/activation.ts
 * on exact inputs).
 *
 * Kernel -> spec, check:
 *   Conv2D conv2d forward; Conv2DBackpropFilter conv2d grad:filter;
 *   Conv2DBackpropInput conv2dTranspose forward (NHWC: the kernel is
 *   tf.conv2dTranspose, attributes one to one) or conv2d grad:x (NCHW, which
 *   conv2dTranspose cannot take); MaxPool / MaxPoolGrad maxPool forward / grad:x;
 *   AvgPool / AvgPoolGrad avgPool forward / grad:x; MaxPoolWithArgmax
 *   maxPoolWithArgmax forward (both outputs stacked, as the spec compares them);
 *   BatchMatMul matMul forward; Softmax softmax forward; DepthwiseConv2dNative and
 *   its two backprops depthwiseConv2d forward / grad:x / grad:filter;
 *   FusedConv2D fusedConv2d, FusedDepthwiseConv2D fusedDepthwiseConv2d,
 *   _FusedMatMul fusedMatMul forward; Relu, Relu6, LeakyRelu, Elu, Sigmoid, Prelu
 *   'activation' forward.
 */
import { Activation, LEAKYRELU_ALPHA } from '../../reference/activation';
import { Tensor64, broadcastIndex, sizeOf, tensor } from '../../reference/tensor';
import { DataFormat, DimRoundingMode, Padding, formatPadding } from '../../reference/window';
import { activationEV } from '../bounds/activation';
import { input } from '../bounds/errorModel';
import { FLOAT32, Storage, withStorage } from '../bounds/gamma';
import { ElementwiseResult, judgeElements } from '../check/elementwise';
import { fmtRatio } from '../check/summary';
import { avgPoolSpec } from '../ops/avgPool';
import { Conv2DParams, conv2dSpec } from '../ops/conv2d';
import { Conv2DTransposeParams, conv2dTransposeSpec } from '../ops/conv2dTranspose';
import { DepthwiseParams, depthwiseConv2dSpec } from '../ops/depthwiseConv2d';
import { FusedConv2DParams, fusedConv2dSpec } from '../ops/fusedConv2d';
import { FusedDepthwiseParams, fusedDepthwiseConv2dSpec } from '../ops/fusedDepthwiseConv2d';
import { FUSED_MATMUL_KNOWN, FusedMatMulParams, ParamForm, fusedMatMulSpec } from '../ops/fusedMatMul';
import { feedForwardSpec } from '../ops/feedForward';
import { MatMulParams, matMulSpec } from '../ops/matMul';
import { maxPoolSpec } from '../ops/maxPool';
import { MaxPoolWithArgmaxParams, maxPoolWithArgmaxSpec } from '../ops/maxPoolWithArgmax';
import { PoolParams } from '../ops/poolCases';
import { SoftmaxParams, hasMaskedRow, softmaxSpec } from '../ops/softmax';
import { Expected, KnownDiscrepancy, OpCase, OpSpec, fmtShape } from '../ops/types';
import type { BackendId } from '../tfjs/backendIds';

export interface CallToJudge {
  kernel: string;
  attrs: Record<string, unknown>;
  /** float64 copies of the float32/int32 values the kernel got, by TF.js input name; null for an absent optional input. */
  inputs: Record<string, Tensor64 | null>;
  /** What the backend returned. */
  outputs: Tensor64[];
  /** For the known discrepancies. */
  backend: BackendId | string;
  /** How the backend stores values (float16: webgl-f16); the bound is derived for it (src/bounds/gamma.ts). */
  storage?: Storage;
}

export interface CallJudgement {
  /** The op spec whose bound was used ('conv2d', 'maxPool', ..., 'activation' for Relu etc.). */
  spec: string;
  /** That spec's check: 'forward' or 'grad:<input>'. */
  check: string;
  status: 'pass' | 'fail' | 'xfail';
  result: ElementwiseResult;
  expected: Expected;
  /** README number of the matching known discrepancy, for xfail. */
  known?: number;
  /** For fail and xfail: what, where, by how much. */
  message?: string;
}

/** An attribute (or a missing input) of a kernel call that the spec's case cannot express. */
export class KernelJudgeError extends Error {
  constructor(
    readonly kernel: string,
    readonly attribute: string,
    readonly value: unknown,
    accepted: string,
  ) {
    super(`cannot judge kernel ${kernel} with ${attribute} = ${JSON.stringify(value)}: the spec takes ${accepted}`);
    this.name = 'KernelJudgeError';
  }
}

/** What judgeCall compares: the spec's expected value and bound, the output, the class of known discrepancies. */
interface Plan<P> {
  spec: string;
  check: string;
  strictZeroSign: boolean;
  known: readonly KnownDiscrepancy<P>[];
  case: OpCase<P>;
  expected: Expected;
  got: Tensor64;
  /** Set when the outputs cannot be put into the spec's form (their own shapes disagree). */
  gotMismatch?: string;
}

type Attrs = Record<string, unknown>;
type Inputs = CallToJudge['inputs'];
type Pair = [number, number];

// ---- attributes as TF.js passes them ----

function pairOf(kernel: string, name: string, v: unknown): Pair {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'number')) return [v[0], v[1]];
  throw new KernelJudgeError(kernel, name, v, 'a number or a pair [h, w]');
}

/** null or absent means 1 (TF.js's default). */
const dilationsOf = (kernel: string, a: Attrs): Pair => (a.dilations == null ? [1, 1] : pairOf(kernel, 'dilations', a.dilations));

/** TF.js passes dimRoundingMode as undefined or null when not given. */
function roundingOf(kernel: string, a: Attrs): DimRoundingMode | undefined {
  const r = a.dimRoundingMode ?? undefined;
  if (r === undefined || r === 'floor' || r === 'round' || r === 'ceil') return r;
  throw new KernelJudgeError(kernel, 'dimRoundingMode', r, "'floor', 'round', 'ceil', null or none");
}

function dataFormatOf(kernel: string, a: Attrs): DataFormat {
  const f = a.dataFormat ?? 'NHWC';
  if (f === 'NHWC' || f === 'NCHW') return f;
  throw new KernelJudgeError(kernel, 'dataFormat', f, "'NHWC' or 'NCHW'");
}

/** The pad as given ('valid', 'same', a number, an explicit array); the reference checks it. */
function padOf(kernel: string, a: Attrs): Padding {
  const p = a.pad;
  if (typeof p === 'string' || typeof p === 'number' || Array.isArray(p)) return p as Padding;
  throw new KernelJudgeError(kernel, 'pad', p, "'valid', 'same', a number or an explicit array");
}

function need(kernel: string, inputs: Inputs, name: string): Tensor64 {
  const t = inputs[name];
  if (!t) throw new KernelJudgeError(kernel, `input ${name}`, t ?? null, 'a tensor');
  return t;
}

function shapeAttr(kernel: string, a: Attrs, name: string): number[] {
  const s = a[name];
  if (Array.isArray(s) && s.every((d) => Number.isInteger(d) && d >= 0)) return [...s] as number[];
  throw new KernelJudgeError(kernel, name, s, 'a shape');
}

function activationOf(kernel: string, a: Attrs): Activation {
  const act = a.activation ?? 'linear';
  const known: readonly string[] = ['linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'elu', 'sigmoid'];
  if (typeof act === 'string' && known.includes(act)) return act as Activation;
  throw new KernelJudgeError(kernel, 'activation', act, known.join(', '));
}

const leakyAlphaOf = (a: Attrs): number => (typeof a.leakyreluAlpha === 'number' ? a.leakyreluAlpha : LEAKYRELU_ALPHA);

/** How a bias or prelu-weights input is shaped against an output with `channels` on its channel axis (the fused specs' ParamForm). */
function formOf(t: Tensor64 | null | undefined, channels: number): ParamForm {
  if (!t) return 'none';
  if (t.shape.length === 0) return 'scalar';
  if (t.shape.length === 1 && t.shape[0] === channels) return 'channel';
  if (t.shape.length === 1 && t.shape[0] === 1) return 'one';
  return 'full';
}

/** A tensor of `shape` whose values no reference reads (a backprop's x or filter: only its shape matters). */
const shapeOnly = (shape: readonly number[]): Tensor64 => tensor(shape);

const present = (inputs: Inputs): Record<string, Tensor64> =>
  Object.fromEntries(Object.entries(inputs).filter((e): e is [string, Tensor64] => e[1] != null));

const hasNonFinite = (t: Tensor64) => t.data.some((v) => !Number.isFinite(v));

/** The value tag the pooling specs read back from a case id (avgPool's #9 takes v=nan and v=inf). */
function poolValueTag(x: Tensor64): string {
  if (x.data.some(Number.isNaN)) return 'v=nan';
  return x.data.some((v) => v === Infinity || v === -Infinity) ? 'v=inf' : 'v=finite';
}

function outputOf(call: CallToJudge): Tensor64 {
  if (call.outputs.length === 0) throw new KernelJudgeError(call.kernel, 'outputs', [], 'one output tensor');
  return call.outputs[0];
}

// ---- plans: one case of a spec per call ----

function forwardPlan<P>(spec: OpSpec<P>, c: OpCase<P>, got: Tensor64): Plan<P> {
  return { spec: spec.id, check: 'forward', strictZeroSign: spec.strictZeroSign, known: spec.known, case: c, expected: spec.reference(c), got };
}

function gradPlan<P>(spec: OpSpec<P>, name: string, c: OpCase<P>, dy: Tensor64, got: Tensor64): Plan<P> {
  const g = spec.grads.find((k) => k.input === name);
  if (!g) throw new Error(`${spec.id} has no gradient of ${name}`);
  return { spec: spec.id, check: `grad:${name}`, strictZeroSign: spec.strictZeroSign, known: spec.known, case: c, expected: g.reference(c, dy), got };
}

const kase = <P>(id: string, params: P, inputs: Record<string, Tensor64>): OpCase<P> => ({ id, params, inputs, exact: false, gradients: true });

function convParams(kernel: string, a: Attrs, dilations: Pair): Conv2DParams {
  const p: Conv2DParams = { strides: pairOf(kernel, 'strides', a.strides), pad: padOf(kernel, a), dilations };
  if (dataFormatOf(kernel, a) === 'NCHW') p.dataFormat = 'NCHW';
  const r = roundingOf(kernel, a);
  if (r) p.dimRoundingMode = r;
  return p;
}

function convId(kernel: string, shapes: Record<string, readonly number[]>, p: Conv2DParams | DepthwiseParams): string {
  const s = Object.entries(shapes).map(([k, v]) => `${k}=${fmtShape(v)}`).join(' ');
  const r = p.dimRoundingMode ? ` r=${p.dimRoundingMode}` : '';
  return `${kernel} ${s} s=${fmtShape(p.strides)} p=${formatPadding(p.pad)} d=${fmtShape(p.dilations)}${r} fmt=${p.dataFormat ?? 'NHWC'}`;
}

function poolParams(kernel: string, a: Attrs): PoolParams {
  const p: PoolParams = { filterSize: pairOf(kernel, 'filterSize', a.filterSize), strides: pairOf(kernel, 'strides', a.strides), pad: padOf(kernel, a) };
  const r = roundingOf(kernel, a);
  if (r) p.dimRoundingMode = r;
  return p;
}

const poolId = (kernel: string, x: Tensor64, p: PoolParams) =>
  `${kernel} x=${fmtShape(x.shape)} k=${fmtShape(p.filterSize)} s=${fmtShape(p.strides)} p=${formatPadding(p.pad)}${p.dimRoundingMode ? ` r=${p.dimRoundingMode}` : ''} ${poolValueTag(x)}`;

function depthwiseParams(kernel: string, a: Attrs, dataFormat: DataFormat): DepthwiseParams {
  const p: DepthwiseParams = { strides: pairOf(kernel, 'strides', a.strides), pad: padOf(kernel, a), dilations: dilationsOf(kernel, a), dataFormat };
  const r = roundingOf(kernel, a);
  if (r) p.dimRoundingMode = r;
  return p;
}

/** The fused specs' activation part of the params. */
function fusedAct(kernel: string, a: Attrs, inputs: Inputs, channels: number) {
  return {
    activation: activationOf(kernel, a),
    bias: formOf(inputs.bias, channels),
    prelu: formOf(inputs.preluActivationWeights, channels),
    leakyreluAlpha: leakyAlphaOf(a),
  };
}

const fusedId = (base: string, act: ReturnType<typeof fusedAct>, inputs: Inputs) =>
  `${base} bias=${inputs.bias ? fmtShape(inputs.bias.shape) : 'none'} act=${act.activation}${act.activation === 'leakyrelu' ? `(${act.leakyreluAlpha})` : ''}${act.activation === 'prelu' && inputs.preluActivationWeights ? fmtShape(inputs.preluActivationWeights.shape) : ''}`;

// ---- the activation kernels ----

/** An element-wise activation call: f and its alpha per element (exact inputs: error 0). */
export interface ActivationParams {
  activation: Activation;
  alpha: Float64Array | number;
}

const byReadme = <P>(known: readonly KnownDiscrepancy<P>[], readme: number) => known.find((k) => k.readme === readme)!;
const relu14 = byReadme(feedForwardSpec.known, 14);
const relu21 = feedForwardSpec.known.filter((k) => k.readme === 21);
const clamp37 = byReadme(FUSED_MATMUL_KNOWN, 37);
const prelu38 = byReadme(FUSED_MATMUL_KNOWN, 38);
const holds = (t: Tensor64 | undefined, pred: (v: number) => boolean) => t !== undefined && t.data.some(pred);

/**
 * The README's discrepancies of the activation kernels themselves (found through
 * feedForward and the fused specs, whose notes these are): wasm Relu and a NaN
 * (#14), webgl's packed Relu and -Inf (#21), wasm Relu6 and a NaN (#37),
 * tfjs-node's Prelu and +Inf (#38), each as a class of one kernel's calls.
 * #14 takes any NaN: the recorded float64 copies need not keep a NaN's sign bit.
 */
const ACTIVATION_KNOWN: readonly KnownDiscrepancy<ActivationParams>[] = [
  { ...relu14, when: (c) => c.params.activation === 'relu' && holds(c.inputs.x, Number.isNaN) },
  ...relu21.map((k) => ({ ...k, when: (c: OpCase<ActivationParams>) => c.params.activation === 'relu' && holds(c.inputs.x, (v) => v === -Infinity) })),
  { ...clamp37, when: (c) => c.params.activation === 'relu6' && holds(c.inputs.x, Number.isNaN) },
  { ...prelu38, when: (c, expected) => c.params.activation === 'prelu' && holds(expected, (v) => v === Infinity) },
];

function activationPlan(call: CallToJudge, activation: Activation, alpha: (x: Tensor64) => Float64Array | number): Plan<ActivationParams> {
  const x = need(call.kernel, call.inputs, 'x');
  const params = { activation, alpha: alpha(x) };
  const tag = typeof params.alpha === 'number' && activation === 'leakyrelu' ? `(${params.alpha})` : '';
  const c = kase(`${call.kernel} x=${fmtShape(x.shape)} act=${activation}${tag}`, params, present(call.inputs));
  const y = activationEV(input(x), activation, params.alpha);
  return { spec: 'activation', check: 'forward', strictZeroSign: false, known: ACTIVATION_KNOWN, case: c, expected: { value: { shape: y.shape, data: y.v }, bound: y.e }, got: outputOf(call) };
}

/** Prelu's alpha broadcast against x (NumPy rules, as the kernel takes it), one weight per element of x. */
function preluAlpha(call: CallToJudge, x: Tensor64): Float64Array {
  const alpha = need(call.kernel, call.inputs, 'alpha');
  const { shape, bIdx } = broadcastIndex('prelu', x.shape, alpha.shape);
  if (sizeOf(shape) !== x.data.length) throw new KernelJudgeError(call.kernel, 'input alpha', alpha.shape, `a shape that broadcasts to x [${x.shape.join(',')}]`);
  return Float64Array.from(bIdx, (i) => alpha.data[i]);
}

// ---- every judged kernel ----

type Planner = (call: CallToJudge) => Plan<unknown>;

const PLANNERS: Record<string, Planner> = {
  Conv2D(call) {
    const { kernel, attrs: a, inputs } = call;
    const x = need(kernel, inputs, 'x');
    const filter = need(kernel, inputs, 'filter');
    const p = convParams(kernel, a, dilationsOf(kernel, a));
    return forwardPlan(conv2dSpec, kase(convId(kernel, { x: x.shape, f: filter.shape }, p), p, { x, filter }), outputOf(call)) as Plan<unknown>;
  },

  // NHWC: conv2dTranspose's forward is this kernel (dy -> x, inputShape -> outputShape), and its known list is the kernel's own (#15, #46, #25).
  // NCHW: conv2dTranspose takes NHWC only; conv2d's input gradient takes the layout (and its known list #45).
  Conv2DBackpropInput(call) {
    const { kernel, attrs: a, inputs } = call;
    const dy = need(kernel, inputs, 'dy');
    const filter = need(kernel, inputs, 'filter');
    const inputShape = shapeAttr(kernel, a, 'inputShape');
    const p = convParams(kernel, a, [1, 1]);
    const id = convId(kernel, { dy: dy.shape, f: filter.shape, in: inputShape }, p);
    if (p.dataFormat !== 'NCHW') {
      const tp: Conv2DTransposeParams = { outputShape: inputShape, strides: p.strides, pad: p.pad };
      if (p.dimRoundingMode) tp.dimRoundingMode = p.dimRoundingMode;
      return forwardPlan(conv2dTransposeSpec, kase(id, tp, { x: dy, filter }), outputOf(call)) as Plan<unknown>;
    }
    return gradPlan(conv2dSpec, 'x', kase(id, p, { x: shapeOnly(inputShape), filter }), dy, outputOf(call)) as Plan<unknown>;
  },

  Conv2DBackpropFilter(call) {
    const { kernel, attrs: a, inputs } = call;
    const x = need(kernel, inputs, 'x');
    const dy = need(kernel, inputs, 'dy');
    const filterShape = shapeAttr(kernel, a, 'filterShape');
    const p = convParams(kernel, a, [1, 1]);
    const c = kase(convId(kernel, { x: x.shape, dy: dy.shape, f: filterShape }, p), p, { x, filter: shapeOnly(filterShape) });
    return gradPlan(conv2dSpec, 'filter', c, dy, outputOf(call)) as Plan<unknown>;
  },

  MaxPool(call) {
    const x = need(call.kernel, call.inputs, 'x');
    const p = poolParams(call.kernel, call.attrs);
    return forwardPlan(maxPoolSpec, kase(poolId(call.kernel, x, p), p, { x }), outputOf(call)) as Plan<unknown>;
  },

  MaxPoolGrad(call) {
    const x = need(call.kernel, call.inputs, 'input');
    const dy = need(call.kernel, call.inputs, 'dy');
    const p = poolParams(call.kernel, call.attrs);
    return gradPlan(maxPoolSpec, 'x', kase(poolId(call.kernel, x, p), p, { x }), dy, outputOf(call)) as Plan<unknown>;
  },

  AvgPool(call) {
    const x = need(call.kernel, call.inputs, 'x');
    const p = poolParams(call.kernel, call.attrs);
    return forwardPlan(avgPoolSpec, kase(poolId(call.kernel, x, p), p, { x }), outputOf(call)) as Plan<unknown>;
  },

  AvgPoolGrad(call) {
    const x = need(call.kernel, call.inputs, 'input');
    const dy = need(call.kernel, call.inputs, 'dy');
    const p = poolParams(call.kernel, call.attrs);
    return gradPlan(avgPoolSpec, 'x', kase(poolId(call.kernel, x, p), p, { x }), dy, outputOf(call)) as Plan<unknown>;
  },

  // The spec compares the values and the indexes as one tensor [2, ...outShape]: the call's two outputs are stacked the same way.
  MaxPoolWithArgmax(call) {
    const { kernel, attrs: a } = call;
    const x = need(kernel, call.inputs, 'x');
    const pad = a.pad;
    if (pad !== 'valid' && pad !== 'same' && typeof pad !== 'number') throw new KernelJudgeError(kernel, 'pad', pad, "'valid', 'same' or a number");
    const p: MaxPoolWithArgmaxParams = { filterSize: pairOf(kernel, 'filterSize', a.filterSize), strides: pairOf(kernel, 'strides', a.strides), pad, includeBatchInIndex: Boolean(a.includeBatchInIndex) };
    if (call.outputs.length !== 2) throw new KernelJudgeError(kernel, 'outputs', call.outputs.length, 'two outputs (values, indexes)');
    const [values, indexes] = call.outputs;
    const id = `${kernel} x=${fmtShape(x.shape)} k=${fmtShape(p.filterSize)} s=${fmtShape(p.strides)} p=${formatPadding(pad)} batchIndex=${p.includeBatchInIndex}`;
    const plan = forwardPlan(maxPoolWithArgmaxSpec, kase(id, p, { x }), values);
    if (values.shape.join() !== indexes.shape.join()) return { ...plan, gotMismatch: `values [${values.shape.join(',')}] and indexes [${indexes.shape.join(',')}] differ in shape` } as Plan<unknown>;
    const data = new Float64Array(2 * values.data.length);
    data.set(values.data, 0);
    data.set(indexes.data, values.data.length);
    return { ...plan, got: { shape: [2, ...values.shape], data } } as Plan<unknown>;
  },

  // NOTE: the call carries no dtypes: an int32 product is judged with the float32 bound (exact results pass it).
  BatchMatMul(call) {
    const aT = need(call.kernel, call.inputs, 'a');
    const b = need(call.kernel, call.inputs, 'b');
    const p: MatMulParams = { transposeA: Boolean(call.attrs.transposeA), transposeB: Boolean(call.attrs.transposeB), dtype: 'float32' };
    const id = `${call.kernel} a=${fmtShape(aT.shape)} b=${fmtShape(b.shape)} tA=${p.transposeA} tB=${p.transposeB}`;
    return forwardPlan(matMulSpec, kase(id, p, { a: aT, b }), outputOf(call)) as Plan<unknown>;
  },

  Softmax(call) {
    const logits = need(call.kernel, call.inputs, 'logits');
    const dim = call.attrs.dim;
    if (dim !== -1 && dim !== logits.shape.length - 1) throw new KernelJudgeError(call.kernel, 'dim', dim, `the last axis (-1 or ${logits.shape.length - 1})`);
    const p: SoftmaxParams = { kind: hasMaskedRow(logits) ? 'masked' : logits.data.includes(-Infinity) ? 'neginf' : 'rand' };
    // NOTE: ' nonfinite' marks a NaN or Inf in the logits, as the spec's own non-finite cases are marked (webgpu #18 reads it).
    const id = `${call.kernel} x=${fmtShape(logits.shape)} dim=${dim}${hasNonFinite(logits) ? ' nonfinite' : ''}`;
    return forwardPlan(softmaxSpec, kase(id, p, { logits }), outputOf(call)) as Plan<unknown>;
  },

  Relu: (call) => activationPlan(call, 'relu', () => 0) as Plan<unknown>,
  Relu6: (call) => activationPlan(call, 'relu6', () => 0) as Plan<unknown>,
  LeakyRelu: (call) => activationPlan(call, 'leakyrelu', () => (typeof call.attrs.alpha === 'number' ? call.attrs.alpha : LEAKYRELU_ALPHA)) as Plan<unknown>,
  Elu: (call) => activationPlan(call, 'elu', () => 0) as Plan<unknown>,
  Sigmoid: (call) => activationPlan(call, 'sigmoid', () => 0) as Plan<unknown>,
  Prelu: (call) => activationPlan(call, 'prelu', (x) => preluAlpha(call, x)) as Plan<unknown>,

  DepthwiseConv2dNative(call) {
    const { kernel, attrs: a, inputs } = call;
    const x = need(kernel, inputs, 'x');
    const filter = need(kernel, inputs, 'filter');
    const p = depthwiseParams(kernel, a, dataFormatOf(kernel, a));
    return forwardPlan(depthwiseConv2dSpec, kase(convId(kernel, { x: x.shape, f: filter.shape }, p), p, { x, filter }), outputOf(call)) as Plan<unknown>;
  },

  // NOTE: TF.js's depthwise backprop kernels take no dataFormat (they read NHWC).
  DepthwiseConv2dNativeBackpropInput(call) {
    const { kernel, attrs: a, inputs } = call;
    const dy = need(kernel, inputs, 'dy');
    const filter = need(kernel, inputs, 'filter');
    const inputShape = shapeAttr(kernel, a, 'inputShape');
    const p = depthwiseParams(kernel, a, 'NHWC');
    const c = kase(convId(kernel, { dy: dy.shape, f: filter.shape, in: inputShape }, p), p, { x: shapeOnly(inputShape), filter });
    return gradPlan(depthwiseConv2dSpec, 'x', c, dy, outputOf(call)) as Plan<unknown>;
  },

  DepthwiseConv2dNativeBackpropFilter(call) {
    const { kernel, attrs: a, inputs } = call;
    const x = need(kernel, inputs, 'x');
    const dy = need(kernel, inputs, 'dy');
    const filterShape = shapeAttr(kernel, a, 'filterShape');
    const p = depthwiseParams(kernel, a, 'NHWC');
    const c = kase(convId(kernel, { x: x.shape, dy: dy.shape, f: filterShape }, p), p, { x, filter: shapeOnly(filterShape) });
    return gradPlan(depthwiseConv2dSpec, 'filter', c, dy, outputOf(call)) as Plan<unknown>;
  },

  FusedConv2D(call) {
    const { kernel, attrs: a, inputs } = call;
    const x = need(kernel, inputs, 'x');
    const filter = need(kernel, inputs, 'filter');
    const conv = convParams(kernel, a, dilationsOf(kernel, a));
    const act = fusedAct(kernel, a, inputs, filter.shape[3]);
    const p: FusedConv2DParams = { ...conv, ...act };
    const id = fusedId(convId(kernel, { x: x.shape, f: filter.shape }, conv), act, inputs);
    return forwardPlan(fusedConv2dSpec, kase(id, p, present(inputs)), outputOf(call)) as Plan<unknown>;
  },

  FusedDepthwiseConv2D(call) {
    const { kernel, attrs: a, inputs } = call;
    const x = need(kernel, inputs, 'x');
    const filter = need(kernel, inputs, 'filter');
    const conv = convParams(kernel, a, dilationsOf(kernel, a));
    const act = fusedAct(kernel, a, inputs, filter.shape[2] * filter.shape[3]);
    const p: FusedDepthwiseParams = { ...conv, ...act };
    const id = fusedId(convId(kernel, { x: x.shape, f: filter.shape }, conv), act, inputs);
    return forwardPlan(fusedDepthwiseConv2dSpec, kase(id, p, present(inputs)), outputOf(call)) as Plan<unknown>;
  },

  _FusedMatMul(call) {
    const { kernel, attrs: a, inputs } = call;
    const aT = need(kernel, inputs, 'a');
    const b = need(kernel, inputs, 'b');
    const transposeB = Boolean(a.transposeB);
    const n = b.shape.length >= 2 ? b.shape[b.shape.length - (transposeB ? 2 : 1)] : 0;
    const act = fusedAct(kernel, a, inputs, n);
    const p: FusedMatMulParams = { transposeA: Boolean(a.transposeA), transposeB, ...act };
    const id = fusedId(`${kernel} a=${fmtShape(aT.shape)} b=${fmtShape(b.shape)} tA=${p.transposeA} tB=${p.transposeB}`, act, inputs);
    return forwardPlan(fusedMatMulSpec, kase(id, p, present(inputs)), outputOf(call)) as Plan<unknown>;
  },
};

/** The kernel names judgeCall can judge (the reference backend's kernels). */
export const JUDGED_KERNELS: readonly string[] = Object.keys(PLANNERS);

/**
 * The known discrepancy that covers a failing call: the runner's rule (one this
 * machine is known to show first), and an entry the check runner does not run
 * (`skip`: it crashes or corrupts the backend) only where no other matches.
 */
function knownFor<P>(plan: Plan<P>, backend: string): KnownDiscrepancy<P> | undefined {
  const all = plan.known.filter((k) => k.check === plan.check && k.backend === backend && k.when(plan.case, plan.expected.value));
  const ranked = [...all.filter((k) => !k.skip), ...all.filter((k) => k.skip)];
  return ranked.find((k) => !k.skip && (!k.machine || k.machine.shows?.() === true)) ?? ranked[0];
}

/** Where and by how much, as the check summary words a failure. */
function describe(call: CallToJudge, plan: Plan<unknown>, r: ElementwiseResult): string {
  const head = `${call.kernel} on ${call.backend} (${plan.spec} ${plan.check}, ${plan.case.id})`;
  if (r.shapeMismatch) return `${head}: ${r.shapeMismatch}`;
  const w = r.worst!;
  return (
    `${head}: ${r.mismatches} of ${r.elements} elements outside the bound; worst element [${w.index.join(',')}]: ` +
    `expected ${w.expected}, got ${w.got}, |err| ${w.absErr}, bound ${w.bound.toExponential(3)} (err/bound ${fmtRatio(r.errToBound)})`
  );
}

/**
 * Judges one recorded kernel call against the reference on its own inputs;
 * undefined for a kernel without a reference. Throws a KernelJudgeError for an
 * attribute the spec cannot express, and the reference's ArgumentError for a
 * call it rejects.
 */
export function judgeCall(call: CallToJudge): CallJudgement | undefined {
  const planner = Object.prototype.hasOwnProperty.call(PLANNERS, call.kernel) ? PLANNERS[call.kernel] : undefined;
  if (!planner) return undefined;
  const storage = call.storage ?? FLOAT32;
  const plan = withStorage(storage, () => planner(call));
  const n = plan.expected.value.data.length;
  const result: ElementwiseResult = plan.gotMismatch
    ? { ok: false, errToBound: Infinity, maxAbsErr: Infinity, mismatches: n, signedZeroMismatches: 0, elements: n, shapeMismatch: plan.gotMismatch }
    : judgeElements(plan.expected.value, plan.expected.bound, plan.got, plan.strictZeroSign, storage.overflow);
  const base = { spec: plan.spec, check: plan.check, result, expected: plan.expected };
  if (result.ok) return { ...base, status: 'pass' };
  const known = knownFor(plan, call.backend);
  if (!known) return { ...base, status: 'fail', message: describe(call, plan, result) };
  const what = known.kind === 'bug' ? 'bug' : 'semantic difference';
  const notRun = known.skip ? ' (a class `crosscheck check` does not run on this backend)' : '';
  return { ...base, status: 'xfail', known: known.readme, message: `known ${what} #${known.readme}${notRun}: ${known.note}; ${describe(call, plan, result)}` };
}
