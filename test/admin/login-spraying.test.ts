/**
 * One address spraying passwords across usernames: past twenty wrong passwords from one address, whatever the
 * names, each further one answers 429 with a Retry-After doubling from 1 s (the login form and a script's token
 * request alike). Only wrong passwords count, and the right one takes back only its own count. The budget is in
 * the database (a restart keeps it) and `pisonet admin unlock` clears it.
 */
import { createRouterClient } from '../../src/router/client';
import { startApp } from '../../src/app';
import { BUDGETS } from '../../src/services/business/login-delays';
import { createHarness, Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { AdminClient } from './client';

jest.setTimeout(120000);

const RIGHT = 'correct horse battery';
const FREE = BUDGETS['admin-address'].free;

let h: Harness;
let c: AdminClient;
let token: string;
beforeEach(async () => {
  h = await createHarness({ http: true });
  c = new AdminClient(h.app!.url);
  token = await c.token();
});
afterEach(async () => {
  await h.close();
});

const login = (username: string, password: string) =>
  c.post('/admin/login', { username, password }, token);
const ask = (username: string, password: string) =>
  fetch(`${h.app!.url}/admin/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

test('the figures: twenty wrong passwords per address across names, forgotten after 15 quiet minutes', () => {
  expect(BUDGETS['admin-address']).toMatchObject({ free: 20, forgetMs: 15 * 60_000 });
});

test('the login form: one wrong password on each of 26 names; from the 21st, 429 with Retry-After 1, 2, ...', async () => {
  const statuses: number[] = [];
  const retryAfter: string[] = [];
  for (let i = 0; i < 26; i++) {
    const res = await login(`name-${i}`, 'Summer2026!');
    statuses.push(res.status);
    if (res.status === 429) {
      expect(await res.text()).toContain('Wrong username or password. Wait');
      retryAfter.push(res.headers.get('retry-after') ?? '');
      // While the address waits, a try with yet another name (or the right password) is refused unchecked.
      const early = await login(`other-${i}`, RIGHT);
      expect(early.status).toBe(429);
      expect(await early.text()).toContain('Too many wrong passwords');
      expect(early.headers.get('retry-after')).toBe(retryAfter.at(-1));
      h.clock.advance(Number(retryAfter.at(-1)) * 1000);
    }
  }
  expect(statuses.slice(0, FREE)).toEqual(Array(FREE).fill(401));
  expect(statuses.slice(FREE)).toEqual(Array(26 - FREE).fill(429));
  expect(retryAfter).toEqual(['1', '2', '4', '8', '16', '32']);
  // The owner's right password after the wait gets in; it does not refill the address's budget.
  expect((await login('admin', RIGHT)).status).toBe(303);
  // (Logged in, the form's token is the session's new one: the next tries are a script's.)
  const next = await ask('name-x', 'wrong');
  expect(next.status).toBe(429);
  expect(next.headers.get('retry-after')).toBe('64');
  // Fifteen quiet minutes after the wait, the address starts afresh.
  h.clock.advance((64 + 15 * 60) * 1000);
  expect((await ask('name-y', 'wrong')).status).toBe(401);
});

test('the token API: 26 names from one address, the 21st on answer 429 RATE_LIMITED with Retry-After', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < FREE; i++) statuses.push((await ask(`name-${i}`, 'Summer2026!')).status);
  expect(statuses).toEqual(Array(FREE).fill(401));
  const over = await ask('name-20', 'Summer2026!');
  expect(over.status).toBe(429);
  expect(over.headers.get('retry-after')).toBe('1');
  expect(((await over.json()) as { code: string }).code).toBe('RATE_LIMITED');
  // Refused unchecked while the address waits, the right password too; the form shares the budget.
  expect((await ask('admin', RIGHT)).status).toBe(429);
  expect((await login('name-21', 'x')).status).toBe(429);
  h.clock.advance(1000);
  expect((await ask('admin', RIGHT)).status).toBe(201);
});

test('only wrong passwords count: forty right ones from the address leave its twenty free wrong ones', async () => {
  for (let i = 0; i < 40; i++) expect((await ask('admin', RIGHT)).status).toBe(201);
  for (let i = 0; i < FREE; i++) expect((await ask(`name-${i}`, 'wrong')).status).toBe(401);
  expect((await ask('name-20', 'wrong')).status).toBe(429);
});

test('the budget survives a restart; pisonet admin unlock (a name, or all) clears it at once', async () => {
  for (let i = 0; i < FREE + 4; i++) {
    const res = await ask(`name-${i}`, 'wrong');
    h.clock.advance(Number(res.headers.get('retry-after') ?? 0) * 1000);
  }
  const log = h.app!.core.log;
  await h.app!.stop();
  const router = createRouterClient({
    host: '127.0.0.1',
    port: h.sim.port,
    user: 'admin',
    password: '',
    tls: false,
    timeoutSeconds: 3,
    logger: log,
    reconnect: { minMs: 50, maxMs: 500 },
  });
  h.app = await startApp(h.config, { router, log, clock: h.clock });
  h.core = h.app.core;
  c = new AdminClient(h.app.url);
  token = await c.token();
  // The 25th wrong password after the restart: its wait follows the 24 before it.
  const next = await ask('name-after', 'wrong');
  expect(next.status).toBe(429);
  expect(next.headers.get('retry-after')).toBe('16');
  // The owner, held back by the names sprayed from its address, is let in by unlocking its own name.
  expect((await login('admin', RIGHT)).status).toBe(429);
  const r = await runCli(h, ['admin', 'unlock', 'admin', '--json']);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ username: 'admin', cleared: 1 });
  expect((await login('admin', RIGHT)).status).toBe(303);
  for (let i = 0; i < FREE; i++) expect((await ask(`again-${i}`, 'wrong')).status).toBe(401);
  expect((await ask('again-20', 'wrong')).status).toBe(429);
  // Without a name, every count goes, the budgets across names too.
  const all = await runCli(h, ['admin', 'unlock']);
  expect(all.code).toBe(0);
  expect((await ask('again-21', 'wrong')).status).toBe(401);
});
