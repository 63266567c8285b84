/**
 * One controller per database, and a start that is refused (database in use, port busy) says so in one line
 * before anything is sent to the router.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config/env';
import { startApp, type RunningApp } from '../../src/app';
import { acquireControllerLock, lockFileFor } from '../../src/db/controller-lock';
import { StartRefused } from '../../src/domain/errors';
import { restoreBackup } from '../../src/services/business/backup/restore';
import { createLogger, type Logger } from '../../src/lib/logger';
import { timeFormatter } from '../../src/lib/log-format';
import { projectPath } from '../../src/lib/paths';
import { RouterSimulator } from '../../src/simulator';
import { productMainArgs } from '../helpers/product-process';

const ROOT = path.resolve(__dirname, '..', '..');

let dir: string;
let sim: RouterSimulator;
let simPort: number;
const running: RunningApp[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-exclusive-'));
  fs.copyFileSync(projectPath('profiles.json'), path.join(dir, 'profiles.json'));
  sim = new RouterSimulator({ port: 0 });
  ({ port: simPort } = await sim.start());
});

afterEach(async () => {
  for (const app of running.splice(0)) await app.stop();
  await sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function config(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
    DATA_DIR: dir,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(simPort),
    ROUTER_USER: 'admin',
    ROUTER_PASSWORD: '',
    ROUTER_TIMEOUT_SECONDS: '3',
    PROFILES_FILE: path.join(dir, 'profiles.json'),
    PORT: '0',
    BIND: '127.0.0.1',
    TZ: 'Asia/Manila',
    LOG_LEVEL: 'info',
    ADMIN_PASSWORD: 'correct horse battery',
    SESSION_SECRET: 'test-session-secret-0123456789',
    ...env,
  });
}

/** A pino logger whose JSON lines the test reads. */
function capture(): { log: Logger; lines: { msg: string; level: number }[] } {
  const lines: { msg: string; level: number }[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { log, lines };
}

async function start(cfg: AppConfig, log = capture().log): Promise<RunningApp> {
  const app = await startApp(cfg, { log });
  running.push(app);
  return app;
}

async function refusal(p: Promise<unknown>): Promise<StartRefused> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(StartRefused);
    return err as StartRefused;
  }
  throw new Error('expected the start to be refused');
}

async function healthz(app: RunningApp): Promise<number> {
  return (await fetch(`${app.url}/healthz`)).status;
}

