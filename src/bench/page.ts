/**
 * The page side of a browser contender of `crosscheck bench` (bundled with
 * src/check/page.ts into dist/browser/page.js by scripts/bundle.js). Node opens
 * one entry's call (its inputs are sent once and stay in the page), then asks
 * for samples: the page times `reps` calls with performance.now(), each call
 * read back with `await t.data()`, so Node <-> page round trips are outside the
 * timed region. The sampling policy (calibration, stopping rule, statistics)
 * stays in Node (src/bench/measure.ts).
 */
import * as tfjs from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs-node';
import type { Tensor64 } from '../../reference/tensor';
import { OPS } from '../ops';
import type { Tf } from '../tfjs/tf';
import { fromWire, toWire } from '../util/wire';
import { pageProbes } from '../check/page';
import { entryCall } from './call';

const tf = tfjs as unknown as Tf;

/** One step of a browser contender: open an entry's call, time `reps` calls of it, close it. */
export type BenchStep =
  | { open: { op: string; input?: string; inputs: Tensor64[]; params: unknown } }
  | { time: number }
  | { close: true };

/** What a `time` step measured: the `reps` calls' total, ms, and the GPU programs one call ran. */
export interface PageSample {
  ms: number;
  gpuPrograms: number;
}

export type BenchReply = { ok?: PageSample | Record<string, never>; error?: string; lost?: string };

/** The open entry: its inputs (uploaded to the GPU by the first call, then resident) and its call. */
let open: { inputs: Tensor[]; call: (xs: readonly Tensor[]) => Tensor } | undefined;

function close(): void {
  if (open) tf.dispose(open.inputs);
  open = undefined;
}

async function bench(wire: string): Promise<string> {
  const step = fromWire<BenchStep>(wire);
  try {
    if ('close' in step) {
      close();
      return toWire({ ok: {} });
    }
    if ('open' in step) {
      close();
      const spec = OPS.find((o) => o.id === step.open.op);
      if (!spec) return toWire({ error: `the page has no op '${step.open.op}'` });
      const call = entryCall(tf, spec, step.open.params, step.open.input);
      open = { inputs: step.open.inputs.map((t) => tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32')), call };
      return toWire({ ok: {} });
    }
    if (!open) return toWire({ error: 'no bench call is open in the page' });
    const { inputs, call } = open;
    const before = pageProbes.programs();
    const t0 = performance.now();
    for (let i = 0; i < step.time; i++) {
      const out = tf.tidy(() => call(inputs));
      await out.data();
      out.dispose();
    }
    const ms = performance.now() - t0;
    if (pageProbes.contextLost()) return toWire({ lost: 'the WebGL context was lost' });
    return toWire({ ok: { ms, gpuPrograms: (pageProbes.programs() - before) / step.time } });
  } catch (e) {
    pageProbes.releaseFailedTape();
    if (pageProbes.contextLost()) return toWire({ lost: 'the WebGL context was lost' });
    return toWire({ error: e instanceof Error ? e.message : String(e) });
  }
}

(globalThis as unknown as { crosscheck: Record<string, unknown> }).crosscheck.bench = bench;
