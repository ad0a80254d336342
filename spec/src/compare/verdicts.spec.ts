/**
 * `crosscheck compare`: the statistics, the numeric and speed verdicts on
 * hand-made result files, and bad input.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BENCH_SCHEMA, BenchEntry, BenchResult } from '../../../src/bench/types';
import { bootstrapRatioCI, holm, mannWhitneyGreater, normalCdf } from '../../../src/bench/stats';
import { CHECK_SCHEMA, CheckFile } from '../../../src/check/results';
import { DEFAULTS, compareBenches, compareRuns, numericChange } from '../../../src/compare/verdicts';
import { compareJUnit, compareMarkdown } from '../../../src/compare/output';
import type { ResultRecord } from '../../../src/check/results';
import { Rng } from '../../../src/util/random';
import { crosscheck } from '../../helpers/cli';

describe('statistics', () => {
  it('Mann-Whitney: exact tail on small samples, normal approximation on large ones', () => {
    // all of y above all of x: one arrangement of C(6, 3) = 20
    expect(mannWhitneyGreater([1, 2, 3], [4, 5, 6])).toBeCloseTo(1 / 20, 12);
    expect(mannWhitneyGreater([4, 5, 6], [1, 2, 3])).toBeCloseTo(1, 12);
    // U = 8 of 9: arrangements with U >= 8 are 2 of 20
    expect(mannWhitneyGreater([1, 2, 4.5], [3, 5, 6])).toBeCloseTo(2 / 20, 12);
    const rng = new Rng(3);
    const a = Array.from(rng.uniform(40, 0, 1));
    const b = Array.from(rng.uniform(40, 0, 1));
    const p = mannWhitneyGreater(a, b);
    expect(p).toBeGreaterThan(0.01);
    expect(p).toBeLessThan(0.99);
    expect(mannWhitneyGreater(a, b.map((x) => x + 1))).toBeLessThan(1e-10);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  });

  it('Holm: adjusted p-values are monotone and never below the raw ones', () => {
    const expected = [0.03, 0.06, 0.06, 0.02];
    holm([0.01, 0.04, 0.03, 0.005]).forEach((p, i) => expect(p).toBeCloseTo(expected[i], 12));
    expect(holm([0.5])).toEqual([0.5]);
  });

  it('bootstrap CI of a ratio of medians covers the true ratio and is reproducible', () => {
    const rng = new Rng(9);
    const x = Array.from(rng.uniform(30, 0.95, 1.05));
    const y = x.map((v) => 1.25 * v);
    const ci = bootstrapRatioCI(x, y);
    expect(ci[0]).toBeLessThanOrEqual(1.25 + 1e-12);
    expect(ci[1]).toBeGreaterThanOrEqual(1.25 - 1e-12);
    expect(bootstrapRatioCI(x, y)).toEqual(ci);
  });
});

function rec(status: ResultRecord['status'], errToBound = 0.1, extra: Partial<ResultRecord> = {}): ResultRecord {
  return { op: 'conv2d', case: 'x=[1,4,4,1]', backend: 'cpu', check: 'forward', status, errToBound, maxAbsErr: 0, mismatches: 0, signedZeroMismatches: 0, elements: 16, exact: false, replay: 'npx crosscheck check ...', ...extra };
}

describe('numeric verdicts', () => {
  it.each([
    ['pass', 'fail', 'regression'],
    ['pass', 'error', 'regression'],
    ['pass', 'xfail', 'regression'],
    ['xfail', 'fail', 'regression'],
    ['pass', 'unsupported', 'regression'],
    ['unsupported', 'pass', 'newly supported'],
    ['unsupported', 'fail', 'regression'],
    ['fail', 'pass', 'fixed'],
    ['fail', 'fail', 'still failing'],
    ['pass', 'pass', undefined],
    ['xfail', 'xfail', undefined],
    ['unsupported', 'unsupported', undefined],
  ] as const)('%s -> %s: %s', (from, to, kind) => {
    expect(numericChange(rec(from), rec(to), DEFAULTS)?.kind).toBe(kind);
  });

  it('accuracy drift: errToBound grown past the factor while still passing, judged from the floor up', () => {
    expect(numericChange(rec('pass', 0.05), rec('pass', 0.21), DEFAULTS)?.detail).toMatch(/accuracy drift: err\/bound 0\.0500 -> 0\.210 \(4\.2x/);
    expect(numericChange(rec('pass', 0.05), rec('pass', 0.19), DEFAULTS)).toBeUndefined();
    expect(numericChange(rec('pass', 0.05), rec('pass', 0.19), { ...DEFAULTS, driftFactor: 2 })?.kind).toBe('regression');
    // 1e-9 -> 1e-7 of the bound is below the floor: noise, not drift
    expect(numericChange(rec('pass', 1e-9), rec('pass', 1e-7), DEFAULTS)).toBeUndefined();
    expect(numericChange(rec('pass', 0), rec('pass', 0.3), DEFAULTS)?.detail).toMatch(/from 0/);
  });
});

const checkFile = (results: ResultRecord[]): CheckFile => ({ schema: CHECK_SCHEMA, kind: 'check', args: { ops: ['conv2d'], backends: ['cpu'], seed: 1 }, results });

function entry(contender: string, samplesMs: number[], extra: Partial<BenchEntry> = {}): BenchEntry {
  const s = [...samplesMs].sort((a, b) => a - b);
  return {
    op: 'matMul', case: '64x64', check: 'forward', size: 'small', contender: contender as BenchEntry['contender'], flops: 1, gflops: 1, pctOfPeak: 1,
    firstMs: 1, reps: 1, samplesMs, medianMs: s[Math.floor(s.length / 2)], ci95Ms: [s[0], s[s.length - 1]], ciHalfWidth: 0.01, converged: true, ...extra,
  };
}

function benchFile(entries: BenchEntry[]): BenchResult {
  return { schema: BENCH_SCHEMA, kind: 'bench', env: {} as BenchResult['env'], threads: {}, peak: {} as BenchResult['peak'], args: { ops: [], contenders: [], sizes: ['small'] }, entries, scaling: [], overrides: [] };
}

describe('speed verdicts', () => {
  const rng = new Rng(4);
  const noisy = (ms: number, n = 12) => Array.from(rng.uniform(n, 0.98, 1.02), (f) => ms * f);

  it('a 25% slowdown is slower, an unchanged entry is ~, a 3% shift stays under the threshold', () => {
    const base = benchFile([entry('cpu', noisy(1)), entry('wasm', noisy(1)), entry('reference', noisy(1))]);
    const cur = benchFile([entry('cpu', noisy(1.25)), entry('wasm', noisy(1)), entry('reference', noisy(1.03))]);
    const r = compareBenches(base, cur, DEFAULTS);
    expect(r.rows.map((x) => x.verdict)).toEqual(['slower', '~', '~']);
    expect(r.rows[0].ratio).toBeGreaterThan(1.2);
    expect(r.rows[0].pAdjusted).toBeLessThan(0.05);
    expect(compareBenches(cur, base, DEFAULTS).rows[0].verdict).toBe('faster');
  });

  it('the machine factor: with --normalise a whole run 8% slower, control included, is no regression; by default it is', () => {
    const base = benchFile([entry('cpu', noisy(1), { controlMs: 0.04 }), entry('wasm', noisy(1), { controlMs: 0.04 })]);
    const cur = benchFile([entry('cpu', noisy(1.08), { controlMs: 0.0432 }), entry('wasm', noisy(1.35), { controlMs: 0.0432 })]);
    const r = compareBenches(base, cur, { ...DEFAULTS, normalise: true });
    expect(r.rows.map((x) => x.machine)).toEqual([expect.closeTo(1.08, 9), expect.closeTo(1.08, 9)]);
    expect(r.rows.map((x) => x.verdict)).toEqual(['~', 'slower']);
    expect(r.rows[1].ratio).toBeCloseTo(1.25, 1);
    expect(compareBenches(base, cur, DEFAULTS).rows.map((x) => x.verdict)).toEqual(['slower', 'slower']);
  });

  it('process medians that overlap keep an entry at ~ however tight its samples, and say so', () => {
    // the fastest process moved 20%, but another current process was as fast as the baseline's slowest
    const base = benchFile([entry('tensorflow', noisy(1), { processMediansMs: [1, 1.1, 1.02] })]);
    const cur = benchFile([entry('tensorflow', noisy(1.2), { processMediansMs: [1.2, 1.09, 1.25] })]);
    const row = compareBenches(base, cur, DEFAULTS).rows[0];
    expect(row.verdict).toBe('~');
    expect(row.note).toBe('the process medians of the two runs overlap');
    const apart = benchFile([entry('tensorflow', noisy(1.2), { processMediansMs: [1.2, 1.21, 1.25] })]);
    expect(compareBenches(base, apart, DEFAULTS).rows[0].verdict).toBe('slower');
  });

  it('few samples cannot reach significance after Holm: no verdict on noise alone', () => {
    const base = benchFile([entry('cpu', [1, 1.4, 0.8])]);
    const cur = benchFile([entry('cpu', [1.3, 1.1, 1.6])]);
    expect(compareBenches(base, cur, DEFAULTS).rows[0].verdict).toBe('~');
  });

  it('a contender that lost its kernel is a regression; entries on one side only are listed', () => {
    const base = benchFile([entry('cpu', noisy(1)), entry('wasm', noisy(1), { case: 'gone' })]);
    const cur = benchFile([entry('cpu', [], { error: 'unsupported: kernel BatchMatMul not registered' }), entry('tensorflow', noisy(1), { case: 'new' })]);
    const r = compareRuns([{ file: 'a', kind: 'bench', doc: base }], [{ file: 'b', kind: 'bench', doc: cur }], DEFAULTS);
    expect(r.speed!.rows[0].verdict).toBe('slower');
    expect(r.regressions).toBe(1);
    expect(r.onlyInBaseline).toEqual(['bench: matMul | gone | forward | small | wasm']);
    expect(r.onlyInCurrent).toEqual(['bench: matMul | new | forward | small | tensorflow']);
  });

  it('Markdown and JUnit carry the verdicts and the evidence', () => {
    const base = { file: 'base.json', kind: 'check' as const, doc: checkFile([rec('pass'), rec('pass', 0.1, { case: 'other' })]) };
    const cur = { file: 'cur.json', kind: 'check' as const, doc: checkFile([rec('fail', 7, { message: 'values differ' }), rec('pass', 0.1, { case: 'other' })]) };
    const r = compareRuns([base], [cur], DEFAULTS);
    expect(r.regressions).toBe(1);
    expect(compareMarkdown(r)).toMatch(/\| regression \| conv2d \| `x=\[1,4,4,1\]` \| cpu \| forward \| pass \| fail \|/);
    const junit = compareJUnit(r);
    expect(junit).toMatch(/<testcase classname="crosscheck.numerics" name="conv2d forward on cpu"><failure message="1 case\(s\) regressed">x=\[1,4,4,1\]: passed, now fail/);
    expect(junit).toMatch(/<testsuites name="crosscheck compare" failures="1">/);
  });
});

const noisyIn = (ms: number) => Array.from(new Rng(8).uniform(12, 0.99, 1.01), (f) => ms * f);

describe('crosscheck compare on files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-compare-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, doc: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
    return f;
  };

  it('exit 0 on no regression, 1 on one; --markdown and --junit written; never overwritten without --force', () => {
    const base = write('base.json', checkFile([rec('pass')]));
    const same = write('same.json', checkFile([rec('pass')]));
    const worse = write('worse.json', checkFile([rec('fail', 9, { message: 'values differ' })]));
    const ok = crosscheck('compare', base, same);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/no regression; numerics: 1 checks compared, 0 regressed/);
    const md = path.join(dir, 'report.md');
    const junit = path.join(dir, 'junit.xml');
    const bad = crosscheck('compare', base, worse, '--markdown', md, '--junit', junit);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/REGRESSION: 1 found/);
    expect(bad.out).toMatch(/conv2d forward on cpu, x=\[1,4,4,1\]: passed, now fail/);
    expect(fs.readFileSync(md, 'utf8')).toMatch(/# crosscheck compare/);
    expect(fs.readFileSync(junit, 'utf8')).toMatch(/<failure/);
    const again = crosscheck('compare', base, worse, '--markdown', md);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/--markdown .*report\.md: the file exists; pass --force to overwrite it/);
  });

  it("the README's \"Use in CI\" commands run as written (bench, then check into the same directory, then compare)", () => {
    for (const side of ['baseline', 'current']) {
      const out = path.join(dir, `ci-${side}`);
      expect(crosscheck('bench', '--ops', 'softmax', '--backends', 'cpu', '--no-scaling', '--out', out, '--quiet').code).toBe(0);
      expect(crosscheck('check', '--ops', 'softmax', '--backends', 'cpu', '--json', path.join(out, 'check.json'), '--quiet').code).toBe(0);
    }
    const r = crosscheck('compare', path.join(dir, 'ci-baseline'), path.join(dir, 'ci-current'), '--markdown', path.join(dir, 'ci.md'), '--junit', path.join(dir, 'ci.xml'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no regression; numerics: \d+ checks compared, 0 regressed.*; speed: 1 entries compared, 0 slower/);
  }, 120000);

  it('two directories: the check results and the bench results of each are compared', () => {
    const side = (name: string, status: ResultRecord['status'], ms: number) => {
      const d = path.join(dir, name);
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'check.json'), JSON.stringify(checkFile([rec(status)])));
      fs.writeFileSync(path.join(d, 'bench.json'), JSON.stringify(benchFile([entry('cpu', noisyIn(ms))])));
      return d;
    };
    const r = crosscheck('compare', side('then', 'pass', 1), side('now', 'fail', 1.3));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/REGRESSION: 2 found; numerics: 1 checks compared, 1 regressed, .*; speed: 1 entries compared, 1 slower/);
  });

  it.each([
    [['missing.json', 'base'], /baseline .*missing\.json: no such file or directory/],
    [['cut.json', 'base'], /baseline .*cut\.json: not complete JSON .*corrupt or was cut short/],
    [['future.json', 'base'], /baseline .*future\.json: schema "tfjs-crosscheck\/check@9" is not one this tool knows; accepted: "tfjs-crosscheck\/check@1", "tfjs-crosscheck\/bench@1"/],
    [['norecords.json', 'base'], /baseline .*norecords\.json: has no 'results' list; the file is incomplete/],
    [['base', 'bench'], /holds check results but current .* holds bench results: nothing to compare/],
    [['base', 'base', '--threshold', '0'], /--threshold must be a fraction in \(0, 1\), e\.g\. 0\.05 for 5%, got '0'/],
    [['base', 'base', '--threshold', '1.5'], /--threshold must be a fraction in \(0, 1\)/],
    [['base', 'base', '--threshold', 'five'], /--threshold must be a fraction in \(0, 1\)/],
    [['base', 'base', '--drift-factor', '1'], /--drift-factor must be a number greater than 1, e\.g\. 4, got '1'/],
  ])('%j exits 2: %s', (args, message) => {
    const files: Record<string, string> = {
      base: write('b.json', checkFile([rec('pass')])),
      bench: write('bench.json', benchFile([entry('cpu', [1, 1, 1])])),
      'cut.json': write('cut.json', JSON.stringify(checkFile([rec('pass')])).slice(0, 40)),
      'future.json': write('future.json', { schema: 'tfjs-crosscheck/check@9', results: [] }),
      'norecords.json': write('norecords.json', { schema: CHECK_SCHEMA }),
      'missing.json': path.join(dir, 'missing.json'),
    };
    const md = path.join(dir, 'never.md');
    const r = crosscheck('compare', ...args.map((a) => files[a] ?? a), '--markdown', md);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    // bad input writes nothing
    expect(fs.existsSync(md)).toBe(false);
  });
});
