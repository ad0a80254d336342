/**
 * Result files: JSON with a `schema` field, written atomically (a temp file in
 * the same directory, then rename), never silently overwriting.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './usage';

/** JSON cannot hold NaN or +-Infinity: they are written as strings. */
function replacer(_key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

/**
 * Checks, before any work starts, that `file` can be written: its directory
 * exists and is writable, and it does not exist unless `force`.
 */
export function assertWritable(flag: string, file: string, force: boolean): void {
  const dir = path.dirname(path.resolve(file));
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a directory');
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${file}: directory ${dir} does not exist or is not writable.`);
  }
  if (fs.existsSync(file)) {
    if (fs.statSync(file).isDirectory()) throw new UsageError(`${flag} ${file}: is a directory; give a file path.`);
    if (!force) throw new UsageError(`${flag} ${file}: the file exists; pass --force to overwrite it.`);
  }
}

/** Writes `text` to `file` atomically: readers see the old file or the whole new one. */
export function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeJson(file: string, value: unknown): void {
  writeAtomic(file, `${JSON.stringify(value, replacer, 2)}\n`);
}

/** Checks an output directory before any work: writable, and empty unless --force. */
export function prepareOutDir(flag: string, dir: string, force: boolean): void {
  let probe = path.resolve(dir);
  while (!fs.existsSync(probe)) probe = path.dirname(probe);
  try {
    if (!fs.statSync(probe).isDirectory()) throw new Error('not a directory');
    fs.accessSync(probe, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${dir}: ${probe} is not a writable directory.`);
  }
  if (probe === path.resolve(dir) && fs.readdirSync(dir).length > 0 && !force) {
    throw new UsageError(`${flag} ${dir}: the directory is not empty; pass --force to replace the report files in it.`);
  }
}
