/**
 * Reading result files back: check results (`crosscheck check --json`) and bench
 * results (`crosscheck bench`), as baselines or current runs. Anything that is
 * not a whole result file of a schema this tool knows is a UsageError (exit 2)
 * naming the file; nothing is guessed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BENCH_SCHEMA, BenchResult } from '../bench/types';
import { CHECK_SCHEMA, CheckFile } from '../check/results';
import { UsageError } from '../util/usage';

export const SCHEMAS = { [CHECK_SCHEMA]: 'check', [BENCH_SCHEMA]: 'bench' } as const;
export type ResultKind = 'check' | 'bench';

export type Loaded = { file: string; kind: 'check'; doc: CheckFile } | { file: string; kind: 'bench'; doc: BenchResult };

/** Result files write NaN and +-Infinity as strings (src/util/io.ts): numbers again. */
function revive(_k: string, v: unknown): unknown {
  return v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v;
}

const REQUIRED: Record<ResultKind, { list: string; fields: string[] }> = {
  check: { list: 'results', fields: ['op', 'case', 'backend', 'check', 'status'] },
  bench: { list: 'entries', fields: ['op', 'case', 'check', 'size', 'contender', 'samplesMs', 'medianMs'] },
};

/**
 * Reads one result file. `role` names it in messages (`baseline`, `current`,
 * `report`). `want` restricts the kinds accepted.
 */
export function readResultFile(file: string, role: string, want: readonly ResultKind[] = ['check', 'bench']): Loaded {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`${role} ${file}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory without check.json or bench.json' : code ?? String(e)}).`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text, revive) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${role} ${file}: not complete JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); the file is corrupt or was cut short.`);
  }
  const schema = doc && typeof doc === 'object' ? doc.schema : undefined;
  const kind = SCHEMAS[schema as keyof typeof SCHEMAS] as ResultKind | undefined;
  if (!kind) {
    throw new UsageError(`${role} ${file}: schema ${JSON.stringify(schema)} is not one this tool knows; accepted: ${Object.keys(SCHEMAS).map((s) => JSON.stringify(s)).join(', ')}.`);
  }
  if (!want.includes(kind)) {
    throw new UsageError(`${role} ${file}: a ${kind} result (schema ${JSON.stringify(schema)}); accepted here: ${want.map((k) => `a ${k} result (schema "${k === 'check' ? CHECK_SCHEMA : BENCH_SCHEMA}")`).join(' or ')}.`);
  }
  const { list, fields } = REQUIRED[kind];
  const items = doc[list];
  if (!Array.isArray(items)) throw new UsageError(`${role} ${file}: has no '${list}' list; the file is incomplete or was not written by crosscheck ${kind}.`);
  items.forEach((item, i) => {
    const missing = fields.filter((f) => item === null || typeof item !== 'object' || !(f in item));
    if (missing.length > 0) throw new UsageError(`${role} ${file}: ${list}[${i}] lacks ${missing.join(', ')}; the file is incomplete or was not written by crosscheck ${kind}.`);
  });
  return { file, kind, doc } as unknown as Loaded;
}

/**
 * A compare argument: a result file, or a directory holding `check.json` and/or
 * `bench.json` (what `check --json DIR/check.json` and `bench --out DIR` write).
 */
export function readResults(arg: string, role: string): Loaded[] {
  let isDir = false;
  try {
    isDir = fs.statSync(arg).isDirectory();
  } catch {
    throw new UsageError(`${role} ${arg}: no such file or directory.`);
  }
  if (!isDir) return [readResultFile(arg, role)];
  const found = ['check.json', 'bench.json'].map((f) => path.join(arg, f)).filter((f) => fs.existsSync(f));
  if (found.length === 0) throw new UsageError(`${role} ${arg}: a directory without check.json or bench.json.`);
  return found.map((f) => readResultFile(f, role));
}
