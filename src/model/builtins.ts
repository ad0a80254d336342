/**
 * The built-in models of `crosscheck model`, defined here and saved as fixtures
 * in src/model/fixtures/<id>/ (model.json + weights) by
 * `node scripts/model-fixtures.js`; the suite loads the fixtures, as it loads a
 * user's model.json. Weights are drawn from the seeded Rng (src/util/random.ts),
 * uniform in [-a, a] with a = 1/sqrt(fan-in) for kernels and 0.1 for biases, so
 * that activations stay O(1) and the fixtures are the same on every machine.
 *
 * - `cnn` (LayersModel): the notes' CNN, conv2d -> relu -> maxPool twice, then
 *   dense -> softmax (tfjs-layers runs FusedConv2D with relu, MaxPool,
 *   _FusedMatMul and Softmax).
 * - `mobilenet` (GraphModel): a MobileNet-style pair of blocks, depthwise 3x3 +
 *   pointwise 1x1 with relu6, as tfjs-converter writes a converted Keras model:
 *   the BiasAdd and Relu6 folded into FusedDepthwiseConv2dNative and
 *   _FusedConv2D nodes (kernels FusedDepthwiseConv2D and FusedConv2D), a Mean,
 *   a _FusedMatMul with its bias and a Softmax. Python's converter
 *   (tensorflowjs) cannot be installed here (no network for pip), so
 *   `graphModelJson` writes the JSON the converter writes for such a model:
 *   the same ops, attribute names and encodings (strings in base64, integer
 *   lists as strings), read by tfjs-converter's own op mappers.
 * - `transformer` (LayersModel): the notes' transformer block: sinusoidal
 *   positional encoding -> multi-head self-attention with a causal mask (4
 *   heads, scaled dot products, the mask added to the scores as -1e9 as Keras
 *   does) -> residual -> feed-forward (dense relu, dense) -> residual. The two
 *   custom layers are registered with tf.serialization when this file loads.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs-node';
import { positionalEncoding } from '../../reference/PositionalEncoding';
import { tf } from '../tfjs/tf';
import { Rng, hashSeed } from '../util/random';
import { BUILTIN_MODEL_IDS } from './ids';

export interface BuiltinModel {
  id: (typeof BUILTIN_MODEL_IDS)[number];
  format: 'layers-model' | 'graph-model';
  description: string;
  /** The input a run feeds it (batch 1). */
  inputShape: number[];
}

export const BUILTIN_MODELS: readonly BuiltinModel[] = [
  { id: 'cnn', format: 'layers-model', inputShape: [1, 16, 16, 3], description: "the notes' CNN: conv2d -> relu -> maxPool, twice, -> dense -> softmax (tfjs-layers)" },
  { id: 'mobilenet', format: 'graph-model', inputShape: [1, 16, 16, 8], description: 'two MobileNet blocks (depthwise 3x3 + pointwise 1x1, relu6) -> mean -> dense -> softmax, as tfjs-converter writes them (fused kernels)' },
  { id: 'transformer', format: 'layers-model', inputShape: [1, 16, 32], description: "the notes' transformer block: positional encoding -> 4-head causal self-attention -> residual -> feed-forward -> residual (tfjs-layers, custom layers)" },
];

const SEED = 1;

/** Uniform [-a, a) values for one weight, from its own stream. */
function draw(model: string, name: string, n: number, a: number): Float32Array {
  return Float32Array.from(new Rng(hashSeed(SEED, `${model}/${name}`)).uniform(n, -a, a));
}

/** a for a weight: 1/sqrt(fan-in) for a kernel (every dimension but the last), 0.1 for a bias. */
function scale(shape: readonly number[]): number {
  if (shape.length <= 1) return 0.1;
  return 1 / Math.sqrt(shape.slice(0, -1).reduce((x, y) => x * y, 1));
}

/** Sets every weight of a layers model from the seeded streams. */
function setWeights(model: LayersModel, id: string): void {
  for (const layer of model.layers) {
    const ws = layer.weights;
    if (ws.length === 0) continue;
    layer.setWeights(ws.map((w) => {
      const shape = w.shape as number[];
      return tf.tensor(draw(id, w.originalName, shape.reduce((x, y) => x * y, 1), scale(shape)), shape);
    }));
  }
}

/** x + the notes' sinusoidal positional encoding of its [n, d] (reference/PositionalEncoding.ts), as a float32 constant. */
export class PositionalEncoding extends tf.layers.Layer {
  static className = 'CrosscheckPositionalEncoding';

