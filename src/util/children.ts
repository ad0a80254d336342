/**
 * Child processes of the CLI (the check workers, the bench processes): each is
 * tracked, and an interrupt (SIGINT, SIGTERM) ends them all with the parent,
 * which then writes nothing.
 */
import { ChildProcess, spawn } from 'child_process';
import * as readline from 'readline';

const children = new Set<ChildProcess>();
let interruptHandled = false;

function onInterrupt(signal: NodeJS.Signals): void {
  for (const c of children) c.kill('SIGKILL');
  process.stderr.write(`\ncrosscheck: interrupted (${signal}); no result file was written.\n`);
  process.exit(130);
}

export interface ChildOutcome {
  code: number | null;
  signal: string | null;
  /** The last 4,000 characters of its stderr. */
  stderr: string;
}

/** Runs `node script ...args`, handing each stdout line to `onLine`. */
export function runNodeScript(script: string, args: readonly string[], onLine: (line: string) => void): Promise<ChildOutcome> {
  if (!interruptHandled) {
    interruptHandled = true;
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onInterrupt);
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' },
    });
    children.add(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    readline.createInterface({ input: child.stdout }).on('line', onLine);
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stderr });
    });
  });
}

/** The last lines of stderr that are not the native library's start-up log. */
export function lastWords(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l.trim() && !/^(I0000|WARNING: All log messages|To enable the following)/.test(l))
    .slice(-3)
    .join(' | ');
}
