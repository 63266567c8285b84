/**
 * A `pisonet` start loads what its command needs: help and a usage error load no command, no core, no
 * database driver; a command that reads the database loads neither the simulated router (demo mode only), nor
 * the QR drawing (printed cards only), nor the prompts (asked only without --yes). Read from outside: the bin
 * runs as `npx pisonet` does, with a preload that lists, at exit, the modules the process loaded.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT, cliEnv } from './helpers';
import { createHarness, Harness } from '../helpers/harness';

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

/** The modules `pisonet ...args` loaded, as paths relative to the project. */
function loadedBy(args: string[]): Promise<{ code: number; modules: string[] }> {
  const file = path.join(dir, `loaded-${args.join('-').replace(/\W+/g, '_')}.txt`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', path.join(dir, 'preload.js'), BIN, ...args],
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
  for (const args of [['--help'], ['nope'], ['vouchers']]) {
    const { code, modules } = await loadedBy(args);
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
  for (const args of [
    ['vouchers', 'list', '--json'],
    ['profiles', 'list', '--json'],
  ]) {
    const { code, modules } = await loadedBy(args);
    expect(code).toBe(0);
    expect(matching(modules, /(^|\/)src\/core\b/).length).toBeGreaterThan(0);
    expect(matching(modules, SIMULATOR)).toEqual([]);
    expect(matching(modules, QR)).toEqual([]);
    expect(matching(modules, PROMPTS)).toEqual([]);
  }
});
