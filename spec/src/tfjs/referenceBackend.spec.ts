import { conv2d } from '../../../reference/Conv2D';
import { conv2DBackpropInput } from '../../../reference/Conv2DBackpropInput';
import { REFERENCE_KERNELS, ReferenceBackendError, registerReferenceBackend } from '../../../src/tfjs/referenceBackend';
import { tf } from '../../../src/tfjs/tf';
import { OPS } from '../../../src/ops';
import { useBackend } from '../../../src/tfjs/backends';

const rb = registerReferenceBackend(tf);

afterAll(async () => {
  await useBackend('cpu');
});

describe("the 'reference' backend", () => {
  beforeEach(async () => {
    await tf.setBackend('reference');
    rb.resetCounts();
  });

  it('registers once, under its name, and never becomes the default backend', () => {
    expect(registerReferenceBackend(tf)).toBe(rb);
    expect(tf.getBackend()).toBe('reference');
    expect(tf.engine().registryFactory.reference.priority).toBeLessThan(tf.engine().registryFactory.cpu.priority);
  });

  it('computes its kernels with the float64 reference, rounds once to float32, and keeps the float64 values', async () => {
    const xs = Float32Array.from({ length: 2 * 2 * 3 * 5 }, (_, i) => Math.fround(Math.sin(i) / 3));
    const fs = Float32Array.from({ length: 3 * 2 * 2 * 3 }, (_, i) => Math.fround(Math.cos(i) / 7));
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [0, 0], [1, 0], [2, 1]];
    const y = tf.conv2d(tf.tensor4d(xs, [2, 2, 3, 5]), tf.tensor4d(fs, [3, 2, 2, 3]), [1, 2], pad, 'NCHW');
    const want = conv2d({ shape: [2, 2, 3, 5], data: Float64Array.from(xs) }, { shape: [3, 2, 2, 3], data: Float64Array.from(fs) }, [1, 2], pad, 1, { dataFormat: 'NCHW' });
    expect(y.shape).toEqual(want.shape);
    expect(Array.from(await y.data())).toEqual(Array.from(want.data, Math.fround));
    expect(Array.from(rb.float64(y)!.data)).toEqual(Array.from(want.data));
    expect(rb.computed.get('Conv2D')).toBe(1);
    expect(rb.forwarded.size).toBe(0);
  });

  it('forwards every other kernel to the cpu implementation, and records that it did', async () => {
    const got = await tf.logSoftmax(tf.tensor2d([[1, 2, 3], [0, -1, 5]])).data();
    const counts = [...rb.forwarded.keys()];
    await useBackend('cpu');
    const onCpu = await tf.logSoftmax(tf.tensor2d([[1, 2, 3], [0, -1, 5]])).data();
    expect(Array.from(got)).toEqual(Array.from(onCpu));
    expect(counts.sort()).toEqual(expect.arrayContaining(['Exp', 'Log', 'Max', 'Sub', 'Sum']));
    expect(rb.computed.size).toBe(0);
  });

  it('runs gradients: tf.grad of conv2d uses the reference backprop kernel', async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const f = tf.tensor4d([1, -1, 2, 0.5], [2, 2, 1, 1]);
    const g = tf.grad((t) => tf.conv2d(t as typeof x, f, 1, 'same').sum())(x);
    const ones = { shape: [1, 3, 3, 1], data: new Float64Array(9).fill(1) };
    const want = conv2DBackpropInput([1, 3, 3, 1], ones, { shape: [2, 2, 1, 1], data: Float64Array.from([1, -1, 2, 0.5]) }, 1, 'same');
    expect(Array.from(await g.data())).toEqual(Array.from(want.data));
    expect(rb.computed.get('Conv2DBackpropInput')).toBe(1);
  });

  it('refuses an attribute the reference cannot express, naming the kernel and the attribute', () => {
    // (tf.softmax itself refuses dim 0; a graph model or another op could still call the kernel with it)
    const call = () => tf.engine().runKernel('Softmax', { logits: tf.ones([2, 3]) }, { dim: 0 });
    expect(call).toThrow(ReferenceBackendError);
    expect(call).toThrow(/reference backend: kernel Softmax cannot run with dim = 0; the reference accepts the last axis \(-1 or 1\)/);
    const conv = () => tf.engine().runKernel('Conv2D', { x: tf.ones([1, 3, 3, 1]), filter: tf.ones([1, 1, 1, 1]) }, { strides: 1, pad: 'valid', dataFormat: 'NWHC', dilations: 1 });
    expect(conv).toThrow(/reference backend: kernel Conv2D cannot run with dataFormat = "NWHC"; the reference accepts 'NHWC' or 'NCHW'/);
    const ints = () => tf.engine().runKernel('Relu', { x: tf.ones([2], 'int32') }, {});
    expect(ints).toThrow(/reference backend: kernel Relu cannot run with input x = "int32"; the reference accepts 'float32'/);
  });

  it('implements a kernel for every op spec whose kernels TF.js runs on it', () => {
    const ours = new Set(REFERENCE_KERNELS.map((k) => k.name));
    for (const k of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPool', 'MaxPoolGrad', 'AvgPool', 'AvgPoolGrad', 'MaxPoolWithArgmax', 'BatchMatMul', 'Softmax', 'Relu', 'Relu6', 'Prelu', 'LeakyRelu', 'Elu', 'Sigmoid', 'DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'FusedConv2D', 'FusedDepthwiseConv2D', '_FusedMatMul']) expect(ours).toContain(k);
    // every kernel an op spec names as its forward is either implemented or a composition the backend forwards
    const forwardKernels = new Set(OPS.flatMap((o) => o.kernels));
    const cpu = new Set(tf.getKernelsForBackend('cpu').map((k) => k.kernelName));
    for (const k of forwardKernels) expect(ours.has(k) || cpu.has(k)).toBe(true);
  });
});
