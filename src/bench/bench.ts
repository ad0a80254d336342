/**
 * `crosscheck bench`: every op x contender (cpu, wasm, tensorflow, the browser
 * backends and the reference) at the chosen sizes, on the op specs' own cases
 * and calls, plus scaling sweeps fitted against the notes' O(d^2 n + n^2 d) and
 * a machine peak.
 */
import type { Tensor } from '@tensorflow/tfjs-node';
import type { Tensor64 } from '../../reference/tensor';
import { envBlock, kernelsOf } from '../tfjs/backends';
import type { KernelOverride } from '../tfjs/overrides';
import { AnyOpSpec, BenchSize, OpCase, upstreamGradient } from '../ops/types';
import { tf } from '../tfjs/tf';
import { measuredPeak, theoreticalPeak, threadCounts } from './machine';
import { backendRunner, measure, Runner } from './measure';
import { BENCH_SCHEMA, BenchEntry, BenchResult, Peak, ScalingFit, Timing } from './types';
import { Contender, isBrowserBackend } from '../tfjs/backendIds';
import { browserEnvs, browserRunner, browserThreads, Browsers, closeBrowsers, openBrowsers } from './browsers';
import { entryCall, entryKernels } from './call';
import { rate } from './merge';
import { logLogSlope } from './stats';


export interface BenchOptions {
  ops: readonly AnyOpSpec[];
  contenders: readonly Contender[];
  sizes: readonly BenchSize[];
  scaling: boolean;
  overrides?: KernelOverride[];
  /** A Playwright browser server for the browser contenders (`--browser-endpoint`). */
  browserEndpoint?: string;
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

/**
 * One runner per contender for the forward of a case (no `input`) or its
 * gradient for `input` (the backward kernel alone where the spec names it, else
 * tf.grad), on the spec's inputs and, for a gradient, a fixed upstream gradient.
 */
function entryRunners(spec: AnyOpSpec, c: OpCase<unknown>, contenders: readonly Contender[], browsers: Browsers, input?: string): Runner[] {
  const g = input === undefined ? undefined : spec.grads.find((x) => x.input === input)!;
  const dy = g ? upstreamGradient(c, spec.value ? spec.value(c).shape : spec.reference(c).value.shape, 1) : undefined;
  const inputs = [...spec.inputs.map((n) => c.inputs[n]), ...(dy ? [dy] : [])];
  const needs = entryKernels(spec, input);
  const call = entryCall(tf, spec, c.params, input);
  return contenders.map((k) => {
    if (k === 'reference') {
      const reference = g ? () => void (g.value ? g.value(c, dy!) : g.reference(c, dy!).value) : () => void (spec.value ? spec.value(c) : spec.reference(c).value);
      return { contender: k, setup() {}, run: reference, teardown() {} };
    }
    if (isBrowserBackend(k)) return browserRunner(k, browsers.get(k)!, { op: spec.id, input, inputs, params: c.params }, needs);
    const missing = needs.filter((name) => !kernelsOf(k).has(name));
    if (missing.length > 0) return unsupportedRunner(k, missing);
    return backendRunner(k, () => inputs.map(toTensor), (xs) => call(xs as Tensor[]));
  });
}

function entriesOf(op: string, c: string, check: string, size: string, flops: number, timings: Timing[], peak: Peak): BenchEntry[] {
  return timings.map((t) => rate({ ...t, op, case: c, check, size, flops, gflops: NaN, pctOfPeak: NaN }, peak));
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const browsers = await openBrowsers(o.contenders.filter(isBrowserBackend), o.browserEndpoint);
  try {
    return await benchWith(o, browsers);
  } finally {
    await closeBrowsers(browsers);
  }
}

async function benchWith(o: BenchOptions, browsers: Browsers): Promise<BenchResult> {
  const env = await envBlock();
  const threads: Record<string, string> = { ...(await threadCounts()), ...Object.fromEntries([...browsers].map(([id, s]) => [id, browserThreads(s)])) };
  const theo = theoreticalPeak();
  // NOTE: the peak is the CPU's; a run of browser contenders alone does not spend time on it.
  const meas = o.contenders.some((k) => !isBrowserBackend(k)) ? await measuredPeak() : { gflops: NaN, basis: 'not measured: only browser contenders in this run' };
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
            entries.push(...entriesOf(spec.id, c.id, 'forward', size, spec.flops(c), await measure(entryRunners(spec, c, o.contenders, browsers), budget(size)), peak));
          },
        });
      }
    }
    for (const spec of o.ops) {
      for (const g of spec.benchGrads?.(size) ?? []) {
        work.push({
          label: `${spec.id} grad:${g.input} ${size}`,
          go: async () => {
            // NOTE: the gradient for one input takes as many multiply-adds as the forward.
            entries.push(...entriesOf(spec.id, g.case.id, `grad:${g.input}`, size, spec.flops(g.case), await measure(entryRunners(spec, g.case, o.contenders, browsers, g.input), budget(size)), peak));
          },
        });
      }
    }
  }
  if (o.scaling) {
    for (const sw of o.ops.flatMap((op) => (op.scalingSweeps?.() ?? []).map((s) => ({ op, axis: s.axis, expected: s.expected, points: s.points.map((p) => ({ x: p.x, c: p.case })) })))) {
      const perContender = new Map<Contender, { x: number; ms: number }[]>();
      for (const p of sw.points) {
        work.push({
          label: `${sw.op.id} scaling ${sw.axis} ${p.x}`,
          go: async () => {
            for (const t of await measure(entryRunners(sw.op, p.c, o.contenders, browsers), SCALING_BUDGET_MS * (o.budgetScale ?? 1))) {
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
  const started = browserEnvs(browsers);
  return { schema: BENCH_SCHEMA, kind: 'bench', env: Object.keys(started).length > 0 ? { ...env, browsers: started } : env, threads, peak, args: { ops: o.ops.map((s) => s.id), contenders: [...o.contenders], sizes: [...o.sizes] }, entries, scaling, overrides: o.overrides ?? [] };
}

