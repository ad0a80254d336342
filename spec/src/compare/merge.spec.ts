/**
 * Sharded checks (issue 15): `check --shard I/N` runs a deterministic part of
 * the cases, every case in exactly one shard, balanced by cost; `merge` joins
 * the shards into the unsharded run's records and refuses shards of different
 * runs; bad `--shard` values exit 2.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OPS } from '../../../src/ops';
import { parseShard, selectCases, shardOf } from '../../../src/ops/select';
import { crosscheck } from '../../helpers/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-shard-'));
const at = (f: string) => path.join(tmp, f);
const OPS_ARG = ['--ops', 'softmax,maxPool,conv2d', '--backends', 'cpu', '--quiet'];
const read = (f: string) => JSON.parse(fs.readFileSync(at(f), 'utf8')) as { results: { op: string; case: string }[]; args: { shard: unknown } };

describe('sharded checks', () => {
  beforeAll(() => {
    for (const i of [1, 2, 3]) expect(crosscheck('check', ...OPS_ARG, '--shard', `${i}/3`, '--json', at(`s${i}.json`)).code).toBe(0);
    expect(crosscheck('check', ...OPS_ARG, '--json', at('all.json')).code).toBe(0);
    expect(crosscheck('check', ...OPS_ARG, '--seed', '2', '--shard', '3/3', '--json', at('seed2.json')).code).toBe(0);
  });

  it('shards 1/3, 2/3, 3/3 merged give the unsharded run, record for record', () => {
    const m = crosscheck('merge', at('merged.json'), at('s2.json'), at('s3.json'), at('s1.json'));
    expect(m.code).toBe(0);
    const all = read('all.json');
    const merged = read('merged.json');
    expect(merged.results).toEqual(all.results);
    expect(merged.args.shard).toBeNull();
    // every case in exactly one shard
    const cases = [1, 2, 3].map((i) => new Set(read(`s${i}.json`).results.map((r) => `${r.op} ${r.case}`)));
    const total = cases.reduce((n, s) => n + s.size, 0);
    expect(new Set(cases.flatMap((s) => [...s])).size).toBe(total);
    expect(total).toBe(new Set(all.results.map((r) => `${r.op} ${r.case}`)).size);
  });

  it('balances the shards by cost: none exceeds an equal share by more than its largest case', () => {
    const ops = OPS.filter((o) => ['conv2d', 'matMul', 'softmax'].includes(o.id));
    const cases = selectCases(ops, 1);
    const cost = new Map([...cases].flatMap(([op, cs]) => cs.map((c) => [c, op.flops(c) + 1] as const)));
    for (const n of [2, 3, 5]) {
      const of = shardOf(cases, n);
      const load = new Array<number>(n + 1).fill(0);
      for (const [c, k] of of) load[k] += cost.get(c)!;
      const total = [...cost.values()].reduce((a, b) => a + b, 0);
      const largest = Math.max(...cost.values());
      for (let k = 1; k <= n; k++) expect(load[k]).toBeLessThanOrEqual(total / n + largest);
      expect(of.size).toBe(cost.size);
    }
  });

  it.each(['0/3', '4/3', 'a/b', '3', '1/0'])('--shard %s exits 2 naming the flag and what is accepted', (v) => {
    expect(() => parseShard(v)).toThrow(/--shard must be I\/N with integers 1 <= I <= N/);
    const r = crosscheck('check', '--ops', 'softmax', '--backends', 'cpu', '--shard', v);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--shard must be I/N with integers 1 <= I <= N (e.g. 2/3 for the second of three shards), got '${v}'`);
  });

  it('refuses shards of different runs, a missing or repeated shard, and an unsharded file (exit 2, naming the field)', () => {
    const seed = crosscheck('merge', at('m1.json'), at('s1.json'), at('s2.json'), at('seed2.json'));
    expect([seed.code, seed.err]).toEqual([2, expect.stringMatching(/differ in args\.seed \(1 and 2\)/)]);
    const missing = crosscheck('merge', at('m2.json'), at('s1.json'), at('s2.json'));
    expect([missing.code, missing.err]).toEqual([2, expect.stringMatching(/args\.shard 3\/3 missing/)]);
    const twice = crosscheck('merge', at('m3.json'), at('s1.json'), at('s1.json'), at('s2.json'));
    expect([twice.code, twice.err]).toEqual([2, expect.stringMatching(/are both args\.shard 1\/3/)]);
    const plain = crosscheck('merge', at('m4.json'), at('all.json'), at('s1.json'));
    expect([plain.code, plain.err]).toEqual([2, expect.stringMatching(/not a sharded run \(args\.shard is null\)/)]);
    for (const f of ['m1.json', 'm2.json', 'm3.json', 'm4.json']) expect(fs.existsSync(at(f))).toBe(false);
  });
});
