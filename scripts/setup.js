#!/usr/bin/env node
/**
 * One-time (idempotent) setup of a tfjs-crosscheck clone.
 *
 *   node scripts/setup.js              full check of every step, repairs what is missing
 *   node scripts/setup.js --if-needed  returns at once when a previous run finished
 *
 * Steps:
 *   1. npm packages: `npm ci --ignore-scripts` when node_modules is missing or
 *      older than package-lock.json (scripts are ignored because tfjs-node's
 *      install script downloads libtensorflow, which we handle in step 2).
 *   2. Native backend (@tensorflow/tfjs-node): first the package's own
 *      installer (scripts/install.js: download libtensorflow 2.9.1 + prebuilt
 *      addon). When that host is unreachable, the fallback: take the
 *      `tensorflow-cpu` wheel from pip, put its libtensorflow_cc.so.2 (which
 *      exports the C and eager C APIs the binding uses) and
 *      libtensorflow_framework.so.2 into deps/lib under the names the binding
 *      links against, its headers into deps/include, and build the binding with
 *      node-gyp.
 *   3. Load the backend in a child process and print the native TensorFlow
 *      version; build the TypeScript sources into dist/ (for `npx crosscheck`).
 *
 * Only Node built-ins are used here: this runs before node_modules exists.
 */
'use strict';

const cp = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const NM = path.join(ROOT, 'node_modules');
const TFJS_NODE = path.join(NM, '@tensorflow', 'tfjs-node');
const DEPS = path.join(TFJS_NODE, 'deps');
const DEPS_LIB = path.join(DEPS, 'lib');
const MARKER = path.join(NM, '.crosscheck-setup.json');
const LOCKFILE = path.join(ROOT, 'package-lock.json');
/** The wheel known to carry a C API compatible with tfjs-node 4.22's binding. */
const WHEEL_SPEC = process.env.CROSSCHECK_TF_WHEEL || 'tensorflow-cpu==2.21.0';
/** tfjs-node's install.js skips its download when this file exists. */
const LIBTF_PINNED_NAME = 'libtensorflow.so.2.9.1';

const t0 = Date.now();
const step = (msg) => console.log(`[setup +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

class SetupError extends Error {
  constructor(what, todo) {
    super(`${what}\n  What to do: ${todo}`);
  }
}

function run(cmd, args, opts = {}) {
  const r = cp.spawnSync(cmd, args, {
    cwd: opts.cwd || ROOT,
    env: opts.env || process.env,
    encoding: 'utf8',
    stdio: opts.capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    timeout: opts.timeoutMs,
  });
  if (r.error && r.error.code === 'ENOENT') {
    return { status: 127, stdout: '', stderr: `${cmd}: command not found` };
  }
  return { status: r.status === null ? 1 : r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

function lockHash() {
  return crypto.createHash('sha256').update(fs.readFileSync(LOCKFILE)).digest('hex').slice(0, 16);
}

function readMarker() {
  try {
    return JSON.parse(fs.readFileSync(MARKER, 'utf8'));
  } catch {
    return undefined;
  }
}

function bindingFiles() {
  const lib = path.join(TFJS_NODE, 'lib');
  if (!fs.existsSync(lib)) return [];
  return fs
    .readdirSync(lib)
    .map((d) => path.join(lib, d, 'tfjs_binding.node'))
    .filter((f) => fs.existsSync(f));
}

/** Loads tfjs-node in a child process; returns the native TF version or undefined. */
function probeNative() {
  const code =
    "const tf=require('@tensorflow/tfjs-node');" +
    "const b=tf.backend();" +
    "console.log(JSON.stringify({backend:tf.getBackend(),tf:b.binding.TF_Version,tfjs:tf.version['tfjs-core']}))";
  const r = run(process.execPath, ['-e', code], {
    capture: true,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
    timeoutMs: 120000,
  });
  if (r.status !== 0) return { ok: false, error: (r.stderr || r.stdout).trim().split('\n').slice(-6).join('\n') };
  try {
    const info = JSON.parse(r.stdout.trim().split('\n').pop());
    return info.backend === 'tensorflow' ? { ok: true, ...info } : { ok: false, error: `backend is ${info.backend}` };
  } catch {
    return { ok: false, error: r.stdout.trim() };
  }
}

function ensurePackages() {
  const installed = path.join(NM, '.package-lock.json');
  const fresh =
    fs.existsSync(installed) && fs.existsSync(TFJS_NODE) && fs.statSync(installed).mtimeMs >= fs.statSync(LOCKFILE).mtimeMs;
  if (fresh) {
    step('npm packages: present');
    return;
  }
  step('npm packages: running `npm ci --ignore-scripts` (native backend is set up separately below)');
  const r = run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
  if (r.status !== 0) {
    throw new SetupError('`npm ci` failed (see its output above).', 'check that the npm registry is reachable and package-lock.json is intact.');
  }
}

function binEnv() {
  return {
    ...process.env,
    PATH: `${path.join(NM, '.bin')}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: process.env.npm_config_nodedir || '/usr',
  };
}

