/**
 * What `crosscheck bench` writes (bench.json), and the timing types its parts
 * share. Imports only from lower layers: everything in bench/ and compare/ may
 * import it, it imports nothing of theirs.
 */
import type { Contender } from '../tfjs/backendIds';
import type { EnvBlock } from '../tfjs/backends';
import type { BrowserEnv } from '../tfjs/browser';
import type { KernelOverride } from '../tfjs/overrides';
import type { BenchSize } from '../ops/types';

export const BENCH_SCHEMA = 'tfjs-crosscheck/bench@1';

export interface Timing {
  contender: Contender;
  /**
   * The median of the control (a fixed JavaScript loop, see controlLoop)
   * sampled in turn with the contenders of this entry: how fast the machine was
   * while the entry was measured (`crosscheck compare` shows it, and divides by
   * it with --normalise).
   */
  controlMs?: number;
  /** The first call, apart from the samples: kernel set-up, compilation (a browser's shaders) and the first upload of the inputs. */
  firstMs: number;
  reps: number;
  /** Per-call time of each sample, ms. */
  samplesMs: number[];
  medianMs: number;
  ci95Ms: [number, number];
  /** CI half-width / median. */
  ciHalfWidth: number;
  converged: boolean;
  error?: string;
  /** Browser contenders: GPU programs one call ran (after the first), counted in the page; 0 would mean the call never reached the GPU. */
  gpuPrograms?: number;
}

export interface Peak {
  theoreticalGflops: number;
  /** How the theoretical figure was derived, assumptions included. */
  theoreticalBasis: string;
  measuredGflops: number;
  measuredBasis: string;
}

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

/** A browser contender's browser, and what its timings are timings of. */
export interface BenchBrowser extends BrowserEnv {
  /** The GL renderer or the WebGPU adapter the page ran on. */
  device: string;
  /** Set when that device is SwiftShader: the timings are of a software rasteriser on the CPU, not of a GPU. */
  notGpu?: string;
}

export interface BenchResult {
  schema: string;
  kind: 'bench';
  /** `browsers`: one per browser contender that started (src/bench/browsers.ts). */
  env: EnvBlock & { browsers?: Record<string, BenchBrowser> };
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

