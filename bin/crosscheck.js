#!/usr/bin/env node
'use strict';
process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL || '2';
const path = require('path');
const fs = require('fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli.js');
if (!fs.existsSync(entry)) {
  console.error('crosscheck: not built yet. Run `npm run setup` (installs and builds) or `npm run build` first.');
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; })
  .catch((e) => { console.error(e && e.stack ? e.stack : e); process.exitCode = 2; });
