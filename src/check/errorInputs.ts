/**
 * Sends each op's ill-formed calls to the reference and to TF.js on each
 * backend, and records what happens: the reference must throw its documented
 * message; TF.js may throw, return an empty tensor, or return something else
 * (a semantic difference, listed in the README).
 *
 * Each ill-formed call runs in a child process of its own: some of them corrupt
 * the wasm backend's heap (README, "Known backend discrepancies"), which would
 * poison every later wasm call in the same process.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { NodeBackendId as BackendId, useBackend } from '../tfjs/backends';
import { OPS } from '../ops';
import { AnyOpSpec } from '../ops/types';
import { decode, encode } from '../util/json';
import { tf } from '../tfjs/tf';

export type TfjsOutcome =
  | { outcome: 'throws'; message: string }
  | { outcome: 'returns'; shape: number[]; allFinite: boolean };

export interface ErrorInputRecord {
  op: string;
  input: string;
  /** The reference threw the message the spec documents. */
  referenceRejects: boolean;
  referenceMessage: string;
  tfjs: Record<string, TfjsOutcome>;
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Probes error input `index` of `spec` in this process. */
export async function probeErrorInput(spec: AnyOpSpec, index: number, backends: readonly BackendId[]): Promise<ErrorInputRecord> {
  const ei = spec.errorInputs[index];
  let referenceMessage = '(returned without an error)';
  try {
    ei.reference();
  } catch (e) {
    referenceMessage = messageOf(e);
  }
  const rec: ErrorInputRecord = { op: spec.id, input: ei.name, referenceRejects: ei.message.test(referenceMessage), referenceMessage, tfjs: {} };
  for (const b of backends) {
    await useBackend(b);
    try {
      rec.tfjs[b] = tf.tidy(() => {
        const t = ei.tfjs(tf);
        const data = t.dataSync();
        return { outcome: 'returns' as const, shape: t.shape, allFinite: data.every((v) => Number.isFinite(v)) };
      });
    } catch (e) {
      rec.tfjs[b] = { outcome: 'throws', message: messageOf(e) };
    }
  }
  return rec;
}

/** The compiled worker (the CLI's build); spec/ runs after `npm run build`. */
const WORKER = path.resolve(__dirname, '..', '..', 'dist', 'src', 'check', 'errorInputs.js');

/** Probes every error input of `spec`, each in a fresh process. */
export function probeErrorInputs(spec: AnyOpSpec, backends: readonly BackendId[]): ErrorInputRecord[] {
  const worker = __filename.endsWith('.js') ? __filename : WORKER;
  return spec.errorInputs.map((ei, i) => {
    const r = spawnSync(process.execPath, [worker, spec.id, String(i), backends.join(',')], {
      encoding: 'utf8',
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    try {
      return decode<ErrorInputRecord>(line);
    } catch {
      throw new Error(`error-input probe '${ei.name}' of ${spec.id} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
  });
}

if (require.main === module) {
  const [opId, index, backends] = process.argv.slice(2);
  const spec = OPS.find((o) => o.id === opId);
  if (!spec) throw new Error(`unknown op ${opId}`);
  void probeErrorInput(spec, Number(index), backends.split(',') as BackendId[]).then((rec) => console.log(encode(rec)));
}
