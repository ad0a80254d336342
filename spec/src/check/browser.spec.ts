/**
 * The browser backends (webgl, webgpu and the webgl variants) in headless
 * Chromium: a small case set per backend through the same runner and bounds as
 * the Node backends; the GPU kernel is what ran (a forwarded result is an
 * error); a crashed page becomes an error record and the run goes on; a remote
 * browser through a Playwright browser server; no Chromium: unsupported, saying
 * how to install it. Needs `npm run build` (the page bundle) and Debian's
 * chromium (.ci/run installs it).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { BROWSER_BACKENDS, BrowserBackendId } from '../../../src/tfjs/backendIds';
import { BrowserSession, chromiumPath } from '../../../src/tfjs/browser';
import { browserExecutor } from '../../../src/check/browserExecutor';
import { runChecks } from '../../../src/check/runner';
import { fuzzOp } from '../../../src/check/fuzz';
import { runIsolated } from '../../../src/check/processes';
import type { ResultRecord } from '../../../src/check/results';
import { conv2dSpec } from '../../../src/ops/conv2d';
import { matMulSpec } from '../../../src/ops/matMul';
import { OPS } from '../../../src/ops';
import { maxPoolSpec } from '../../../src/ops/maxPool';
import { softmaxSpec } from '../../../src/ops/softmax';
import { positionalEncodingSpec } from '../../../src/ops/positionalEncoding';
import { AnyOpSpec, inStorage } from '../../../src/ops/types';
import { FLOAT16, withStorage } from '../../../src/bounds/gamma';
import { judgeElements } from '../../../src/check/elementwise';
import { ROOT } from '../../helpers/cli';

const CHROMIUM = chromiumPath();
const maybe = CHROMIUM ? describe : describe.skip;
const skipped = CHROMIUM ? '' : ' (skipped: no Chromium; .ci/run installs Debian\'s chromium)';

/** The first cases of an op (its ids unchanged, so replay commands still find them). */
const first = (spec: AnyOpSpec, n: number): AnyOpSpec => ({ ...spec, cases: (seed: number) => spec.cases(seed).filter((c) => !c.id.includes('nonfinite')).slice(0, n) });
const SMALL = [first(conv2dSpec, 6), first(maxPoolSpec, 6), first(matMulSpec, 6), first(softmaxSpec, 6)];

async function check(backend: BrowserBackendId, session: BrowserSession, ops: AnyOpSpec[] = SMALL): Promise<ResultRecord[]> {
  return runChecks({ ops, backends: [], executors: [browserExecutor(backend, session)], seed: 1 });
}

