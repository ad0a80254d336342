/**
 * A child process that runs checks on one backend and streams them to the
 * parent (src/check/processes.ts), one line each:
 *   E <env json>           the env block
 *   K <kernel names json>  the kernels the backend registers
 *   F <fingerprints json>  the behavioural fingerprints
 *   S <index>              case <index> starts
 *   R <record json>        one result record
 *   D                      done
 * A kernel that corrupts memory or aborts takes only this process down.
 */
import type { BackendId } from '../tfjs/backendIds';
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
  skip: number;
  /** Probe env, kernels and fingerprints (only the first worker of a backend). */
  probe: boolean;
  /** `--register` modules (the parent has already checked that they load and register). */
  register: string[];
}

async function main(job: WorkerJob): Promise<void> {
  const ops = job.ops.map((id) => OPS.find((o) => o.id === id)!);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (job.register.length > 0) await registerModules(job.register);
  await useBackend(job.backend);
  if (job.probe) {
    out(`E ${encode(await envBlock())}`);
    out(`K ${encode([...kernelsOf(job.backend)])}`);
    out(`F ${encode(await probeFingerprints(ops, [job.backend]))}`);
  }
  await runChecks({
    ops, backends: [job.backend], seed: job.seed, caseId: job.caseId, skip: job.skip,
    onCaseStart: (i) => out(`S ${i}`),
    onResult: (r) => out(`R ${encode(r)}`),
  });
  out('D');
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as WorkerJob).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(3);
  });
}
