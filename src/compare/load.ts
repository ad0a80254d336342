/**
 * Reading result files back: check results (`crosscheck check --json`), bench
 * results (`crosscheck bench`) and model results (`crosscheck model --json`),
 * as baselines or current runs. Anything that is
 * not a whole result file of a schema this tool knows is a UsageError (exit 2)
 * naming the file; nothing is guessed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BENCH_SCHEMA, BenchResult } from '../bench/types';
import { CHECK_SCHEMA, CheckFile } from '../check/results';
import { MODEL_SCHEMA, ModelFile } from '../model/types';
import { UsageError } from '../util/usage';

export const SCHEMAS = { [CHECK_SCHEMA]: 'check', [BENCH_SCHEMA]: 'bench', [MODEL_SCHEMA]: 'model' } as const;
export type ResultKind = 'check' | 'bench' | 'model';
const SCHEMA_OF: Record<ResultKind, string> = { check: CHECK_SCHEMA, bench: BENCH_SCHEMA, model: MODEL_SCHEMA };

/** The file each kind is written to in a result directory. */
export const RESULT_FILES: Record<ResultKind, string> = { check: 'check.json', bench: 'bench.json', model: 'model-check.json' };

export type Loaded = { file: string; kind: 'check'; doc: CheckFile } | { file: string; kind: 'bench'; doc: BenchResult } | { file: string; kind: 'model'; doc: ModelFile };

/** Result files write NaN and +-Infinity as strings (src/util/io.ts): numbers again. */
function revive(_k: string, v: unknown): unknown {
  return v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v;
}

const REQUIRED: Record<ResultKind, { list: string; fields: string[] }> = {
  check: { list: 'results', fields: ['op', 'case', 'backend', 'check', 'status'] },
  bench: { list: 'entries', fields: ['op', 'case', 'check', 'size', 'contender', 'samplesMs', 'medianMs'] },
  model: { list: 'results', fields: ['op', 'case', 'backend', 'check', 'status', 'errToBound', 'model', 'layer'] },
};

/** The rest of a model file that compare reads: the run's arguments, each backend's run and its layer rows. */
const MODEL_PARTS = {
  args: ['model', 'seed', 'input', 'train'],
  run: ['backend', 'calls', 'layers', 'endToEnd'],
  layer: ['layer', 'phase', 'ownErrToBound', 'status'],
};

/** The first required field a value lacks, as `where lacks a, b`, or undefined. */
function lacking(where: string, item: unknown, fields: readonly string[]): string | undefined {
  const missing = fields.filter((f) => item === null || typeof item !== 'object' || !(f in (item as object)));
  return missing.length > 0 ? `${where} lacks ${missing.join(', ')}` : undefined;
}

function checkModelParts(doc: Record<string, unknown>): string | undefined {
  const why = lacking('args', doc.args, MODEL_PARTS.args);
  if (why) return why;
  if (!Array.isArray(doc.runs)) return "has no 'runs' list";
  for (const [i, run] of (doc.runs as unknown[]).entries()) {
    const w = lacking(`runs[${i}]`, run, MODEL_PARTS.run);
    if (w) return w;
    const layers = (run as { layers: unknown }).layers;
    if (!Array.isArray(layers)) return `runs[${i}].layers is not a list`;
    for (const [j, l] of layers.entries()) {
      const lw = lacking(`runs[${i}].layers[${j}]`, l, MODEL_PARTS.layer);
      if (lw) return lw;
    }
  }
  return undefined;
}

/**
 * Reads one result file. `role` names it in messages (`baseline`, `current`,
 * `report`). `want` restricts the kinds accepted.
 */
export function readResultFile(file: string, role: string, want: readonly ResultKind[] = ['check', 'bench', 'model']): Loaded {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`${role} ${file}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory without check.json, bench.json or model-check.json' : code ?? String(e)}).`);
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
    throw new UsageError(`${role} ${file}: a ${kind} result (schema ${JSON.stringify(schema)}); accepted here: ${want.map((k) => `a ${k} result (schema "${SCHEMA_OF[k]}")`).join(' or ')}.`);
  }
  const { list, fields } = REQUIRED[kind];
  const items = doc[list];
  if (!Array.isArray(items)) throw new UsageError(`${role} ${file}: has no '${list}' list; the file is incomplete or was not written by crosscheck ${kind}.`);
  items.forEach((item, i) => {
    const missing = fields.filter((f) => item === null || typeof item !== 'object' || !(f in item));
    if (missing.length > 0) throw new UsageError(`${role} ${file}: ${list}[${i}] lacks ${missing.join(', ')}; the file is incomplete or was not written by crosscheck ${kind}.`);
  });
  const why = kind === 'model' ? checkModelParts(doc) : undefined;
  if (why) throw new UsageError(`${role} ${file}: ${why}; the file is incomplete or was not written by crosscheck model.`);
  return { file, kind, doc } as unknown as Loaded;
}

/**
 * A compare argument: a result file, or a directory holding `check.json`,
 * `bench.json` and/or `model-check.json` (what `check --json DIR/check.json`,
 * `bench --out DIR` and `model --json DIR/model-check.json` write).
 */
export function readResults(arg: string, role: string): Loaded[] {
  let isDir = false;
  try {
    isDir = fs.statSync(arg).isDirectory();
  } catch {
    throw new UsageError(`${role} ${arg}: no such file or directory.`);
  }
  if (!isDir) return [readResultFile(arg, role)];
  const found = Object.values(RESULT_FILES).map((f) => path.join(arg, f)).filter((f) => fs.existsSync(f));
  if (found.length === 0) throw new UsageError(`${role} ${arg}: a directory without check.json, bench.json or model-check.json.`);
  return found.map((f) => readResultFile(f, role));
}
