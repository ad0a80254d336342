/**
 * loadModel and readInput (src/model/load.ts): a user's model saved with
 * model.save('file://...') loads by path; every bad MODEL or --input file is a
 * UsageError whose message names the file and what was expected.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tf } from '../../../src/tfjs/tf';
import { loadModel, readInput } from '../../../src/model/load';
import { UsageError } from '../../../src/util/usage';

let tmp = '';
let saved = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-load-'));
  saved = path.join(tmp, 'user');
  const m = tf.sequential({ layers: [tf.layers.dense({ name: 'hidden', inputShape: [5], units: 4, activation: 'tanh' }), tf.layers.dense({ name: 'out', units: 3 })] });
  await m.save(`file://${saved}`);
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the saved model in its own folder, with model.json and weights.bin changed by `edit`. */
function variant(name: string, edit: (json: string, weights: Buffer) => { json?: string; weights?: Buffer | null }): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const out = edit(fs.readFileSync(path.join(saved, 'model.json'), 'utf8'), fs.readFileSync(path.join(saved, 'weights.bin')));
  const file = path.join(dir, 'model.json');
  if (out.json !== undefined) fs.writeFileSync(file, out.json);
  if (out.weights !== null) fs.writeFileSync(path.join(dir, 'weights.bin'), out.weights ?? fs.readFileSync(path.join(saved, 'weights.bin')));
  return file;
}

async function usageError(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

describe('loadModel', () => {
  it('loads a user LayersModel saved with model.save by absolute path, relative path and folder', async () => {
    const file = path.join(saved, 'model.json');
    for (const source of [file, path.relative(process.cwd(), file), saved]) {
      const m = await loadModel(source);
      expect([m.id, m.format, m.path, m.inputShape, m.outputShape]).toEqual([source, 'layers-model', file, [1, 5], [1, 3]]);
      expect([...m.layerKinds]).toEqual([['hidden', 'Dense'], ['out', 'Dense']]);
      expect(m.predict(tf.ones([1, 5])).shape).toEqual([1, 3]);
    }
  });

  it('lists the built-in ids when MODEL is neither a file nor an id', async () => {
    expect(await usageError(loadModel('no/such/model.json'))).toMatch(/^No such file: 'no\/such\/model\.json'\. MODEL is a TF\.js model\.json .* built-in id: cnn, mobilenet, transformer\.$/);
  });

  const cases: [string, (j: string, w: Buffer) => { json?: string; weights?: Buffer | null }, RegExp, 'json' | 'weights'][] = [
    ['not JSON', () => ({ json: 'conv1: 3x3' }), /is not JSON or is cut short \(.*\); expected a TF\.js model\.json\./, 'json'],
    ['cut short', (j) => ({ json: j.slice(0, j.length / 2) }), /is not JSON or is cut short/, 'json'],
    ['JSON without modelTopology', () => ({ json: '{"weights": [1, 2]}' }), /is JSON but not a TF\.js model\.json: it has no modelTopology/, 'json'],
    ['an unknown format', (j) => ({ json: JSON.stringify({ ...JSON.parse(j), format: 'onnx' }) }), /has format "onnx"; expected 'layers-model' or 'graph-model'\./, 'json'],
    ['a missing weights file', () => ({ weights: null }), /weights\.bin' not found: the weights file that '.*model\.json' names in weightsManifest\./, 'weights'],
    // 156 bytes = (5x4 + 4 + 4x3 + 3) float32
    ['a weights file cut short', (_, w) => ({ weights: w.subarray(0, w.length - 8) }), /: 148 bytes, but the weights '.*model\.json' lists \(hidden\/kernel, hidden\/bias, out\/kernel, out\/bias\) need 156 bytes\./, 'weights'],
    ['a layer class TF.js does not know', (j) => ({ json: j.replace('"class_name":"Dense"', '"class_name":"NoSuchLayer"') }), /: TF\.js could not load this layers-model: Unknown layer: NoSuchLayer/, 'json'],
  ];
  it.each(cases)('rejects %s with a UsageError naming the file', async (name, edit, message, names) => {
    const file = variant(name.replace(/ /g, '-'), (j, w) => ({ json: j, ...edit(j, w) }));
    const msg = await usageError(loadModel(file));
    expect(msg).toMatch(message);
    expect(msg).toContain(names === 'json' ? `'${file}'` : `'${path.join(path.dirname(file), 'weights.bin')}'`);
  });
});

describe('readInput', () => {
  const write = (name: string, text: string) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, text);
    return f;
  };

  it('reads nested arrays, {shape, data} (flat or nested) and a shape without its leading 1', () => {
    const want = [1, 2, 3, 4, 5, 6];
    expect(Array.from(readInput(write('nested.json', '[[[1, 2, 3], [4, 5, 6]]]'), [1, 2, 3]))).toEqual(want);
    expect(Array.from(readInput(write('flat.json', '{"shape": [1, 2, 3], "data": [1, 2, 3, 4, 5, 6]}'), [1, 2, 3]))).toEqual(want);
    expect(Array.from(readInput(write('shaped.json', '{"shape": [2, 3], "data": [[1, 2, 3], [4, 5, 6]]}'), [1, 2, 3]))).toEqual(want);
    expect(Array.from(readInput(write('nobatch.json', '[[1, 2, 3], [4, 5, 6]]'), [1, 2, 3]))).toEqual(want);
  });

  it.each([
    ['a wrong shape', '[[1, 2], [3, 4], [5, 6]]', /holds a tensor of shape \[3,2\]; the model expects \[1,2,3\]\./],
    ['a shape that does not match its data', '{"shape": [1, 2, 3], "data": [1, 2, 3]}', /shape \[1,2,3\] needs 6 values, data has 3\./],
    ['a string', '[[1, 2, "3"], [4, 5, 6]]', /element \[0\]\[2\] is "3", not a number\./],
    ['null', '[[1, 2, 3], [4, null, 6]]', /element \[1\]\[1\] is null, not a number\./],
    ['ragged arrays', '[[1, 2, 3], [4, 5]]', /the arrays are not rectangular at \[1\]/],
    ['not JSON', '[[1, 2, 3], [4, 5', /is not JSON or is cut short/],
  ])('rejects %s with a UsageError naming the file', async (name, text, message) => {
    const f = write(`${name.replace(/ /g, '-')}.json`, text);
    const msg = await usageError(() => readInput(f, [1, 2, 3]));
    expect(msg).toMatch(message);
    expect(msg).toContain(`'${f}'`);
  });

  it('rejects a missing file', async () => {
    expect(await usageError(() => readInput('no-such-input.json', [1, 2]))).toMatch(/^No such file: 'no-such-input\.json' \(--input takes a JSON file/);
  });
});
