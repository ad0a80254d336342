/**
 * `crosscheck model` end to end (issue 14's acceptance): the built-in models on
 * every Node backend name no kernel; a fault planted in one cpu kernel is named
 * as the first breaking call, with every earlier layer within its bound and no
 * later healthy kernel blamed; a user's model.json works; bad input exits 2;
 * the replay file reruns the breaking call alone.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runModel, modelExitCode } from '../../../src/model/command';
import type { ModelFile } from '../../../src/model/types';
import { BACKENDS } from '../../../src/tfjs/backendIds';
import { chromiumPath } from '../../../src/tfjs/browser';
import { crosscheck, ROOT } from '../../helpers/cli';

const FAULTS = path.join(ROOT, 'spec', 'faults');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-model-'));

const run = (model: string, extra: Partial<Parameters<typeof runModel>[0]> = {}) =>
  runModel({ model, backends: ['cpu'], seed: 1, train: false, force: false, register: [], replayDir: tmp, ...extra });

/** The records of calls before the first break, and the first break's own call. */
function beforeBreak(file: ModelFile, backend = 'cpu') {
  const r = file.runs.find((x) => x.backend === backend)!;
  const first = r.firstBreak!;
  const records = file.results.filter((x) => x.backend === backend);
  return { first, earlier: records.filter((x) => x.callIndex < first.callIndex), all: records };
}

describe('crosscheck model: the built-in models', () => {
  for (const id of ['cnn', 'mobilenet', 'transformer']) {
    it(`${id}: no kernel call beyond its bound on ${BACKENDS.join(', ')}, recording changes nothing, under 60 s a backend`, async () => {
      const file = await run(id, { backends: [...BACKENDS], train: true });
      for (const r of file.runs) {
        expect({ backend: r.backend, error: r.error, firstBreak: r.firstBreak?.kernel }).toEqual({ backend: r.backend, error: undefined, firstBreak: undefined });
        expect(r.recordingIdentical).toBe(true);
        expect(r.seconds).toBeLessThan(60);
        expect(r.layers.length).toBeGreaterThan(2);
        // the end-to-end output is close to the reference run's (float32 through a few layers)
        expect(r.endToEnd.maxRelErr).toBeLessThan(1e-3);
      }
      const bad = file.results.filter((x) => x.status === 'fail' || x.status === 'error');
      expect(bad.map((x) => `${x.backend} ${x.case} ${x.kernel}: ${x.message}`)).toEqual([]);
      // the kernels of the seed's ops were judged against their bound, not just replayed
      expect(file.results.filter((x) => x.judged === 'bound').length).toBeGreaterThan(5);
      expect(modelExitCode(file)).toBe(0);
    });
  }
});

const CHROMIUM = chromiumPath();
const maybe = CHROMIUM ? describe : describe.skip;

maybe(`crosscheck model: the browser backends${CHROMIUM ? '' : " (skipped: no Chromium; .ci/run installs Debian's chromium)"}`, () => {
  it('mobilenet (graph model, fused kernels) on webgl and webgpu: no call beyond its bound, every fused kernel ran GPU programs', async () => {
    const file = await run('mobilenet', { backends: ['webgl', 'webgpu'] });
    for (const r of file.runs) {
      expect({ backend: r.backend, error: r.error, firstBreak: r.firstBreak?.kernel }).toEqual({ backend: r.backend, error: undefined, firstBreak: undefined });
      expect(r.recordingIdentical).toBe(true);
      expect(r.browser).toBeDefined();
    }
    const fused = file.results.filter((x) => ['FusedConv2D', 'FusedDepthwiseConv2D', '_FusedMatMul'].includes(x.kernel));
    expect(fused.length).toBeGreaterThanOrEqual(10);
    // the GPU kernel, not TF.js's CPU forwarding, computed each of them
    expect(fused.filter((x) => !(x.gpuPrograms! > 0)).map((x) => `${x.backend} ${x.case}`)).toEqual([]);
    expect(fused.every((x) => x.judged === 'bound' && (x.status === 'pass' || x.status === 'xfail'))).toBe(true);
  });
});

