#!/usr/bin/env node
'use strict';
// Run before `npm start`: the compiled program must be in dist/ and at least as new as the sources. It never
// compiles (a shop's box restarts the service after a power cut; a compile there takes half a minute and half
// a gigabyte); it says in one line what to run instead.
const { distState } = require('./dist-state');

const state = distState();
if (state === 'missing') {
  console.error('The compiled program is missing (dist/): run `npm run build` once, then `npm start`.');
  process.exit(1);
}
if (state === 'stale') {
  console.error(
    'The compiled program in dist/ is older than the sources: run `npm run build`, then `npm start`.',
  );
  process.exit(1);
}
