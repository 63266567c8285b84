/**
 * The controller killed (SIGKILL) in the middle of a billing day, as a power cut would: on restart its catch-up
 * issues what was left, each invoice once, numbered on from the last with no gap and no repeat, and a further
 * restart issues nothing. A real server process on SQLite or PostgreSQL, 3,000 subscribers billing on the 5th.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDatabaseUrl } from '../../src/config/database-url';
import { migrateLatest, openDatabase, type Db } from '../../src/db/knex';
import { seedBillingDay } from '../helpers/billing-seed';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';
import { productMainArgs } from '../helpers/product-process';
import { freePort } from '../helpers/ports';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../..');
const COUNT = 3000;

let dir: string;
let database: TestDatabase;
let db: Db;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-killed-'));
  database = await createTestDatabase(dir);
  db = openDatabase(parseDatabaseUrl(database.url, dir));
  await migrateLatest(db);
  await seedBillingDay(db, { count: COUNT, now: Date.parse('2026-12-05T00:00:00+08:00'), invoiced: true });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await db.destroy();
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ child: ChildProcess; out: { text: string } }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => ['PATH', 'HOME', 'TMPDIR', 'LANG'].includes(k)),
  );
  const child = spawn(process.execPath, productMainArgs(), {
    cwd: ROOT,
    env: {
      ...inherited,
      NODE_ENV: 'production',
      PORT: String(await freePort()),
      BIND: '127.0.0.1',
      // A router that is not there: billing needs none.
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PORT: String(await freePort()),
      DATABASE_URL: database.url,
      DATA_DIR: dir,
      TZ: 'Asia/Manila',
      CLOCK_START: '2027-01-05T00:00:10+08:00',
      ADMIN_PASSWORD: 'correct horse battery',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { text: '' };
  child.stdout!.on('data', (d) => (out.text += d.toString()));
  child.stderr!.on('data', (d) => (out.text += d.toString()));
  children.push(child);
  return { child, out };
}

const invoiceCount = async () => Number((await db('invoices').count({ n: '*' }))[0].n);

async function until(what: () => Promise<boolean>, ms: number, say: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`timed out: ${say()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('killed mid-run, the restart issues the rest once, numbered with no gap; a second restart issues nothing', async () => {
  const first = await start();
  // Killed once some of the day's invoices are in and before all are.
  await until(
    async () => (await invoiceCount()) > COUNT,
    60_000,
    () => first.out.text.slice(-2000),
  );
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  const atKill = await invoiceCount();
  expect(atKill).toBeGreaterThan(COUNT);
  expect(atKill).toBeLessThan(2 * COUNT);

  const second = await start();
  await until(
    async () => (await invoiceCount()) >= 2 * COUNT,
    90_000,
    () => second.out.text.slice(-2000),
  );
  await until(
    async () => /billing: \d+ invoice\(s\) issued/.test(second.out.text),
    30_000,
    () => second.out.text.slice(-2000),
  );
  const stop = new Promise((r) => second.child.once('exit', r));
  second.child.kill('SIGTERM');
  await stop;

  const third = await start();
  await until(
    async () => /listening on/.test(third.out.text),
    30_000,
    () => third.out.text.slice(-2000),
  );
  // Its catch-up runs while it starts (the server's start waits for it), and a stop asked meanwhile comes after
  // it: stopped cleanly (not forced), it must have found nothing owed.
  const exited = new Promise<number | null>((r) => third.child.once('close', (code) => r(code)));
  third.child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(third.out.text).toMatch(/\bstopped\b/);
  expect(third.out.text).not.toMatch(/forced exit/);

  const rows = (await db('invoices')
    .orderBy('seq')
    .select('seq', 'number', 'subscriber_id', 'issue_key')) as Array<{
    seq: number;
    number: string;
    subscriber_id: number;
    issue_key: string;
  }>;
  expect(rows).toHaveLength(2 * COUNT);
  // Numbers 1 … 6,000, each once, in order: none lost to the kill, none repeated by the restart.
  expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 2 * COUNT }, (_, i) => i + 1));
  expect(new Set(rows.map((r) => r.number)).size).toBe(2 * COUNT);
  const day = rows.filter((r) => r.issue_key === 'cycle:2027-01-05');
  expect(new Set(day.map((r) => Number(r.subscriber_id))).size).toBe(COUNT);
  expect(Number((await db('invoice_numbers').where({ id: 1 }).first()).last)).toBe(2 * COUNT);
  // Every invoice has its line.
  expect(Number((await db('invoice_lines').count({ n: '*' }))[0].n)).toBe(2 * COUNT);
});
