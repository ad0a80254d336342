/**
 * Loading MODEL for `crosscheck model` (issue 14): a built-in id (its fixture in
 * src/model/fixtures/<id>/) or a TF.js model.json on disk, LayersModel or GraphModel,
 * checked before TF.js reads it so a bad file is a UsageError (exit 2) naming the
 * file and what was expected; and `--input FILE`, a JSON tensor.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '../tfjs/tf';
import type { GraphModel, LayersModel, Tensor } from '@tensorflow/tfjs-node';
import { UsageError } from '../util/usage';
// NOTE: imported for its side effect too: the built-in transformer's custom layers register with tf.serialization.
import './builtins';
import type { RunnableModel } from './execute';
import { BUILTIN_MODEL_IDS } from './ids';

type ModelFormat = RunnableModel['format'];
const builtinIds = (): string[] => [...BUILTIN_MODEL_IDS];

export interface LoadedModel extends RunnableModel {
  /** The built-in id, or MODEL as given. */
  id: string;
  format: ModelFormat;
  /** The model.json read. */
  path: string;
  /** The input shape, a free batch dimension (null or -1) set to 1. */
  inputShape: number[];
  outputShape: number[];
  model: LayersModel | GraphModel;
  /** Layer name -> class name (LayersModel), node name -> op (GraphModel). */
  layerKinds: Map<string, string>;
}

/**
 * The fixtures folder: next to this file under ts-jest (src/model/fixtures); from
 * dist/src/model/ (tsc does not copy the fixtures) the repository's src/model/fixtures.
 */
export function fixturesDir(): string {
  const candidates = [path.join(__dirname, 'fixtures'), path.resolve(__dirname, '..', '..', '..', 'src', 'model', 'fixtures')];
  return candidates.find((d) => fs.existsSync(d)) ?? candidates[1];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

interface ManifestGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string; quantization?: { dtype: string } }[];
}

/** Checks that every weights file of the manifest exists and has the bytes its weights need. */
function checkWeights(file: string, manifest: unknown): void {
  if (manifest === undefined) return;
  if (!Array.isArray(manifest)) throw new UsageError(`'${file}': weightsManifest must be an array of {paths, weights} groups.`);
  const dir = path.dirname(file);
  for (const g of manifest as ManifestGroup[]) {
    if (!g || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new UsageError(`'${file}': each weightsManifest group must have paths and weights arrays.`);
    let have = 0;
    for (const p of g.paths) {
      const wf = path.join(dir, p);
      if (!fs.existsSync(wf) || !fs.statSync(wf).isFile()) throw new UsageError(`'${wf}' not found: the weights file that '${file}' names in weightsManifest.`);
      have += fs.statSync(wf).size;
    }
    let need = 0;
    for (const w of g.weights) {
      const b = BYTES[w.quantization?.dtype ?? w.dtype];
      if (b === undefined) return; // strings and unknown dtypes: TF.js checks those
      need += w.shape.reduce((n, s) => n * s, 1) * b;
    }
    if (have !== need) {
      const names = g.paths.map((p) => `'${path.join(dir, p)}'`).join(', ');
      throw new UsageError(`${names}: ${have} bytes, but the weights '${file}' lists (${g.weights.map((w) => w.name).join(', ')}) need ${need} bytes.`);
    }
  }
}

/** Reads and checks a model.json: JSON, a modelTopology, a known format, its weights present. */
function readModelJson(file: string): { format: ModelFormat; json: Record<string, unknown> } {
  const text = fs.readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`'${file}' is not JSON or is cut short (${(e as Error).message}); expected a TF.js model.json.`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('modelTopology' in json)) {
    throw new UsageError(`'${file}' is JSON but not a TF.js model.json: it has no modelTopology (expected {format, modelTopology, weightsManifest} as model.save or tensorflowjs_converter write it).`);
  }
  const j = json as Record<string, unknown>;
  const topo = j.modelTopology as Record<string, unknown> | null;
  const inferred = topo && typeof topo === 'object' && 'node' in topo ? 'graph-model' : 'layers-model';
  const format = j.format ?? inferred;
  if (format !== 'layers-model' && format !== 'graph-model') {
    throw new UsageError(`'${file}' has format ${JSON.stringify(format)}; expected 'layers-model' or 'graph-model'.`);
  }
  checkWeights(file, j.weightsManifest);
  return { format, json: j };
}

const batch1 = (shape: readonly (number | null)[] | undefined) => (shape ?? []).map((s, i) => (i === 0 && (s === null || s === -1) ? 1 : (s as number)));

