/** The command line as a user runs it: the built bin/crosscheck.js in a child process (`npm test` builds first). */
import { spawnSync } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'crosscheck.js');

export function crosscheck(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
