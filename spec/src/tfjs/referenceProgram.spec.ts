/**
 * A small TF.js program — conv2d (NCHW, explicit padding) -> fused conv2d with
 * bias and prelu -> maxPool with dimRoundingMode -> fused matMul with bias and
 * relu -> logSoftmax — run on the `reference` backend and on `cpu`, the outputs
 * held to a bound derived stage by stage:
 *
 *   D_k bounds |cpu_k - ref_k|, the two backends' results of stage k. The cpu
 *   kernel is within its op spec's bound of the exact result on *its own*
 *   input; the reference kernel is the exact result on its own input, rounded
 *   once to float32 (u |y|); and the exact stage moves by at most L_k(D_{k-1})
 *   between the two inputs (L_k: the conv or matMul of |D| with |weights|, the
 *   window maximum of D for maxPool, 1 for prelu with weights in [0, 1) and for
 *   relu, d_j + max_k d_k for logSoftmax).
 * Stages TF.js composes from other kernels (transpose, reshape, logSoftmax's
 * Max/Sub/Exp/Sum/Log) run the cpu implementation on both backends; their
 * rounding is inside those bounds (logSoftmax's is logSoftmaxEV on each input).
 */
import { conv2d } from '../../../reference/Conv2D';
import { maxPool } from '../../../reference/MaxPool';
import { matMul } from '../../../reference/BatchMatMul';
import { Tensor64, abs, permute } from '../../../reference/tensor';
import type { ExplicitPadding } from '../../../reference/window';
import { U32 } from '../../../src/bounds/gamma';
import { conv2dSpec } from '../../../src/ops/conv2d';
import { fusedConv2dSpec } from '../../../src/ops/fusedConv2d';
import { fusedMatMulSpec } from '../../../src/ops/fusedMatMul';
import { logSoftmaxEV } from '../../../src/ops/logSoftmax';
import { registerReferenceBackend } from '../../../src/tfjs/referenceBackend';
import { useBackend } from '../../../src/tfjs/backends';
import { tf } from '../../../src/tfjs/tf';
import { Rng } from '../../../src/util/random';

const rb = registerReferenceBackend(tf);

const rng = new Rng(2026);
const T = (shape: number[], lo = -1, hi = 1): Tensor64 => ({ shape, data: rng.uniform(shape.reduce((a, b) => a * b, 1), lo, hi) });
const W = {
  x: T([1, 3, 7, 7]),
  f1: T([3, 3, 3, 4]),
  f2: T([2, 2, 4, 4]),
  b2: T([4]),
  a2: T([4], 0, 1), // prelu weights in [0, 1): prelu is 1-Lipschitz
  w4: T([64, 5]),
  b4: T([5]),
};
const PAD1: ExplicitPadding = [[0, 0], [0, 0], [1, 0], [0, 1]];

type Stages = { y1: Tensor64; t1: Tensor64; y2: Tensor64; y3: Tensor64; r: Tensor64; y4: Tensor64; out: Tensor64 };

/** Runs the program on the active backend; every stage's values, as float32 read back. */
async function program(): Promise<Stages> {
  const t = (a: Tensor64) => tf.tensor(Float32Array.from(a.data), a.shape as number[]);
  const read = async (a: { shape: number[]; data(): Promise<ArrayLike<number>> }): Promise<Tensor64> => ({ shape: a.shape, data: Float64Array.from(await a.data()) });
  const y1 = tf.conv2d(t(W.x) as never, t(W.f1) as never, 1, PAD1, 'NCHW');
  const t1 = tf.transpose(y1, [0, 2, 3, 1]);
  const y2 = tf.fused.conv2d({ x: t1 as never, filter: t(W.f2) as never, strides: 1, pad: 'same', bias: t(W.b2), activation: 'prelu', preluActivationWeights: t(W.a2) });
  const y3 = tf.maxPool(y2, 2, 2, 1, 'ceil');
  const r = tf.reshape(y3, [1, -1]);
  const y4 = tf.fused.matMul({ a: r as never, b: t(W.w4) as never, bias: t(W.b4), activation: 'relu' });
  const out = tf.logSoftmax(y4);
  return { y1: await read(y1), t1: await read(t1), y2: await read(y2), y3: await read(y3), r: await read(r), y4: await read(y4), out: await read(out) };
}

const add = (...xs: Float64Array[]) => xs[0].map((_, i) => xs.reduce((s, x) => s + x[i], 0));
const roundingOf = (y: Tensor64) => y.data.map((v) => U32 * Math.abs(v));

