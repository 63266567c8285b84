#!/usr/bin/env node
'use strict';
// The last step of `npm run build`: the compiled terminal (dist/cli/index.js and the ~700 modules of ours it
// reaches) joined into one file, dist/cli/bundle.js, which the `pisonet` bin runs. A command then reads one file
// instead of finding, reading and compiling each module: a command that opens the database takes about 0.28 s of
// CPU instead of 0.35 s here (`profiles list`), at the same memory. Our modules stay lazy inside the bundle (each
// is run the first time it is required, as before), and the packages in node_modules are not bundled: they are
// required from there as before (sqlite3's native addon, knex's dialects). Paths to the project's files come from
// src/lib/paths.ts, which walks up from the running file to package.json and works from dist/cli/ as well.
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');

esbuild.buildSync({
  entryPoints: [path.join(root, 'dist', 'cli', 'index.js')],
  outfile: path.join(root, 'dist', 'cli', 'bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  // tsc's own maps are read in: the bundle's map points at the TypeScript (node --enable-source-maps).
  sourcemap: 'linked',
  logLevel: 'warning',
});
