/**
 * A `pisonet` start loads what its command needs: help and a usage error load no command, no core, no
 * database driver; a command that reads the database loads neither the simulated router (demo mode only), nor
 * the QR drawing (printed cards only), nor the prompts (asked only without --yes). Read from outside: the bin
 * runs as `npx pisonet` does, with a preload that lists, at exit, the modules the process loaded.
 *
 * With dist/ current the bin runs the one-file bundle (scripts/bundle-cli.js): our modules are inside it, so only
 * the packages it requires show; the same entry unbundled (dist/cli/index.js, the bundle's input) shows ours too.
 * Both are read. Without a current dist/ the bin runs the sources, which show everything.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT, cliEnv } from './helpers';
import { createHarness, Harness } from '../helpers/harness';

const { distState } = require('../../scripts/dist-state') as { distState(): string };
const BUILT = distState() === 'current';
/** What is started: the bin, and (dist/ current) the bundle's input, module by module. */
const ENTRIES = BUILT ? [BIN, path.join(ROOT, 'dist', 'cli', 'index.js')] : [BIN];

const PRELOAD = `process.on('exit', () => {
  require('fs').writeFileSync(process.env.LOADED_MODULES_FILE, Object.keys(require.cache).join('\\n'));
});\n`;

let dir: string;
let h: Harness;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-lazy-'));
  fs.writeFileSync(path.join(dir, 'preload.js'), PRELOAD);
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The modules `pisonet ...args` loaded (started from `entry`), as paths relative to the project. */
function loadedBy(args: string[], entry = BIN): Promise<{ code: number; modules: string[] }> {
  const file = path.join(dir, `loaded-${path.basename(entry)}-${args.join('-').replace(/\W+/g, '_')}.txt`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', path.join(dir, 'preload.js'), entry, ...args],
      { cwd: ROOT, env: cliEnv(h, { LOADED_MODULES_FILE: file }), timeout: 60000 },
      (err) => {
        const modules = fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .map((m) => path.relative(ROOT, m));
        resolve({ code: err ? Number((err as NodeJS.ErrnoException).code) : 0, modules });
      },
    );
  });
}

const matching = (modules: string[], re: RegExp) => modules.filter((m) => re.test(m));
const SIMULATOR = /(^|\/)src\/simulator\//;
const QR = /node_modules\/(qrcode|pngjs)\//;
const PROMPTS = /node_modules\/@inquirer\//;

test('help and a usage error load no command, core or database driver', async () => {
  for (const [args, entry] of ENTRIES.flatMap((e) =>
    [['--help'], ['nope'], ['vouchers']].map((a) => [a, e] as const),
  )) {
    const { code, modules } = await loadedBy(args, entry);
    expect(code).toBe(args[0] === '--help' ? 0 : 2);
    expect(matching(modules, /(^|\/)cli\/commands\/(?!shared\.)/)).toEqual([]);
    expect(matching(modules, /(^|\/)src\/(core|services|db)\b/)).toEqual([]);
    expect(matching(modules, /node_modules\/(knex|lodash|pino|node-routeros)\//)).toEqual([]);
    expect(matching(modules, SIMULATOR)).toEqual([]);
    expect(matching(modules, QR)).toEqual([]);
    expect(matching(modules, PROMPTS)).toEqual([]);
  }
});

test('a command that reads the database loads neither the simulator, nor the QR drawing, nor the prompts', async () => {
  for (const [args, entry] of ENTRIES.flatMap((e) =>
    [
      ['vouchers', 'list', '--json'],
      ['profiles', 'list', '--json'],
    ].map((a) => [a, e] as const),
  )) {
    const { code, modules } = await loadedBy(args, entry);
    expect(code).toBe(0);
    // The core is loaded: as modules, or (the bundle) with the database driver it requires.
    expect(
      matching(modules, entry === BIN && BUILT ? /node_modules\/knex\// : /(^|\/)src\/core\b/).length,
    ).toBeGreaterThan(0);
    expect(matching(modules, SIMULATOR)).toEqual([]);
    expect(matching(modules, QR)).toEqual([]);
    expect(matching(modules, PROMPTS)).toEqual([]);
  }
});

// Only with dist/ current (npm install builds it, as CI's does): in a checkout changed since the last build the
// bin runs the sources through tsx, which the test above covers, so there is no bundle to look at.
(BUILT ? test : test.skip)(
  'with dist/ current, the bin runs the bundle: none of our modules loaded one by one',
  async () => {
    const { code, modules } = await loadedBy(['profiles', 'list', '--json']);
    expect(code).toBe(0);
    // The bin and the bundle: nothing else of ours.
    expect(matching(modules, /^(dist\/)?(src|cli)\//).sort()).toEqual([
      'cli/pisonet.js',
      'dist/cli/bundle.js',
    ]);
    expect(matching(modules, /node_modules\/(knex|sqlite3)\//).length).toBeGreaterThan(0);
  },
);
