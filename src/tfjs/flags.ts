/**
 * `--tf-flags KEY=VALUE,...`: TF.js flags applied to every backend of a run (on
 * top of a browser variant's own). The accepted keys are the flags TF.js 4.22
 * registers in tfjs-core and its backends, read from the installed packages'
 * flag files, so that a typo is exit 2 before any work (no TF.js is loaded).
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../util/usage';

export type FlagValue = boolean | number | string;

const FLAG_FILES = [
  '@tensorflow/tfjs-core/dist/flags.js',
  '@tensorflow/tfjs-backend-webgl/dist/flags_webgl.js',
  '@tensorflow/tfjs-backend-webgpu/dist/flags_webgpu.js',
  '@tensorflow/tfjs-backend-wasm/dist/flags_wasm.js',
];

let known: string[] | undefined;

/** Every flag name the installed TF.js packages register. */
export function knownFlags(): string[] {
  if (!known) {
    const names = new Set<string>();
    for (const f of FLAG_FILES) {
      let text = '';
      try {
        text = fs.readFileSync(require.resolve(f, { paths: [path.resolve(__dirname, '..', '..')] }), 'utf8');
      } catch {
        continue;
      }
      for (const m of text.matchAll(/registerFlag\('([A-Z0-9_]+)'/g)) names.add(m[1]);
    }
    known = [...names].sort();
  }
  return known;
}

/** `K=V,...` with V true, false, a number or a string; unknown keys are a UsageError listing the accepted ones. */
export function parseTfFlags(list: string): Record<string, FlagValue> {
  const out: Record<string, FlagValue> = {};
  for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Z0-9_]+)=(.+)$/.exec(item);
    if (!m) throw new UsageError(`--tf-flags: '${item}' is not KEY=VALUE (e.g. WEBGL_PACK=false).`);
    const [, key, raw] = m;
    if (!knownFlags().includes(key)) throw new UsageError(`--tf-flags: unknown TF.js flag '${key}'. Accepted: ${knownFlags().join(', ')}.`);
    out[key] = raw === 'true' ? true : raw === 'false' ? false : raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  if (Object.keys(out).length === 0) throw new UsageError('--tf-flags is empty; give KEY=VALUE pairs, e.g. WEBGL_PACK=false.');
  return out;
}

/** The flags as the command line spells them, for replay commands. */
export function tfFlagsArg(flags: Record<string, FlagValue> | undefined): string {
  return flags && Object.keys(flags).length > 0 ? ` --tf-flags ${Object.entries(flags).map(([k, v]) => `${k}=${v}`).join(',')}` : '';
}
