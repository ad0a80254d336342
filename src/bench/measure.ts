/**
 * Timing of one benchmark entry: one op case, every contender (the backends and
 * the reference), interleaved. A browser contender's calls run and are timed in
 * its page (src/bench/page.ts); the rules below apply to it alike, with the
 * read-back `await t.data()` and no GC between samples.
 *
 * Rules: the first call is timed and reported apart (kernel set-up, compilation);
 * then two warm-up calls; each sample batches enough calls to last >= 20 ms; the
 * read-back (dataSync) is inside the timed region, inputs are made before it and
 * outputs disposed inside it; a minor GC (young generation) runs between
 * samples, never inside one; the
 * contenders take turns, in a rotating order, to spread drift; sampling stops when
 * every contender's 95% CI of the median is within 2% of it, or when the entry's
 * time budget ends (reported either way).
 */
import * as v8 from 'v8';
import * as vm from 'vm';
import { BACKENDS, Contender, NodeBackendId } from '../tfjs/backendIds';
import { useBackend } from '../tfjs/backends';
import { tf } from '../tfjs/tf';
import { median, medianCI, relHalfWidth } from './stats';
import type { Timing } from './types';


/** What a contender runs: `run` is one call, read-back included, timed here; or `remote` times calls where they run. */
export interface Runner {
  contender: Contender;
  setup(): Promise<void> | void;
  run?(): void;
  /** Times `reps` calls in a browser page: their total, ms, and the GPU programs one call ran. */
  remote?(reps: number): Promise<{ ms: number; gpuPrograms: number }>;
  teardown(): Promise<void> | void;
}

/** Each sample lasts at least this long: it dwarfs the timer and averages out this machine's jitter. */
const MIN_SAMPLE_MS = 20;
const MIN_SAMPLES = 8;
const MAX_SAMPLES = 60;
const TARGET = 0.02;

let gcFn: ((o?: { type: 'major' | 'minor' }) => void) | undefined;
/**
 * The V8 GC, exposed at run time (no --expose-gc flag needed). `major` (the
 * default) collects the whole heap, for leak measurements; `minor` empties only
 * the young generation.
 */
export function collectGarbage(type: 'major' | 'minor' = 'major'): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose_gc');
    gcFn = vm.runInNewContext('gc') as typeof gcFn;
  }
  gcFn!({ type });
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

function timeCalls(run: () => void, reps: number): number {
  const t0 = now();
  for (let i = 0; i < reps; i++) run();
  return now() - t0;
}

/** Total ms of `reps` calls of a runner, timed here or in its page (which also counts its GPU programs). */
async function timeRunner(r: Runner, t: Timing, reps: number): Promise<number> {
  if (!r.remote) return timeCalls(() => r.run!(), reps);
  const s = await r.remote(reps);
  t.gpuPrograms = s.gpuPrograms;
  return s.ms;
}

/** Runs a backend contender's call on its backend. */
export function backendRunner(backend: NodeBackendId, make: () => unknown[], call: (inputs: unknown[]) => { dataSync(): unknown }): Runner {
  let inputs: unknown[] = [];
  return {
    contender: backend,
    async setup() {
      await useBackend(backend);
      inputs = make();
    },
    run() {
      tf.tidy(() => {
        call(inputs).dataSync();
      });
    },
    teardown() {
      tf.dispose(inputs as never);
    },
  };
}

/**
 * The control: a fixed floating-point loop over 32 KB (no allocation, no
 * TF.js), about 40 us a call. It takes its turn with the contenders, so its
 * median says how fast the machine ran during this entry; on this shared VM
 * that moved by 5-8% between runs minutes apart, for every contender alike.
 * NOTE: one instance per process. A fresh closure per entry ran 36 us in a
 * process's first entry and 48 us in the others (V8's tiering), which made the
 * control jump between runs; compare shows it, and divides by it only with
 * --normalise.
 */