function tryPackageInstaller() {
  step("native backend: trying tfjs-node's own installer (downloads libtensorflow 2.9.1)");
  const r = run(process.execPath, ['scripts/install.js'], { cwd: TFJS_NODE, env: binEnv(), capture: true, timeoutMs: 10 * 60000 });
  const out = `${r.stdout}\n${r.stderr}`;
  const reason = (out.match(/Error: [^\n]*/) || [`exit code ${r.status}`])[0];
  if (bindingFiles().length > 0 && fs.existsSync(path.join(DEPS_LIB, LIBTF_PINNED_NAME))) {
    step('native backend: package installer finished');
    return true;
  }
  step(`native backend: package installer did not finish (${reason}); falling back to the tensorflow-cpu wheel`);
  return false;
}

function findPython() {
  for (const py of ['python3', 'python']) {
    if (run(py, ['-m', 'pip', '--version'], { capture: true }).status === 0) return py;
  }
  throw new SetupError(
    'pip was not found (tried `python3 -m pip` and `python -m pip`); it is needed to fetch the tensorflow-cpu wheel.',
    'install Python 3 with pip (Debian: `apt-get install python3-pip`), then run `npm run setup` again.',
  );
}

function fetchWheel(py, dir) {
  step(`native backend: pip download ${WHEEL_SPEC} (about 270 MB)`);
  const r = run(py, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', WHEEL_SPEC, '-d', dir], { capture: true });
  const wheel = fs.readdirSync(dir).find((f) => f.endsWith('.whl'));
  if (r.status !== 0 || !wheel) {
    throw new SetupError(
      `pip could not download the wheel ${WHEEL_SPEC}:\n${r.stderr.trim().split('\n').slice(-4).join('\n')}`,
      'make a tensorflow-cpu wheel for this Python reachable to pip (an index or --find-links), or set CROSSCHECK_TF_WHEEL to a spec pip can resolve.',
    );
  }
  return path.join(dir, wheel);
}

/** Extracts the two shared libraries and the header tree from the wheel (a zip) with Python's zipfile. */
function unpackWheel(py, wheel) {
  step('native backend: unpacking libtensorflow_cc.so.2, libtensorflow_framework.so.2 and headers');
  fs.rmSync(DEPS, { recursive: true, force: true });
  fs.mkdirSync(DEPS_LIB, { recursive: true });
  const script = [
    'import sys, zipfile, os, shutil',
    'wheel, deps = sys.argv[1], sys.argv[2]',
    'z = zipfile.ZipFile(wheel)',
    'libs = {"tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"}',
    'found = set()',
    'for info in z.infolist():',
    '    name = info.filename',
    '    if name in libs:',
    '        dest = os.path.join(deps, "lib", os.path.basename(name)); found.add(name)',
    '    elif name.startswith("tensorflow/include/") and not name.endswith("/"):',
    '        dest = os.path.join(deps, "include", name[len("tensorflow/include/"):])',
    '    else:',
    '        continue',
    '    os.makedirs(os.path.dirname(dest), exist_ok=True)',
    '    with z.open(info) as src, open(dest, "wb") as out: shutil.copyfileobj(src, out, 1 << 20)',
    'missing = libs - found',
    'if missing: sys.exit("missing in wheel: " + ", ".join(sorted(missing)))',
  ].join('\n');
  const r = run(py, ['-c', script, wheel, DEPS], { capture: true });
  if (r.status !== 0) {
    throw new SetupError(`could not unpack ${path.basename(wheel)}: ${r.stderr.trim()}`, 'check the disk space and that the wheel is a tensorflow-cpu 2.x wheel for Linux x86_64.');
  }
  const links = {
    'libtensorflow.so.2': 'libtensorflow_cc.so.2',
    'libtensorflow.so': 'libtensorflow_cc.so.2',
    [LIBTF_PINNED_NAME]: 'libtensorflow_cc.so.2',
    'libtensorflow_framework.so': 'libtensorflow_framework.so.2',
  };
  for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(DEPS_LIB, name));
}

