/**
 * `crosscheck bench` on the browser backends: a tiny run (softmax forward and
 * conv2d's filter gradient at the small size, webgl and webgpu, a fifth of the
 * time budget) timed in the page; its entries, first calls, GPU programs, the
 * SwiftShader disclaimer in the reports and env, compare on the entries; and no
 * Chromium: the browser contenders are skipped with the reason. Needs `npm run
 * build` (the page bundle) and Debian's chromium (.ci/run installs it).
 */
import { runBench } from '../../../src/bench/bench';
import { html, markdown } from '../../../src/bench/report';
import type { BenchResult } from '../../../src/bench/types';
import { compareBenches, DEFAULTS } from '../../../src/compare/verdicts';
import { conv2dSpec } from '../../../src/ops/conv2d';
import { softmaxSpec } from '../../../src/ops/softmax';
import type { AnyOpSpec } from '../../../src/ops/types';
import { chromiumPath, noChromium } from '../../../src/tfjs/browser';

const CHROMIUM = chromiumPath();
const maybe = CHROMIUM ? describe : describe.skip;
const skipped = CHROMIUM ? '' : " (skipped: no Chromium; .ci/run installs Debian's chromium)";

/** conv2d with no forward entry and its filter gradient on the small forward case (its own gradient entry is medium-size only). */
const conv2dGradSmall: AnyOpSpec = { ...conv2dSpec, benchCases: () => [], benchGrads: () => [{ input: 'filter', case: conv2dSpec.benchCases!('small')[0] }], scalingSweeps: undefined };
const softmaxOnly: AnyOpSpec = { ...softmaxSpec, scalingSweeps: undefined };

maybe(`bench on the browser backends${skipped}`, () => {
  let result: BenchResult;
  beforeAll(async () => {
    result = await runBench({ ops: [softmaxOnly, conv2dGradSmall], contenders: ['webgl', 'webgpu'], sizes: ['small'], scaling: false, budgetScale: 0.2 });
  }, 180000);

  it('times each entry in the page: samples with a positive median, the first call apart, GPU programs counted', () => {
    expect(result.entries.map((e) => `${e.op} ${e.check} ${e.contender}`).sort()).toEqual(['conv2d grad:filter webgl', 'conv2d grad:filter webgpu', 'softmax forward webgl', 'softmax forward webgpu']);
    for (const e of result.entries) {
      expect(e.error).toBeUndefined();
      expect(e.samplesMs.length).toBeGreaterThanOrEqual(8);
      expect(e.medianMs).toBeGreaterThan(0);
      expect(e.reps * e.medianMs).toBeGreaterThan(5); // each sample lasted >= ~5 ms
      // the first call compiles the shaders and uploads the inputs: timed apart from the samples, and slower than them
      expect(e.firstMs).toBeGreaterThan(e.medianMs);
      expect(e.gpuPrograms).toBeGreaterThan(0);
      expect(Number.isInteger(e.gpuPrograms)).toBe(true);
      expect(e.pctOfPeak).toBeNaN(); // the peak is the CPU's
    }
    expect(result.peak.measuredGflops).toBeNaN();
    expect(result.peak.measuredBasis).toMatch(/only browser contenders/);
  });

  it('says in bench.json env, report.md and report.html that SwiftShader timings are not GPU timings', async () => {
    for (const id of ['webgl', 'webgpu']) {
      const b = result.env.browsers![id];
      expect(b.backend).toBe(id);
      expect(b.device).toMatch(id === 'webgl' ? /^GL renderer .*SwiftShader/ : /^WebGPU adapter .*swiftshader/i);
      expect(b.notGpu).toBe(`SwiftShader (software rendering on the CPU): the ${id} timings are not GPU timings`);
      expect((b.page as { flags: Record<string, unknown> }).flags[id === 'webgl' ? 'WEBGL_CPU_FORWARD' : 'WEBGPU_CPU_FORWARD']).toBe(false);
    }
    const md = markdown(result);
    expect(md).toMatch(/> \*\*SwiftShader \(software rendering on the CPU\): the webgl timings are not GPU timings\.\*\*/);
    expect(md).toMatch(/\| softmax \| forward \| x=\[64,64\] v=rand \| webgpu \| [\d.]+ \| [\d.]+ \|.*\d+ GPU programs a call; SwiftShader: not a GPU timing \|/);
    const page = await html(result);
    expect(page).toMatch(/<p class="warning"><strong>SwiftShader \(software rendering on the CPU\): the webgpu timings are not GPU timings\.<\/strong>/);
  });

  it('compare takes the entries as any others', () => {
    const r = compareBenches(result, result, DEFAULTS);
    expect(r.rows.map((x) => x.contender).sort()).toEqual(['webgl', 'webgl', 'webgpu', 'webgpu']);
    expect(r.rows.every((x) => x.verdict === '~')).toBe(true);
  });
});

describe('bench without Chromium', () => {
  const saved = process.env.CROSSCHECK_CHROMIUM;
  beforeAll(() => {
    process.env.CROSSCHECK_CHROMIUM = '/nonexistent/chromium';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.CROSSCHECK_CHROMIUM;
    else process.env.CROSSCHECK_CHROMIUM = saved;
  });

  it('skips the browser contenders with the reason and times the others', async () => {
    const r = await runBench({ ops: [softmaxOnly], contenders: ['webgpu', 'reference'], sizes: ['small'], scaling: false, budgetScale: 0.2 });
    const [webgpu, reference] = ['webgpu', 'reference'].map((k) => r.entries.find((e) => e.contender === k)!);
    expect(webgpu.error).toBe(noChromium());
    expect(webgpu.samplesMs).toEqual([]);
    expect(reference.error).toBeUndefined();
    expect(reference.medianMs).toBeGreaterThan(0);
    expect(r.env.browsers).toBeUndefined();
    expect(r.threads.webgpu).toBe(`not started: ${noChromium()}`);
    expect(markdown(r)).toContain(noChromium());
  }, 120000);
});
