/**
 * `crosscheck` command line (DESIGN.md, "Command line").
 * Exit codes: 0 all good, 1 a mismatch (or a crash inside a backend) was found,
 * 2 bad usage or unreadable input.
 */
import { Command, CommanderError, Option } from 'commander';
import { BACKENDS, BackendId, parseBackends } from './backendIds';
import { assertWritable, writeJson } from './io';
import { OPS, opIds, parseOps } from './ops';
import { runIsolated } from './isolated';
import { describeFailure, fingerprintTable, summaryTable } from './summary';
import { UsageError } from './usage';

export const CHECK_SCHEMA = 'tfjs-crosscheck/check@1';

interface CheckOptions {
  ops: string;
  backends: string;
  seed: string;
  case?: string;
  json?: string;
  force: boolean;
  maxFailures: string;
  quiet: boolean;
}

function parseSeed(s: string): number {
  if (!/^\d+$/.test(s) || Number(s) > 0xffffffff) {
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got '${s}'.`);
  }
  return Number(s);
}

function parseCount(flag: string, s: string): number {
  if (!/^\d+$/.test(s)) throw new UsageError(`${flag} must be a non-negative integer, got '${s}'.`);
  return Number(s);
}

async function check(o: CheckOptions): Promise<number> {
  const ops = parseOps(o.ops);
  const backends: BackendId[] = parseBackends(o.backends);
  const seed = parseSeed(o.seed);
  const maxFailures = parseCount('--max-failures', o.maxFailures);
  if (o.json) assertWritable('--json', o.json, o.force);

  const started = Date.now();
  let done = 0;
  const progress = !o.quiet && process.stderr.isTTY;
  const run = await runIsolated({
    ops, backends, seed, caseId: o.case,
    onResult: () => {
      done++;
      if (progress && done % 50 === 0) process.stderr.write(`\r${done} checks run...`);
    },
  });
  if (progress) process.stderr.write('\r');
  const { records, env, fingerprints, crashes } = run;
  const kernels = [...new Set(ops.flatMap((op) => [...op.kernels, ...op.grads.flatMap((g) => g.kernels)]))];
  const support = Object.fromEntries(kernels.map((k) => [k, Object.fromEntries(backends.map((b) => [b, run.kernels[b]?.includes(k) ?? false]))]));

  console.log(`tfjs ${env?.tfjs['tfjs-core'] ?? '?'}, native TensorFlow ${env?.tensorflow ?? 'not loaded'}, seed ${seed}, ${records.length} checks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(summaryTable(records));
  if (Object.keys(fingerprints).length > 0) {
    console.log('\nBehavioural fingerprints (probed; the reference: first maximum on ties, NaN propagates):');
    console.log(fingerprintTable(fingerprints, backends));
  }
  for (const c of crashes) console.log(`\nCRASH: the ${c.backend} process died (${c.signal}) during ${c.case}: ${c.stderr}`);
  const bad = records.filter((r) => r.status === 'fail' || r.status === 'error');
  const xfail = records.filter((r) => r.status === 'xfail');
  for (const r of [...bad, ...xfail].slice(0, maxFailures)) console.log(`\n${describeFailure(r)}`);
  if (bad.length + xfail.length > maxFailures) {
    console.log(`\n... ${bad.length + xfail.length - maxFailures} more failures${o.json ? ` in ${o.json}` : ' (use --json FILE to keep them all)'}`);
  }
  if (o.json) {
    writeJson(o.json, { schema: CHECK_SCHEMA, kind: 'check', env, args: { ops: ops.map((x) => x.id), backends, seed, case: o.case ?? null }, supportMatrix: support, fingerprints, crashes, results: records });
    console.log(`\nwrote ${records.length} results to ${o.json}`);
  }
  return bad.length > 0 ? 1 : 0;
}

function program(): Command {
  const p = new Command('crosscheck')
    .description('Cross-check TensorFlow.js backends against float64 reference implementations.')
    .exitOverride()
    .showHelpAfterError('(run with --help for the accepted options)');
  p.command('check')
    .description('compare every op x case x backend with the reference; exit 1 on a mismatch')
    .option('--ops <list>', `comma-separated ops (${opIds().join(', ')})`, OPS.map((o) => o.id).join(','))
    .option('--backends <list>', `comma-separated backends (${BACKENDS.join(', ')})`, BACKENDS.join(','))
    .option('--seed <n>', 'seed of the random cases', '1')
    .option('--case <id>', 'run only the case with this id (as printed in a replay command)')
    .option('--json <file>', 'write every result record, the env block and the support matrix to FILE')
    .option('--force', 'overwrite the --json file if it exists', false)
    .addOption(new Option('--max-failures <n>', 'failures printed in detail').default('20'))
    .option('--quiet', 'no progress output', false)
    .action(async (o: CheckOptions) => {
      p.setOptionValue('exitCode', await check(o));
    });
  return p;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const p = program();
  try {
    await p.parseAsync([...argv], { from: 'user' });
    return (p.getOptionValue('exitCode') as number | undefined) ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    if (e instanceof UsageError) {
      console.error(`crosscheck: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
