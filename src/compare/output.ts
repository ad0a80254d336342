/**
 * How a compare report is shown: one headline, the terminal tables, Markdown for
 * CI summaries, JUnit XML for CI test reports.
 */
import { median } from '../bench/stats';
import type { CompareReport, LayerChange, NumericChange, NumericKind, SpeedRow, SpeedVerdict } from './verdicts';

const pct = (r: number) => (Number.isFinite(r) ? `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%` : '—');
const ms = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : '—');
const pv = (p: number) => (Number.isFinite(p) ? (p < 1e-4 ? p.toExponential(1) : p.toFixed(4)) : '—');
const speedName = (r: SpeedRow) => `${r.op} ${r.check} ${r.size} on ${r.contender}`;
const ratio = (x: number) => (Number.isNaN(x) ? '-' : !Number.isFinite(x) ? 'inf' : x === 0 ? '0' : x < 1e-3 || x >= 1e4 ? x.toExponential(2) : x.toPrecision(3));
const abs = (x: number | undefined) => (x === undefined ? '-' : Number.isFinite(x) ? (x === 0 ? '0' : x.toExponential(1)) : String(x));
/** A layer's own err/bound (with its status when that changed), before -> now. */
const ownMove = (l: LayerChange) => (l.statusFrom === l.statusTo ? `${ratio(l.ownFrom)} -> ${ratio(l.ownTo)}` : `${ratio(l.ownFrom)} (${l.statusFrom}) -> ${ratio(l.ownTo)} (${l.statusTo})`);
const inheritedMove = (l: LayerChange) => `${abs(l.inheritedFrom)} -> ${abs(l.inheritedTo)}`;

/** The verdict in one line. */
export function headline(r: CompareReport): string {
  const parts: string[] = [];
  if (r.numerics) {
    const n = (k: NumericKind) => r.numerics!.changes.filter((c) => c.kind === k).length;
    parts.push(`numerics: ${r.numerics.compared} checks compared, ${n('regression')} regressed, ${n('fixed')} fixed, ${n('still failing')} still failing, ${n('newly supported')} newly supported`);
  }
  if (r.speed) {
    const n = (v: SpeedVerdict) => r.speed!.rows.filter((x) => x.verdict === v).length;
    const machine = median(r.speed.rows.map((x) => x.machine).filter(Number.isFinite));
    const control = Number.isFinite(machine) ? `; control loop ${pct(machine)} against the baseline${r.options.normalise ? ', divided out' : ''}` : '';
    parts.push(`speed: ${r.speed.compared} entries compared, ${n('slower')} slower, ${n('faster')} faster, ${n('~')} no significant change (threshold ${(r.options.threshold * 100).toFixed(1)}%, Holm-adjusted alpha ${r.options.alpha}${control})`);
  }
  if (r.model) {
    const m = r.model;
    const n = (k: NumericKind) => m.changes.filter((c) => c.kind === k).length;
    const lost = m.backends.filter((b) => b.regression).map((b) => b.backend);
    parts.push(`model ${m.model}: ${m.compared} kernel calls compared, ${n('regression')} regressed, ${n('fixed')} fixed, ${n('still failing')} still failing, ${n('newly supported')} newly supported${lost.length > 0 ? `; no longer runs on ${lost.join(', ')}` : ''}`);
  }
  return `${r.regressions > 0 ? `REGRESSION: ${r.regressions} found` : 'no regression'}; ${parts.join('; ')}`;
}

