/**
 * `--register MODULE`: how a kernel author puts a new or changed kernel under
 * the suite. The module (CommonJS or ES module: .js, .cjs or .mjs) exports
 * `register(tf)`; it is called with the suite's own TF.js namespace (no second
 * copy of tfjs-core), and usually does
 *
 *   const original = tf.getKernel('Conv2D', 'cpu');
 *   tf.unregisterKernel('Conv2D', 'cpu');
 *   tf.registerKernel({ ...original, kernelFunc: myConv2D });
 *
 * The kernels it adds, replaces or removes are found by comparing the kernel
 * registry before and after the call, and are named in the results.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { BACKENDS, BROWSER_VARIANTS } from './backendIds';
import { tf } from './tf';
import { UsageError } from '../util/usage';


/** What one `--register` module changed in the kernel registry. */
export interface KernelOverride {
  /** The module as given on the command line. */
  module: string;
  /** `backend/KernelName` of every kernel the module added or replaced. */
  kernels: string[];
  /** `backend/KernelName` of every kernel it unregistered without a replacement. */
  removed: string[];
}

const EXTENSIONS = ['.js', '.cjs', '.mjs'];

/** The module's absolute path, or a UsageError naming the flag, the value and what is accepted. */
export function resolveRegisterModule(spec: string): string {
  const file = path.resolve(spec);
  if (!EXTENSIONS.includes(path.extname(file))) {
    throw new UsageError(`--register ${spec}: a module must be a ${EXTENSIONS.join(', ')} file (compile TypeScript first).`);
  }
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    throw new UsageError(`--register ${spec}: no readable file at ${file}.`);
  }
  return file;
}

// NOTE: TypeScript compiles `import()` to `require()` under CommonJS; this keeps
// a real dynamic import for ES modules.
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;

async function load(file: string): Promise<Record<string, unknown>> {
  if (path.extname(file) !== '.mjs') {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(file) as Record<string, unknown>;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw e;
    }
  }
  return importEsm(pathToFileURL(file).href);
}

/** The TF.js backend names a module may register kernels for: the Node backends', and webgl and webgpu (registered here, run in the page). */
const TF_BACKENDS = [...new Set<string>([...BACKENDS, ...Object.values(BROWSER_VARIANTS).map((v) => v.tfBackend)])];

/** `backend/KernelName` -> kernelFunc, over every backend the suite knows. */
function registry(): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const b of TF_BACKENDS) for (const k of tf.getKernelsForBackend(b)) m.set(`${b}/${k.kernelName}`, k.kernelFunc);
  return m;
}

const message = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));

/**
 * Loads each module and calls its `register(tf)`, in order. A module that fails
 * to load, has no `register` function, throws, or changes no kernel is a
 * UsageError (exit 2).
 */
export async function registerModules(specs: readonly string[]): Promise<KernelOverride[]> {
  const out: KernelOverride[] = [];
  for (const spec of specs) {
    const file = resolveRegisterModule(spec);
    let mod: Record<string, unknown>;
    try {
      mod = await load(file);
    } catch (e) {
      throw new UsageError(`--register ${spec}: the module failed to load: ${message(e)}`);
    }
    const fallback = mod.default as Record<string, unknown> | undefined;
    const register = typeof mod.register === 'function' ? mod.register : typeof fallback?.register === 'function' ? fallback.register : undefined;
    if (typeof register !== 'function') {
      throw new UsageError(`--register ${spec}: the module exports no register(tf) function (its exports: ${Object.keys(mod).join(', ') || 'none'}).`);
    }
    const before = registry();
    try {
      await (register as (t: typeof tf) => unknown)(tf);
    } catch (e) {
      throw new UsageError(`--register ${spec}: register(tf) threw: ${message(e)}`);
    }
    const after = registry();
    const kernels = [...after].filter(([k, f]) => before.get(k) !== f).map(([k]) => k).sort();
    const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
    if (kernels.length === 0 && removed.length === 0) {
      throw new UsageError(`--register ${spec}: register(tf) registered no kernel; expected tf.registerKernel({ kernelName, backendName, kernelFunc }) for a backend of ${TF_BACKENDS.join(', ')}.`);
    }
    out.push({ module: spec, kernels, removed });
  }
  return out;
}