  override computeOutputShape(shape: number[]): number[] {
    return shape;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [n, d] = x.shape.slice(-2);
    const pe = positionalEncoding(n, d, 'sinusoidal');
    return tf.add(x, tf.tensor(Float32Array.from(pe.data), [n, d]));
  }
}

/** The additive causal mask: 0 where position t may see position s (s <= t), -1e9 beyond (Keras's large negative). */
function causalMask(n: number): Float32Array {
  const m = new Float32Array(n * n);
  for (let t = 0; t < n; t++) for (let s = t + 1; s < n; s++) m[t * n + s] = -1e9;
  return m;
}

interface AttentionConfig {
  heads: number;
  name?: string;
}

/**
 * Multi-head self-attention with a causal mask (notes, parts 2a-2b):
 * q, k, v = x Wq, x Wk, x Wv split into `heads` heads of d/heads, each
 * softmax(q k^T / sqrt(d_k) + mask) v, the heads joined and projected by Wo.
 */
export class CausalSelfAttention extends tf.layers.Layer {
  static className = 'CrosscheckCausalSelfAttention';
  readonly heads: number;
  private w: { read(): Tensor }[] = [];

  constructor(config: AttentionConfig) {
    super(config);
    this.heads = config.heads;
  }

  override build(shape: number[] | number[][]): void {
    const d = (shape as number[])[(shape as number[]).length - 1];
    this.w = ['wq', 'wk', 'wv', 'wo'].map((name) => this.addWeight(name, [d, d], 'float32', tf.initializers.zeros()));
    this.built = true;
  }

  override computeOutputShape(shape: number[]): number[] {
    return shape;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [b, n, d] = x.shape;
    const h = this.heads;
    const dk = d / h;
    const [wq, wk, wv, wo] = this.w.map((w) => w.read());
    const x2 = tf.reshape(x, [b * n, d]);
    const heads = (w: Tensor) => tf.transpose(tf.reshape(tf.matMul(x2, w), [b, n, h, dk]), [0, 2, 1, 3]);
    const scores = tf.add(tf.mul(tf.matMul(heads(wq), heads(wk), false, true), tf.scalar(1 / Math.sqrt(dk))), tf.tensor(causalMask(n), [n, n]));
    const a = tf.matMul(tf.softmax(scores), heads(wv));
    return tf.reshape(tf.matMul(tf.reshape(tf.transpose(a, [0, 2, 1, 3]), [b * n, d]), wo), [b, n, d]);
  }

  override getConfig() {
    return { ...super.getConfig(), heads: this.heads };
  }
}

tf.serialization.registerClass(PositionalEncoding);
tf.serialization.registerClass(CausalSelfAttention);

function cnn(): LayersModel {
  return tf.sequential({
    name: 'cnn',
    layers: [
      tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'dense' }),
    ],
  });
}

function transformer(): LayersModel {
  const input = tf.input({ shape: [16, 32], name: 'tokens' });
  const pe = new PositionalEncoding({ name: 'positional_encoding' }).apply(input) as never;
  const att = new CausalSelfAttention({ heads: 4, name: 'self_attention' }).apply(pe) as never;
  const res1 = tf.layers.add({ name: 'residual_1' }).apply([pe, att]) as never;
  const ff1 = tf.layers.dense({ units: 64, activation: 'relu', name: 'ffn_1' }).apply(res1) as never;
  const ff2 = tf.layers.dense({ units: 32, name: 'ffn_2' }).apply(ff1) as never;
  const out = tf.layers.add({ name: 'residual_2' }).apply([res1, ff2]) as never;
  return tf.model({ inputs: input, outputs: out, name: 'transformer' });
}

/** A built-in layers model with its seeded weights (what its fixture holds). */
export function buildLayersModel(id: 'cnn' | 'transformer'): LayersModel {
  const m = id === 'cnn' ? cnn() : transformer();
  setWeights(m, id);
  return m;
}

/* ---- the graph model, as tfjs-converter writes it ---- */

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (xs: readonly number[]) => ({ list: { i: xs.map(String) } });
const dims = (shape: readonly number[]) => ({ dim: shape.map((s) => ({ size: String(s) })) });

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

interface Weight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

function constNode(w: Weight): GraphNode {
  const dtype = w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
  return { name: w.name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dims(w.shape) } }, dtype: { type: dtype } } };
}