describe('crosscheck model: a planted fault is named, nothing else', () => {
  it('a Softmax without max subtraction (cnn, large logits): the dense layer, after every earlier layer within its bound', async () => {
    // An input 1000x the usual scale drives the logits past exp's float32 range (~88.7).
    const { modelInput } = await import('../../../src/model/run');
    const x = Array.from(modelInput([1, 16, 16, 3], 1), (v) => v * 1000);
    const input = path.join(tmp, 'large.json');
    fs.writeFileSync(input, JSON.stringify({ shape: [1, 16, 16, 3], data: x }));
    const file = await run('cnn', { input, register: [path.join(FAULTS, 'softmax-no-max.js')] });
    const { first, earlier, all } = beforeBreak(file);
    expect([first.layer, first.kernel, first.phase]).toEqual(['dense', 'Softmax', 'forward']);
    expect(earlier.every((x) => x.status === 'pass')).toBe(true);
    expect(earlier.filter((x) => x.judged === 'bound').map((x) => x.kernel)).toEqual(expect.arrayContaining(['FusedConv2D', 'MaxPool', '_FusedMatMul']));
    expect(all.filter((x) => x.status === 'fail').map((x) => x.kernel)).toEqual(['Softmax']);
    expect(modelExitCode(file)).toBe(1);
  });

  it('a FusedConv2D adding its bias along the wrong axis (mobilenet graph model): the first pointwise conv, after the depthwise one', async () => {
    const file = await run('mobilenet', { register: [path.join(FAULTS, 'fused-conv-bias-axis.js')] });
    const { first, earlier, all } = beforeBreak(file);
    expect([first.layer, first.kernel]).toEqual(['block1_pw', 'FusedConv2D']);
    expect(earlier.map((x) => [x.layer, x.kernel, x.status])).toContainEqual(['block1_dw', 'FusedDepthwiseConv2D', 'pass']);
    expect(earlier.every((x) => x.status === 'pass')).toBe(true);
    // every later healthy kernel (depthwise, matMul, softmax) inherits the error but stays within its own bound
    expect(new Set(all.filter((x) => x.status === 'fail').map((x) => x.kernel))).toEqual(new Set(['FusedConv2D']));
    const row = file.runs[0].layers.find((l) => l.layer === 'block2_dw')!;
    expect(row.status).toBe('pass');
    expect(row.inheritedMaxAbs!).toBeGreaterThan(1e-3);
  });

  it("a Conv2D that drops the last input channel (cnn, --train: the training step's forward conv)", async () => {
    const file = await run('cnn', { train: true, register: [path.join(FAULTS, 'conv-drop-channel.js')] });
    const { first, earlier, all } = beforeBreak(file);
    expect([first.layer, first.kernel, first.phase]).toEqual(['conv1', 'Conv2D', 'forward']);
    expect(earlier.every((x) => x.status === 'pass')).toBe(true);
    expect(new Set(all.filter((x) => x.status === 'fail').map((x) => x.kernel))).toEqual(new Set(['Conv2D']));
    // the replay file reruns that one call: it still breaks its bound under the fault, and passes without it
    expect(fs.existsSync(first.replayFile!)).toBe(true);
    const faulty = crosscheck('replay', first.replayFile!, '--backends', 'cpu', '--register', path.join(FAULTS, 'conv-drop-channel.js'));
    expect(faulty.code).toBe(1);
    expect(faulty.out).toMatch(/cpu: fail, err\/bound/);
    const healthy = crosscheck('replay', first.replayFile!, '--backends', 'cpu,tensorflow');
    expect({ code: healthy.code, out: healthy.out }).toEqual({ code: 0, out: expect.stringMatching(/tensorflow: pass/) });
  });
});

describe('crosscheck model: models from disk and bad input', () => {
  it("runs a user's LayersModel saved to a directory", async () => {
    const { tf } = await import('../../../src/tfjs/tf');
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 4, activation: 'relu', name: 'hidden' }), tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' })] });
    const dir = path.join(tmp, 'user-model');
    await m.save(`file://${dir}`);
    const file = await run(path.join(dir, 'model.json'), { backends: ['cpu', 'tensorflow'] });
    expect(file.model.format).toBe('layers-model');
    expect(file.runs.map((r) => [r.backend, r.error, r.firstBreak])).toEqual([['cpu', undefined, undefined], ['tensorflow', undefined, undefined]]);
    expect(file.results.filter((x) => x.judged === 'bound').map((x) => x.kernel)).toEqual(expect.arrayContaining(['_FusedMatMul', 'Softmax']));
    expect(file.runs[0].layers.map((l) => l.layer)).toEqual(expect.arrayContaining(['hidden', 'out']));
  });

  it('exits 2 naming the file for a missing model, a corrupt model and an input of the wrong shape', () => {
    const missing = crosscheck('model', path.join(tmp, 'nope', 'model.json'), '--backends', 'cpu');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(path.join(tmp, 'nope', 'model.json'));
    const corrupt = path.join(tmp, 'corrupt.json');
    fs.writeFileSync(corrupt, '{"modelTopology": {');
    const c = crosscheck('model', corrupt, '--backends', 'cpu');
    expect(c.code).toBe(2);
    expect(c.err).toContain(corrupt);
    const wrong = path.join(tmp, 'wrong-shape.json');
    fs.writeFileSync(wrong, JSON.stringify({ shape: [1, 4, 4, 3], data: new Array(48).fill(0) }));
    const w = crosscheck('model', 'cnn', '--backends', 'cpu', '--input', wrong);
    expect(w.code).toBe(2);
    expect(w.err).toContain(wrong);
    expect(w.err).toMatch(/1,16,16,3|1, 16, 16, 3/);
  });
});
