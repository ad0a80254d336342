/**
 * Loading the model of `crosscheck model`: a built-in id (its fixture in
 * src/model/fixtures/<id>/model.json) or the path of a TF.js model.json
 * (LayersModel or GraphModel, weights beside it), with tfjs-node's file
 * handler; and reading an `--input` file. Everything a user can get wrong is a
 * UsageError (exit 2) naming the file and what was expected.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { GraphModel, LayersModel, Tensor } from '@tensorflow/tfjs-node';
import { tf } from '../tfjs/tf';
import { UsageError } from '../util/usage';
import './builtins';
import { BUILTIN_MODEL_IDS } from './ids';
import type { RunnableModel } from './execute';

/** The fixtures, from ts-jest (next to this file) and from dist/src/model (the repository's src/model/fixtures). */
export const FIXTURES = __filename.endsWith('.ts') ? path.join(__dirname, 'fixtures') : path.resolve(__dirname, '..', '..', '..', 'src', 'model', 'fixtures');

export interface LoadedModel extends RunnableModel {
  /** The model.json it was loaded from. */
  path: string;
  model: LayersModel | GraphModel;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

/** The model.json of a built-in id or a path; a UsageError when there is no such file. */
export function modelPath(source: string): string {
  if ((BUILTIN_MODEL_IDS as readonly string[]).includes(source)) return path.join(FIXTURES, source, 'model.json');
  const file = path.resolve(source);
  if (!fs.existsSync(file)) throw new UsageError(`model ${source}: no such file (${file}); give a TF.js model.json (weights beside it) or a built-in model: ${BUILTIN_MODEL_IDS.join(', ')}.`);
  if (fs.statSync(file).isDirectory()) {
    const inner = path.join(file, 'model.json');
    if (fs.existsSync(inner)) return inner;
    throw new UsageError(`model ${source}: a directory without model.json; give a TF.js model.json (weights beside it).`);
  }
  return file;
}

interface ModelJson {
  format?: string;
  modelTopology?: { node?: { name: string; op: string }[]; model_config?: unknown; class_name?: string };
  weightsManifest?: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; quantization?: { dtype: string } }[] }[];
}

/** Reads and checks model.json and its weight files before TF.js sees them. */
function readModelJson(file: string): ModelJson {
  let doc: ModelJson;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJson;
  } catch (e) {
    throw new UsageError(`model ${file}: not complete JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); expected a TF.js model.json.`);
  }
  if (!doc || typeof doc !== 'object' || !doc.modelTopology || typeof doc.modelTopology !== 'object') {
    throw new UsageError(`model ${file}: JSON without a modelTopology object; expected a TF.js model.json (format "layers-model" or "graph-model", as model.save() and tensorflowjs_converter write).`);
  }
  for (const group of doc.weightsManifest ?? []) {
    const expected = group.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * (BYTES[w.quantization?.dtype ?? w.dtype] ?? 4), 0);
    const files = group.paths.map((p) => path.join(path.dirname(file), p));
    const missing = files.find((f) => !fs.existsSync(f));
    if (missing) throw new UsageError(`model ${file}: its weights file ${missing} is missing (the manifest lists ${group.paths.join(', ')}).`);
    const actual = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    if (actual !== expected) throw new UsageError(`model ${file}: its weights (${group.paths.join(', ')}) hold ${actual} bytes; the manifest's ${group.weights.length} weights need ${expected}.`);
  }
  return doc;
}

const batchOne = (shape: readonly (number | null)[]) => shape.map((d) => (d === null || d < 0 ? 1 : d));

interface LayerLike {
  name: string;
  getClassName(): string;
  layers?: LayerLike[];
}

/** Loads a built-in model or a model.json on the active backend. */
export async function loadModel(source: string): Promise<LoadedModel> {
  const file = modelPath(source);
  const doc = readModelJson(file);
  const graph = doc.format === 'graph-model' || Array.isArray(doc.modelTopology?.node);
  const id = source;
  const handler = tf.io.fileSystem(file);
  try {
    if (graph) {
      const model = await tf.loadGraphModel(handler);
      const inputShape = batchOne(model.inputs[0].shape ?? []);
      const predict = (x: Tensor) => model.predict(x) as Tensor;
      const probe = tf.tidy(() => predict(tf.zeros(inputShape)));
      const outputShape = probe.shape;
      probe.dispose();
      const layerKinds = new Map((doc.modelTopology?.node ?? []).map((n) => [n.name, n.op] as [string, string]));
      return { id, format: 'graph-model', path: file, inputShape, outputShape, layerKinds, model, predict };
    }
    const model = await tf.loadLayersModel(handler);
    const layerKinds = new Map<string, string>();
    const visit = (l: LayerLike) => (l.layers && l.layers.length > 0 ? l.layers.forEach(visit) : layerKinds.set(l.name, l.getClassName()));
    (model.layers as unknown as LayerLike[]).forEach(visit);
    return {
      id, format: 'layers-model', path: file, inputShape: batchOne(model.inputs[0].shape), outputShape: batchOne(model.outputs[0].shape), layerKinds, model,
      predict: (x: Tensor) => model.predict(x) as Tensor,
    };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`model ${file}: TF.js could not load it as a ${graph ? 'GraphModel' : 'LayersModel'}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}

/**
 * `--input FILE`: JSON, nested arrays or {"shape": [...], "data": [...]}, of
 * exactly `shape`; its values as float32.
 */
export function readInput(file: string, shape: number[]): Float32Array {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`--input ${file}: ${code === 'ENOENT' ? 'no such file' : `not JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`}; expected nested arrays or {"shape": [...], "data": [...]} of shape [${shape.join(',')}].`);
  }
  let got: number[];
  let data: unknown[];
  if (Array.isArray(doc)) {
    got = [];
    for (let level: unknown = doc; Array.isArray(level); level = level[0]) got.push(level.length);
    data = (doc as unknown[]).flat(Infinity);
  } else if (doc && typeof doc === 'object' && Array.isArray((doc as { shape?: unknown }).shape) && Array.isArray((doc as { data?: unknown }).data)) {
    got = (doc as { shape: number[] }).shape;
    data = (doc as { data: unknown[] }).data;
  } else {
    throw new UsageError(`--input ${file}: expected nested arrays or {"shape": [...], "data": [...]} of shape [${shape.join(',')}].`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (got.length !== shape.length || got.some((d, i) => d !== shape[i]) || data.length !== n) {
    throw new UsageError(`--input ${file}: has shape [${got.join(',')}] (${data.length} values); the model's input has shape [${shape.join(',')}] (${n} values).`);
  }
  const bad = data.findIndex((v) => typeof v !== 'number');
  if (bad >= 0) throw new UsageError(`--input ${file}: value ${bad} is ${JSON.stringify(data[bad])}; expected numbers.`);
  return Float32Array.from(data as number[]);
}
