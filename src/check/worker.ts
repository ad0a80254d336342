/**
 * A child process that runs checks on one backend and streams them to the
 * parent (src/check/processes.ts), one line each:
 *   E <env json>           the env block
 *   B <browser env json>   a browser backend's browser, GPU and TF.js flags
 *   K <kernel names json>  the kernels the backend registers
 *   F <fingerprints json>  the behavioural fingerprints
 *   S <index>              case <index> starts
 *   R <record json>        one result record
 *   D                      done
 * A kernel that corrupts memory or aborts takes only this process down; so does
 * a browser backend's crashed page or lost GPU context (the process exits 4 and
 * the parent resumes with the next case in a fresh process and browser).
 */
import { BackendId, BrowserBackendId, NodeBackendId, isBrowserBackend } from '../tfjs/backendIds';
import { BrowserSession } from '../tfjs/browser';
import { BackendLost, LOST_EXIT } from '../tfjs/lost';
import type { AnyOpSpec } from '../ops/types';
import type { Shard } from '../ops/select';
import type { FlagValue } from '../tfjs/flags';
import { tf } from '../tfjs/tf';
import { browserExecutor } from './browserExecutor';
import { envBlock, kernelsOf, useBackend } from '../tfjs/backends';
import { OPS } from '../ops';
import { encode } from '../util/json';
import { registerModules } from '../tfjs/register';
import { probeFingerprints, runChecks } from './runner';

export interface WorkerJob {
  ops: string[];
  backend: BackendId;
  seed: number;
  caseId?: string;
  shard?: Shard;
  skip: number;
  /** Probe env, kernels and fingerprints (only the first worker of a backend). */
  probe: boolean;
  /** `--register` modules (the parent has already checked that they load and register). */
  register: string[];
  /** A browser backend's remote browser (`--browser-endpoint`). */
  browserEndpoint?: string;
  /** `--tf-flags`. */
  tfFlags?: Record<string, FlagValue>;
}

async function main(job: WorkerJob): Promise<void> {
  const ops = job.ops.map((id) => OPS.find((o) => o.id === id)!);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (job.register.length > 0) await registerModules(job.register);
  if (isBrowserBackend(job.backend)) return browserMain(job, ops, out);
  const backend = job.backend as NodeBackendId;
  await useBackend(backend);
  // NOTE: a flag only a browser backend registers (WEBGL_*, WEBGPU_*) has no meaning here and is not set.
  const registered = (tf.env() as unknown as { flagRegistry: Record<string, unknown> }).flagRegistry;
  for (const [k, v] of Object.entries(job.tfFlags ?? {})) if (k in registered) tf.env().set(k, v as never);
  if (job.probe) {
    out(`E ${encode(await envBlock())}`);
    out(`K ${encode([...kernelsOf(backend)])}`);
    out(`F ${encode(await probeFingerprints(ops, [backend]))}`);
  }
  await runChecks({
    ops, backends: [backend], seed: job.seed, caseId: job.caseId, shard: job.shard, skip: job.skip,
    onCaseStart: (i) => out(`S ${i}`),
    onResult: (r) => out(`R ${encode(r)}`),
  });
  out('D');
}

/** A browser backend: one browser for this process; the reference and the comparison stay here. */
async function browserMain(job: WorkerJob, ops: AnyOpSpec[], out: (line: string) => void): Promise<void> {
  const backend = job.backend as BrowserBackendId;
  let session: BrowserSession | { unavailable: string };
  try {
    session = await BrowserSession.open(backend, { endpoint: job.browserEndpoint, flags: job.tfFlags, register: job.register });
  } catch (e) {
    session = { unavailable: `${backend}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
  if (job.probe) {
    out(`E ${encode(await envBlock())}`);
    if (session instanceof BrowserSession) {
      out(`B ${encode(session.env)}`);
      out(`K ${encode(session.kernels)}`);
      const fp = await session.fingerprints(ops.map((o) => o.id));
      out(`F ${encode(Object.fromEntries(Object.entries(fp).map(([op, rows]) => [op, Object.fromEntries(Object.entries(rows).map(([name, v]) => [name, { [backend]: v }]))])))}`);
    }
  }
  // NOTE: a test hook: crash the page when this case starts (spec/src/check/browser.spec.ts).
  const crashAt = Number(process.env.CROSSCHECK_TEST_CRASH_AT ?? NaN);
  try {
    await runChecks({
      ops, backends: [], executors: [browserExecutor(backend, session)], seed: job.seed, caseId: job.caseId, shard: job.shard, skip: job.skip,
      onCaseStart: (i) => {
        out(`S ${i}`);
        if (i === crashAt && session instanceof BrowserSession) void session.crashForTest();
      },
      onResult: (r) => out(`R ${encode(r)}`),
    });
  } catch (e) {
    if (!(e instanceof BackendLost)) throw e;
    process.stderr.write(`${backend}: ${e.message}\n`);
    if (session instanceof BrowserSession) await session.close();
    process.exit(LOST_EXIT);
  }
  if (session instanceof BrowserSession) await session.close();
  out('D');
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as WorkerJob).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(3);
  });
}
