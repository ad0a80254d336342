/**
 * The Node side of a browser backend: Debian's Chromium through playwright-core
 * (never a downloaded browser), or a browser elsewhere through a Playwright
 * browser server (`--browser-endpoint ws://...`), one browser per backend. The
 * page is served from an intercepted https origin (no socket; WebGPU needs a
 * secure context) and loads dist/browser/page.js (scripts/bundle.js).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_VARIANTS, BrowserBackendId } from './backendIds';
import { BackendLost } from './lost';
import { fromWire, toWire } from '../util/wire';

/** Where Chromium is looked for: CROSSCHECK_CHROMIUM alone when it is set, else Debian's paths. */
export function chromiumCandidates(): string[] {
  return process.env.CROSSCHECK_CHROMIUM ? [process.env.CROSSCHECK_CHROMIUM] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
}

export function chromiumPath(): string | undefined {
  return chromiumCandidates().find((p) => fs.existsSync(p));
}

export function noChromium(): string {
  return `no Chromium found (looked at ${chromiumCandidates().join(', ')}): install Debian's chromium package (apt-get install chromium), set CROSSCHECK_CHROMIUM to a Chromium binary, or pass --browser-endpoint ws://HOST:PORT/PATH`;
}

/** Flags every launch gets: headless as root, and no traffic to the outside (this machine's network is closed). */
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/**
 * The software GPU of a machine without one: WebGL 2 through ANGLE on
 * SwiftShader, WebGPU through SwiftShader's Vulkan. With fewer WebGPU flags
 * reads can come back as zeros and the device can be lost.
 */
