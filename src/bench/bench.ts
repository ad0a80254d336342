/**
 * `crosscheck bench`: every op x contender (cpu, wasm, tensorflow and the
 * reference) at the chosen sizes, on the op specs' own cases and calls, plus
 * scaling sweeps fitted against the notes' O(d^2 n + n^2 d) and a machine peak.
 */
import type { Tensor } from '@tensorflow/tfjs-node';
import { conv2DBackpropFilter } from '../../reference/Conv2DBackpropFilter';
import { Tensor64, tensor } from '../../reference/tensor';
import { envBlock, EnvBlock, kernelsOf } from '../backends';
import type { KernelOverride } from '../results';
import { conv2dSpec } from '../ops/conv2d';
import { selfAttentionSpec } from '../ops/attention';
import { AnyOpSpec, BenchSize, OpCase } from '../ops/types';
import { Rng } from '../random';
import { tf } from '../tf';
import { measuredPeak, Peak, theoreticalPeak, threadCounts } from './machine';
import { backendRunner, Contender, measure, Runner, Timing } from './measure';
import { rate } from './merge';
import { logLogSlope } from './stats';

import { BENCH_SCHEMA } from '../baseline';
export { BENCH_SCHEMA };
export { CONTENDERS } from '../backendIds';

export interface BenchEntry extends Timing {
  op: string;
  case: string;
  check: string;
  size: string;
  flops: number;
  gflops: number;
  pctOfPeak: number;
  /** Set when a result is not to be trusted, e.g. above the measured ceiling. */
  flag?: string;
  /** The median in each bench process of the run (src/bench/merge.ts). */
  processMediansMs?: number[];
}

export interface ScalingFit {
  op: string;
  axis: string;
  /** What the notes predict for this sweep. */
  expected: string;
  contender: Contender;
  points: { x: number; ms: number }[];
  slope: number;
}

export interface BenchResult {
  schema: string;
  kind: 'bench';
  env: EnvBlock;
  threads: Record<string, string>;
  peak: Peak;
  args: { ops: string[]; contenders: Contender[]; sizes: BenchSize[] };
  entries: BenchEntry[];
  scaling: ScalingFit[];
  /** Kernels replaced by `--register` modules for this run. */
  overrides: KernelOverride[];
  /** Bench processes the run's entries were measured in (src/bench/merge.ts). */
  processes?: number;
}

export interface BenchOptions {
  ops: readonly AnyOpSpec[];
  contenders: readonly Contender[];
  sizes: readonly BenchSize[];
  scaling: boolean;
  overrides?: KernelOverride[];
  /** Fraction of the per-entry time budget this process gets (1 / processes). */
  budgetScale?: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Sampling time per entry (all contenders together), after set-up and calibration. */
const BUDGET_MS: Record<BenchSize, number> = { small: 2500, medium: 5000, large: 10000 };
/** The same for each point of a scaling sweep. */
const SCALING_BUDGET_MS = 1000;

const toTensor = (t: Tensor64) => tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');

/** A contender that lacks a kernel: its set-up fails, and the entry says why. */
function unsupportedRunner(k: Contender, kernels: readonly string[]): Runner {
  return { contender: k, setup() { throw new Error(`unsupported: kernel ${kernels.join(', ')} not registered`); }, run() {}, teardown() {} };
}

/** One runner per contender for the forward of a case. */
function forwardRunners(spec: AnyOpSpec, c: OpCase<unknown>, contenders: readonly Contender[]): Runner[] {
  return contenders.map((k) => {
    if (k === 'reference') {
      return { contender: k, setup() {}, run: () => void (spec.value ? spec.value(c) : spec.reference(c).value), teardown() {} };
    }
    const missing = spec.kernels.filter((name) => !kernelsOf(k).has(name));
    if (missing.length > 0) return unsupportedRunner(k, missing);
    return backendRunner(k, () => spec.inputs.map((n) => toTensor(c.inputs[n])), (xs) => spec.tfjs(tf, xs as Tensor[], c.params));
  });
}

/**
 * The reference filter gradient (notes, eq. 1) against each backend's
 * Conv2DBackpropFilter kernel alone (tf.engine().runKernel), at
 * x=[1,64,64,32], f=[3,3,32,64], stride 1, valid: the speed target.
 */
function filterGradEntry(contenders: readonly Contender[]): { label: string; flops: number; runners: Runner[] } {
  const rng = new Rng(5);
  const x = tensor([1, 64, 64, 32], rng.uniform(64 * 64 * 32));
  const dy = tensor([1, 62, 62, 64], rng.uniform(62 * 62 * 64));
  const filterShape = [3, 3, 32, 64];
  const runners = contenders.map((k): Runner => {
    if (k === 'reference') return { contender: k, setup() {}, run: () => void conv2DBackpropFilter(x, dy, filterShape, 1, 'valid'), teardown() {} };
    if (!kernelsOf(k).has('Conv2DBackpropFilter')) return unsupportedRunner(k, ['Conv2DBackpropFilter']);
    return backendRunner(k, () => [toTensor(x), toTensor(dy)], ([xt, dyt]) =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: xt as Tensor, dy: dyt as Tensor }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape } as never) as Tensor,
    );
  });
  return { label: 'x=[1,64,64,32] f=[3,3,32,64] s=[1,1] p=valid', flops: 2 * 62 * 62 * 64 * 3 * 3 * 32, runners };
}

