/**
 * The machine's ceiling: a theoretical FP32 peak from the CPU's cores, SIMD
 * width, FMA and clock, and a measured one (a large native matMul, FMA-bound, in
 * the same process), plus the threads each backend uses.
 */
import * as fs from 'fs';
import * as os from 'os';
import { useBackend } from '../tfjs/backends';
import { nativeThreadsAtLoad, tf } from '../tfjs/tf';
import { cpuFlags } from '../util/cpu';

export function theoreticalPeak(): { gflops: number; basis: string } {
  let mhz = os.cpus()[0]?.speed ?? 0;
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const m = info.match(/^cpu MHz\s*:\s*([\d.]+)$/m);
    if (m) mhz = Number(m[1]);
  } catch {
    // not Linux: keep os.cpus()
  }
  const f = cpuFlags();
  const lanes = f.has('avx512f') ? 16 : f.has('avx2') || f.has('avx') ? 8 : 4;
  const fma = f.has('fma') ? 2 : 1;
  const units = 2;
  const cores = os.cpus().length;
  const gflops = (cores * (mhz / 1000) * lanes * fma * units);
  return {
    gflops,
    basis: `${cores} cores x ${(mhz / 1000).toFixed(2)} GHz x ${lanes} FP32 lanes (${f.has('avx512f') ? 'AVX-512' : lanes === 8 ? 'AVX2' : 'SSE'}) x ${fma} (FMA) x ${units} FMA units (assumed; cores that split 512-bit ops in two reach half)`,
  };
}

/**
 * The best GFLOP/s of float32 matMuls (n = 64 ... 1024, batched to ~0.2 GFLOP a
 * timing, best of 3 after a warm-up) on the native and the wasm backends: an
 * FMA-bound probe run in the same process as the benchmark. Small n fit in cache
 * and give the best rate here.
 */
export async function measuredPeak(): Promise<{ gflops: number; basis: string }> {
  let best = { gflops: 0, basis: '' };
  for (const backend of ['tensorflow', 'wasm'] as const) {
    await useBackend(backend);
    for (const n of [64, 128, 256, 512, 1024]) {
      const a = tf.randomUniform([n, n]);
      const b = tf.randomUniform([n, n]);
      const flops = 2 * n * n * n;
      const reps = Math.max(1, Math.round(2e8 / flops));
      const timing = () => {
        const t0 = process.hrtime.bigint();
        // NOTE: the callback returns nothing: tidy would walk a returned typed array element by element.
        for (let i = 0; i < reps; i++) tf.tidy(() => void tf.matMul(a, b).dataSync());
        return Number(process.hrtime.bigint() - t0) / 1e9 / reps;
      };
      timing();
      let t = Infinity;
      for (let i = 0; i < 3; i++) t = Math.min(t, timing());
      tf.dispose([a, b]);
      const gflops = flops / t / 1e9;
      if (gflops > best.gflops) best = { gflops, basis: `${backend} matMul ${n}x${n}x${n} float32, read-back included, best of 3 (probed n = 64 ... 1024 on tensorflow and wasm; native pools: ${nativeThreads()})` };
    }
  }
  return best;
}

/** Threads each contender computes with. */
export async function threadCounts(): Promise<Record<string, string>> {
  let wasmThreads = false;
  try {
    wasmThreads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  } catch {
    wasmThreads = false;
  }
  return {
    cpu: '1 (JavaScript)',
    wasm: wasmThreads ? 'multi-threaded build' : '1 (no multi-threading in Node)',
    tensorflow: nativeThreads(),
    reference: '1 (JavaScript, float64)',
  };
}

/** The native backend's pools, as libtensorflow read them at load time. */
export function nativeThreads(): string {
  const { intraOp, interOp } = nativeThreadsAtLoad;
  if (intraOp === undefined && interOp === undefined) return `TensorFlow's default inter/intra-op pools (${os.cpus().length} cores)`;
  return `intra-op ${intraOp ?? 'default'}, inter-op ${interOp ?? 'default'} (TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS)`;
}