/** A pid that is certainly not running any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

test('a second server on the same database is refused, naming the first, before it contacts the router', async () => {
  const cfg = config();
  const first = await start(cfg);
  const firstPort = Number(new URL(first.url).port);
  await first.core.router.waitConnected(5000);
  const connections = sim.stats.connections;

  const err = await refusal(startApp(cfg, { log: capture().log }));
  expect(err.code).toBe('CONTROLLER_RUNNING');
  expect(err.message).toMatch(
    new RegExp(
      `^PisoNet Manager cannot start: another PisoNet Manager \\(pid ${process.pid}, port ${firstPort}, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\) is already using this database \\(.*db\\.sqlite\\)\\. Stop it first`,
    ),
  );
  expect(err.message).not.toContain('\n');
  expect(sim.stats.connections).toBe(connections); // the second never logged into the router

  // The first is unaffected and still holds the lock.
  expect(await healthz(first)).toBe(200);
  const held = JSON.parse(fs.readFileSync(lockFileFor(cfg.databaseFile), 'utf8'));
  expect(held).toMatchObject({ pid: process.pid, port: firstPort, host: os.hostname() });
  expect(typeof held.started_at).toBe('string');

  // Stopped, it leaves no lock: the next start goes through.
  await first.stop();
  running.splice(0);
  expect(fs.existsSync(lockFileFor(cfg.databaseFile))).toBe(false);
  const second = await start(cfg);
  expect(await healthz(second)).toBe(200);
});

test('a stale lock (its process is gone) is taken over with a log line', async () => {
  const cfg = config();
  const pid = deadPid();
  const stale = { pid, port: 5000, host: os.hostname(), started_at: new Date().toISOString() };
  fs.writeFileSync(lockFileFor(cfg.databaseFile), JSON.stringify(stale));
  const { log, lines } = capture();
  const app = await start(cfg, log);
  expect(await healthz(app)).toBe(200);
  const line = lines.find((l) => /taking over the database lock/.test(l.msg));
  expect(line?.msg).toContain(`pid ${pid}`);
  expect(line?.level).toBe(40);
  expect(JSON.parse(fs.readFileSync(lockFileFor(cfg.databaseFile), 'utf8'))).toMatchObject({
    pid: process.pid,
  });
});

test('a restore cut short: its lock is named as a restore, and the start says once what to do with the file it left', async () => {
  const cfg = config();
  const app = await start(cfg);
  const backup = (await app.core.services.backups.backupNow({ format: 'sqlite' })).file;
  await app.stop();
  running.splice(0);

  // While a restore works, its lock says it is a restore.
  const lockFile = lockFileFor(cfg.databaseFile);
  const restoring = restoreBackup(cfg, backup, { yes: true, log: capture().log, now: Date.now() });
  let held: string | undefined;
  while (held === undefined) {
    held = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : undefined;
    await new Promise((r) => setImmediate(r));
  }
  expect(JSON.parse(held)).toMatchObject({ pid: process.pid, port: 0, holder: 'restore' });
  await restoring;

  // A power cut in the middle: the lock and the half-built database stay beside the shop's.
  const staging = `${cfg.databaseFile}.restoring`;
  fs.copyFileSync(cfg.databaseFile, staging);
  const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  fs.utimesSync(staging, at, at);
  const pid = deadPid();
  const left = { pid, port: 0, host: os.hostname(), started_at: at.toISOString(), holder: 'restore' };
  fs.writeFileSync(lockFile, JSON.stringify(left));
  const { log, lines } = capture();
  await start(cfg, log);
  const warned = lines.filter((l) => l.level === 40).map((l) => l.msg);
  expect(warned).toEqual([
    `taking over the database lock left by a restore that did not finish (pisonet restore, pid ${pid}, since ${left.started_at}: process ${pid} is not running)`,
    `A restore was interrupted at ${timeFormatter('Asia/Manila')(at.getTime())} (the shop's database was left as it was): run \`pisonet restore\` again with the same backup to finish it, or delete ${staging}`,
  ]);
  for (const app of running.splice(0)) await app.stop();

  // The restore run again finishes and takes the file away (the old database kept aside under a later time).
  await restoreBackup(cfg, backup, { yes: true, log: capture().log, now: Date.now() + 60_000 });
  expect(fs.existsSync(staging)).toBe(false);
}, 60_000);

test('a busy port is one line, the router is not contacted and no lock is left behind', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const cfg = config({ PORT: String(port) });
    const err = await refusal(startApp(cfg, { log: capture().log }));
    expect(err.code).toBe('PORT_IN_USE');
    expect(err.message).toBe(
      `PisoNet Manager cannot start: port ${port} is already in use (another PisoNet Manager or another program). Set PORT in .env to a free port.`,
    );
    expect(sim.stats.connections).toBe(0);
    expect(sim.stats.commandsByPath['/login']).toBeUndefined();
    expect(fs.existsSync(lockFileFor(cfg.databaseFile))).toBe(false);
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

test('npm start on a busy port prints that one line (no stack) and exits 1', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => ['PATH', 'HOME', 'TMPDIR', 'LANG'].includes(k)),
    );
    const child = spawn(process.execPath, productMainArgs(), {
      cwd: ROOT,
      env: {
        ...inherited,
        PORT: String(port),
        BIND: '127.0.0.1',
        ROUTER_HOST: '127.0.0.1',
        ROUTER_PORT: String(simPort),
        DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
        DATA_DIR: dir,
        PROFILES_FILE: path.join(dir, 'profiles.json'),
        ADMIN_PASSWORD: 'correct horse battery',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toBe(
      `PisoNet Manager cannot start: port ${port} is already in use (another PisoNet Manager or another program). Set PORT in .env to a free port.\n`,
    );
    expect(sim.stats.connections).toBe(0);
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
}, 60_000);

describe('the lock itself', () => {
  const log = createLogger('silent');

  test('a lock written before this machine started is stale even if its pid is running now', () => {
    const file = path.join(dir, 'x.sqlite');
    const beforeBoot = new Date(Date.now() - os.uptime() * 1000 - 3_600_000).toISOString();
    // Our own pid: alive, yet the lock cannot be its own, having been written before the boot.
    fs.writeFileSync(
      lockFileFor(file),
      JSON.stringify({ pid: process.pid, port: 5000, host: os.hostname(), started_at: beforeBoot }),
    );
    const lock = acquireControllerLock(file, { port: 5001, log });
    expect(JSON.parse(fs.readFileSync(lockFileFor(file), 'utf8'))).toMatchObject({ port: 5001 });
    lock.release();
    expect(fs.existsSync(lockFileFor(file))).toBe(false);
  });

  test('a lock from another host cannot be checked and is respected', () => {
    const file = path.join(dir, 'y.sqlite');
    fs.writeFileSync(
      lockFileFor(file),
      JSON.stringify({ pid: deadPid(), port: 5000, host: 'other-box', started_at: new Date().toISOString() }),
    );
    expect(() => acquireControllerLock(file, { port: 5001, log })).toThrow(/on other-box, port 5000/);
  });

  test('a start while a restore holds the lock names the restore', () => {
    const file = path.join(dir, 'r.sqlite');
    const restore = { pid: process.pid, port: 0, host: os.hostname(), started_at: new Date().toISOString() };
    fs.writeFileSync(lockFileFor(file), JSON.stringify({ ...restore, holder: 'restore' }));
    expect(() => acquireControllerLock(file, { port: 5001, log })).toThrow(
      /cannot start: a restore \(pisonet restore, pid \d+, since .*\) is replacing this database .*Wait for it to finish/,
    );
  });

  test('release never removes a lock that another controller has taken over', () => {
    const file = path.join(dir, 'z.sqlite');
    const lock = acquireControllerLock(file, { port: 5001, log });
    const other = { pid: deadPid(), port: 6000, host: os.hostname(), started_at: new Date().toISOString() };
    fs.writeFileSync(lockFileFor(file), JSON.stringify(other));
    lock.release();
    expect(JSON.parse(fs.readFileSync(lockFileFor(file), 'utf8'))).toEqual(other);
  });
});
