/**
 * `crosscheck report`: Markdown and a self-contained HTML page (inline SVG
 * charts drawn with vega-lite, no script and no network needed to view it) from
 * bench results.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { BenchEntry, BenchResult, ScalingFit } from './types';
import { describeOverrides } from '../tfjs/overrides';

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(digits)) : '-');

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Per op and size: the cpu time, to express speed-ups. */
function cpuMedian(entries: readonly BenchEntry[], e: BenchEntry): number {
  return entries.find((x) => x.op === e.op && x.case === e.case && x.check === e.check && x.contender === 'cpu')?.medianMs ?? NaN;
}

/** The fastest backend (reference excluded) of each op x size x check. */
export function fastest(entries: readonly BenchEntry[]): BenchEntry[] {
  const best = new Map<string, BenchEntry>();
  for (const e of entries) {
    if (e.contender === 'reference' || e.error || !Number.isFinite(e.medianMs)) continue;
    const k = `${e.op}|${e.size}|${e.check}`;
    const b = best.get(k);
    if (!b || e.medianMs < b.medianMs) best.set(k, e);
  }
  return [...best.values()];
}

/** cpu time / reference time per op at one size, as measured (reported, not a target). */
export function referenceRatios(entries: readonly BenchEntry[], size: string): { op: string; check: string; speedup: number }[] {
  return entries
    .filter((e) => e.contender === 'reference' && e.size === size && Number.isFinite(e.medianMs))
    .map((e) => ({ op: e.op, check: e.check, speedup: cpuMedian(entries, e) / e.medianMs }));
}

/** One line per browser contender that ran: its browser, its device, and what its timings are. */
export function browserLines(r: BenchResult): string[] {
  return Object.entries(r.env.browsers ?? {}).map(([id, b]) => {
    const where = b.endpoint ? `the browser at ${b.endpoint}` : 'headless Chromium here';
    return `${id}: Chromium ${b.browser} (${where}), ${b.device}.${b.notGpu ? ` **Not GPU timings: ${b.notGpu}.**` : ''}`;
  });
}

/** The warnings of the run's SwiftShader browsers, for the top of a report. */
function notGpu(r: BenchResult): string[] {
  return Object.values(r.env.browsers ?? {}).flatMap((b) => (b.notGpu ? [b.notGpu] : []));
}

/** The note column of an entry: its error or flag, and for a browser contender its GPU programs and device. */
function noteOf(r: BenchResult, e: BenchEntry): string {
  const parts = [e.error ?? e.flag ?? ''];
  if (e.gpuPrograms !== undefined && !e.error) parts.push(`${Number.isInteger(e.gpuPrograms) ? e.gpuPrograms : fmt(e.gpuPrograms)} GPU programs a call`);
  if (r.env.browsers?.[e.contender]?.notGpu && !e.error) parts.push('SwiftShader: not a GPU timing');
  return parts.filter(Boolean).join('; ');
}

