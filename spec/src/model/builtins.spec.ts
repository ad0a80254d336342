/**
 * The built-in models' fixtures (src/model/fixtures, written by
 * scripts/model-fixtures.js) are what src/model/builtins.ts builds, so code and
 * fixtures cannot drift apart; the graph model calls the fused kernels a
 * converted model calls.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '../../../src/tfjs/tf';
import { useBackend } from '../../../src/tfjs/backends';
import { BUILTIN_MODELS, buildLayersModel, graphModelJson } from '../../../src/model/builtins';
import { fixturesDir, loadModel } from '../../../src/model/load';
import { startRecording } from '../../../src/model/record';

describe('the built-in models', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  for (const id of ['cnn', 'transformer'] as const) {
    it(`${id}: the fixture holds the weights builtins.ts draws, and predicts the same`, async () => {
      const built = buildLayersModel(id);
      const loaded = await loadModel(id);
      expect(loaded.format).toBe('layers-model');
      expect(loaded.inputShape).toEqual(BUILTIN_MODELS.find((m) => m.id === id)!.inputShape);
      const a = built.getWeights();
      const b = (loaded.model as tf.LayersModel).getWeights();
      expect(b.map((w) => w.shape)).toEqual(a.map((w) => w.shape));
      a.forEach((w, i) => expect(Array.from(b[i].dataSync())).toEqual(Array.from(w.dataSync())));
      const x = tf.randomUniform(loaded.inputShape, -1, 1, 'float32', 3);
      const y = loaded.predict(x);
      expect(Array.from(y.dataSync())).toEqual(Array.from((built.predict(x) as tf.Tensor).dataSync()));
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    });
  }

  it('mobilenet: the fixture is the JSON and weights graphModelJson writes', () => {
    const { modelJson, weightData } = graphModelJson();
    const dir = path.join(fixturesDir(), 'mobilenet');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(modelJson)));
    expect(fs.readFileSync(path.join(dir, 'group1-shard1of1.bin')).equals(weightData)).toBe(true);
  });

  it('mobilenet: TF.js runs it with the fused kernels (depthwise and pointwise with relu6, matMul with its bias)', async () => {
    const m = await loadModel('mobilenet');
    expect([m.format, m.inputShape, m.outputShape]).toEqual(['graph-model', [1, 16, 16, 8], [1, 10]]);
    const rec = startRecording(tf, 'cpu');
    const y = m.predict(tf.randomUniform(m.inputShape, -1, 1, 'float32', 4));
    rec.stop();
    const fused = rec.calls.filter((c) => ['FusedDepthwiseConv2D', 'FusedConv2D', '_FusedMatMul'].includes(c.kernel)).map((c) => [c.kernel, c.attrs.activation, c.inputs.bias?.shape]);
    expect(fused).toEqual([
      ['FusedDepthwiseConv2D', 'relu6', [8]],
      ['FusedConv2D', 'relu6', [16]],
      ['FusedDepthwiseConv2D', 'relu6', [16]],
      ['FusedConv2D', 'relu6', [32]],
      ['_FusedMatMul', 'linear', [10]],
    ]);
    const p = Array.from(y.dataSync());
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
  });
});