const CONTROL_DATA = new Float64Array(4096).map((_, i) => ((i * 7919) % 4096) / 4096);
const controlState = { sink: 0 };
function controlLoop(): void {
  const a = CONTROL_DATA;
  let s = 0;
  for (let r = 0; r < 8; r++) for (let i = 0; i < a.length; i++) s += a[i] * a[(i + r) & 4095];
  // the result is kept, so that the compiler cannot drop the loop
  controlState.sink += s;
}
const CONTROL: Runner = { contender: 'control' as Contender, setup() {}, run: controlLoop, teardown() {} };

/** Times every runner and the control, interleaved, within `budgetMs` of sampling. */
export async function measure(contenders: readonly Runner[], budgetMs: number): Promise<Timing[]> {
  const control = CONTROL;
  const runners = [...contenders, control];
  const state = new Map<Runner, Timing>();
  const live: Runner[] = [];
  for (const r of runners) {
    const t: Timing = { contender: r.contender, firstMs: NaN, reps: 1, samplesMs: [], medianMs: NaN, ci95Ms: [NaN, NaN], ciHalfWidth: NaN, converged: false };
    state.set(r, t);
    try {
      await r.setup();
      t.firstMs = await timeRunner(r, t, 1);
      await timeRunner(r, t, 2);
      while (t.reps < 1 << 20 && (await timeRunner(r, t, t.reps)) < MIN_SAMPLE_MS) t.reps *= 2;
      live.push(r);
    } catch (e) {
      t.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
    }
  }
  const started = now();
  for (let round = 0; live.length > 0; round++) {
    for (let k = 0; k < live.length; k++) {
      const r = live[(round + k) % live.length];
      const t = state.get(r)!;
      if (t.converged || t.samplesMs.length >= MAX_SAMPLES) continue;
      await useBackendOf(r);
      // NOTE: a minor GC, not a full one: a full collection between samples drops
      // V8's inline-cache feedback, and TF.js calls then ran 1.5-2.6x slower with a
      // 15-25% spread (cpu multiHeadAttention 3.06 ms against 1.19 ms).
      collectGarbage('minor');
      let total: number;
      try {
        total = await timeRunner(r, t, t.reps);
      } catch (e) {
        // a browser page lost mid-entry: the contender stops here, the others go on
        t.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
        live.splice(live.indexOf(r), 1);
        break;
      }
      t.samplesMs.push(total / t.reps);
      // NOTE: calibration under load can leave samples short; keep every later one >= MIN_SAMPLE_MS / 2.
      if (total < MIN_SAMPLE_MS / 2) t.reps *= 2;
      if (t.samplesMs.length >= MIN_SAMPLES && (relHalfWidth(t.samplesMs) <= TARGET || t.samplesMs.length >= MAX_SAMPLES)) t.converged = relHalfWidth(t.samplesMs) <= TARGET;
    }
    const done = live.every((r) => state.get(r)!.converged || state.get(r)!.samplesMs.length >= MAX_SAMPLES);
    const minDone = live.every((r) => state.get(r)!.samplesMs.length >= MIN_SAMPLES);
    if (done || (minDone && now() - started > budgetMs)) break;
  }
  for (const r of runners) {
    const t = state.get(r)!;
    if (t.samplesMs.length > 0) {
      t.medianMs = median(t.samplesMs);
      t.ci95Ms = medianCI(t.samplesMs);
      t.ciHalfWidth = relHalfWidth(t.samplesMs);
    }
    try {
      await useBackendOf(r);
      await r.teardown();
    } catch {
      // nothing left to free
    }
  }
  const controlMs = state.get(control)!.medianMs;
  return contenders.map((r) => ({ ...state.get(r)!, controlMs }));
}

/** Makes a Node contender's backend the active one (the reference, the control and browser contenders need none). */
async function useBackendOf(r: Runner): Promise<void> {
  if ((BACKENDS as readonly string[]).includes(r.contender)) await useBackend(r.contender as NodeBackendId);
}