/** Loads MODEL: a built-in id (cnn, mobilenet, transformer) or a path to a model.json (a folder holding one is accepted). */
export async function loadModel(source: string): Promise<LoadedModel> {
  const ids = builtinIds();
  let file: string;
  if (ids.includes(source) && !fs.existsSync(source)) {
    file = path.join(fixturesDir(), source, 'model.json');
    if (!fs.existsSync(file)) throw new UsageError(`The fixture of built-in model '${source}' is missing: '${file}' (run \`node scripts/model-fixtures.js\`).`);
  } else {
    file = path.resolve(source);
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'model.json');
    if (!fs.existsSync(file)) {
      throw new UsageError(`No such file: '${source}'. MODEL is a TF.js model.json (LayersModel or GraphModel) or a built-in id: ${ids.join(', ')}.`);
    }
  }
  const { format, json } = readModelJson(file);
  const handler = tf.io.fileSystem(file);
  let model: LayersModel | GraphModel;
  try {
    model = format === 'layers-model' ? await tf.loadLayersModel(handler) : await tf.loadGraphModel(handler);
  } catch (e) {
    throw new UsageError(`'${file}': TF.js could not load this ${format}: ${(e as Error).message}`);
  }
  if (model.inputs.length !== 1) throw new UsageError(`'${file}' has ${model.inputs.length} inputs; crosscheck model takes models with one input.`);
  const inputShape = batch1(model.inputs[0].shape);
  const single = (y: Tensor | Tensor[] | Record<string, Tensor>): Tensor => (y instanceof tf.Tensor ? y : Array.isArray(y) ? y[0] : Object.values(y)[0]);
  const predict = (x: Tensor) => single(model.predict(x) as Tensor | Tensor[] | Record<string, Tensor>);
  let outputShape = batch1(model.outputs[0].shape);
  if (outputShape.length === 0 || outputShape.some((s) => !(s >= 0))) {
    // NOTE: a graph model without output shapes: run zeros once to learn it
    outputShape = tf.tidy(() => predict(tf.zeros(inputShape)).shape);
  }
  const layerKinds = new Map<string, string>();
  if (format === 'layers-model') {
    for (const l of (model as LayersModel).layers) layerKinds.set(l.name, l.getClassName());
  } else {
    const nodes = ((json.modelTopology as { node?: { name: string; op: string }[] }).node ?? []);
    for (const n of nodes) layerKinds.set(n.name, n.op);
  }
  return { id: source, format, path: file, inputShape, outputShape, model, predict, layerKinds };
}

/** Flattens nested arrays of numbers, checking they are rectangular; returns the shape and the values. */
function flatten(file: string, v: unknown): { shape: number[]; data: number[] } {
  const shape: number[] = [];
  for (let a: unknown = v; Array.isArray(a); a = a[0]) shape.push(a.length);
  const data: number[] = [];
  const walk = (a: unknown, d: number, at: string) => {
    if (d === shape.length) {
      if (typeof a !== 'number') throw new UsageError(`'${file}': element ${at || '[]'} is ${JSON.stringify(a)}, not a number.`);
      data.push(a);
      return;
    }
    if (!Array.isArray(a) || a.length !== shape[d]) throw new UsageError(`'${file}': the arrays are not rectangular at ${at || 'the top'} (expected ${shape[d]} entries at depth ${d}).`);
    a.forEach((x, i) => walk(x, d + 1, `${at}[${i}]`));
  };
  walk(v, 0, '');
  return { shape, data };
}

/**
 * Reads `--input FILE`: JSON nested arrays, or {"shape": [...], "data": [...]} with data flat
 * or nested. The shape must be `shape`, or `shape` without its leading 1.
 */
export function readInput(file: string, shape: number[]): Float32Array {
  if (!fs.existsSync(file)) throw new UsageError(`No such file: '${file}' (--input takes a JSON file: nested arrays, or {"shape": [...], "data": [...]}).`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`'${file}' is not JSON or is cut short (${(e as Error).message}); --input takes nested arrays or {"shape": [...], "data": [...]}.`);
  }
  let has: number[];
  let data: number[];
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const o = json as { shape?: unknown; data?: unknown };
    if (!Array.isArray(o.shape) || !o.shape.every((s) => Number.isInteger(s) && s >= 0) || !Array.isArray(o.data)) {
      throw new UsageError(`'${file}': expected {"shape": [integers], "data": [numbers]} or nested arrays.`);
    }
    has = o.shape as number[];
    data = flatten(file, o.data).data;
    const n = has.reduce((p, s) => p * s, 1);
    if (data.length !== n) throw new UsageError(`'${file}': shape [${has.join(',')}] needs ${n} values, data has ${data.length}.`);
  } else if (Array.isArray(json)) {
    ({ shape: has, data } = flatten(file, json));
  } else {
    throw new UsageError(`'${file}': expected nested arrays or {"shape": [...], "data": [...]}, got ${JSON.stringify(json)}.`);
  }
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((s, i) => s === b[i]);
  if (!same(has, shape) && !(shape[0] === 1 && same(has, shape.slice(1)))) {
    throw new UsageError(`'${file}' holds a tensor of shape [${has.join(',')}]; the model expects [${shape.join(',')}].`);
  }
  return Float32Array.from(data);
}
