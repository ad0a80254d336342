/**
 * The browser contenders of a bench run (webgl, webgpu and the webgl variants):
 * one browser per backend for the whole run (src/tfjs/browser.ts, the variant's
 * flags, CPU forwarding off), an entry's inputs sent to its page once, and its
 * calls timed there (src/bench/page.ts). A browser that cannot start makes its
 * entries errors with the reason; the rest of the run goes on.
 */
import type { Tensor64 } from '../../reference/tensor';
import type { BrowserBackendId } from '../tfjs/backendIds';
import { BrowserEnv, BrowserSession } from '../tfjs/browser';
import type { Runner } from './measure';
import type { BenchStep, PageSample } from './page';
import type { BenchBrowser } from './types';

export type Browsers = Map<BrowserBackendId, BrowserSession | { unavailable: string }>;

/** Starts one browser per contender, one after another. */
export async function openBrowsers(ids: readonly BrowserBackendId[], endpoint?: string): Promise<Browsers> {
  const out: Browsers = new Map();
  for (const id of ids) {
    try {
      out.set(id, await BrowserSession.open(id, { endpoint }));
    } catch (e) {
      out.set(id, { unavailable: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    }
  }
  return out;
}

export async function closeBrowsers(browsers: Browsers): Promise<void> {
  for (const s of browsers.values()) if (s instanceof BrowserSession) await s.close();
}

/** The device a page ran on, and whether it is SwiftShader (a software rasteriser: its timings are CPU timings). */
export function deviceOf(env: BrowserEnv): { device: string; notGpu?: string } {
  const page = env.page as { gl?: { renderer?: string }; webgpu?: { vendor?: string; architecture?: string; device?: string; description?: string } };
  const device = page.gl
    ? `GL renderer ${page.gl.renderer ?? '?'}`
    : page.webgpu
      ? `WebGPU adapter ${[page.webgpu.vendor, page.webgpu.architecture, page.webgpu.device, page.webgpu.description].filter(Boolean).join(' ') || '?'}`
      : 'unknown device';
  if (!/swiftshader/i.test(device)) return { device };
  return { device, notGpu: `SwiftShader (software rendering on the CPU): the ${env.backend} timings are not GPU timings` };
}

/** What bench.json's env records of each browser that started. */
export function browserEnvs(browsers: Browsers): Record<string, BenchBrowser> {
  const out: Record<string, BenchBrowser> = {};
  for (const [id, s] of browsers) if (s instanceof BrowserSession) out[id] = { ...s.env, ...deviceOf(s.env) };
  return out;
}

/** The threads line of a browser contender. */
export function browserThreads(s: BrowserSession | { unavailable: string }): string {
  if (!(s instanceof BrowserSession)) return `not started: ${s.unavailable}`;
  const d = deviceOf(s.env);
  return d.notGpu ? `SwiftShader: the GPU process's CPU threads (${d.device})` : `the GPU (${d.device})`;
}

/**
 * A browser contender for one entry's call: `inputs` are the spec's inputs in
 * order, then dy for a gradient; `kernels` the TF.js kernels the call needs.
 */
export function browserRunner(
  id: BrowserBackendId,
  session: BrowserSession | { unavailable: string },
  call: { op: string; input?: string; inputs: Tensor64[]; params: unknown },
  kernels: readonly string[],
): Runner {
  const fail = (why: string): Runner => ({ contender: id, setup() { throw new Error(why); }, teardown() {} });
  if (!(session instanceof BrowserSession)) return fail(session.unavailable);
  const missing = kernels.filter((k) => !session.kernels.includes(k));
  if (missing.length > 0) return fail(`unsupported: kernel ${missing.join(', ')} not registered`);
  const step = (s: BenchStep) => session.bench<PageSample>(s);
  return {
    contender: id,
    setup: async () => void (await step({ open: call })),
    remote: (reps) => step({ time: reps }),
    teardown: async () => void (await step({ close: true })),
  };
}
