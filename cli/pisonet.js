#!/usr/bin/env node
'use strict';
// The `pisonet` bin. It runs the compiled terminal in dist/ when that is current (the install builds it): about
// half the time and memory of compiling on the fly, which counts on a 1 GB board; as one file (dist/cli/bundle.js,
// scripts/bundle-cli.js), a fifth less time again. A checkout whose sources are newer than dist/ (a developer's,
// before `npm run build`) runs the TypeScript through tsx in this same process.
const path = require('node:path');
const { distState, root } = require('../scripts/dist-state');

if (distState() === 'current') {
  require(path.join(root, 'dist', 'cli', 'bundle.js'));
} else {
  require('tsx/cjs/api').register();
  require('./index.ts');
}
