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
  /** Backends it registered under a new name (`--backends NAME` checks them like a built-in one). */
  backends?: string[];
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

/** Every backend name registered with the engine (the suite's and any a module added). */
export function registeredBackends(): string[] {
  return Object.keys((tf.engine() as unknown as { registryFactory: Record<string, unknown> }).registryFactory);
}

/** `backend/KernelName` -> kernelFunc, over every backend the suite knows and every registered one. */
function registry(): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const b of new Set([...TF_BACKENDS, ...registeredBackends()])) for (const k of tf.getKernelsForBackend(b)) m.set(`${b}/${k.kernelName}`, k.kernelFunc);
  return m;
}

/** Starts a backend a module registered, to find out now (exit 2) rather than in the run that its factory fails. */
async function startNewBackend(spec: string, name: string): Promise<void> {
  const previous = tf.getBackend();
  const warn = console.warn;
  let why = '';
  // NOTE: TF.js catches a failing factory and only warns; the warning is the reason.
  console.warn = (...a: unknown[]) => (why = a.map(String).join(' '));
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    why = message(e);
  } finally {
    console.warn = warn;
  }
  if (previous) await tf.setBackend(previous);
  if (!ok) throw new UsageError(`--register ${spec}: the backend '${name}' it registers failed to start: ${why.split('\n')[0] || 'its factory failed'}.`);
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
    const backendsBefore = new Set(registeredBackends());
    try {
      await (register as (t: typeof tf) => unknown)(tf);
    } catch (e) {
      throw new UsageError(`--register ${spec}: register(tf) threw: ${message(e)}`);
    }
    const after = registry();
    const kernels = [...after].filter(([k, f]) => before.get(k) !== f).map(([k]) => k).sort();
    const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
    const backends = registeredBackends().filter((b) => !backendsBefore.has(b));
    if (kernels.length === 0 && removed.length === 0 && backends.length === 0) {
      throw new UsageError(`--register ${spec}: register(tf) registered no kernel; expected tf.registerKernel({ kernelName, backendName, kernelFunc }) for a backend of ${TF_BACKENDS.join(', ')}, or tf.registerBackend(name, factory) with its kernels.`);
    }
    for (const b of backends) await startNewBackend(spec, b);
    out.push({ module: spec, kernels, removed, ...(backends.length > 0 ? { backends } : {}) });
  }
  return out;
}