const GPU_ARGS: Record<'webgl' | 'webgpu', string[]> = {
  webgl: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  webgpu: ['--enable-unsafe-webgpu', '--enable-features=Vulkan,WebGPU', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
};

const ORIGIN = 'https://crosscheck.invalid/';
const BUNDLE = path.resolve(__dirname, '..', '..', __filename.endsWith('.ts') ? 'dist' : '.', 'browser', 'page.js');

/** A call that takes longer is taken as a hung page or GPU process. */
const CALL_TIMEOUT_MS = 60_000;

/** What a result file records about the browser that produced it. */
export interface BrowserEnv {
  backend: BrowserBackendId;
  browser: string;
  /** The Playwright endpoint of a remote browser, or null when launched here. */
  endpoint: string | null;
  executable: string | null;
  launchArgs: string[];
  page: Record<string, unknown>;
  /** `--register` modules run in the page: the `backend/KernelName` of each kernel they added or replaced there. */
  overrides?: { module: string; kernels: string[] }[];
}

/**
 * A `--register` module as page code: bundled by esbuild for the browser (its
 * own imports included) into a script that leaves the module's exports on
 * `globalThis.__crosscheckRegister`; the page calls its register(tf) with the
 * page's TF.js.
 */
async function bundleForPage(module: string): Promise<string> {
  const esbuild = await import('esbuild');
  try {
    const out = await esbuild.build({ entryPoints: [path.resolve(module)], bundle: true, write: false, format: 'iife', globalName: '__crosscheckRegister', platform: 'browser', logLevel: 'silent' });
    return out.outputFiles[0].text;
  } catch (e) {
    throw new Error(`--register ${module}: cannot bundle it for the page: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}

export interface PageOutput {
  shape: number[];
  data: Float32Array;
  gpuPrograms: number;
  /** The output is one of the inputs, bit for bit (an identity needs no GPU program). */
  identity: boolean;
}

type PageReply = { ok?: PageOutput; error?: string; lost?: string };

/** Checks that a browser endpoint answers, before any work (a UsageError names it otherwise). */
export async function probeEndpoint(endpoint: string): Promise<string | undefined> {
  const { chromium } = await import('playwright-core');
  try {
    const b = await chromium.connect(endpoint, { timeout: 10_000 });
    const version = b.version();
    await b.close();
    return version ? undefined : 'it answered without a browser version';
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

export class BrowserSession {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    readonly env: BrowserEnv,
    readonly kernels: string[],
    private lost: string | undefined,
  ) {}

  /** Launches (or connects to) a browser, loads the page and starts the variant's TF.js backend with its flags. */
  static async open(id: BrowserBackendId, opts: { endpoint?: string; flags?: Record<string, unknown>; register?: readonly string[] } = {}): Promise<BrowserSession> {
    const { chromium } = await import('playwright-core');
    const variant = BROWSER_VARIANTS[id];
    const args = [...BASE_ARGS, ...GPU_ARGS[variant.tfBackend]];
    const executable = opts.endpoint ? null : chromiumPath() ?? null;
    if (!opts.endpoint && !executable) throw new Error(noChromium());
    if (!fs.existsSync(BUNDLE)) throw new Error(`the page bundle ${BUNDLE} is missing: run \`npm run build\``);
    const browser = opts.endpoint ? await chromium.connect(opts.endpoint, { timeout: 30_000 }) : await chromium.launch({ executablePath: executable!, args, headless: true });
    const page = await browser.newPage();
    const bundle = fs.readFileSync(BUNDLE);
    await page.route(`${ORIGIN}**`, (route) =>
      route.request().url().endsWith('/page.js')
        ? route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle })
        : route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html><body><script src="/page.js"></script></body></html>' }),
    );
    await page.goto(ORIGIN);
    await page.waitForFunction(() => 'crosscheck' in globalThis, undefined, { timeout: 60_000 });
    const overrides: { module: string; kernels: string[] }[] = [];
    for (const module of opts.register ?? []) {
      const code = await bundleForPage(module);
      await page.addScriptTag({ content: code });
      const kernels = await page.evaluate(() => (globalThis as unknown as { crosscheck: { register(): string[] } }).crosscheck.register());
      overrides.push({ module, kernels });
    }
    const flags = { ...variant.flags, ...(opts.flags ?? {}) };
    const reply = fromWire<{ env?: Record<string, unknown>; kernels?: string[]; error?: string }>(
      await page.evaluate(([b, f]) => (globalThis as unknown as { crosscheck: { init(b: string, f: unknown): Promise<string> } }).crosscheck.init(b, f), [variant.tfBackend, flags] as const),
    );
    if (reply.error) {
      await browser.close();
      throw new Error(reply.error);
    }
    const env: BrowserEnv = { backend: id, browser: browser.version(), endpoint: opts.endpoint ?? null, executable, launchArgs: opts.endpoint ? [] : args, page: reply.env ?? {} };
    if (overrides.length > 0) env.overrides = overrides;
    const session = new BrowserSession(browser, page, env, reply.kernels ?? [], undefined);
    page.on('crash', () => (session.lost = 'the page crashed'));
    browser.on('disconnected', () => (session.lost ??= 'the browser disconnected'));
    return session;
  }

  /** Runs one call in the page: a TF.js error rejects with its message; a crash, a lost context or a hang with BackendLost. */
  async call(req: { op: string; input?: string; inputs: unknown; params: unknown; dy?: unknown }): Promise<PageOutput> {
    if (this.lost) throw new BackendLost(this.lost);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BackendLost(`no answer from the page within ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
    });
    let wire: string;
    try {
      wire = await Promise.race([this.page.evaluate((w) => (globalThis as unknown as { crosscheck: { run(w: string): Promise<string> } }).crosscheck.run(w), toWire(req)), timeout]);
    } catch (e) {
      if (e instanceof BackendLost) throw e;
      throw new BackendLost(this.lost ?? `the page failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    } finally {
      clearTimeout(timer);
    }
    const reply = fromWire<PageReply>(wire);
    if (reply.lost) {
      this.lost = reply.lost;
      throw new BackendLost(reply.lost);
    }
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.ok!;
  }

  /** The fingerprints of the given ops, probed in the page. */
  async fingerprints(ops: readonly string[]): Promise<Record<string, Record<string, string>>> {
    return fromWire(await this.page.evaluate((o) => (globalThis as unknown as { crosscheck: { fingerprints(o: string[]): string } }).crosscheck.fingerprints(o), [...ops]));
  }

  /**
   * One step of a bench contender in the page (src/bench/page.ts: open an entry's
   * call, time calls, close it), with the failures of `call`: a TF.js error
   * rejects with its message; a crash, a lost context or a hang with BackendLost.
   */
  async bench<T>(step: unknown): Promise<T> {
    return this.ask<T>('bench', step);
  }

  /** A whole model run in the page (src/model/page.ts), with the failures of `bench`. */
  async model<T>(request: unknown): Promise<T> {
    return this.ask<T>('model', request);
  }

  private async ask<T>(method: 'bench' | 'model', request: unknown): Promise<T> {
    if (this.lost) throw new BackendLost(this.lost);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BackendLost(`no answer from the page within ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
    });
    let reply: { ok?: T; error?: string; lost?: string };
    try {
      const evaluate = this.page.evaluate(([m, w]) => (globalThis as unknown as { crosscheck: Record<string, (w: string) => Promise<string>> }).crosscheck[m](w), [method, toWire(request)] as const);
      reply = fromWire(await Promise.race([evaluate, timeout]));
    } catch (e) {
      if (e instanceof BackendLost) throw e;
      throw new BackendLost(this.lost ?? `the page failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    } finally {
      clearTimeout(timer);
    }
    if (reply.lost) throw new BackendLost((this.lost = reply.lost));
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.ok!;
  }

  /** Crashes the page on purpose (tests: a crash must become an error record, and the run go on). */
  async crashForTest(): Promise<void> {
    await this.page.goto('chrome://crash').catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }
}