export function markdown(r: BenchResult): string {
  const lines: string[] = [];
  lines.push(`# tfjs-crosscheck bench`, '');
  for (const w of notGpu(r)) lines.push(`> **${w}.** SwiftShader emulates the GPU in software on this machine's CPU; a real GPU runs these kernels at another speed altogether (\`--browser-endpoint\` runs them in a browser on a machine with one).`, '');
  lines.push(`tfjs ${r.env.tfjs['tfjs-core']}, native TensorFlow ${r.env.tensorflow}, Node ${r.env.node}; ${r.env.cpu.model}, ${r.env.cpu.cores} cores; ${r.env.date}`, '');
  lines.push(`Peak: measured **${fmt(r.peak.measuredGflops)} GFLOP/s** (${r.peak.measuredBasis}); theoretical ${fmt(r.peak.theoreticalGflops)} GFLOP/s (${r.peak.theoreticalBasis}).`, '');
  lines.push(`Threads: ${Object.entries(r.threads).map(([k, v]) => `${k}: ${v}`).join('; ')}.`, '');
  if ((r.processes ?? 1) > 1) lines.push(`Each entry was measured in ${r.processes} fresh processes, one after another; the table shows the process where it ran fastest (median, CI), and "spread" is the slowest process median over the fastest.`, '');
  const browsers = browserLines(r);
  if (browsers.length > 0) {
    lines.push('Browser contenders: each call runs in the page and is timed there (performance.now()), its output read back with `await t.data()`; the inputs are uploaded to the GPU by the first call and stay there; "first call ms" is that first call (shader compilation and the upload), apart from the samples; CPU forwarding is off, and the note gives the GPU programs one call ran.', '');
    for (const l of browsers) lines.push(`- ${l}`);
    lines.push('');
  }
  if ((r.overrides ?? []).length > 0) lines.push(`Kernels overridden by --register: ${describeOverrides(r.overrides).join('; ')}.`, '');
  for (const size of r.args.sizes) {
    lines.push(`## ${size}`, '', '| op | check | case | contender | first call ms | median ms | 95% CI ms | spread | GFLOP/s | % of peak | speed-up vs cpu | note |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const e of r.entries.filter((x) => x.size === size)) {
      const ci = e.error ? '-' : `${fmt(e.ci95Ms[0])}–${fmt(e.ci95Ms[1])}`;
      const note = noteOf(r, e);
      const pm = e.processMediansMs ?? [];
      const spread = pm.length > 1 && !e.error ? `${fmt(Math.max(...pm) / Math.min(...pm))}x` : '-';
      lines.push(`| ${e.op} | ${e.check} | ${e.case} | ${e.contender} | ${fmt(e.firstMs)} | ${fmt(e.medianMs)} | ${ci} | ${spread} | ${fmt(e.gflops)} | ${fmt(e.pctOfPeak, 2)} | ${fmt(cpuMedian(r.entries, e) / e.medianMs)} | ${note} |`);
    }
    lines.push('');
  }
  lines.push('## Fastest backend per op', '', '| op | size | check | fastest | median ms | GFLOP/s | % of peak |', '|---|---|---|---|---|---|---|');
  for (const e of fastest(r.entries)) lines.push(`| ${e.op} | ${e.size} | ${e.check} | ${e.contender}${r.env.browsers?.[e.contender]?.notGpu ? ' (SwiftShader)' : ''} | ${fmt(e.medianMs)} | ${fmt(e.gflops)} | ${fmt(e.pctOfPeak, 2)} |`);
  lines.push('');
  if (r.scaling.length > 0) {
    lines.push('## Scaling (log-log slope of the median time)', '', "The notes' cost is O(d^2 n + n^2 d): the slope in n tends to 2 when n >> d, in d to 2 when d >> n. Small sizes are dominated by fixed costs, so measured slopes sit below the asymptote.", '', '| op | sweep | contender | measured slope | notes |', '|---|---|---|---|---|');
    for (const s of r.scaling) lines.push(`| ${s.op} | ${s.axis} | ${s.contender} | ${fmt(s.slope, 2)} | ${s.expected} |`);
    lines.push('');
  }
  const ratios = r.args.sizes.flatMap((size) => referenceRatios(r.entries, size).map((x) => ({ ...x, size })));
  if (ratios.length > 0) {
    lines.push('## The reference against the cpu backend (time of cpu / time of the reference)', '', '| op | check | size | reference speed-up |', '|---|---|---|---|');
    for (const x of ratios) lines.push(`| ${x.op} | ${x.check} | ${x.size} | ${fmt(x.speedup)}x |`);
    lines.push('');
  }
  return lines.join('\n');
}