maybe(`browser backends${skipped}`, () => {
  describe.each(BROWSER_BACKENDS.map((b) => [b]))('%s', (backend) => {
    let session: BrowserSession;
    beforeAll(async () => {
      session = await BrowserSession.open(backend);
    }, 120000);
    afterAll(() => session?.close());

    it('records its browser, GPU and TF.js flags, with CPU forwarding off', () => {
      expect(session.env.browser).toMatch(/^\d+\./);
      expect(session.env.endpoint).toBeNull();
      const page = session.env.page as { flags: Record<string, unknown>; gl?: { renderer: string }; webgpu?: { vendor: string } };
      if (backend.startsWith('webgl')) {
        expect(page.gl?.renderer).toMatch(/SwiftShader|ANGLE|\w/);
        expect(page.flags.WEBGL_CPU_FORWARD).toBe(false);
      } else {
        expect(page.webgpu?.vendor).toBeDefined();
        expect(page.flags.WEBGPU_CPU_FORWARD).toBe(false);
      }
      expect((session.env.page as { storage: string }).storage).toBe(backend === 'webgl-f16' ? 'float16' : 'float32');
      if (backend === 'webgl-f16') expect(page.flags.WEBGL_FORCE_F16_TEXTURES).toBe(true);
      if (backend === 'webgl-unpacked') expect(page.flags.WEBGL_PACK).toBe(false);
      if (backend === 'webgl-noim2col') expect(page.flags.WEBGL_CONV_IM2COL).toBe(false);
      expect(session.kernels).toEqual(expect.arrayContaining(['Conv2D', 'BatchMatMul', 'Softmax', 'MaxPool']));
    });

    it('agrees with the reference within the derived bounds, and a GPU program computed every result', async () => {
      const records = await check(backend, session);
      expect(records.length).toBeGreaterThan(40);
      const bad = records.filter((r) => r.status === 'fail' || r.status === 'error');
      expect(bad.map((r) => `${r.op} ${r.check} ${r.case}: ${r.message ?? r.errToBound}`)).toEqual([]);
      // NOTE: a 1x1 window with stride 1 is the identity in TF.js's pooling kernels: no program, the input returned.
      for (const r of records.filter((x) => x.status === 'pass')) expect(r.gpuPrograms! > 0 || (r.op.endsWith('Pool') && /k=\[1,1\] s=\[1,1\]/.test(r.case))).toBe(true);
    }, 300000);
  });

  it('webgl-f16: inputs are rounded to float16 and the float16 bound admits what the float32 bound rejects; an overflow is #20', async () => {
    const session = await BrowserSession.open('webgl-f16');
    try {
      const executor = browserExecutor('webgl-f16', session);
      expect(executor.storage).toBe(FLOAT16);
      const c = matMulSpec.cases(1).find((x) => x.id.endsWith('v=rand') && x.inputs.a.data.length >= 16)!;
      const got = await executor.forward(matMulSpec, inStorage(c, FLOAT16));
      // as float32 with the float32 bound: float16 storage moved it beyond
      const f32 = matMulSpec.reference(c);
      expect(judgeElements(f32.value, f32.bound, got, false).errToBound).toBeGreaterThan(10);
      // as the runner judges it: rounded inputs, float16 bound
      const f16 = withStorage(FLOAT16, () => matMulSpec.reference(inStorage(c, FLOAT16)));
      const judged = judgeElements(f16.value, f16.bound, got, false, FLOAT16.overflow);
      expect(judged.ok).toBe(true);
      expect(judged.errToBound).toBeGreaterThan(0.01);
      const records = await runChecks({ ops: [matMulSpec], backends: [], executors: [executor], seed: 1, caseId: c.id });
      expect(records.map((r) => [r.status, r.storage])).toEqual(records.map(() => ['pass', 'float16']));
      // a product beyond 65504: IEEE stores +-Inf, SwiftShader NaN (README #20)
      const big = { ...c, id: 'overflow', inputs: { a: { shape: [1, 1], data: Float64Array.of(300) }, b: { shape: [1, 1], data: Float64Array.of(300) } } };
      const overflow = { ...OPS.find((o) => o.id === 'matMul')!, cases: () => [big] };
      const [fwd] = await runChecks({ ops: [overflow], backends: [], executors: [executor], seed: 1 });
      expect(fwd.check).toBe('forward');
      expect([fwd.status, fwd.known, fwd.worst?.expected]).toEqual(fwd.status === 'pass' ? ['pass', undefined, 90000] : ['xfail', 20, 90000]);
    } finally {
      await session.close();
    }
  }, 180000);

  it('--fuzz runs fast-check cases in the page of a browser backend, through the same runner and bounds', async () => {
    const session = await BrowserSession.open('webgpu');
    try {
      const records: ResultRecord[] = [];
      const executor = browserExecutor('webgpu', session);
      const counting = { ...executor, forward: async (...a: Parameters<typeof executor.forward>) => { const out = await executor.forward(...a); records.push({ gpuPrograms: out.gpuPrograms } as ResultRecord); return out; } };
      const r = (await fuzzOp(OPS.find((o) => o.id === 'matMul')!, [counting], 8, 1))!;
      expect(r.backends).toEqual(['webgpu']);
      expect(r.runs).toBeGreaterThanOrEqual(8);
      expect(r.failed).toBe(false);
      expect(records.length).toBeGreaterThanOrEqual(16);
      expect(records.every((x) => x.gpuPrograms! > 0)).toBe(true);
    } finally {
      await session.close();
    }
  }, 180000);

  it('--register puts a module\'s kernel in the page: a planted wrong webgl Softmax fails, named with a replay command', () => {
    const json = path.join(require('os').tmpdir(), `crosscheck-register-${process.pid}.json`);
    const fault = 'spec/faults/webgl-softmax-relu.js';
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'crosscheck.js'), 'check', '--ops', 'softmax', '--backends', 'webgl', '--case', 'x=[7] v=rand', '--register', fault, '--json', json, '--force'], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL softmax forward on webgl: x=[7] v=rand');
    expect(r.stdout).toContain(`--register '${fault}'`);
    const doc = JSON.parse(require('fs').readFileSync(json, 'utf8'));
    expect(doc.env.browsers.webgl.overrides).toEqual([{ module: fault, kernels: ['webgl/Softmax'] }]);
    expect(doc.results.find((x: ResultRecord) => x.check === 'forward').gpuPrograms).toBeGreaterThan(0);
  }, 180000);

  it('a result computed without a GPU program (CPU forwarding on) is an error, not a pass; with the suite flags the GPU computes it', async () => {
    // NOTE: with TF.js's default forwarding, positionalEncoding's small element-wise ops run on the cpu kernels.
    const tiny = { ...positionalEncodingSpec, cases: (seed: number) => positionalEncodingSpec.cases(seed).filter((c) => c.params.n * c.params.d <= 16).slice(0, 3) };
    for (const forward of [true, false]) {
      const session = await BrowserSession.open('webgl', { flags: { WEBGL_CPU_FORWARD: forward } });
      try {
        const records = await check('webgl', session, [tiny]);
        expect(records.length).toBe(3);
        const forwarded = records.filter((r) => r.status === 'error' && /no GPU program ran for this call/.test(r.message ?? ''));
        // never a pass that no GPU program computed
        for (const r of records.filter((x) => x.status === 'pass')) expect(r.gpuPrograms).toBeGreaterThan(0);
        if (forward) expect(forwarded.length).toBeGreaterThan(0);
        else expect(records.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
      } finally {
        await session.close();
      }
    }
  }, 120000);

  it('a page that crashes becomes an error record for its case, and the run goes on in a fresh browser', async () => {
    process.env.CROSSCHECK_TEST_CRASH_AT = '1';
    try {
      const run = await runIsolated({ ops: [softmaxSpec], backends: ['webgl'], seed: 1, caseId: undefined });
      const byCase = new Map<string, ResultRecord[]>();
      for (const r of run.records) byCase.set(r.case, [...(byCase.get(r.case) ?? []), r]);
      const cases = softmaxSpec.cases(1);
      const crashed = byCase.get(cases[1].id)!;
      expect(crashed.every((r) => r.status === 'error' && /browser page or GPU context was lost/.test(r.message ?? ''))).toBe(true);
      expect(run.crashes.length).toBe(1);
      expect(byCase.get(cases[0].id)!.every((r) => r.status === 'pass')).toBe(true);
      // every later case ran, in the fresh browser
      expect(byCase.get(cases[cases.length - 1].id)?.length).toBeGreaterThan(0);
      expect(run.records.filter((r) => r.status === 'pass').length).toBeGreaterThan(150);
    } finally {
      delete process.env.CROSSCHECK_TEST_CRASH_AT;
    }
  }, 300000);

  it('runs against a remote browser through a Playwright browser server (here on 127.0.0.1)', async () => {
    const { chromium } = await import('playwright-core');
    const server = await chromium.launchServer({ executablePath: CHROMIUM!, headless: true, host: '127.0.0.1', args: ['--no-sandbox', '--disable-background-networking', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
    try {
      const session = await BrowserSession.open('webgl', { endpoint: server.wsEndpoint() });
      try {
        expect(session.env.endpoint).toBe(server.wsEndpoint());
        expect((session.env.page as { userAgent: string }).userAgent).toMatch(/Chrome\//);
        const records = await check('webgl', session, [first(conv2dSpec, 3)]);
        expect(records.filter((r) => r.status === 'pass').length).toBeGreaterThan(5);
        expect(records.filter((r) => r.status === 'fail' || r.status === 'error')).toEqual([]);
      } finally {
        await session.close();
      }
    } finally {
      await server.close();
    }
  }, 120000);
});

describe('browser backends: bad input and a missing Chromium', () => {
  const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'crosscheck.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120000 });

  it('an unreachable --browser-endpoint is exit 2 naming it, before any work', () => {
    const r = cli(['check', '--ops', 'softmax', '--backends', 'webgl', '--browser-endpoint', 'ws://127.0.0.1:9/nothing']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--browser-endpoint ws:\/\/127\.0\.0\.1:9\/nothing: no Playwright browser server answers there/);
  });

  it('a malformed --browser-endpoint and an unknown backend are exit 2 listing what is accepted', () => {
    const bad = cli(['check', '--backends', 'webgl', '--browser-endpoint', 'http://x']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--browser-endpoint must be a ws:\/\/ or wss:\/\/ URL/);
    const unknown = cli(['check', '--backends', 'webgl-f32']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown backend 'webgl-f32' in --backends\. Available: cpu, wasm, tensorflow, webgl, webgl-f16, webgl-unpacked, webgl-noim2col, webgpu, reference\./);
  });

  it('without Chromium the browser backends are unsupported, saying how to install it; the Node backends run as before', () => {
    const r = cli(['check', '--ops', 'softmax', '--backends', 'cpu,webgl'], { CROSSCHECK_CHROMIUM: '/nonexistent/chromium' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/│ softmax +│ forward +│ \d+ +│ \d+u +│/);
    expect(r.stdout).toMatch(/webgl: unsupported — webgl: no Chromium found \(looked at \/nonexistent\/chromium\): install Debian's chromium package \(apt-get install chromium\)/);
  }, 120000);
});
