/**
 * `npm run test:quick`: the tests that need no product server, browser, database server, terminal or FreeRADIUS
 * (the domain, pure functions, the router client and the simulator's units), for a developer's quick loop. A test
 * file is left out when it, or a test helper it imports, imports one of HEAVY below; a new test is sorted by what
 * it imports, with no list to keep. `npm test` stays the whole suite.
 */
const fs = require('node:fs');
const path = require('node:path');
const base = require('./jest.config');

/** What makes a test slow or needs more than node: a product, a browser, PostgreSQL, FreeRADIUS, a process. */
const HEAVY = [
  /test\/helpers\/(harness|browser|test-db|freeradius|hotspot-login-page)$/,
  /^playwright-core$/,
  /^(node:)?child_process$/,
  /^src\/(core|app|main|server[\w-]*)$/,
  // The architecture tests parse the whole source with the compiler: the full suite runs them.
  /^test\/architecture\//,
];

function resolve(from, spec) {
  const bare = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const file of [`${bare}.ts`, `${bare}/index.ts`, `${bare}.js`]) if (fs.existsSync(file)) return file;
  return null;
}

const seen = new Map();
function heavy(file, stack = new Set()) {
  if (seen.has(file)) return seen.get(file);
  if (stack.has(file)) return false;
  stack.add(file);
  let found = HEAVY.some((re) => re.test(file.replace(/\.test\.ts$/, '')));
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:from\s+|import\(|require\()\s*'([^']+)'/g)) {
    if (found) break;
    const target = m[1].startsWith('.') ? resolve(file, m[1]) : null;
    const name = target ? target.replace(/\.(ts|js)$/, '').replace(/\/index$/, '') : m[1];
    found = HEAVY.some((re) => re.test(name)) || Boolean(target?.startsWith('test/') && heavy(target, stack));
  }
  seen.set(file, found);
  return found;
}

function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.posix.join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

process.chdir(__dirname);
const quick = testFiles('test').filter((f) => !heavy(f));

/** @type {import('jest').Config} */
// No browser test among them: no shared Chromium started for the run.
const { globalSetup: _setup, globalTeardown: _teardown, ...rest } = base;
module.exports = { ...rest, testMatch: quick.map((f) => `<rootDir>/${f}`) };
