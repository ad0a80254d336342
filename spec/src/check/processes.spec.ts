/**
 * The cross-check of every op on every backend, as `crosscheck check` runs it
 * (each backend in its own process): no mismatch, no crash, enough cases, and
 * every recorded discrepancy still reproduces.
 */
import { BACKENDS } from '../../../src/tfjs/backendIds';
import { IsolatedRun, runIsolated } from '../../../src/check/processes';
import { OPS } from '../../../src/ops';
import { ResultRecord } from '../../../src/check/results';
import { checkReport } from '../../../src/check/summary';

let run: IsolatedRun;
beforeAll(async () => {
  run = await runIsolated({ ops: OPS, backends: BACKENDS, seed: 1 });
}, 600000);

const rows = OPS.flatMap((op) => BACKENDS.flatMap((b) => ['forward', ...op.grads.map((g) => `grad:${g.input}`)].map((check) => [op.id, b, check] as const)));

describe.each(rows)('%s on %s, %s', (op, backend, check) => {
  const recs = () => run.records.filter((r: ResultRecord) => r.op === op && r.backend === backend && r.check === check);

  it('covers at least 100 cases and agrees with the reference within the derived bound', () => {
    const rs = recs();
    expect(rs.length).toBeGreaterThanOrEqual(100);
    const bad = rs.filter((r) => r.status === 'fail' || r.status === 'error');
    expect(bad.map((r) => `${r.status} ${r.case}: ${r.message ?? ''} err/bound ${r.errToBound}`)).toEqual([]);
    for (const r of rs.filter((x) => x.status === 'pass')) {
      expect(r.errToBound).toBeLessThanOrEqual(1);
      if (r.exact) expect(r.maxAbsErr).toBe(0);
    }
  });
});

describe('the run', () => {
  it('had no process crash', () => {
    expect(run.crashes).toEqual([]);
  });

  it('prints a report of one matrix row per op and check, a few lines per differing fingerprint and two per known discrepancy when nothing fails', () => {
    const text = checkReport({ records: run.records, env: run.env, fingerprints: run.fingerprints, crashes: run.crashes, backends: BACKENDS, seed: 1, seconds: 1, overrides: [], maxFailures: 20, verbose: false });
    // NOTE: it was 'about two screens' (100 lines) for 12 ops; with 20 ops the matrix alone has 60 rows. What it must not do is grow with the cases.
    const rows = new Set(run.records.map((r) => `${r.op} ${r.check}`)).size;
    const numbers = new Set(run.records.filter((r) => r.status === 'xfail').map((r) => r.known)).size;
    let differing = 0;
    for (const byName of Object.values(run.fingerprints)) for (const v of Object.values(byName)) if (new Set(Object.values(v)).size > 1) differing++;
    // (178 lines on seed 1 with 62 rows, 30 numbers and 20 differing fingerprints; the cells of a fingerprint row wrap to 2 or 3 lines)
    expect(text.split('\n').length).toBeLessThanOrEqual(rows + 2 * numbers + 3 * differing + 25);
    expect(text).toMatch(/^  #3 \d+ cases, not run: conv2d grad:filter on tensorflow \(\d+\)/m);
  });

  it('probed the env, the kernels and the fingerprints of every backend', () => {
    expect(run.env?.tensorflow).toMatch(/^2\.\d+/);
    for (const b of BACKENDS) expect(run.kernels[b]?.length).toBeGreaterThan(100);
    expect(Object.keys(run.fingerprints)).toEqual(expect.arrayContaining(['conv2d', 'maxPool', 'avgPool']));
  });
});

// NOTE: the entries of the backends this run covers (the browser backends have their own spec).
const inRun = (op: (typeof OPS)[number]) => ({ ...op, known: op.known.filter((k) => (BACKENDS as readonly string[]).includes(k.backend)) });
describe.each(OPS.map(inRun).filter((op) => op.known.length > 0).map((op) => [op.id, op] as const))('known discrepancies of %s', (_id, op) => {
  // NOTE: an entry that only some machines show must reproduce where its condition says so; where the condition is unknown or false, only its hits are checked.
  const required = (k: (typeof op.known)[number]) => !k.machine || k.machine.shows?.() === true;
  it.each(op.known.map((k) => [`${k.backend} ${k.check}: ${k.note}${required(k) ? '' : ` (not required here: ${k.machine!.note})`}`, k] as const))('%s — still reproduces', (_name, k) => {
    const hits = run.records.filter((r) => r.op === op.id && r.backend === k.backend && r.check === k.check && r.status === 'xfail' && r.message?.includes(k.note));
    // An entry that no case of seed 1 triggers any more is stale: the backend was fixed, or the class is wrong.
    if (required(k)) expect(hits.length).toBeGreaterThan(0);
    // each hit failed for real: beyond its bound, or TF.js threw
    if (!k.skip) for (const h of hits) expect(h.errToBound > 1 || h.message!.includes('(threw: ')).toBe(true);
  });
});