function buildBinding() {
  for (const tool of ['g++', 'make']) {
    if (run(tool, ['--version'], { capture: true }).status !== 0) {
      throw new SetupError(`${tool} was not found; node-gyp needs it to build the tfjs-node binding.`, 'install a C++ toolchain (Debian: `apt-get install g++ make`), then run `npm run setup` again.');
    }
  }
  step('native backend: building the binding with node-gyp (about 10 s)');
  fs.rmSync(path.join(TFJS_NODE, 'lib'), { recursive: true, force: true });
  const r = run(process.execPath, ['scripts/install.js'], { cwd: TFJS_NODE, env: binEnv(), capture: true, timeoutMs: 15 * 60000 });
  if (bindingFiles().length === 0) {
    throw new SetupError(
      `building the tfjs-node binding failed:\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-15).join('\n')}`,
      'check that g++, make and the Node headers (npm_config_nodedir, default /usr) are present.',
    );
  }
}

function ensureNative(force) {
  if (!force && bindingFiles().length > 0) {
    const probe = probeNative();
    if (probe.ok) return probe;
    step(`native backend: present but does not load (${probe.error.split('\n')[0]}); rebuilding`);
  }
  if (!tryPackageInstaller()) {
    const py = findPython();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-wheel-'));
    try {
      unpackWheel(py, fetchWheel(py, dir));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    buildBinding();
  }
  const probe = probeNative();
  if (!probe.ok) {
    throw new SetupError(`the tensorflow backend was built but does not load:\n${probe.error}`, 'run `npm run setup -- --force` to rebuild it from scratch.');
  }
  return probe;
}

function main() {
  const argv = process.argv.slice(2);
  const unknown = argv.filter((a) => !['--if-needed', '--force'].includes(a));
  if (unknown.length > 0) {
    console.error(`setup: unknown option ${unknown.join(' ')}. Accepted: --if-needed, --force`);
    process.exit(2);
  }
  const marker = readMarker();
  if (argv.includes('--if-needed') && marker && marker.lockHash === lockHash() && bindingFiles().length > 0) {
    return;
  }
  ensurePackages();
  const native = ensureNative(argv.includes('--force'));
  step('building the TypeScript sources (tsc -p tsconfig.build.json)');
  const tsc = run(process.execPath, [path.join(NM, 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  if (tsc.status !== 0) throw new SetupError('the TypeScript build failed (see the errors above).', 'fix the reported errors, then run `npm run build`.');
  step('bundling the browser page (scripts/bundle.js, esbuild)');
  const bundle = run(process.execPath, [path.join(ROOT, 'scripts', 'bundle.js')]);
  if (bundle.status !== 0) throw new SetupError('bundling the browser page failed (see the errors above).', 'run `npm run build` to see the esbuild errors.');
  const info = { lockHash: lockHash(), tensorflow: native.tf, tfjs: native.tfjs, date: new Date().toISOString() };
  const tmp = `${MARKER}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info, null, 2));
  fs.renameSync(tmp, MARKER);
  step(`done: tfjs ${native.tfjs}, backend '${native.backend}', native TensorFlow ${native.tf}`);
}

try {
  main();
} catch (e) {
  console.error(`[setup] FAILED: ${e.message}`);
  process.exit(1);
}
