/**
 * `crosscheck compare` on model results (`crosscheck model --json`): synthetic
 * files (spec/src/model/synthetic.ts) where one kernel's own error moved, a call
 * that starts failing, a fix, a backend that no longer runs; runs of another
 * model or input refused; the exit codes on files.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CHECK_SCHEMA } from '../../../src/check/results';
import { compareJUnit, compareMarkdown, compareText } from '../../../src/compare/output';
import { DEFAULTS, compareRuns } from '../../../src/compare/verdicts';
import type { ModelFile } from '../../../src/model/types';
import { crosscheck } from '../../helpers/cli';
import { syntheticModel } from '../model/synthetic';

const loaded = (file: string, doc: ModelFile) => [{ file, kind: 'model' as const, doc }];
const compare = (base: ModelFile, cur: ModelFile) => compareRuns(loaded('base.json', base), loaded('cur.json', cur), DEFAULTS);
const plain = (head: string[], rows: string[][]) => [head, ...rows].map((r) => r.join(' | ')).join('\n');

describe('compare: model results', () => {
  it('identical runs: every kernel call compared, no regression; the failing call of both is listed as still failing', () => {
    const r = compare(syntheticModel(), syntheticModel());
    expect(r.model!.compared).toBe(12);
    expect(r.model!.changes.map((c) => [c.kind, c.case, c.backend])).toEqual([['still failing', 'cnn6 #5 dense', 'wasm']]);
    expect(r.model!.layers.map((l) => [l.kind, l.layer, l.backend])).toEqual([['still failing', 'dense', 'wasm']]);
    expect(r.regressions).toBe(0);
    expect(compareText(r, plain)).toMatch(/no regression; model cnn6: 12 kernel calls compared, 0 regressed, 0 fixed, 1 still failing/);
    const clean = syntheticModel({ set: { wasm: { dense: 0.3 } } });
    expect(compare(clean, clean).model!.layers).toEqual([]);
  });

  it("a kernel change: conv2's own err/bound on cpu grows 10x, still within its bound: accuracy drift, that layer named", () => {
    const r = compare(syntheticModel(), syntheticModel({ set: { cpu: { conv2: 0.5 } } }));
    expect(r.regressions).toBe(1);
    expect(r.model!.changes.filter((c) => c.kind === 'regression').map((c) => [c.op, c.case, c.backend, c.check])).toEqual([['FusedConv2D', 'cnn6 #2 conv2', 'cpu', 'forward']]);
    expect(r.model!.layers[0]).toEqual(expect.objectContaining({ kind: 'regression', backend: 'cpu', layer: 'conv2', phase: 'forward', ownFrom: 0.05, ownTo: 0.5 }));
    expect(r.model!.layers[0].detail).toMatch(/^FusedConv2D call #2: accuracy drift: err\/bound 0\.0500 -> 0\.500 \(10\.0x, over the 4x limit; still within the bound\)$/);
    const text = compareText(r, plain);
    expect(text).toMatch(/^regression \| cpu \| conv2 \| forward \| 0\.0500 -> 0\.500 \| 3\.1e-7 -> 3\.1e-7$/m);
    expect(text).toMatch(/^ {2}conv2 \(forward\) on cpu: FusedConv2D call #2: accuracy drift/m);
    expect(text).toMatch(/REGRESSION: 1 found; model cnn6: 12 kernel calls compared, 1 regressed/);
    // the same growth under the drift factor is no regression
    expect(compare(syntheticModel(), syntheticModel({ set: { cpu: { conv2: 0.15 } } })).regressions).toBe(0);
  });

  it('a call that starts failing is a regression, with its replay; the first break moves into the backend line', () => {
    const r = compare(syntheticModel(), syntheticModel({ set: { wasm: { conv2: 3 } } }));
    expect(r.regressions).toBe(1);
    const layer = r.model!.layers.find((l) => l.layer === 'conv2')!;
    expect(layer).toMatchObject({ kind: 'regression', backend: 'wasm', statusFrom: 'pass', statusTo: 'fail', ownFrom: 0.08, ownTo: 3 });
    expect(layer.detail).toMatch(/passed, now fail \(err\/bound 3\.00, 3 of 3136 elements\)/);
    expect(layer.replay).toBe('npx crosscheck model cnn6 --backends wasm --seed 1 --call 2');
    expect(r.model!.backends.find((b) => b.backend === 'wasm')!.detail).toBe('end-to-end max |diff| 1.2e-4, first break dense _FusedMatMul call #5 (err/bound 37.2) -> end-to-end max |diff| 1.2e-4, first break conv2 FusedConv2D call #2 (err/bound 3.00)');
    expect(compareText(r, plain)).toMatch(/^regression \| wasm \| conv2 \| forward \| 0\.0800 \(pass\) -> 3\.00 \(fail\)/m);
    expect(compareMarkdown(r)).toMatch(/^\| regression \| wasm \| `conv2` \| forward \| 0\.0800 \(pass\) -> 3\.00 \(fail\) \|/m);
    expect(compareJUnit(r)).toMatch(/<testcase classname="crosscheck.model" name="cnn6 conv2 forward on wasm"><failure message="own err\/bound 0\.0800 \(pass\) -&gt; 3\.00 \(fail\)">FusedConv2D call #2: passed, now fail/);
  });

  it('a fix is listed, not counted; a still-failing call is listed', () => {
    const r = compare(syntheticModel(), syntheticModel({ set: { wasm: { dense: 0.3 } } }));
    expect(r.regressions).toBe(0);
    expect(r.model!.layers).toEqual([expect.objectContaining({ kind: 'fixed', backend: 'wasm', layer: 'dense', statusFrom: 'fail', statusTo: 'pass', ownFrom: 37.2, ownTo: 0.3 })]);
    expect(compare(syntheticModel(), syntheticModel({ set: { wasm: { dense: 50 } } })).model!.layers[0].kind).toBe('still failing');
  });

  it('a backend that ran the model and now cannot is a regression', () => {
    const cur = syntheticModel();
    Object.assign(cur.runs[1], { error: 'kernel _FusedMatMul not registered', layers: [] });
    cur.results = cur.results.filter((x) => x.backend !== 'wasm');
    const r = compare(syntheticModel(), cur);
    expect(r.regressions).toBe(1);
    expect(r.model!.backends.find((b) => b.backend === 'wasm')).toMatchObject({ regression: true, detail: expect.stringMatching(/-> could not run: kernel _FusedMatMul not registered$/) });
    expect(r.onlyInBaseline).toHaveLength(6);
    expect(compareText(r, plain)).toMatch(/no longer runs on wasm/);
  });

  it.each([
    ['model', { model: 'other' }, /args\.model \("cnn6" in the baseline, "other" in the current run\)/],
    ['seed', { seed: 2 }, /args\.seed \(1 in the baseline, 2 in the current run\)/],
    ['input', { input: 'x.json' }, /args\.input \(null in the baseline, "x\.json" in the current run\)/],
    ['train', { train: true }, /args\.train \(false in the baseline, true in the current run\)/],
  ] as const)('runs with another %s are not compared (UsageError naming the field)', (_field, args, message) => {
    expect(() => compare(syntheticModel(), syntheticModel({ args }))).toThrow(message);
  });
});

describe('crosscheck compare on model files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-compare-model-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, doc: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, JSON.stringify(doc));
    return f;
  };

  it('exit 0 on identical files, 1 when a layer drifted; a model file against a check file or another model exits 2', () => {
    const base = write('base.json', syntheticModel());
    const same = write('same.json', syntheticModel());
    const drift = write('drift.json', syntheticModel({ set: { cpu: { conv2: 0.5 } } }));
    const ok = crosscheck('compare', base, same);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/no regression; model cnn6: 12 kernel calls compared, 0 regressed/);
    const bad = crosscheck('compare', base, drift);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/REGRESSION: 1 found; model cnn6: 12 kernel calls compared, 1 regressed/);
    expect(bad.out).toMatch(/conv2 \(forward\) on cpu: FusedConv2D call #2: accuracy drift: err\/bound 0\.0500 -> 0\.500/);
    const check = write('check.json', { schema: CHECK_SCHEMA, kind: 'check', args: { ops: [], backends: ['cpu'], seed: 1 }, results: [] });
    const kinds = crosscheck('compare', base, check);
    expect(kinds.code).toBe(2);
    expect(kinds.err).toMatch(/baseline .*base\.json holds model results but current .*check\.json holds check results: nothing to compare/);
    const other = crosscheck('compare', base, write('other.json', syntheticModel({ args: { model: 'mobilenet' } })));
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/differ in args\.model \("cnn6" in the baseline, "mobilenet" in the current run\)/);
  });

  it.each([
    ['runs', (d: Record<string, unknown>) => delete d.runs, /has no 'runs' list; the file is incomplete or was not written by crosscheck model/],
    ['a layer row field', (d: Record<string, unknown>) => delete (d.runs as { layers: Record<string, unknown>[] }[])[1].layers[2].ownErrToBound, /runs\[1\]\.layers\[2\] lacks ownErrToBound; the file is incomplete/],
    ['a record field', (d: Record<string, unknown>) => delete (d.results as Record<string, unknown>[])[0].layer, /results\[0\] lacks layer; the file is incomplete or was not written by crosscheck model/],
    ['args', (d: Record<string, unknown>) => delete (d.args as Record<string, unknown>).seed, /args lacks seed/],
  ])('a model file without %s exits 2 naming it', (_what, cut, message) => {
    const doc = JSON.parse(JSON.stringify(syntheticModel())) as Record<string, unknown>;
    cut(doc);
    const r = crosscheck('compare', write('whole.json', syntheticModel()), write('cut.json', doc));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