/** Markdown for CI summaries (GitHub's job summary, a PR comment). */
export function compareMarkdown(r: CompareReport): string {
  const lines = ['# crosscheck compare', '', `Baseline: ${r.baseline.map((f) => `\`${f}\``).join(', ')}; current: ${r.current.map((f) => `\`${f}\``).join(', ')}.`, '', `**${headline(r)}**`, ''];
  if (r.envDiffs.length > 0) {
    lines.push('## What differs between the runs', '', '| field | baseline | current |', '|---|---|---|');
    for (const d of r.envDiffs) lines.push(`| ${d.field} | ${d.baseline} | ${d.current} |`);
    lines.push('');
  }
  if (r.numerics) {
    const shown = r.numerics.changes;
    lines.push('## Numerics', '');
    if (shown.length === 0) lines.push('No change in any status, and no accuracy drift.', '');
    else {
      lines.push('| verdict | op | case | backend | check | before | now | detail |', '|---|---|---|---|---|---|---|---|');
      for (const c of shown) lines.push(`| ${c.kind} | ${c.op} | \`${c.case}\` | ${c.backend} | ${c.check} | ${c.from} | ${c.to} | ${c.detail.replace(/\|/g, '\\|')} |`);
      lines.push('');
    }
  }
  if (r.speed) {
    lines.push('## Speed', '', '| verdict | op | check | size | contender | baseline ms | current ms | control loop | change | 95% CI of the ratio | p (Holm) | note |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const x of r.speed.rows) {
      lines.push(`| ${x.verdict} | ${x.op} | ${x.check} | ${x.size} | ${x.contender} | ${ms(x.baseMs)} | ${ms(x.curMs)} | ${pct(x.machine)} | ${pct(x.ratio)} | ${Number.isFinite(x.ci95[0]) ? `${x.ci95[0].toFixed(3)}–${x.ci95[1].toFixed(3)}` : '—'} | ${pv(x.pAdjusted)} | ${x.note ?? ''} |`);
    }
    lines.push('');
  }
  if (r.model) {
    const m = r.model;
    lines.push(`## Model ${m.model}`, '');
    for (const b of m.backends) lines.push(`- ${b.regression ? '**regression** ' : ''}${b.backend}: ${b.detail}`);
    lines.push('');
    if (m.layers.length === 0) lines.push('No layer changed: no call changed its status, and no accuracy drift.', '');
    else {
      lines.push('| verdict | backend | layer | phase | own err/bound | inherited max \\|diff\\| | detail |', '|---|---|---|---|---|---|---|');
      for (const l of m.layers) lines.push(`| ${l.kind} | ${l.backend} | \`${l.layer}\` | ${l.phase} | ${ownMove(l)} | ${inheritedMove(l)} | ${l.detail.replace(/\|/g, '\\|')}${l.replay ? ` (replay: \`${l.replay}\`)` : ''} |`);
      lines.push('');
    }
  }
  for (const [title, list] of [['Only in the baseline', r.onlyInBaseline], ['Only in the current run', r.onlyInCurrent]] as const) {
    if (list.length === 0) continue;
    lines.push(`## ${title} (${list.length})`, '');
    for (const k of list.slice(0, 50)) lines.push(`- ${k}`);
    if (list.length > 50) lines.push(`- ... ${list.length - 50} more`);
    lines.push('');
  }
  return lines.join('\n');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JUnit XML: one test case per op x backend x check (numerics) and one per
 * bench entry (speed); a regression is a <failure> with the evidence.
 */
export function compareJUnit(r: CompareReport): string {
  const suites: string[] = [];
  if (r.numerics) {
    const groups = new Map<string, NumericChange[]>();
    for (const c of r.numerics.changes) if (c.kind === 'regression') (groups.get(`${c.op} ${c.check} on ${c.backend}`) ?? groups.set(`${c.op} ${c.check} on ${c.backend}`, []).get(`${c.op} ${c.check} on ${c.backend}`)!).push(c);
    const cases = [...groups].map(([name, cs]) => `    <testcase classname="crosscheck.numerics" name="${xml(name)}"><failure message="${xml(`${cs.length} case(s) regressed`)}">${xml(cs.map((c) => `${c.case}: ${c.detail}${c.replay ? `\n  replay: ${c.replay}` : ''}`).join('\n'))}</failure></testcase>`);
    cases.push(`    <testcase classname="crosscheck.numerics" name="${xml(`${r.numerics.compared} checks compared`)}"/>`);
    suites.push(`  <testsuite name="numerics" tests="${cases.length}" failures="${groups.size}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (r.speed) {
    const cases = r.speed.rows.map((x) => {
      const name = xml(`${speedName(x)} [${x.case}]`);
      if (x.verdict !== 'slower') return `    <testcase classname="crosscheck.speed" name="${name}"/>`;
      return `    <testcase classname="crosscheck.speed" name="${name}"><failure message="${xml(`slower: ${pct(x.ratio)}`)}">${xml(x.note ?? `median ${ms(x.baseMs)} ms -> ${ms(x.curMs)} ms; control loop ${pct(x.machine)}; change ${pct(x.ratio)}, 95% CI of the ratio ${x.ci95.map((v) => v.toFixed(3)).join('-')}, Holm-adjusted p ${pv(x.pAdjusted)}`)}</failure></testcase>`;
    });
    suites.push(`  <testsuite name="speed" tests="${cases.length}" failures="${r.speed.rows.filter((x) => x.verdict === 'slower').length}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (r.model) {
    const m = r.model;
    const bad = m.layers.filter((l) => l.kind === 'regression');
    const cases = bad.map((l) => `    <testcase classname="crosscheck.model" name="${xml(`${m.model} ${l.layer} ${l.phase} on ${l.backend}`)}"><failure message="${xml(`own err/bound ${ownMove(l)}`)}">${xml(`${l.detail}${l.replay ? `\n  replay: ${l.replay}` : ''}`)}</failure></testcase>`);
    for (const b of m.backends.filter((x) => x.regression)) cases.push(`    <testcase classname="crosscheck.model" name="${xml(`${m.model} on ${b.backend}`)}"><failure message="${xml('the model no longer runs')}">${xml(b.detail)}</failure></testcase>`);
    cases.push(`    <testcase classname="crosscheck.model" name="${xml(`${m.model}: ${m.compared} kernel calls compared`)}"/>`);
    suites.push(`  <testsuite name="model" tests="${cases.length}" failures="${cases.length - 1}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="crosscheck compare" failures="${r.regressions}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** The terminal report: the headline, differences, then only what changed. */
export function compareText(r: CompareReport, table: (head: string[], rows: string[][]) => string): string {
  const out: string[] = [];
  if (r.envDiffs.length > 0) out.push('What differs between the runs:', table(['field', 'baseline', 'current'], r.envDiffs.map((d) => [d.field, d.baseline, d.current])));
  if (r.numerics && r.numerics.changes.length > 0) {
    out.push('Numerics:', table(['verdict', 'op', 'case', 'backend', 'check', 'before -> now'], r.numerics.changes.slice(0, 40).map((c) => [c.kind, c.op, c.case, c.backend, c.check, `${c.from} -> ${c.to}`])));
    for (const c of r.numerics.changes.filter((x) => x.kind === 'regression').slice(0, 10)) out.push(`  ${c.op} ${c.check} on ${c.backend}, ${c.case}: ${c.detail}${c.replay ? `\n    replay: ${c.replay}` : ''}`);
    if (r.numerics.changes.length > 40) out.push(`  ... ${r.numerics.changes.length - 40} more (--markdown FILE lists them all)`);
  }
  if (r.model) {
    const m = r.model;
    out.push(`Model ${m.model}:`, ...m.backends.map((b) => `  ${b.regression ? 'REGRESSION ' : ''}${b.backend}: ${b.detail}`));
    if (m.layers.length > 0) {
      out.push(table(['verdict', 'backend', 'layer', 'phase', 'own err/bound', 'inherited max |diff|'], m.layers.slice(0, 40).map((l) => [l.kind, l.backend, l.layer, l.phase, ownMove(l), inheritedMove(l)])));
      for (const l of m.layers.filter((x) => x.kind === 'regression').slice(0, 10)) out.push(`  ${l.layer} (${l.phase}) on ${l.backend}: ${l.detail}${l.replay ? `\n    replay: ${l.replay}` : ''}`);
      if (m.layers.length > 40) out.push(`  ... ${m.layers.length - 40} more layers (--markdown FILE lists them all)`);
    }
  }
  if (r.speed) {
    out.push('Speed:', table(['verdict', 'op', 'check', 'size', 'contender', 'base ms', 'now ms', 'control', 'change', '95% CI', 'p (Holm)', 'note'], r.speed.rows.map((x) => [x.verdict, x.op, x.check, x.size, x.contender, ms(x.baseMs), ms(x.curMs), pct(x.machine), pct(x.ratio), Number.isFinite(x.ci95[0]) ? `${x.ci95[0].toFixed(3)}-${x.ci95[1].toFixed(3)}` : '', pv(x.pAdjusted), x.note ?? ''])));
  }
  if (r.onlyInBaseline.length + r.onlyInCurrent.length > 0) out.push(`Entries on one side only: ${r.onlyInBaseline.length} only in the baseline, ${r.onlyInCurrent.length} only in the current run${r.onlyInBaseline.length + r.onlyInCurrent.length <= 10 ? `:\n${[...r.onlyInBaseline.map((k) => `  baseline only: ${k}`), ...r.onlyInCurrent.map((k) => `  current only: ${k}`)].join('\n')}` : ' (--markdown FILE lists them)'}.`);
  out.push(headline(r));
  return out.join('\n');
}
