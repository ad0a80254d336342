/**
 * The recording of kernel calls (src/model/record.ts): it changes nothing the
 * backend computes, restores the registry, attributes calls to layers and a
 * gradient's calls to the layer they differentiate.
 */
import { tf } from '../../../src/tfjs/tf';
import { useBackend } from '../../../src/tfjs/backends';
import { LiveCall, assignBackwardCalls, assignCallsToNodes, startRecording } from '../../../src/model/record';

function smallModel() {
  const init = (seed: number) => tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3, activation: 'relu', name: 'conv', kernelInitializer: init(1), biasInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 4, name: 'dense', kernelInitializer: init(3), biasInitializer: init(4) }),
    ],
  });
}

/** Wraps each layer's call so that its kernels are attributed to it. */
function attribute(m: tf.Sequential, inLayer: <T>(l: string, f: () => T) => T): void {
  for (const l of m.layers) {
    const call = l.call.bind(l);
    l.call = (...args: Parameters<typeof call>) => inLayer(l.name, () => call(...args));
  }
}

describe('recording kernel calls', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('changes nothing the backend computes, and puts every kernel back', () => {
    const m = smallModel();
    const x = tf.randomUniform([2, 8, 8, 2], -1, 1, 'float32', 7);
    const plain = m.predict(x) as tf.Tensor;
    const before = new Map(tf.getKernelsForBackend('cpu').map((k) => [k.kernelName, k.kernelFunc]));
    const rec = startRecording(tf, 'cpu');
    const recorded = m.predict(x) as tf.Tensor;
    rec.stop();
    expect(rec.calls.length).toBeGreaterThan(3);
    expect(new Uint32Array((recorded.dataSync() as Float32Array).buffer)).toEqual(new Uint32Array((plain.dataSync() as Float32Array).buffer));
    const after = new Map(tf.getKernelsForBackend('cpu').map((k) => [k.kernelName, k.kernelFunc]));
    expect(after).toEqual(before);
    for (const [k, f] of before) expect(after.get(k)).toBe(f);
  });

  it("records each call's kernel, attributes, inputs and outputs, and its layer", () => {
    const m = smallModel();
    const x = tf.randomUniform([1, 8, 8, 2], -1, 1, 'float32', 8);
    const rec = startRecording(tf, 'cpu');
    attribute(m, rec.inLayer);
    const y = m.predict(x) as tf.Tensor;
    rec.stop();
    const conv = rec.calls.find((c) => c.kernel === 'FusedConv2D')!;
    expect(conv.layer).toBe('conv');
    expect(conv.attrs).toMatchObject({ activation: 'relu', pad: 'valid' });
    expect(Array.from(conv.inputs.x!.data)).toEqual(Array.from(x.dataSync()));
    expect(conv.inputs.filter!.shape).toEqual([3, 3, 2, 3]);
    expect(rec.calls.find((c) => c.kernel === 'MaxPool')!.layer).toBe('pool');
    const last = rec.calls.filter((c) => c.layer === 'dense').pop()!;
    expect(Array.from(last.outputs[0].data)).toEqual(Array.from(y.dataSync()));
    // indexes are positions
    rec.calls.forEach((c, i) => expect(c.index).toBe(i));
  });

  it("attributes a gradient's kernels to the layer they differentiate", () => {
    const m = smallModel();
    const x = tf.randomUniform([1, 8, 8, 2], -1, 1, 'float32', 9);
    const rec = startRecording(tf, 'cpu');
    attribute(m, rec.inLayer);
    const vars = m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const { value, grads } = tf.variableGrads(() => (m.apply(x) as tf.Tensor).sum() as tf.Scalar, vars);
    rec.stop();
    assignBackwardCalls(rec.calls);
    const back = rec.calls.filter((c) => c.phase === 'backward');
    expect(back.find((c) => c.kernel === 'Conv2DBackpropFilter')?.layer).toBe('conv');
    expect(back.find((c) => c.kernel === 'MaxPoolGrad')?.layer).toBe('pool');
    expect(back.filter((c) => c.kernel === 'BatchMatMul').map((c) => c.layer)).toEqual(['dense', 'dense']);
    expect(rec.calls.filter((c) => c.phase === 'forward' && c.kernel === 'Conv2D').map((c) => c.layer)).toEqual(['conv']);
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
  });

  it('reads the same values when deferred (kept alive, read after the run, as on GPU backends)', async () => {
    const m = smallModel();
    const x = tf.randomUniform([1, 8, 8, 2], -1, 1, 'float32', 10);
    const sync = startRecording(tf, 'cpu');
    (tf.tidy(() => m.predict(x)) as tf.Tensor).dispose();
    sync.stop();
    const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const before = dataIds();
    const deferred = startRecording(tf, 'cpu', { deferred: true });
    (tf.tidy(() => m.predict(x)) as tf.Tensor).dispose();
    deferred.stop();
    expect(dataIds()).toBeGreaterThan(before);
    await deferred.finish();
    // every kept tensor is let go
    expect(dataIds()).toBe(before);
    expect(deferred.calls.map((c) => c.kernel)).toEqual(sync.calls.map((c) => c.kernel));
    deferred.calls.forEach((c, i) => {
      expect(Object.values(c.inputs).map((t) => Array.from(t?.data ?? []))).toEqual(Object.values(sync.calls[i].inputs).map((t) => Array.from(t?.data ?? [])));
      expect(c.outputs.map((t) => Array.from(t.data))).toEqual(sync.calls[i].outputs.map((t) => Array.from(t.data)));
    });
  });

  it('gives a graph node the calls up to the one that wrote its output', () => {
    const ids = [{}, {}, {}, {}];
    const call = (i: number, out: object): LiveCall => ({ index: i, layer: '(model)', kernel: 'K', attrs: {}, inputs: {}, outputs: [], phase: 'forward', outputIds: [out] });
    const calls = [call(0, {}), call(1, ids[0]), call(2, {}), call(3, ids[1]), call(4, ids[1]), call(5, {})];
    // node c is an Identity handing on b's tensor: the second call writing it is c's
    assignCallsToNodes(calls, new Map([[ids[0], ['a']], [ids[1], ['b', 'c']]]));
    expect(calls.map((c) => c.layer)).toEqual(['a', 'a', 'b', 'b', 'c', '(model)']);
  });
});
