'use strict';
// Whether the compiled program in dist/ is there and at least as new as the sources it was built from. Read by
// `npm start` (scripts/check-dist.js, which never builds) and by the `pisonet` bin (cli/pisonet.js), which runs
// the compiled terminal when it is current and the sources through tsx otherwise.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

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

/** 'missing', 'stale' or 'current'. */
function distState() {
  // The bundle is the build's last step (scripts/bundle-cli.js): a build stopped before it is not current.
  const built = Math.min(
    mtime(path.join(root, 'dist', '.tsbuildinfo')),
    mtime(path.join(root, 'dist', 'src', 'main.js')),
    mtime(path.join(root, 'dist', 'cli', 'bundle.js')),
  );
  if (built === 0) return 'missing';
  const sources = Math.max(
    ...['src', 'cli', 'migrations', 'bench'].map((d) => newest(path.join(root, d))),
    mtime(path.join(root, 'tsconfig.json')),
    mtime(path.join(root, 'tsconfig.build.json')),
  );
  return sources > built ? 'stale' : 'current';
}

module.exports = { distState, root };