/** A converter-style conv node: FusedDepthwiseConv2dNative or _FusedConv2D with BiasAdd and Relu6 folded in. */
function fusedConv(name: string, op: string, input: string, filter: string, bias: string, stride: number): GraphNode {
  const attr: Record<string, unknown> = {
    T: { type: 'DT_FLOAT' }, strides: ints([1, stride, stride, 1]), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') },
    dilations: ints([1, 1, 1, 1]), explicit_paddings: { list: {} }, fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu6')] } }, num_args: { i: '1' },
  };
  if (op === '_FusedConv2D') Object.assign(attr, { use_cudnn_on_gpu: { b: true }, epsilon: { f: 0 }, leakyrelu_alpha: { f: 0.2 } });
  return { name, op, input: [input, filter, bias], attr };
}

/**
 * The `mobilenet` fixture: model.json's content (format graph-model) and the
 * weights' bytes. Block 1: depthwise 3x3 stride 1 on 8 channels, pointwise to
 * 16; block 2: depthwise 3x3 stride 2, pointwise to 32; mean over the image;
 * dense to 10 with its bias; softmax.
 */
export function graphModelJson(): { modelJson: Record<string, unknown>; weightData: Buffer } {
  const id = 'mobilenet';
  const w = (name: string, shape: number[]): Weight => ({ name, shape, dtype: 'float32', data: draw(id, name, shape.reduce((x, y) => x * y, 1), scale(shape.length === 4 && shape[3] === 1 ? [shape[0], shape[1], 1] : shape)) });
  const weights: Weight[] = [
    w('block1_dw/depthwise_kernel', [3, 3, 8, 1]), w('block1_dw/bias', [8]),
    w('block1_pw/kernel', [1, 1, 8, 16]), w('block1_pw/bias', [16]),
    w('block2_dw/depthwise_kernel', [3, 3, 16, 1]), w('block2_dw/bias', [16]),
    w('block2_pw/kernel', [1, 1, 16, 32]), w('block2_pw/bias', [32]),
    w('logits/kernel', [32, 10]), w('logits/bias', [10]),
    { name: 'pool/reduction_indices', shape: [2], dtype: 'int32', data: Int32Array.from([1, 2]) },
  ];
  const nodes: GraphNode[] = [
    { name: 'input', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 16, 16, 8]) } } },
    ...weights.map(constNode),
    fusedConv('block1_dw', 'FusedDepthwiseConv2dNative', 'input', 'block1_dw/depthwise_kernel', 'block1_dw/bias', 1),
    fusedConv('block1_pw', '_FusedConv2D', 'block1_dw', 'block1_pw/kernel', 'block1_pw/bias', 1),
    fusedConv('block2_dw', 'FusedDepthwiseConv2dNative', 'block1_pw', 'block2_dw/depthwise_kernel', 'block2_dw/bias', 2),
    fusedConv('block2_pw', '_FusedConv2D', 'block2_dw', 'block2_pw/kernel', 'block2_pw/bias', 1),
    { name: 'pool', op: 'Mean', input: ['block2_pw', 'pool/reduction_indices'], attr: { T: { type: 'DT_FLOAT' }, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } } },
    {
      name: 'logits', op: '_FusedMatMul', input: ['pool', 'logits/kernel', 'logits/bias'],
      attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false }, fused_ops: { list: { s: [b64('BiasAdd')] } }, num_args: { i: '1' }, epsilon: { f: 0 }, leakyrelu_alpha: { f: 0.2 } },
    },
    { name: 'predictions', op: 'Softmax', input: ['logits'], attr: { T: { type: 'DT_FLOAT' } } },
    { name: 'Identity', op: 'Identity', input: ['predictions'], attr: { T: { type: 'DT_FLOAT' } } },
  ];
  const weightData = Buffer.concat(weights.map((x) => Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength)));
  const modelJson = {
    format: 'graph-model',
    generatedBy: '2.21.0',
    convertedBy: 'tfjs-crosscheck scripts/model-fixtures.js (written as TensorFlow.js Converter v4.22.0 writes a graph model)',
    signature: {
      inputs: { input: { name: 'input:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 16, 16, 8]) } },
      outputs: { Identity: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 10]) } },
    },
    modelTopology: { node: nodes, library: {}, versions: { producer: 1882 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map((x) => ({ name: x.name, shape: x.shape, dtype: x.dtype })) }],
  };
  return { modelJson, weightData };
}
