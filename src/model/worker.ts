/**
 * A child process that runs `crosscheck model` on one backend
 * (src/model/run.ts) and hands the outcome to the parent
 * (src/model/command.ts), one line each:
 *   E <env json>        the env block
 *   U <message>         a usage error (missing or corrupt model, input of the wrong shape): exit 2
 *   R <outcome json>    the backend's run and its records
 *   X <message>         the backend could not run the model (the exception's first line)
 * A kernel that corrupts memory or aborts takes only this process down; the
 * parent reports that backend's run as an error.
 */
import { envBlock } from '../tfjs/backends';
import { isBrowserBackend } from '../tfjs/backendIds';
import type { FlagValue } from '../tfjs/flags';
import { registerModules } from '../tfjs/register';
import { encode } from '../util/json';
import { UsageError } from '../util/usage';
import { ModelJob, runModelOnBackend } from './run';

export interface ModelWorkerJob extends ModelJob {
  register: string[];
  probe: boolean;
  /** Browser backends: a remote browser (`--browser-endpoint`) and `--tf-flags`. */
  browserEndpoint?: string;
  tfFlags?: Record<string, FlagValue>;
}

async function main(job: ModelWorkerJob): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (job.register.length > 0) await registerModules(job.register);
  if (job.probe) out(`E ${encode(await envBlock())}`);
  try {
    if (isBrowserBackend(job.backend)) {
      const { runModelInBrowser } = await import('./browser');
      out(`R ${encode(await runModelInBrowser(job, { register: job.register, endpoint: job.browserEndpoint, flags: job.tfFlags }))}`);
    } else {
      out(`R ${encode(await runModelOnBackend(job))}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      out(`U ${e.message}`);
      return;
    }
    out(`X ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    throw e;
  }
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as ModelWorkerJob).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(3);
  });
}
