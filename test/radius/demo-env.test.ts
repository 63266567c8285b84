/**
 * The RADIUS demo reads `.env` as the server does: `npm run demo:radius` finds DATABASE_URL there, `npm run demo:pg`
 * finds DEMO_PG_PORT and DATA_DIR there (the environment still wins); and the FreeRADIUS configuration the demo
 * runs on keeps the database password out of FreeRADIUS's log.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { loadDemoEnv } from '../../src/demo/demo-env';
import { writeFreeradiusConfig } from '../../src/radius/write-config';
import { projectPath } from '../../src/lib/paths';
import { FREERADIUS, freeUdpPort } from '../helpers/freeradius';

jest.setTimeout(30000);

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-demo-env-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('demo:radius: DATABASE_URL from .env, as the server reads it; the environment wins', () => {
  const file = path.join(tmp, '.env');
  fs.writeFileSync(file, 'DATABASE_URL=postgres://pisonet:pw@127.0.0.1:5433/pisonet\nDATA_DIR=/tmp/x\n');
  const env: NodeJS.ProcessEnv = { DATA_DIR: tmp };
  loadDemoEnv(file, env);
  expect(env.DATABASE_URL).toBe('postgres://pisonet:pw@127.0.0.1:5433/pisonet');
  expect(env.DATA_DIR).toBe(tmp);
  expect(loadConfig({ ...env, TZ: 'Asia/Manila' }).database.engine).toBe('postgres');
});

/** scripts/demo-pg.sh run from a copy of the project whose .env the test writes (its own PostgreSQL tools stubbed). */
function demoPgUrl(dotEnv: string, env: Record<string, string> = {}): string {
  fs.mkdirSync(path.join(tmp, 'scripts'));
  fs.copyFileSync(projectPath('scripts/demo-pg.sh'), path.join(tmp, 'scripts/demo-pg.sh'));
  fs.symlinkSync(projectPath('node_modules'), path.join(tmp, 'node_modules'));
  fs.writeFileSync(path.join(tmp, '.env'), dotEnv);
  const bin = path.join(tmp, 'pgbin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'initdb'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  fs.mkdirSync(path.join(tmp, 'demo-data/postgres'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'demo-data/postgres/password'), 'pw123\n');
  return execFileSync('bash', [path.join(tmp, 'scripts/demo-pg.sh'), 'url'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: tmp, PG_BINDIR: bin, ...env },
  }).trim();
}

test('demo:pg: DEMO_PG_PORT and DATA_DIR from .env', () => {
  expect(demoPgUrl('DEMO_PG_PORT=6123\nDATA_DIR=./demo-data\n')).toBe(
    'DATABASE_URL=postgres://pisonet:pw123@127.0.0.1:6123/pisonet',
  );
});

test('demo:pg: a DEMO_PG_PORT set in the environment wins over .env', () => {
  expect(demoPgUrl('DEMO_PG_PORT=6123\nDATA_DIR=./demo-data\n', { DEMO_PG_PORT: '7000' })).toBe(
    'DATABASE_URL=postgres://pisonet:pw123@127.0.0.1:7000/pisonet',
  );
});

// Only where FreeRADIUS is installed (.ci/run installs it): the test starts the real server and reads its log.
(fs.existsSync(FREERADIUS) ? test : test.skip)(
  "FreeRADIUS's log holds no database password (it logs the connection string at start)",
  async () => {
    const password = 'Demo-Secret:pw\\123';
    const dir = path.join(tmp, 'freeradius');
    const authPort = await freeUdpPort();
    let acctPort = await freeUdpPort();
    while (acctPort === authPort) acctPort = await freeUdpPort();
    writeFreeradiusConfig({
      dir,
      authPort,
      acctPort,
      listenAddress: '127.0.0.1',
      db: { host: '127.0.0.1', port: 1, user: 'pisonet', password, database: 'pisonet', sslmode: 'disable' },
      clients: [],
    });
    // As the demo starts it: in the foreground, its log in the configuration's log folder.
    const child = spawn(FREERADIUS, ['-f', '-d', dir], { stdio: 'ignore' });
    const log = path.join(dir, 'log', 'radius.log');
    const text = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '');
    const deadline = Date.now() + 15000;
    while (!/Ready to process requests/.test(text()) && Date.now() < deadline && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(text()).toMatch(/Attempting to connect to database/);
    expect(text()).not.toContain('Demo-Secret');
    // libpq reads the password from the file the connection string names, owner-only.
    expect(fs.readFileSync(path.join(dir, 'pgpass'), 'utf8')).toBe('*:*:*:*:Demo-Secret\\:pw\\\\123\n');
    expect(fs.statSync(path.join(dir, 'pgpass')).mode & 0o777).toBe(0o600);
  },
);
