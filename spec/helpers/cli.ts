/** The command line as a user runs it: the built bin/crosscheck.js in a child process (`npm test` builds first). */
import { spawn, spawnSync } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'crosscheck.js');

export function crosscheck(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Starts the CLI, sends SIGINT after `afterMs`, and resolves with its exit code and stderr. */
export async function interrupted(args: readonly string[], afterMs: number): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise((r) => setTimeout(r, afterMs));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  return { code, err };
}
