#!/usr/bin/env node
/**
 * Bundles the page side of the browser backends (src/check/page.ts: TF.js with
 * webgl and webgpu, and the op specs' TF.js calls; src/bench/page.ts: the
 * bench's timed calls) into dist/browser/page.js
 * with esbuild, from the locked packages. Node-only modules that the op specs
 * reach but never call in the page (fs, path, ...) are left empty; tfjs-layers'
 * MultiHeadAttention is imported directly from its ES module, and the suite's
 * TF.js namespace (src/tfjs/tf.ts, tfjs-node) is the page's @tensorflow/tfjs
 * (src/tfjs/tf.page.ts). The page of `crosscheck model` (src/model/page.ts)
 * is bundled with them.
 */
'use strict';
const path = require('path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'dist', 'browser', 'page.js');
const NODE_ONLY = ['fs', 'path', 'os', 'url', 'child_process', 'v8', 'vm', 'readline', 'typescript'];

const pagePlugin = {
  name: 'page',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${NODE_ONLY.join('|')})$`) }, (a) => ({ path: a.path, namespace: 'empty' }));
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    // The Node loader transpiles tfjs-layers' ES modules on require; the page imports the layer itself.
    build.onResolve({ filter: /tfjs\/layersLoader$/ }, () => ({ path: path.join(ROOT, 'src', 'tfjs', 'layersLoader.page.ts') }));
    // Code shared with Node imports the suite's TF.js from src/tfjs/tf.ts (tfjs-node); the page's is @tensorflow/tfjs.
    build.onResolve({ filter: /^\.\.\/tfjs\/tf$/ }, () => ({ path: path.join(ROOT, 'src', 'tfjs', 'tf.page.ts') }));
  },
};

async function bundle() {
  const started = Date.now();
  await esbuild.build({
    // The page of `check` and the timed calls of `bench`, which builds on it (src/check cannot import src/bench).
    stdin: { contents: "import './src/check/page';\nimport './src/bench/page';\nimport './src/model/page';\n", resolveDir: ROOT, sourcefile: 'page-entry.ts', loader: 'ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    outfile: OUT,
    logLevel: 'warning',
    plugins: [pagePlugin],
  });
  return Date.now() - started;
}

module.exports = { bundle, OUT };

if (require.main === module) {
  bundle().then(
    (ms) => console.log(`bundle: ${path.relative(ROOT, OUT)} in ${ms} ms`),
    (e) => {
      console.error(`bundle failed: ${e.message}`);
      process.exit(1);
    },
  );
}
