/**
 * What `crosscheck model` shows, and `crosscheck report` renders from a model
 * file: per backend one headline (the first call that broke its bound, with its
 * replay, or the totals and the end-to-end difference), then the per-layer
 * table: the kernel's own error on its own inputs against its bound, the
 * differential difference of kernels without a reference, and the inherited
 * end-to-end difference against the run on `reference`. Terminal text,
 * Markdown, and a self-contained HTML page whose per-backend chart (own error
 * vs inherited error, log scale) is inline SVG drawn with vega-lite here.
 * Pure functions of a ModelFile: no TensorFlow.js.
 */
import Table from 'cli-table3';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { fmtRatio } from '../check/summary';
import { describeOverrides } from '../tfjs/overrides';
import type { LayerRow, ModelBackendRun, ModelFile, ModelRecord } from './types';

/** Renders a table for the terminal: a header row and the rows, as in check and compare. */
export type TableFn = (head: string[], rows: string[][]) => string;

/** A small absolute value: 2 significant digits; '0' for zero, '-' for none. */
export function fmtAbs(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  return x.toExponential(1);
}

const inherited = (r: LayerRow) => (r.inheritedMaxAbs === undefined ? '-' : `${fmtAbs(r.inheritedMaxAbs)} (${fmtAbs(r.inheritedRel)})`);
const status = (r: LayerRow) => `${r.status === 'fail' || r.status === 'error' ? r.status.toUpperCase() : r.status}${r.known && r.known.length > 0 ? ` ${r.known.map((k) => `#${k}`).join(' ')}` : ''}`;
const differential = (r: LayerRow) => (r.differentialMaxAbs > 0 ? fmtAbs(r.differentialMaxAbs) : '-');

/** Whether a layer row has calls judged against a bound (an exact call has bound 0 and still counts). */
function boundJudge(f: ModelFile, backend: string): (r: LayerRow) => boolean {
  const judged = new Set(f.results.filter((x) => x.backend === backend && x.judged === 'bound').map((x) => `${x.layer}\u0000${x.check}`));
  return (r) => judged.has(`${r.layer}\u0000${r.phase}`) || r.ownBound > 0 || r.ownErrToBound > 0;
}

/** The cells of a layer row, `layer` and `kind` as given. */
function cells(r: LayerRow, bounded: boolean, layer: string, kind: string, phase: string): string[] {
  const own = (x: string) => (bounded ? x : '-');
  return [layer, kind, phase, String(r.calls), own(fmtRatio(r.ownErrToBound)), own(fmtAbs(r.ownMaxAbsErr)), own(fmtAbs(r.ownBound)), differential(r), inherited(r), status(r)];
}

/** The terminal's table: no borders, one space between columns (ten columns fit in 100). */
export const compactTable: TableFn = (head, rows) => {
  const none = { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '' };
  const t = new Table({ head, chars: none, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 1 } });
  t.push(...rows);
  return t.toString().split('\n').map((l) => l.trimEnd()).join('\n');
};

/** Keeps the end of a long name (a graph node's last path parts say the most). */
function tail(s: string, n: number): string {
  return s.length <= n ? s : `…${s.slice(s.length - n + 1)}`;
}

/** The judged records of one backend. */
const recordsOf = (f: ModelFile, backend: string): ModelRecord[] => f.results.filter((r) => r.backend === backend);

/** What the model and the run were, in one line. */
export function modelLine(f: ModelFile): string {
  const m = f.model;
  const input = f.args.input ? `input ${f.args.input}` : `seed ${f.args.seed}`;
  return `model ${m.id} (${m.format}, input [${m.inputShape.join(',')}] -> output [${m.outputShape.join(',')}], ${m.layers} layers); ${input}; ${f.args.train ? 'a training step (--train): forward and backward' : 'inference'}`;
}

/** The versions and overrides the run had, or nothing. */
function envLines(f: ModelFile): string[] {
  const out: string[] = [];
  if (f.env) out.push(`tfjs ${f.env.tfjs['tfjs-core']}, native TensorFlow ${f.env.tensorflow ?? 'not loaded'}, Node ${f.env.node}; ${f.env.date}`);
  const ov = describeOverrides(f.overrides ?? []);
  if (ov.length > 0) out.push(`Kernels overridden by --register: ${ov.join('; ')}`);
  return out;
}

