#!/usr/bin/env node
/**
 * Writes the built-in models' fixtures (src/model/builtins.ts) into
 * src/model/fixtures/<id>/: model.json and its weights. Run after `npm run
 * build`; the fixtures are committed, and spec/src/model/builtins.spec.ts checks
 * that they still equal what builtins.ts builds.
 */
'use strict';
const fs = require('fs');
const path = require('path');

process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL || '2';
const ROOT = path.resolve(__dirname, '..');
const { buildLayersModel, graphModelJson } = require(path.join(ROOT, 'dist', 'src', 'model', 'builtins.js'));
const OUT = path.join(ROOT, 'src', 'model', 'fixtures');

async function main() {
  for (const id of ['cnn', 'transformer']) {
    const dir = path.join(OUT, id);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    await buildLayersModel(id).save(`file://${dir}`);
    console.log(`wrote ${path.relative(ROOT, dir)}`);
  }
  const dir = path.join(OUT, 'mobilenet');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const { modelJson, weightData } = graphModelJson();
  fs.writeFileSync(path.join(dir, 'model.json'), `${JSON.stringify(modelJson, null, 1)}\n`);
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), weightData);
  console.log(`wrote ${path.relative(ROOT, dir)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
