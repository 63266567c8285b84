#!/usr/bin/env node
'use strict';
// Run before `npm start`: the compiled program must be in dist/ and at least as new as the sources. It never
// compiles (a shop's box restarts the service after a power cut; a compile there takes half a minute and half
// a gigabyte); it says in one line what to run instead.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const stamp = path.join(root, 'dist', '.tsbuildinfo');
const entry = path.join(root, 'dist', 'src', 'main.js');

function newest(dir) {
  let latest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) latest = Math.max(latest, newest(p));
    else if (e.name.endsWith('.ts')) latest = Math.max(latest, fs.statSync(p).mtimeMs);
  }
  return latest;
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

const built = Math.min(mtime(stamp), mtime(entry));
if (built === 0) {
  console.error('The compiled program is missing (dist/): run `npm run build` once, then `npm start`.');
  process.exit(1);
}
const sources = Math.max(
  ...['src', 'cli', 'migrations', 'bench'].map((d) => newest(path.join(root, d))),
  mtime(path.join(root, 'tsconfig.json')),
  mtime(path.join(root, 'tsconfig.build.json')),
);
if (sources > built) {
  console.error(
    'The compiled program in dist/ is older than the sources: run `npm run build`, then `npm start`.',
  );
  process.exit(1);
}
