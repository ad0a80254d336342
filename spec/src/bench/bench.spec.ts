/**
 * The benchmark's statistics, a short real run, the report, the browser check
 * of the HTML, and the command line's bad input.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runBench } from '../../../src/bench/bench';
import type { BenchResult } from '../../../src/bench/types';
import { mergeProcesses } from '../../../src/bench/merge';
import { html, markdown } from '../../../src/bench/report';
import { logLogSlope, median, medianCI } from '../../../src/bench/stats';
import { matMulSpec } from '../../../src/ops/matMul';
import { spawnSync } from 'child_process';
import { crosscheck, interrupted } from '../../helpers/cli';
import { BROWSER_BACKENDS } from '../../../src/tfjs/backendIds';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));


describe('bench statistics', () => {
  it('median, a distribution-free CI that contains it, and log-log slopes', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const xs = Array.from({ length: 40 }, (_, i) => 10 + (i % 7));
    const [lo, hi] = medianCI(xs);
    expect(lo).toBeLessThanOrEqual(median(xs));
    expect(hi).toBeGreaterThanOrEqual(median(xs));
    expect(medianCI([5, 1, 3])).toEqual([1, 5]);
    expect(logLogSlope([1, 2, 4, 8].map((x) => ({ x, y: 3 * x * x })))).toBeCloseTo(2, 12);
    expect(logLogSlope([1, 10, 100].map((x) => ({ x, y: 7 * x })))).toBeCloseTo(1, 12);
  });
});

let result: BenchResult;
beforeAll(async () => {
  result = await runBench({ ops: [matMulSpec], contenders: ['cpu', 'wasm', 'tensorflow', 'reference'], sizes: ['small'], scaling: false });
}, 120000);

describe('a short bench run (matMul, small)', () => {
  it('times every contender with >= 8 samples, a first call and a CI around the median', () => {
    expect(result.schema).toBe('tfjs-crosscheck/bench@1');
    expect(result.entries.map((e) => e.contender).sort()).toEqual(['cpu', 'reference', 'tensorflow', 'wasm']);
    for (const e of result.entries) {
      expect(e.error).toBeUndefined();
      expect(e.samplesMs.length).toBeGreaterThanOrEqual(8);
      expect(e.firstMs).toBeGreaterThan(0);
      expect(e.ci95Ms[0]).toBeLessThanOrEqual(e.medianMs);
      expect(e.ci95Ms[1]).toBeGreaterThanOrEqual(e.medianMs);
      expect(e.reps * e.medianMs).toBeGreaterThan(5); // each sample lasted >= ~5 ms, far over the timer's resolution
      expect(e.gflops).toBeCloseTo(e.flops / (e.medianMs / 1e3) / 1e9, 6);
    }
    expect(result.peak.measuredGflops).toBeGreaterThan(0);
    expect(result.peak.theoreticalGflops).toBeGreaterThan(0);
    expect(Object.keys(result.threads).sort()).toEqual(['cpu', 'reference', 'tensorflow', 'wasm']);
  });

  it('joins K processes: each entry from the process where it was fastest, every median kept, the best peak', () => {
    const scaled = (f: number, peak: number) => ({
      ...result,
      peak: { ...result.peak, measuredGflops: peak },
      entries: result.entries.map((e) => ({ ...e, medianMs: e.medianMs * f, samplesMs: e.samplesMs.map((x) => x * f) })),
    });
    const merged = mergeProcesses([scaled(1.2, 100), scaled(1, 90), scaled(1.5, 80)]);
    expect(merged.processes).toBe(3);
    expect(merged.peak.measuredGflops).toBe(100);
    merged.entries.forEach((e, i) => {
      const base = result.entries[i].medianMs;
      expect(e.medianMs).toBeCloseTo(base, 12);
      expect(e.processMediansMs!.map((m) => m / base)).toEqual([expect.closeTo(1.2, 9), expect.closeTo(1, 9), expect.closeTo(1.5, 9)]);
      expect(e.samplesMs).toEqual(result.entries[i].samplesMs);
      expect(e.gflops).toBeCloseTo(e.flops / (e.medianMs / 1e3) / 1e9, 6);
    });
    expect(markdown(merged)).toMatch(/measured in 3 fresh processes/);
    expect(markdown(merged)).toMatch(/\| 1\.50x \|/);
  });

  it('renders Markdown with the tables, and HTML with inline SVG charts and no script', async () => {
    const md = markdown(result);
    expect(md).toMatch(/## small/);
    expect(md).toMatch(/## Fastest backend per op/);
    expect(md).toMatch(/\| matMul \| forward \| a=\[64,64\]/);
    const page = await html(result);
    expect((page.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(page).not.toMatch(/<script/);
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });
});

(CHROMIUM ? describe : describe.skip)(`the HTML report in headless Chromium${CHROMIUM ? '' : ' (skipped: no chromium at /usr/bin/chromium; .ci/run installs it)'}`, () => {
  it('renders its charts without console errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-report-'));
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, await html(result));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chromium } = require('playwright-core') as typeof import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${file}`);
      const sizes = await page.$$eval('figure.chart svg', (svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => [r.width, r.height]));
      expect(sizes.length).toBeGreaterThanOrEqual(2);
      for (const [w, h] of sizes) {
        expect(w).toBeGreaterThan(100);
        expect(h).toBeGreaterThan(50);
      }
      const marks = await page.$$eval('figure.chart svg path, figure.chart svg rect, figure.chart svg line', (els) => els.length);
      expect(marks).toBeGreaterThan(10);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});

describe('bench and report: bad input exits 2 before any measurement', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-bench-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['bench', '--sizes', 'huge'], /Unknown size 'huge' in --sizes\. Available: small, medium, large\./],
    [['bench', '--backends', 'gpu'], new RegExp(`Unknown backend 'gpu' in --backends\\. Available: cpu, wasm, tensorflow, ${BROWSER_BACKENDS.join(', ')}, reference\\.`)],
    [['bench', '--ops', 'conv3d'], /Unknown op 'conv3d' in --ops\. Available: /],
    [['bench', '--processes', '0'], /--processes must be an integer from 1 to 20, got '0'\./],
    [['bench', '--native-threads', '0'], /--native-threads must be an integer from 1 to 256 or 'default', got '0'\./],
    [['bench', '--out', '/etc/hostname/results'], /--out \/etc\/hostname\/results: \/etc\/hostname is not a writable directory/],
    [['report'], /missing required argument 'results'/],
    [['report', '/nonexistent/bench.json'], /report \/nonexistent\/bench\.json: cannot read it \(no such file\)/],
  ])('%j', (args, message) => {
    const t0 = Date.now();
    const r = crosscheck(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(Date.now() - t0).toBeLessThan(20000);
  });

  it('an interrupted bench (SIGINT) writes nothing into --out and leaves no bench process behind', async () => {
    const out = path.join(dir, 'interrupted');
    const { code, err } = await interrupted(['bench', '--ops', 'softmax', '--sizes', 'medium', '--out', out, '--quiet'], 4000);
    expect(code).toBe(130);
    expect(err).toMatch(/interrupted \(SIGINT\); no result file was written/);
    expect(fs.existsSync(out)).toBe(false);
    const left = spawnSync('pgrep', ['-f', `bench.worker\\.js.*"sizes":\\["medium"\\]`], { encoding: 'utf8' });
    expect(left.stdout.trim()).toBe('');
  }, 60000);

  it('report refuses a check result (the wrong kind) and renders a bench result', () => {
    const check = path.join(dir, 'check.json');
    fs.writeFileSync(check, JSON.stringify({ schema: 'tfjs-crosscheck/check@1', results: [] }));
    const r = crosscheck('report', check);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/a check result \(schema "tfjs-crosscheck\/check@1"\); accepted here: a bench result \(schema "tfjs-crosscheck\/bench@1"\)/);
    const bench = path.join(dir, 'bench.json');
    fs.writeFileSync(bench, JSON.stringify(result));
    const ok = crosscheck('report', bench, '--out', path.join(dir, 'out'));
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'out', 'report.md'), 'utf8')).toMatch(/## Fastest backend per op/);
    expect(fs.readFileSync(path.join(dir, 'out', 'report.html'), 'utf8')).toMatch(/<svg/);
    const again = crosscheck('report', bench, '--out', path.join(dir, 'out'));
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/the directory is not empty; pass --force/);
  });
});
