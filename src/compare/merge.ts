/**
 * `crosscheck merge OUT SHARD.json...`: joins the result files of a sharded
 * check (`crosscheck check --shard I/N --json ...`, one per CI job) into one
 * file whose records are those of the unsharded run, in its order (ops, cases
 * and backends as the run orders them). Shards of different runs are refused:
 * another seed, op list, backend list, case, TF.js flags, kernel overrides,
 * TF.js or native TensorFlow version, shard count, or a shard missing or given
 * twice — a UsageError (exit 2) naming the field. Every shard's env block is
 * kept (`shards`).
 */
import { OPS } from '../ops';
import { selectCases } from '../ops/select';
import type { CheckFile, ResultRecord } from '../check/results';
import { assertWritable, writeJson } from '../util/io';
import { UsageError } from '../util/usage';
import { readResultFile } from './load';

type ShardFile = CheckFile & {
  args: CheckFile['args'] & { case?: string | null; shard?: { index: number; count: number } | null; tfFlags?: unknown };
  fingerprints?: Record<string, Record<string, Record<string, string>>>;
  crashes?: unknown[];
  fuzz?: unknown[];
  supportMatrix?: unknown;
};

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields every shard of one run shares, with how to read them. */
const SHARED: [string, (f: ShardFile) => unknown][] = [
  ['args.seed', (f) => f.args.seed],
  ['args.ops', (f) => f.args.ops],
  ['args.backends', (f) => f.args.backends],
  ['args.case', (f) => f.args.case],
  ['args.tfFlags', (f) => f.args.tfFlags],
  ['args.shard.count', (f) => f.args.shard?.count],
  ['overrides', (f) => f.overrides ?? []],
  ['env.tfjs', (f) => f.env?.tfjs],
  ['env.tensorflow', (f) => f.env?.tensorflow],
];

/** Joins the shards' documents (read and checked) into the unsharded run's document. */
export function mergeShards(files: readonly string[], docs: readonly ShardFile[]): Record<string, unknown> {
  const first = docs[0];
  docs.forEach((d, i) => {
    if (!d.args.shard) throw new UsageError(`shard ${files[i]}: not a sharded run (args.shard is null): run crosscheck check --shard I/N --json FILE for each shard.`);
    for (const [field, get] of SHARED) {
      if (!same(get(d), get(first))) {
        throw new UsageError(`shards ${files[0]} and ${files[i]} differ in ${field} (${JSON.stringify(get(first) ?? null)} and ${JSON.stringify(get(d) ?? null)}): they are not shards of one run.`);
      }
    }
  });
  const count = first.args.shard!.count;
  const seen = new Map<number, string>();
  docs.forEach((d, i) => {
    const k = d.args.shard!.index;
    if (seen.has(k)) throw new UsageError(`shards ${seen.get(k)} and ${files[i]} are both args.shard ${k}/${count}.`);
    seen.set(k, files[i]);
  });
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !seen.has(k));
  if (missing.length > 0) throw new UsageError(`merge: args.shard ${missing.map((k) => `${k}/${count}`).join(', ')} missing: give all ${count} shards of the run.`);

  // The unsharded run's order: op, case (as the ops generate them), backend; a shard keeps a case's checks in order.
  const ops = first.args.ops.map((id) => {
    const op = OPS.find((o) => o.id === id);
    if (!op) throw new UsageError(`shard ${files[0]}: args.ops names '${id}', which this version of crosscheck does not have.`);
    return op;
  });
  const order = new Map<string, number>();
  for (const [op, cases] of selectCases(ops, first.args.seed, first.args.case ?? undefined)) for (const c of cases) order.set(`${op.id}\u0000${c.id}`, order.size);
  const bi = (b: string) => first.args.backends.indexOf(b as never);
  const at = (r: ResultRecord) => order.get(`${r.op}\u0000${r.case}`) ?? Infinity;
  const results = docs.flatMap((d) => d.results).sort((a, b) => at(a) - at(b) || bi(a.backend) - bi(b.backend));

  const fingerprints: Record<string, Record<string, Record<string, string>>> = {};
  for (const d of docs) {
    for (const [op, rows] of Object.entries(d.fingerprints ?? {})) {
      for (const [name, v] of Object.entries(rows)) Object.assign(((fingerprints[op] ??= {})[name] ??= {}), v);
    }
  }
  const byIndex = [...docs].sort((a, b) => a.args.shard!.index - b.args.shard!.index);
  return {
    ...first,
    args: { ...first.args, shard: null },
    fingerprints,
    crashes: byIndex.flatMap((d) => d.crashes ?? []),
    fuzz: byIndex.flatMap((d) => d.fuzz ?? []),
    shards: byIndex.map((d) => ({ shard: `${d.args.shard!.index}/${count}`, file: files[docs.indexOf(d)], env: d.env ?? null })),
    results,
  };
}

/** Reads the shards, merges them, writes OUT atomically (an existing OUT only with `force`). */
export function mergeCommand(out: string, files: readonly string[], force: boolean): number {
  assertWritable('merge OUT', out, force);
  if (files.length === 0) throw new UsageError('merge: give the shard files after OUT (crosscheck merge OUT SHARD.json...).');
  const docs = files.map((f) => readResultFile(f, 'shard', ['check']).doc as ShardFile);
  const merged = mergeShards(files, docs);
  writeJson(out, merged);
  console.log(`merged ${files.length} shards, ${(merged.results as unknown[]).length} results, into ${out}`);
  return 0;
}