async function svg(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

function timeChart(entries: readonly BenchEntry[], size: string): vl.TopLevelSpec {
  const values = entries.filter((e) => e.size === size && !e.error).map((e) => ({ op: `${e.op}${e.check === 'forward' ? '' : ` ${e.check}`}`, contender: e.contender, median: e.medianMs, lo: e.ci95Ms[0], hi: e.ci95Ms[1] }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Median time per call (${size}) with its 95% CI, log scale`,
    data: { values },
    facet: { row: { field: 'op', type: 'nominal', title: null } },
    spec: {
      width: 420,
      height: 70,
      encoding: { y: { field: 'contender', type: 'nominal', title: null } },
      layer: [
        // NOTE: a point at the median rather than a bar: bars start at 0, which a log scale cannot show
        { mark: { type: 'point', filled: true, size: 60 }, encoding: { x: { field: 'median', type: 'quantitative', scale: { type: 'log' }, title: 'ms per call' }, color: { field: 'contender', type: 'nominal' } } },
        { mark: { type: 'rule', color: 'black' }, encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
      ],
    },
  } as unknown as vl.TopLevelSpec;
}

function scalingChart(fits: readonly ScalingFit[]): vl.TopLevelSpec {
  const values = fits.flatMap((f) => f.points.map((p) => ({ sweep: `${f.op}: ${f.axis}`, contender: f.contender, x: p.x, ms: p.ms })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Scaling, log-log',
    data: { values },
    facet: { column: { field: 'sweep', type: 'nominal', title: null } },
    spec: {
      width: 220,
      height: 180,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', scale: { type: 'log' }, title: 'swept size' },
        y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'median ms' },
        color: { field: 'contender', type: 'nominal' },
      },
    },
  } as unknown as vl.TopLevelSpec;
}

function rooflineChart(r: BenchResult): vl.TopLevelSpec {
  const points = r.entries.filter((e) => !e.error && Number.isFinite(e.gflops)).map((e) => ({ flops: e.flops, gflops: e.gflops, contender: e.contender, label: `${e.op} ${e.check} ${e.size}` }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Throughput against problem size; the line is the measured peak (${fmt(r.peak.measuredGflops)} GFLOP/s)`,
    width: 520,
    height: 300,
    layer: [
      { data: { values: points }, mark: { type: 'point', filled: true }, encoding: { x: { field: 'flops', type: 'quantitative', scale: { type: 'log' }, title: 'FLOPs per call' }, y: { field: 'gflops', type: 'quantitative', scale: { type: 'log' }, title: 'GFLOP/s' }, color: { field: 'contender', type: 'nominal' }, tooltip: [{ field: 'label' }] } },
      { data: { values: [{ peak: r.peak.measuredGflops }] }, mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { field: 'peak', type: 'quantitative' } } },
    ],
  } as unknown as vl.TopLevelSpec;
}

export async function html(r: BenchResult): Promise<string> {
  const charts: string[] = [];
  for (const size of r.args.sizes) charts.push(await svg(timeChart(r.entries, size)));
  if (r.scaling.length > 0) charts.push(await svg(scalingChart(r.scaling)));
  charts.push(await svg(rooflineChart(r)));
  const md = markdown(r);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tfjs-crosscheck bench</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}figure{margin:2em 0}pre{white-space:pre-wrap;font-size:12px;background:#f6f6f6;padding:1em}.warning{background:#fff3cd;border:1px solid #e0c060;padding:.5em 1em}</style>
</head><body>
<h1>tfjs-crosscheck bench</h1>
<p>${esc(`tfjs ${r.env.tfjs['tfjs-core']}, native TensorFlow ${r.env.tensorflow}, ${r.env.cpu.model}, ${r.env.cpu.cores} cores, ${r.env.date}`)}</p>
${notGpu(r).map((w) => `<p class="warning"><strong>${esc(w)}.</strong> SwiftShader emulates the GPU in software on this machine's CPU.</p>`).join('\n')}
${charts.map((c, i) => `<figure class="chart" id="chart-${i}">${c}</figure>`).join('\n')}
<h2>Tables</h2>
<pre>${esc(md)}</pre>
</body></html>
`;
}
