/**
 * `crosscheck replay CALL.json`: one recorded kernel call (written by
 * `crosscheck model` for the first call that broke its bound) run again alone
 * on each backend with the same inputs and attributes, and judged as the model
 * run judged it: against the reference on those inputs, with the derived bound
 * (src/model/kernelChecks.ts), or, for a kernel without a reference, against
 * the call's recorded output. Exit 1 when it still breaks its bound.
 */
import * as fs from 'fs';
import type { Tensor64 } from '../../reference/tensor';
import { NodeBackendId, useBackend } from '../tfjs/backends';
import { UsageError } from '../util/usage';
import { judgeCall } from './kernelChecks';
import { REPLAY_SCHEMA, difference, runKernelAlone } from './run';
import type { RecordedTensor } from './types';

interface ReplayFile {
  schema: string;
  model: string;
  backend: string;
  layer: string;
  callIndex: number;
  kernel: string;
  attrs: Record<string, unknown>;
  inputs: Record<string, { shape: number[]; dtype: string; data: (number | string)[] } | null>;
  outputs: { shape: number[]; dtype: string; data: (number | string)[] }[];
}

const num = (v: number | string) => (typeof v === 'number' ? v : v === '-0' ? -0 : Number(v));

function tensorOf(t: { shape: number[]; dtype: string; data: (number | string)[] }): RecordedTensor {
  const values = t.data.map(num);
  const data = t.dtype === 'int32' ? Int32Array.from(values) : t.dtype === 'bool' ? Uint8Array.from(values) : Float32Array.from(values);
  return { shape: t.shape, dtype: t.dtype, data };
}

export function readReplayFile(file: string): ReplayFile {
  let doc: ReplayFile;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as ReplayFile;
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`replay ${file}: ${code === 'ENOENT' ? 'no such file' : `not a readable JSON file (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`}; give a call file written by crosscheck model.`);
  }
  if (!doc || doc.schema !== REPLAY_SCHEMA || typeof doc.kernel !== 'string' || typeof doc.inputs !== 'object') {
    throw new UsageError(`replay ${file}: not a kernel-call file (schema ${JSON.stringify(doc?.schema)}; expected "${REPLAY_SCHEMA}", as crosscheck model writes for a breaking call).`);
  }
  return doc;
}

const as64 = (t: RecordedTensor): Tensor64 => ({ shape: [...t.shape], data: Float64Array.from(t.data) });

/** Reruns the call on each backend; prints one verdict each; 1 when any breaks its bound. */
export async function replayCommand(file: string, backends: readonly NodeBackendId[]): Promise<number> {
  const call = readReplayFile(file);
  const inputs = Object.fromEntries(Object.entries(call.inputs).map(([k, t]) => [k, t ? tensorOf(t) : null]));
  const recorded = call.outputs.map(tensorOf);
  console.log(`${call.kernel} (call #${call.callIndex} of ${call.model}, layer ${call.layer}, recorded on ${call.backend})`);
  console.log(`attributes: ${JSON.stringify(call.attrs)}`);
  let bad = false;
  for (const backend of backends) {
    await useBackend(backend);
    const outs = runKernelAlone({ kernel: call.kernel, attrs: call.attrs, inputs });
    const j = judgeCall({ kernel: call.kernel, attrs: call.attrs, backend, inputs: Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, t ? as64(t) : null])), outputs: outs.map(as64) });
    if (j) {
      const r = j.result;
      bad ||= j.status === 'fail';
      console.log(`  ${backend}: ${j.status}, err/bound ${r.errToBound.toPrecision(3)} (${j.spec} ${j.check})${j.message ? `: ${j.message}` : ''}`);
    } else {
      const d = outs.map((o, i) => difference(o.data, recorded[i]?.data ?? []).maxAbsErr).reduce((a, b) => Math.max(a, b), 0);
      console.log(`  ${backend}: no reference for ${call.kernel}; max |this run - recorded output| = ${d}`);
    }
  }
  return bad ? 1 : 0;
}
