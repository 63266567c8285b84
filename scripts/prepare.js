#!/usr/bin/env node
'use strict';
// npm's `prepare`: compiles the TypeScript to dist/ after `npm install` / `npm ci`, when dist/ is missing or older
// than the sources. npm also runs `prepare` in this folder when `npx pisonet` (npm exec) first installs it into
// its own cache: a full compile there made that first call take 13 s or more (half a gigabyte on a shop's box),
// while the `pisonet` bin runs the sources through tsx by itself when dist/ is not current. So under npm exec,
// and whenever dist/ is current, nothing is compiled.
const { spawnSync } = require('node:child_process');
const { distState } = require('./dist-state');

const state = distState();
if (state === 'current') process.exit(0);
if (process.env.npm_command === 'exec') {
  console.error(
    `dist/ is ${state}: not compiled for npx (the pisonet command copes); run \`npm run build\`.`,
  );
  process.exit(0);
}
const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath, 'run', 'build']]
  : ['npm', ['run', 'build']];
const run = spawnSync(npm[0], npm[1], { stdio: 'inherit' });
process.exit(run.status ?? 1);