/** The sweeps: self-attention over n (d fixed) and d (n fixed); conv2d over image size and channels. */
function sweeps(): { op: AnyOpSpec; axis: string; expected: string; points: { x: number; c: OpCase<unknown> }[] }[] {
  return [
    { op: selfAttentionSpec, axis: 'n (d = 16)', expected: '-> 2 when n >> d (n^2 d term)', points: [16, 32, 64, 128, 256].map((n) => ({ x: n, c: makeSelf(n, 16) })) },
    { op: selfAttentionSpec, axis: 'd (n = 16)', expected: '-> 2 when d >> n (d^2 n term)', points: [16, 32, 64, 128, 256].map((d) => ({ x: d, c: makeSelf(16, d) })) },
    { op: conv2dSpec, axis: 'image side H = W (C = 8)', expected: '2 (work ~ H W)', points: [8, 16, 32, 64].map((h) => ({ x: h, c: makeConv(h, 8) })) },
    { op: conv2dSpec, axis: 'channels C_in = C_out (H = W = 16)', expected: '2 (work ~ C_in C_out)', points: [4, 8, 16, 32].map((ch) => ({ x: ch, c: makeConv(16, ch) })) },
  ];
}

function makeSelf(n: number, d: number): OpCase<unknown> {
  const rng = new Rng(n * 1000 + d);
  const w = () => tensor([d, d], rng.uniform(d * d, -0.3, 0.3));
  return { id: `h=[1,${n},${d}] wq=[${d},${d}]`, params: { mask: 'none', scale: 1 }, inputs: { h: tensor([1, n, d], rng.uniform(n * d)), wq: w(), wk: w(), wv: w() }, exact: false, gradients: false };
}

function makeConv(hw: number, ch: number): OpCase<unknown> {
  const rng = new Rng(hw * 100 + ch);
  return {
    id: `x=[1,${hw},${hw},${ch}] f=[3,3,${ch},${ch}] s=[1,1] p=same`,
    params: { strides: [1, 1], pad: 'same', dilations: [1, 1] },
    inputs: { x: tensor([1, hw, hw, ch], rng.uniform(hw * hw * ch)), filter: tensor([3, 3, ch, ch], rng.uniform(9 * ch * ch)) },
    exact: false,
    gradients: false,
  };
}

function entriesOf(op: string, c: string, check: string, size: string, flops: number, timings: Timing[], peak: Peak): BenchEntry[] {
  return timings.map((t) => rate({ ...t, op, case: c, check, size, flops, gflops: NaN, pctOfPeak: NaN }, peak));
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const env = await envBlock();
  const threads = await threadCounts();
  const theo = theoreticalPeak();
  const meas = await measuredPeak();
  const peak: Peak = { theoreticalGflops: theo.gflops, theoreticalBasis: theo.basis, measuredGflops: meas.gflops, measuredBasis: meas.basis };
  const budget = (size: BenchSize) => BUDGET_MS[size] * (o.budgetScale ?? 1);
  const work: { label: string; go: () => Promise<void> }[] = [];
  const entries: BenchEntry[] = [];
  const scaling: ScalingFit[] = [];
  for (const size of o.sizes) {
    for (const spec of o.ops) {
      for (const c of spec.benchCases?.(size) ?? []) {
        work.push({
          label: `${spec.id} ${size}`,
          go: async () => {
            entries.push(...entriesOf(spec.id, c.id, 'forward', size, spec.flops(c), await measure(forwardRunners(spec, c, o.contenders), budget(size)), peak));
          },
        });
      }
    }
    if (size !== 'small' && o.ops.includes(conv2dSpec)) {
      work.push({
        label: `conv2d grad:filter ${size}`,
        go: async () => {
          const g = filterGradEntry(o.contenders);
          entries.push(...entriesOf('conv2d', g.label, 'grad:filter', size, g.flops, await measure(g.runners, budget(size)), peak));
        },
      });
    }
  }
  if (o.scaling) {
    for (const sw of sweeps().filter((s) => o.ops.includes(s.op))) {
      const perContender = new Map<Contender, { x: number; ms: number }[]>();
      for (const p of sw.points) {
        work.push({
          label: `${sw.op.id} scaling ${sw.axis} ${p.x}`,
          go: async () => {
            for (const t of await measure(forwardRunners(sw.op, p.c, o.contenders), SCALING_BUDGET_MS * (o.budgetScale ?? 1))) {
              if (!t.error) (perContender.get(t.contender) ?? perContender.set(t.contender, []).get(t.contender)!).push({ x: p.x, ms: t.medianMs });
            }
          },
        });
      }
      work.push({
        label: `${sw.op.id} scaling fit`,
        go: async () => {
          for (const [contender, points] of perContender) {
            scaling.push({ op: sw.op.id, axis: sw.axis, expected: sw.expected, contender, points, slope: logLogSlope(points.map((p) => ({ x: p.x, y: p.ms }))) });
          }
        },
      });
    }
  }
  for (let i = 0; i < work.length; i++) {
    o.onProgress?.(i, work.length, work[i].label);
    await work[i].go();
  }
  o.onProgress?.(work.length, work.length, 'done');
  return { schema: BENCH_SCHEMA, kind: 'bench', env, threads, peak, args: { ops: o.ops.map((s) => s.id), contenders: [...o.contenders], sizes: [...o.sizes] }, entries, scaling, overrides: o.overrides ?? [] };
}

