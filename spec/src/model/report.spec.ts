/**
 * The report of a model file (src/model/report.ts) on synthetic files
 * (spec/src/model/synthetic.ts): the first break with its kernel, err/bound and
 * replay; a run without a break says so; the per-layer table; the HTML page is
 * self-contained with a chart per backend; `crosscheck report` on a model file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chartCaption, chartSpec, modelHtml, modelMarkdown, modelText } from '../../../src/model/report';
import type { ModelFile } from '../../../src/model/types';
import { crosscheck } from '../../helpers/cli';
import { syntheticModel } from './synthetic';

describe('model report', () => {
  const f = syntheticModel();

  it('the terminal text names the first breaking layer, its kernel, err/bound, worst element and replay', () => {
    const text = modelText(f);
    expect(text).toMatch(/^wasm: FIRST BREAK at layer dense \(_FusedMatMul, forward, call #5\): err\/bound 37\.2 at \[0,9\]$/m);
    expect(text).toMatch(/^ {2}expected 0\.4375, got 0\.4376\d+, \|err\| 1\.19e-4, bound 3\.20e-6$/m);
    expect(text).toMatch(/^ {2}replay: npx crosscheck model cnn6 --backends wasm --seed 1 --call 5$/m);
    expect(text).toMatch(/^ {2}replay file: model-replay\/wasm-call5\.json$/m);
    expect(text).toMatch(/^ {2}7 kernel calls, 1 beyond their bound; end-to-end max \|diff\| 1\.2e-4 \(rel 1\.7e-4\)$/m);
  });

  it('a run without a break says so in its headline', () => {
    const text = modelText(f);
    expect(text).toMatch(/^cpu: 7 kernel calls, 0 beyond their bound; end-to-end max \|diff\| 2\.1e-7 \(rel 3\.0e-7\)$/m);
    expect(text.match(/FIRST BREAK/g)).toHaveLength(1);
    const fixed = syntheticModel({ set: { wasm: { dense: 0.3 } } });
    expect(modelText(fixed)).not.toMatch(/FIRST BREAK/);
    expect(modelText(fixed)).toMatch(/^wasm: 7 kernel calls, 0 beyond their bound/m);
  });

  it('the per-layer table: own err/bound, |err| and bound, differential, inherited (rel), status; exact layers show 0, unjudged ones -', () => {
    const rows = modelText(f).split('\n');
    const row = (backend: string, layer: string) => rows[rows.findIndex((l) => l.startsWith(`${backend}:`)) + rows.slice(rows.findIndex((l) => l.startsWith(`${backend}:`))).findIndex((l) => l.startsWith(`${layer} `))].split(/ +/);
    expect(row('cpu', 'conv2')).toEqual(['conv2', 'Conv2D', 'fwd', '1', '0.0500', '5.5e-7', '1.1e-5', '-', '3.1e-7', '(4.4e-7)', 'pass']);
    expect(row('cpu', 'pool1')).toEqual(['pool1', 'MaxPooling2D', 'fwd', '1', '0', '0', '0', '-', '4.8e-8', '(6.9e-8)', 'pass']);
    expect(row('cpu', 'flatten')).toEqual(['flatten', 'Flatten', 'fwd', '1', '-', '-', '-', '-', '3.1e-7', '(4.4e-7)', 'pass']);
    expect(row('wasm', 'dense')).toEqual(['dense', 'Dense', 'fwd', '2', '37.2', '1.2e-4', '3.2e-6', '6.0e-8', '1.2e-4', '(1.7e-4)', 'FAIL']);
  });

  it('known discrepancies are named by README number, in the status and under the table', () => {
    const known: ModelFile = syntheticModel();
    const wasm = known.runs.find((r) => r.backend === 'wasm')!;
    const rec = known.results.find((r) => r.backend === 'wasm' && r.layer === 'conv2')!;
    Object.assign(rec, { status: 'xfail', known: 15, message: 'known discrepancy #15' });
    Object.assign(wasm.layers.find((l) => l.layer === 'conv2')!, { status: 'xfail', known: [15] });
    const text = modelText(known);
    expect(text).toMatch(/^conv2 .* xfail #15$/m);
    expect(text).toMatch(/known discrepancies \(README, "Known backend discrepancies"\): #15: 1 call \(conv2 FusedConv2D forward\)/);
    expect(text).toMatch(/1 beyond their bound, 1 known discrepancies \(#15\)/);
  });

  it('fits 100 columns with layer names as long as a graph node', () => {
    const long = syntheticModel();
    for (const run of long.runs) for (const l of run.layers) Object.assign(l, { layer: `StatefulPartitionedCall/sequential/${l.layer}/BiasAdd`, kind: 'GlobalAveragePooling2D' });
    const text = modelText(long);
    const tableLines = text.split('\n').filter((l) => /(fwd|bwd) +\d/.test(l));
    expect(tableLines).toHaveLength(12);
    for (const l of tableLines) expect(l.length).toBeLessThanOrEqual(100);
    expect(text).toMatch(/^…l\/conv2\/BiasAdd …ragePooling2D fwd/m);
  });

  it('--train: backward rows have no inherited difference and are marked bwd (chart: "(bwd)"); a recording that changed the output is flagged', () => {
    const train = syntheticModel({ args: { train: true } });
    const cpu = train.runs[0];
    cpu.layers.push({ layer: 'conv1', kind: 'Conv2D', phase: 'backward', calls: 2, ownErrToBound: 0.11, ownMaxAbsErr: 2.2e-6, ownBound: 2e-5, differentialMaxAbs: 0, status: 'pass' });
    cpu.recordingIdentical = false;
    const text = modelText(train);
    expect(text).toMatch(/; a training step \(--train\): forward and backward$/m);
    expect(text).toMatch(/^conv1 +Conv2D +bwd +2 +0\.110 +2\.2e-6 +2\.0e-5 +- +- +pass$/m);
    expect(text).toMatch(/^ {2}WARNING: the output with recording differs from the one without: the recording changed the run\.$/m);
    const values = (chartSpec(train, cpu).spec as unknown as { data: { values: { x: string; series: string }[] } }).data.values;
    expect(values.filter((v) => v.x === 'conv1 (bwd)').map((v) => v.series)).toEqual(['own max |err|', 'own bound']);
  });

  it('a backend that could not run the model says why, without a table', () => {
    const broken = syntheticModel();
    Object.assign(broken.runs[1], { error: 'kernel _FusedMatMul not registered' });
    const text = modelText(broken);
    expect(text).toMatch(/^wasm: could not run the model: kernel _FusedMatMul not registered$/m);
    expect(text.split('\n').filter((l) => l.startsWith('layer '))).toHaveLength(1);
  });

  it('Markdown: the same headline, replay and table, layer names in full', () => {
    const md = modelMarkdown(f);
    expect(md).toMatch(/^## wasm$/m);
    expect(md).toMatch(/^\*\*wasm: FIRST BREAK at layer dense \(_FusedMatMul, forward, call #5\): err\/bound 37\.2 at \[0,9\]\*\*$/m);
    expect(md).toMatch(/```\nnpx crosscheck model cnn6 --backends wasm --seed 1 --call 5\n```/);
    expect(md).toMatch(/^\| dense \| Dense \| forward \| 2 \| 37\.2 \| 1\.2e-4 \| 3\.2e-6 \| 6\.0e-8 \| 1\.2e-4 \(1\.7e-4\) \| FAIL \|$/m);
    expect(md).toMatch(/^\*\*cpu: 7 kernel calls, 0 beyond their bound/m);
  });

  it('the chart: own |err|, bound and inherited per layer in execution order; zeros clamped to a floor the caption names', () => {
    const c = chartSpec(f, f.runs[0]);
    const values = (c.spec as unknown as { data: { values: { x: string; series: string; value: number; zero: string }[] } }).data.values;
    expect([...new Set(values.map((v) => v.x))]).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'dense']);
    expect(values.filter((v) => v.x === 'conv2').map((v) => [v.series, v.value])).toEqual([['own max |err|', expect.closeTo(5.5e-7, 12)], ['own bound', 1.1e-5], ['inherited max |diff|', 3.1e-7]]);
    // the smallest positive value is 4.8e-8: the floor is a decade below its decade
    expect(c.floor).toBeCloseTo(1e-9, 20);
    expect(values.filter((v) => v.zero !== 'measured').map((v) => `${v.x} ${v.series} ${v.value}`)).toEqual(['pool1 own max |err| 1e-9', 'pool1 own bound 1e-9', 'pool2 own max |err| 1e-9', 'pool2 own bound 1e-9']);
    expect(chartCaption(c)).toMatch(/4 zero values are drawn at the floor 1\.0e-9 \(a log scale has no 0\)/);
  });

  it('HTML: self-contained (no script, no link to the network), one <svg> per backend, the break named', async () => {
    const html = await modelHtml(f);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?https?:/i);
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toMatch(/<section id="backend-wasm">[\s\S]*FIRST BREAK at layer dense \(_FusedMatMul, forward, call #5\): err\/bound 37\.2[\s\S]*<svg/);
    expect(html).toMatch(/<pre>npx crosscheck model cnn6 --backends wasm --seed 1 --call 5<\/pre>/);
    expect(html).toMatch(/<figcaption>[^<]*drawn at the floor 1\.0e-9/);
    expect(html).toMatch(/first break: _FusedMatMul/);
    expect(html).toMatch(/<tr class="fail"><td>dense<\/td><td>Dense<\/td><td>forward<\/td><td>2<\/td><td>37\.2<\/td>/);
  });
});

describe('crosscheck report on a model file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-model-report-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes model.md and model.html next to the file, or into --out, which must be empty unless --force', () => {
    const file = path.join(dir, 'cnn6.json');
    fs.writeFileSync(file, JSON.stringify(syntheticModel()));
    const here = crosscheck('report', file);
    expect(here.code).toBe(0);
    expect(here.out).toMatch(/wrote .*model\.md and .*model\.html/);
    expect(fs.readFileSync(path.join(dir, 'model.md'), 'utf8')).toMatch(/FIRST BREAK at layer dense \(_FusedMatMul/);
    expect(fs.readFileSync(path.join(dir, 'model.html'), 'utf8').match(/<svg/g)).toHaveLength(2);
    const out = path.join(dir, 'out');
    expect(crosscheck('report', file, '--out', out).code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['model.html', 'model.md']);
    const again = crosscheck('report', file, '--out', out);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/the directory is not empty; pass --force/);
    expect(crosscheck('report', file, '--out', out, '--force').code).toBe(0);
  });

  it('a check result is refused, naming the kinds it accepts', () => {
    const check = path.join(dir, 'check.json');
    fs.writeFileSync(check, JSON.stringify({ schema: 'tfjs-crosscheck/check@1', results: [] }));
    const r = crosscheck('report', check);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/accepted here: a bench result \(schema "tfjs-crosscheck\/bench@1"\) or a model result \(schema "tfjs-crosscheck\/model@1"\)/);
  });
});
