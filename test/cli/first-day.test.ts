/**
 * An operator's first day: the terminal is used before the server was ever started. Migrations and the
 * profiles.json seed run for whichever face opens the database first, so nothing starts empty.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RouterSimulator } from '../../src/simulator';
import { BIN, TmuxCli } from './helpers';

jest.setTimeout(120000);

let sim: RouterSimulator;
let dir: string;

function env(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_URL: `sqlite:${path.join(dir, 'shop.sqlite')}`,
    DATA_DIR: dir,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(sim.port),
    ROUTER_USER: 'admin',
    ROUTER_PASSWORD: '',
    ROUTER_TIMEOUT_SECONDS: '3',
    TZ: 'Asia/Manila',
    NO_COLOR: '1',
  };
}

/** The CLI as a script runs it, from a folder that is not the project (a shop's home folder, say). */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, env: env(), timeout: 60000 },
      (err, stdout, stderr) => {
        const code = err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-firstday-'));
  sim = new RouterSimulator({ port: 0 });
  await sim.start();
});

afterEach(async () => {
  await sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('on a fresh database, vouchers generate makes two codes that exist on the router', async () => {
  const res = await cli(['vouchers', 'generate', '--profile', 'BASIC', '--count', '2', '--json']);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  const codes = (JSON.parse(res.stdout) as { vouchers: { code: string }[] }).vouchers.map((v) => v.code);
  expect(codes).toHaveLength(2);
  const users = sim.rows('/ip/hotspot/user').map((u) => u.name);
  for (const code of codes) expect(users).toContain(code);
  // Nothing was created in the folder the command ran from.
  expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
});

test('profiles import takes a whole profiles.json list, dry run first; a bad file changes nothing', async () => {
  const file = path.join(dir, 'more-profiles.json');
  fs.writeFileSync(
    file,
    JSON.stringify([
      { name: 'BASIC', price: '6', validity: '1h', users: '1', rate_up: '512K', rate_down: '1M' },
      { name: 'NIGHT', price: 15, validity: '8h', users: '1', rate_up: '2M', rate_down: '4M' },
    ]),
  );
  const dry = await cli(['profiles', 'import', file, '--dry-run']);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain('profile BASIC: price 5 → 6');
  expect(dry.stdout).toContain('profile NIGHT added');
  expect(dry.stdout).toContain('Dry run');
  const before = JSON.parse((await cli(['profiles', 'list', '--json'])).stdout) as {
    profiles: { name: string }[];
  };
  expect(before.profiles.map((p) => p.name)).toEqual(['BASIC', 'STANDARD', 'PREMIUM']);

  expect((await cli(['profiles', 'import', file])).code).toBe(0);
  const after = JSON.parse((await cli(['profiles', 'list', '--json'])).stdout) as {
    profiles: { name: string; price: number }[];
  };
  expect(after.profiles.map((p) => [p.name, p.price])).toEqual([
    ['BASIC', 6],
    ['STANDARD', 10],
    ['NIGHT', 15],
    ['PREMIUM', 20],
  ]);

  fs.writeFileSync(file, '[\n  { "name": "VIP", "price": 50, },\n]\n');
  const broken = await cli(['profiles', 'import', file]);
  expect(broken.code).toBe(2);
  expect(broken.stderr).toBe(
    `error: ${file} is not valid JSON: line 2, column 33: a comma before } is not allowed in JSON (INVALID_INPUT)\n`,
  );
  const missing = await cli(['profiles', 'import', path.join(dir, 'nope.json')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/^error: file: cannot read .*nope\.json: no such file \(INVALID_INPUT\)\n$/);
});

test('the menu on a fresh install lists the three profiles of profiles.json', async () => {
  const tmux = new TmuxCli();
  try {
    tmux.start({ ...env(), NO_COLOR: '' });
    await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
    await tmux.step(['3', 'Enter'], 'Profiles');
    const screen = await tmux.step(['1', 'Enter'], 'PREMIUM');
    for (const name of ['BASIC', 'STANDARD', 'PREMIUM']) expect(screen).toContain(name);
    expect(screen).not.toContain('No profiles yet');
  } finally {
    tmux.kill();
  }
});