/** Kernel calls by how they were judged: `38 against a bound, 2 differential, 1 not judged`. */
function judgedCounts(run: ModelBackendRun): string {
  const n = { bound: 0, differential: 0, skipped: 0 };
  for (const k of Object.values(run.kernels)) n[k.judged] += k.calls;
  return `${n.bound} against a bound, ${n.differential} differential, ${n.skipped} not judged`;
}

/** The totals of one run: calls, how many broke their bound, known discrepancies, the end-to-end difference. */
export function totalsLine(f: ModelFile, run: ModelBackendRun): string {
  const recs = recordsOf(f, run.backend);
  const fails = recs.filter((r) => r.status === 'fail').length;
  const errors = recs.filter((r) => r.status === 'error').length;
  const known = [...new Set(recs.filter((r) => r.status === 'xfail').map((r) => r.known ?? '?'))];
  const xfails = recs.filter((r) => r.status === 'xfail').length;
  const parts = [`${run.calls} kernel calls, ${fails} beyond their bound`];
  if (errors > 0) parts.push(`${errors} errors`);
  if (xfails > 0) parts.push(`${xfails} known discrepancies (${known.map((k) => `#${k}`).join(', ')})`);
  const e = run.endToEnd;
  return `${parts.join(', ')}; end-to-end max |diff| ${fmtAbs(e.maxAbsErr)} (rel ${fmtAbs(e.maxRelErr)})`;
}

/** How the calls were judged, and the output's size: the second line of a headline. */
function judgedLine(run: ModelBackendRun): string {
  return `judged: ${judgedCounts(run)}; output ${run.endToEnd.elements} elements, ${run.seconds.toFixed(1)} s`;
}

/**
 * The headline of one run: `FIRST BREAK at layer ...` with the worst element,
 * the replay command and file; or the totals when nothing broke its bound.
 * Further lines (indented) follow.
 */
export function runHeadline(f: ModelFile, run: ModelBackendRun): string[] {
  if (run.error) return [`${run.backend}: could not run the model: ${run.error}`];
  const lines: string[] = [];
  const b = run.firstBreak;
  if (b) {
    const w = b.worst;
    lines.push(`${run.backend}: FIRST BREAK at layer ${b.layer} (${b.kernel}, ${b.phase}, call #${b.callIndex}): err/bound ${fmtRatio(b.errToBound)}${w ? ` at [${w.index.join(',')}]` : ''}`);
    if (w) lines.push(`  expected ${w.expected}, got ${w.got}, |err| ${typeof w.absErr === 'number' ? fmtRatio(w.absErr) : w.absErr}, bound ${fmtRatio(w.bound)}`);
    lines.push(`  replay: ${b.replay}`);
    if (b.replayFile) lines.push(`  replay file: ${b.replayFile}`);
    lines.push(`  ${totalsLine(f, run)}`);
  } else {
    lines.push(`${run.backend}: ${totalsLine(f, run)}`);
  }
  lines.push(`  ${judgedLine(run)}`);
  if (run.gradients) lines.push(`  training step: gradients against the reference run's: max |diff| ${fmtAbs(run.gradients.maxAbsErr)} (rel ${fmtAbs(run.gradients.maxRelErr)})`);
  if (!b && !Number.isFinite(run.endToEnd.maxAbsErr)) {
    lines.push('  the output holds Inf or NaN where the reference run does not, yet no kernel call broke its bound: a value changed');
    lines.push("  outside the kernels (as it was stored, e.g. an overflow in float16 storage); the inherited column shows where it enters");
  }
  const gpu = gpuLine(f, run);
  if (gpu) lines.push(`  ${gpu}`);
  if (run.unsupported) lines.push(`  unsupported: ${run.unsupported}; the calls made up to there are judged`);
  if (!run.recordingIdentical) lines.push('  WARNING: the output with recording differs from the one without: the recording changed the run.');
  return lines;
}

/**
 * Browser backends: how many calls ran GPU programs, and which ran none (a
 * reshape needs none; any other was computed on the CPU, by TF.js's forwarding).
 */
export function gpuLine(f: ModelFile, run: ModelBackendRun): string | undefined {
  const recs = recordsOf(f, run.backend).filter((r) => r.gpuPrograms !== undefined);
  if (recs.length === 0) return undefined;
  const none = new Map<string, number>();
  for (const r of recs) if (r.gpuPrograms === 0) none.set(r.kernel, (none.get(r.kernel) ?? 0) + 1);
  const list = [...none].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(', ');
  return `GPU: ${recs.length - [...none.values()].reduce((a, b) => a + b, 0)} of ${recs.length} calls ran GPU programs${list ? `; none: ${list}` : ''}`;
}

/** The known discrepancies the run's xfail calls matched: `#15: 2 calls (conv2 FusedConv2D forward)`. */
export function knownLines(f: ModelFile, run: ModelBackendRun): string[] {
  const groups = new Map<string, ModelRecord[]>();
  for (const r of recordsOf(f, run.backend)) {
    if (r.status !== 'xfail') continue;
    const k = String(r.known ?? '?');
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
  }
  return [...groups].map(([k, rs]) => `#${k}: ${rs.length} call${rs.length > 1 ? 's' : ''} (${[...new Set(rs.map((r) => `${r.layer} ${r.kernel} ${r.check}`))].join(', ')})`);
}

/** The table's head; the terminal's has three-line cells to stay narrow. */
const HEAD = ['layer', 'kind', 'phase', 'calls', 'own err/bound', 'own max |err|', 'own bound', 'differential (no bound)', 'inherited max |diff| (rel)', 'status'];
const TEXT_HEAD = ['layer', 'kind', 'phase', 'calls', 'own\nerr/\nbound', 'own\nmax\n|err|', 'own\nbound', 'differ-\nential\n(no bound)', 'inherited\nmax |diff|\n(rel)', 'status'];

/** One row per layer, for the terminal (long names cut to their end). */
function textRows(f: ModelFile, run: ModelBackendRun): string[][] {
  const bounded = boundJudge(f, run.backend);
  return run.layers.map((r) => cells(r, bounded(r), tail(r.layer, 16), tail(r.kind, 14), r.phase === 'forward' ? 'fwd' : 'bwd'));
}

/** What the columns mean, one line each. */
export const LEGEND = [
  "own: the layer's kernel calls recomputed by the reference on their own inputs: the largest",
  '  err/bound, and the |err| and the bound at that element;',
  'differential: kernels without a reference, replayed alone on cpu with the same inputs:',
  '  max |difference|, no bound;',
  "inherited: the layer's output against the run on the reference backend (float64 kernels),",
  '  the error accumulated so far: max |diff| and (rel) max|diff| / max|ref|.',
];

/** The whole terminal report of a model file. `table` renders a table (default: compactTable). */
export function modelText(f: ModelFile, table: TableFn = compactTable): string {
  const out = [modelLine(f), ...envLines(f)];
  for (const run of f.runs) {
    out.push('', ...runHeadline(f, run));
    if (run.error) continue;
    out.push(table(TEXT_HEAD, textRows(f, run)));
    const known = knownLines(f, run);
    if (known.length > 0) out.push(`  known discrepancies (README, "Known backend discrepancies"): ${known.join('; ')}`);
  }
  out.push('', ...LEGEND);
  return out.join('\n');
}

/** The legend as items (its continuation lines joined). */
const legendItems = () => LEGEND.join('\n').replace(/\n  /g, ' ').split('\n');

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown page: the same content as the terminal, layer names in full. */
export function modelMarkdown(f: ModelFile): string {
  const lines = ['# crosscheck model', '', modelLine(f), ''];
  for (const l of envLines(f)) lines.push(l, '');
  for (const run of f.runs) {
    const [head, ...rest] = runHeadline(f, run);
    lines.push(`## ${run.backend}`, '', `**${head}**`, '');
    for (const l of rest.map((x) => x.trim())) lines.push(l.startsWith('replay: ') ? `replay:\n\n\`\`\`\n${l.slice(8)}\n\`\`\`\n` : `${l}\n`);
    if (run.error) continue;
    lines.push(`| ${HEAD.map(mdCell).join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`);
    const bounded = boundJudge(f, run.backend);
    for (const r of run.layers) lines.push(`| ${cells(r, bounded(r), r.layer, r.kind, r.phase).map(mdCell).join(' | ')} |`);
    lines.push('');
    const known = knownLines(f, run);
    if (known.length > 0) lines.push('Known discrepancies (README, "Known backend discrepancies"):', '', ...known.map((k) => `- ${k}`), '');
  }
  lines.push(...legendItems().map((l) => `- ${l}`), '');
  return lines.join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface ChartData {
  spec: vl.TopLevelSpec;
  /** The value zeros are drawn at, and how many were. */
  floor: number;
  clamped: number;
  /** Points left out: not finite. */
  dropped: number;
}

const SERIES = ['own max |err|', 'own bound', 'inherited max |diff|', 'differential max |diff| (no bound)'] as const;

/**
 * The chart of one run: x = layers in execution order, y = absolute error on a
 * log scale; own max |err|, its bound, the inherited max |diff| and (when any)
 * the differential difference. Zeros are drawn at a floor: a decade below the
 * smallest positive value.
 */
export function chartSpec(f: ModelFile, run: ModelBackendRun): ChartData {
  const bounded = boundJudge(f, run.backend);
  const labels = run.layers.map((r, i, all) => {
    const base = r.phase === 'backward' ? `${r.layer} (bwd)` : r.layer;
    return all.findIndex((x) => (x.phase === 'backward' ? `${x.layer} (bwd)` : x.layer) === base) === i ? base : `${base} [${i}]`;
  });
  const raw = run.layers.flatMap((r, i) => {
    const pts: { x: string; series: string; value: number }[] = [];
    if (bounded(r)) pts.push({ x: labels[i], series: SERIES[0], value: r.ownMaxAbsErr }, { x: labels[i], series: SERIES[1], value: r.ownBound });
    if (r.inheritedMaxAbs !== undefined) pts.push({ x: labels[i], series: SERIES[2], value: r.inheritedMaxAbs });
    if (r.differentialMaxAbs > 0) pts.push({ x: labels[i], series: SERIES[3], value: r.differentialMaxAbs });
    return pts;
  });
  const finite = raw.filter((p) => Number.isFinite(p.value));
  const positive = finite.filter((p) => p.value > 0).map((p) => p.value);
  const floor = positive.length > 0 ? 10 ** (Math.floor(Math.log10(Math.min(...positive))) - 1) : 1e-12;
  const values = finite.map((p) => ({ ...p, value: Math.max(p.value, floor), zero: p.value <= 0 ? 'zero, drawn at the floor' : 'measured' }));
  const x = { field: 'x', type: 'ordinal', sort: labels, title: 'layer (execution order)', axis: { labelAngle: labels.length > 30 ? -90 : -45 } };
  const y = { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'absolute error', axis: { format: '.0e' } };
  const color = { field: 'series', type: 'nominal', sort: [...SERIES], legend: { orient: 'bottom', title: null, labelLimit: 400, columns: 2 } };
  const layers: unknown[] = [
    { mark: { type: 'line' }, encoding: { x, y, color, strokeDash: { condition: { test: `datum.series === '${SERIES[1]}'`, value: [4, 3] }, value: [1, 0] } } },
    { mark: { type: 'point', filled: true, size: 50 }, encoding: { x, y, color, shape: { field: 'zero', type: 'nominal', sort: ['measured', 'zero, drawn at the floor'], legend: { orient: 'bottom', title: null, labelLimit: 400 } } } },
  ];
  if (run.firstBreak && labels.includes(run.firstBreak.phase === 'backward' ? `${run.firstBreak.layer} (bwd)` : run.firstBreak.layer)) {
    const x = run.firstBreak.phase === 'backward' ? `${run.firstBreak.layer} (bwd)` : run.firstBreak.layer;
    layers.push(
      { data: { values: [{ x, label: `first break: ${run.firstBreak.kernel}` }] }, mark: { type: 'rule', color: '#c00', strokeWidth: 2 }, encoding: { x: { field: 'x', type: 'ordinal', sort: labels } } },
      { data: { values: [{ x, label: `first break: ${run.firstBreak.kernel}` }] }, mark: { type: 'text', color: '#c00', align: 'left', dx: 4, y: 8 }, encoding: { x: { field: 'x', type: 'ordinal', sort: labels }, text: { field: 'label' } } },
    );
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${run.backend}: own error vs inherited error per layer`,
    // NOTE: 18 px a layer, so a deep model's labels stay legible; the figure scrolls sideways
    width: Math.max(360, 18 * labels.length),
    height: 260,
    data: { values },
    layer: layers,
  } as unknown as vl.TopLevelSpec;
  return { spec, floor, clamped: values.filter((v) => v.zero !== 'measured').length, dropped: raw.length - finite.length };
}

async function svg(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

/** The caption of a run's chart: what is drawn, and where its zeros went. */
export function chartCaption(c: ChartData): string {
  const zeros = c.clamped > 0 ? ` ${c.clamped} zero value${c.clamped > 1 ? 's are' : ' is'} drawn at the floor ${fmtAbs(c.floor)} (a log scale has no 0), with their own marker.` : ` No value is zero (the floor, ${fmtAbs(c.floor)}, is unused).`;
  const dropped = c.dropped > 0 ? ` ${c.dropped} non-finite value${c.dropped > 1 ? 's are' : ' is'} not drawn.` : '';
  return `Own max |err|: the kernels' error on their own inputs against the reference; own bound: the derived bound at that element; inherited max |diff|: the layer's output against the run on the reference backend, end to end so far.${zeros}${dropped}`;
}

function htmlTable(f: ModelFile, run: ModelBackendRun): string {
  const head = HEAD.map((h) => `<th>${esc(h)}</th>`).join('');
  const bounded = boundJudge(f, run.backend);
  const rows = run.layers.map((r) => `<tr class="${r.status}">${cells(r, bounded(r), r.layer, r.kind, r.phase).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`);
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** The HTML page: the same content as the Markdown, a chart per backend as inline SVG; no script, no network. */
export async function modelHtml(f: ModelFile): Promise<string> {
  const sections: string[] = [];
  for (const run of f.runs) {
    const [head, ...rest] = runHeadline(f, run);
    const parts = [`<section id="backend-${esc(run.backend)}">`, `<h2>${esc(run.backend)}</h2>`, `<p class="${run.firstBreak || run.error ? 'break' : 'ok'}"><strong>${esc(head)}</strong></p>`];
    for (const l of rest.map((x) => x.trim())) parts.push(l.startsWith('replay: ') ? `<p>replay:</p><pre>${esc(l.slice(8))}</pre>` : `<p>${esc(l)}</p>`);
    if (!run.error) {
      const c = chartSpec(f, run);
      parts.push(`<figure class="chart">${await svg(c.spec)}<figcaption>${esc(chartCaption(c))}</figcaption></figure>`, htmlTable(f, run));
      const known = knownLines(f, run);
      if (known.length > 0) parts.push('<p>Known discrepancies (README, "Known backend discrepancies"):</p>', `<ul>${known.map((k) => `<li>${esc(k)}</li>`).join('')}</ul>`);
    }
    parts.push('</section>');
    sections.push(parts.join('\n'));
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>crosscheck model ${esc(f.model.id)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}figure{margin:1.5em 0;overflow-x:auto}figcaption{font-size:13px;color:#444}pre{white-space:pre-wrap;font-size:12px;background:#f6f6f6;padding:.5em 1em}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}tr.fail td,tr.error td{background:#fde2e2}tr.xfail td{background:#fff3cd}.break{color:#a00}</style>
</head><body>
<h1>crosscheck model</h1>
<p>${esc(modelLine(f))}</p>
${envLines(f).map((l) => `<p>${esc(l)}</p>`).join('\n')}
${sections.join('\n')}
<ul>${legendItems().map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
</body></html>
`;
}