/** D_out for every stage: the bound on |cpu - reference backend|. */
function bounds(cpu: Stages): Record<keyof Stages, Float64Array> {
  // conv2d: both backends get the same exact input; cpu within conv2d's bound, the reference rounds once.
  const c1 = { id: 'program y1', params: { strides: [1, 1] as [number, number], pad: PAD1, dilations: [1, 1] as [number, number], dataFormat: 'NCHW' as const }, inputs: { x: W.x, filter: W.f1 }, exact: false, gradients: false };
  const ref1 = conv2dSpec.reference(c1);
  const D1 = add(ref1.bound, roundingOf(ref1.value));
  const D1t = permute({ shape: cpu.y1.shape, data: D1 }, [0, 2, 3, 1]);
  // fused conv2d on different inputs: |conv(dx)| <= conv(|dx|, |f|); bias cancels; prelu (weights in [0,1)) is 1-Lipschitz.
  const c2 = {
    id: 'program y2', exact: false, gradients: false,
    params: { strides: [1, 1] as [number, number], pad: 'same' as const, dilations: [1, 1] as [number, number], dataFormat: 'NHWC' as const, activation: 'prelu' as const, bias: 'channel' as const, prelu: 'channel' as const, leakyreluAlpha: 0.2 },
    inputs: { x: cpu.t1, filter: W.f2, bias: W.b2, preluActivationWeights: W.a2 },
  };
  const ref2 = fusedConv2dSpec.reference(c2);
  const D2 = add(conv2d(D1t, abs(W.f2), 1, 'same').data, ref2.bound, roundingOf(ref2.value));
  // maxPool: |max(a) - max(b)| <= max |a - b| over the window (exact op: no rounding).
  const D3 = maxPool({ shape: cpu.y2.shape, data: D2 }, 2, 2, 1, 'ceil').data.map((d) => (d === -Infinity ? 0 : d));
  // fused matMul with bias and relu: |dA| |W| carried, relu 1-Lipschitz; cpu within its bound, the reference rounds once.
  const c4 = {
    id: 'program y4', exact: false, gradients: false,
    params: { transposeA: false, transposeB: false, activation: 'relu' as const, bias: 'channel' as const, prelu: 'none' as const, leakyreluAlpha: 0.2 },
    inputs: { a: cpu.r, b: W.w4, bias: W.b4, preluActivationWeights: W.b4 },
  };
  const ref4 = fusedMatMulSpec.reference(c4);
  const D4 = add(matMul({ shape: [1, 64], data: D3 }, abs(W.w4)).data, ref4.bound, roundingOf(ref4.value));
  // logSoftmax: the exact map moves by d_j + max_k d_k; each backend's own rounding is logSoftmaxEV on its input.
  const maxD4 = Math.max(...D4);
  const onCpu = logSoftmaxEV(cpu.y4).e;
  return { y1: D1, t1: D1t.data, y2: D2, y3: D3, r: D3, y4: D4, out: D4.map((d, j) => d + maxD4 + 2 * onCpu[j]) } as Record<keyof Stages, Float64Array>;
}

describe("a TF.js program on the 'reference' backend and on cpu", () => {
  let cpu: Stages;
  let ref: Stages;
  let computed: string[];
  let forwarded: string[];

  beforeAll(async () => {
    await useBackend('cpu');
    cpu = await program();
    await tf.setBackend('reference');
    rb.resetCounts();
    ref = await program();
    computed = [...rb.computed.keys()];
    forwarded = [...rb.forwarded.keys()];
    await useBackend('cpu');
  });

  it('runs every stage of the program on the reference kernels, and reports what it forwarded', () => {
    expect(computed.sort()).toEqual(['Conv2D', 'FusedConv2D', 'MaxPool', '_FusedMatMul']);
    // transpose, reshape and logSoftmax's composition are not reference kernels: forwarded to cpu, and said so
    expect(forwarded).toEqual(expect.arrayContaining(['Transpose', 'Reshape', 'Max', 'Sub', 'Exp', 'Sum', 'Log']));
    expect(forwarded).not.toEqual(expect.arrayContaining(['Conv2D']));
  });

  it('the outputs agree within the bound derived stage by stage', () => {
    const D = bounds(cpu);
    for (const k of ['y1', 'y2', 'y3', 'y4', 'out'] as const) {
      expect(ref[k].shape).toEqual(cpu[k].shape);
      const worst = Math.max(...ref[k].data.map((v, i) => Math.abs(v - cpu[k].data[i]) / D[k][i]).map((q) => (Number.isNaN(q) ? 0 : q)));
      expect(worst).toBeLessThanOrEqual(1);
    }
    // the bound means something: below 1e-3 of the outputs' size, and the two backends do differ (the comparison is not of equal bits)
    const scale = Math.max(...cpu.out.data.map(Math.abs));
    expect(Math.max(...D.out)).toBeLessThan(1e-3 * scale);
    expect(ref.y4.data.some((v, i) => v !== cpu.y4.data[i])).toBe(true);
  });

  it('the same comparison fails for a cpu output moved by twice its bound (the test can fail)', () => {
    const D = bounds(cpu);
    const moved = cpu.out.data.map((v, i) => (i === 2 ? v + 2 * D.out[2] : v));
    expect(moved.some((v, i) => Math.abs(v - ref.out.data[i]) > D.out[i])).toBe(true);
  });
});
