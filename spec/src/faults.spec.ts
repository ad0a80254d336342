/**
 * Planted faults (spec/faults/): deliberately wrong kernels registered on the
 * cpu backend through `--register`, as a kernel author would register a new
 * one. Every numeric fault must be flagged by `check` (with the op, case and
 * backend it broke) and by `compare` against a clean baseline; the slowed
 * kernel must be flagged by `compare` of two bench runs, and an A/A comparison
 * must report nothing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BenchResult } from '../../src/bench/types';
import type { CheckFile } from '../../src/check/results';
import { ROOT, crosscheck } from '../helpers/cli';

const FAULTS = path.join('spec', 'faults');

const NUMERIC = [
  { module: 'conv-stride-off-by-one.js', op: 'conv2d', kernel: 'cpu/Conv2D', check: 'forward' },
  { module: 'conv-drop-channel.js', op: 'conv2d', kernel: 'cpu/Conv2D', check: 'forward' },
  { module: 'conv-transposed-filter.js', op: 'conv2d', kernel: 'cpu/Conv2D', check: 'forward' },
  { module: 'conv-padding-off-by-one.js', op: 'conv2d', kernel: 'cpu/Conv2D', check: 'forward' },
  { module: 'maxpool-ties-last.js', op: 'maxPool', kernel: 'cpu/MaxPoolGrad', check: 'grad:x' },
  { module: 'softmax-no-max.js', op: 'softmax', kernel: 'cpu/Softmax', check: 'forward' },
  { module: 'grad-scaled.js', op: 'conv2d', kernel: 'cpu/Conv2DBackpropInput', check: 'grad:x' },
  { module: 'matmul-low-precision.js', op: 'matMul', kernel: 'cpu/BatchMatMul', check: 'forward' },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-faults-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const readJson = <T>(f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as T;

describe('planted numeric faults: check --register flags each with the op, case and backend it broke; compare gates it', () => {
  const baselines = new Map<string, string>();
  beforeAll(() => {
    for (const op of new Set(NUMERIC.map((f) => f.op))) {
      const file = path.join(dir, `baseline-${op}.json`);
      const r = crosscheck('check', '--ops', op, '--backends', 'cpu', '--json', file, '--quiet');
      if (r.code !== 0) throw new Error(`the clean baseline of ${op} on cpu did not pass (exit ${r.code}): ${r.out.slice(-2000)} ${r.err}`);
      baselines.set(op, file);
    }
  }, 300000);

  it.each(NUMERIC)('$module breaks $op $check on cpu', ({ module, op, kernel, check }) => {
    const json = path.join(dir, `${module}.json`);
    const r = crosscheck('check', '--ops', op, '--backends', 'cpu', '--register', path.join(FAULTS, module), '--json', json, '--quiet', '--max-failures', '1');
    expect(r.err).not.toMatch(/Error|crosscheck:/);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`Kernels overridden by --register:\n  ${path.join(FAULTS, module)}: ${kernel}`);
    const doc = readJson<CheckFile>(json);
    expect(doc.overrides).toEqual([{ module: path.join(FAULTS, module), kernels: [kernel], removed: [] }]);
    // a fault in a forward kernel can also break the gradient checks that run it (as errors)
    const failed = doc.results.filter((x) => x.status === 'fail' || x.status === 'error');
    const hit = failed.filter((x) => x.check === check && x.status === 'fail');
    expect(hit.length).toBeGreaterThan(0);
    expect(new Set(failed.map((x) => `${x.op} on ${x.backend}`))).toEqual(new Set([`${op} on cpu`]));
    // the printed failure names op, check, backend and case, and replays with the module
    const first = failed[0];
    expect(r.out).toContain(`${first.status.toUpperCase()} ${first.op} ${first.check} on cpu: ${first.case}`);
    expect(first.replay).toContain(`--case '${first.case}' --backends cpu --seed 1 --register '${path.join(FAULTS, module)}'`);

    const md = path.join(dir, `${module}.md`);
    const gate = crosscheck('compare', baselines.get(op)!, json, '--markdown', md);
    expect(gate.code).toBe(1);
    // every failed check is a regression; a fault may also move passing checks (accuracy drift)
    expect(Number(gate.out.match(/REGRESSION: (\d+) found; numerics: \d+ checks compared, \d+ regressed/)?.[1])).toBeGreaterThanOrEqual(failed.length);
    expect(gate.out).toContain('kernels overridden (--register)');
    expect(fs.readFileSync(md, 'utf8')).toContain(`| regression | ${first.op} | \`${first.case}\` | cpu | ${first.check} | pass | ${first.status} |`);
  }, 240000);
});

describe('--register: a module that cannot do its job is a clear error (exit 2)', () => {
  const mod = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  it.each([
    ['a missing file', () => path.join(dir, 'absent.js'), /--register .*absent\.js: no readable file at /],
    ['a TypeScript file', () => mod('kernel.ts', 'export {}'), /--register .*kernel\.ts: a module must be a \.js, \.cjs, \.mjs file \(compile TypeScript first\)/],
    ['no register export', () => path.join(ROOT, FAULTS, 'kernel.js'), /--register .*kernel\.js: the module exports no register\(tf\) function \(its exports: replaceKernel, values, make, callWith, mapOutput\)/],
    ['registers nothing', () => mod('noop.js', 'exports.register = () => {};'), /--register .*noop\.js: register\(tf\) registered no kernel; expected tf\.registerKernel/],
    ['register throws', () => mod('throws.cjs', "exports.register = () => { throw new Error('no GPU here'); };"), /--register .*throws\.cjs: register\(tf\) threw: no GPU here/],
    ['a syntax error', () => mod('broken.js', 'exports.register = ('), /--register .*broken\.js: the module failed to load: /],
  ])('%s', (_label, file, message) => {
    const r = crosscheck('check', '--ops', 'softmax', '--backends', 'cpu', '--register', file());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('an ES module (.mjs) registers through the same namespace, and bench names the override too', () => {
    const esm = mod('relabel.mjs', `export function register(tf) {
  const k = tf.getKernel('Softmax', 'wasm');
  tf.unregisterKernel('Softmax', 'wasm');
  tf.registerKernel({ ...k, kernelFunc: (args) => k.kernelFunc(args) });
}`);
    const json = path.join(dir, 'esm.json');
    const r = crosscheck('check', '--ops', 'softmax', '--backends', 'wasm', '--register', esm, '--json', json, '--quiet');
    expect(r.code).toBe(0);
    expect(readJson<CheckFile>(json).overrides).toEqual([{ module: esm, kernels: ['wasm/Softmax'], removed: [] }]);
    const out = path.join(dir, 'bench-esm');
    const b = crosscheck('bench', '--ops', 'softmax', '--backends', 'wasm', '--no-scaling', '--register', esm, '--out', out, '--quiet');
    expect(b.code).toBe(0);
    expect(readJson<BenchResult>(path.join(out, 'bench.json')).overrides).toEqual([{ module: esm, kernels: ['wasm/Softmax'], removed: [] }]);
    expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toContain(`Kernels overridden by --register: ${esm}: wasm/Softmax.`);
  }, 240000);
});

describe('the slowed kernel: compare of two bench runs flags it; an A/A comparison flags nothing', () => {
  const bench = (name: string, ...extra: string[]) => {
    const out = path.join(dir, name);
    const r = crosscheck('bench', '--ops', 'matMul', '--backends', 'cpu,reference', '--no-scaling', '--out', out, '--quiet', ...extra);
    if (r.code !== 0) throw new Error(`bench ${name} exited ${r.code}: ${r.err}`);
    return out;
  };

  // NOTE: this VM's speed drifts (the cpu backend's matMul took 0.56 ms and, ten minutes later, 1.0 ms in
  // one session), and a drift between two runs reads as a regression; so each verdict gets a second pair of
  // runs when the first pair disagrees with it. A detector that always or never fires fails both pairs.
  it('A/A: the same build twice has no regression (a second pair of runs when the first raises an alarm)', () => {
    let r = crosscheck('compare', bench('a1'), bench('a2'));
    if (r.code !== 0) r = crosscheck('compare', bench('a3'), bench('a4'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no regression; speed: 2 entries compared, 0 slower/);
  }, 120000);

  it('matmul-slow.js (+25% in the kernel) is slower on cpu and nowhere else (a second pair of runs when the first misses it)', () => {
    const junit = path.join(dir, 'slow.xml');
    let r = crosscheck('compare', bench('s-base'), bench('s-slow', '--register', path.join(FAULTS, 'matmul-slow.js')), '--junit', junit, '--force');
    if (r.code === 0) r = crosscheck('compare', bench('s-base2'), bench('s-slow2', '--register', path.join(FAULTS, 'matmul-slow.js')), '--junit', junit, '--force');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/REGRESSION: 1 found; speed: 2 entries compared, 1 slower/);
    expect(r.out).toMatch(/│ slower +│ matMul +│ forward +│ small +│ cpu +│/);
    expect(fs.readFileSync(junit, 'utf8')).toMatch(/<testcase classname="crosscheck.speed" name="matMul forward small on cpu \[.*?\]"><failure message="slower: \+\d+\.\d%">/);
  }, 240000);
});
