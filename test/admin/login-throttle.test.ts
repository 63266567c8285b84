/**
 * The admin login slows a guesser without locking the owner out: per username and address, three wrong passwords
 * cost nothing, then each answers 429 with a Retry-After doubling from 1 s to 15 minutes; the right password after
 * the wait gets in. The counts are in the database (a restart keeps them) and `pisonet admin unlock` clears them.
 */
import { createRouterClient } from '../../src/router/client';
import { startApp } from '../../src/app';
import { createLoginDelays, waitAfter } from '../../src/services/business/login-delays';
import { createHarness, Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { AdminClient } from './client';

jest.setTimeout(90000);

const RIGHT = 'correct horse battery';

test('the waits: none for three wrong passwords, then 1 s doubling up to 15 minutes', () => {
  const waits = Array.from({ length: 16 }, (_, i) => waitAfter(i + 1));
  expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
  expect(waitAfter(10_000)).toBe(900);
});

describe('admin login delays', () => {
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

  const login = (password: string, username = 'admin') =>
    c.post('/admin/login', { username, password }, token);

  test('three wrong cost nothing; then 429 + Retry-After 1, 2, 4; the right password after the wait gets in', async () => {
    for (let i = 0; i < 3; i++) expect((await login(`wrong-${i}`)).status).toBe(401);
    const retryAfter: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await login(`wrong-again-${i}`);
      expect(res.status).toBe(429);
      expect(await res.text()).toContain('Wrong username or password');
      retryAfter.push(res.headers.get('retry-after') ?? '');
      // While it waits, even the right password is refused, unchecked, with the time left.
      const early = await login(RIGHT);
      expect(early.status).toBe(429);
      expect(early.headers.get('retry-after')).toBe(retryAfter[i]);
      h.clock.advance(Number(retryAfter[i]) * 1000);
    }
    expect(retryAfter).toEqual(['1', '2', '4']);
    expect((await c.get('/admin')).status).toBe(303); // not logged in
    expect((await login(RIGHT)).status).toBe(303);
    expect((await c.get('/admin')).status).toBe(200);
  });

  test('the wait is capped at 15 minutes, and a try while waiting neither counts nor lengthens it', async () => {
    let last = 0;
    for (let i = 0; i < 16; i++) {
      const res = await login(`wrong-${i}`);
      last = Number(res.headers.get('retry-after') ?? 0);
      // A try in the middle of the wait: refused with what is left, the wait unchanged.
      if (last > 2) {
        h.clock.advance(1000);
        const early = await login(`early-${i}`);
        expect(early.status).toBe(429);
        expect(early.headers.get('retry-after')).toBe(String(last - 1));
        h.clock.advance((last - 1) * 1000);
      } else h.clock.advance(last * 1000);
    }
    expect(last).toBe(900);
    expect((await login(RIGHT)).status).toBe(303);
  });

  test('per username AND address: a wait for one pair holds no other name, nor the name from another address', async () => {
    for (let i = 0; i < 4; i++) await login(`wrong-${i}`);
    expect((await login(RIGHT)).status).toBe(429);
    // Another name from this address: its own three free tries.
    expect((await login('wrong', 'cashier')).status).toBe(401);
    // The same name from another address (the service, as the web calls it with the client's address).
    const delays = h.core!.services.loginDelays;
    const elsewhere = await delays.begin('admin', '10.0.0.9');
    expect(elsewhere).toMatchObject({ ok: true, waitIfWrong: 0 });
    const here = await delays.begin('ADMIN', '127.0.0.1');
    expect(here.ok).toBe(false);
  });

  test('a script asking for a token shares the count: 429 with Retry-After once the free tries are used', async () => {
    const ask = (password: string) =>
      fetch(`${h.app!.url}/admin/api/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
    for (let i = 0; i < 2; i++) expect((await ask(`wrong-${i}`)).status).toBe(401);
    expect((await login('wrong-form')).status).toBe(401);
    const fourth = await ask('wrong-4');
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get('retry-after')).toBe('1');
    expect(((await fourth.json()) as { code: string }).code).toBe('RATE_LIMITED');
    expect((await ask(RIGHT)).status).toBe(429);
    h.clock.advance(1000);
    expect((await ask(RIGHT)).status).toBe(201);
  });

  test('the counts survive a restart; pisonet admin unlock clears them at once', async () => {
    for (let i = 0; i < 8; i++) {
      const res = await login(`wrong-${i}`);
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
    // The ninth wrong password after the restart: its wait follows the eight before it.
    const ninth = await login('wrong-9');
    expect(ninth.status).toBe(429);
    expect(ninth.headers.get('retry-after')).toBe('32');
    expect((await login(RIGHT)).status).toBe(429);

    const r = await runCli(h, ['admin', 'unlock', 'admin']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('admin');
    // No wait left, and the count starts afresh: three free tries again.
    for (let i = 0; i < 3; i++) expect((await login(`wrong-after-${i}`)).status).toBe(401);
    expect((await login(RIGHT)).status).toBe(303);
  });

  test('100 logins sent at once, the right password last: only four are checked, none gets in; later it does', async () => {
    const passwords = [...Array.from({ length: 99 }, (_, i) => `wrong-${i}`), RIGHT];
    const answers = await Promise.all(passwords.map((password) => login(password)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(97);
    expect(statuses.at(-1)).toBe(429);
    expect((await c.get('/admin')).status).toBe(303);
    h.clock.advance(1000);
    expect((await login(RIGHT)).status).toBe(303);
  });
});

test('unlock of one name leaves the others; unlock of all clears every pair', async () => {
  const h = await createHarness();
  try {
    const delays = createLoginDelays(h.core!.db, h.clock);
    for (let i = 0; i < 5; i++) {
      await delays.begin('admin', '10.0.0.1');
      await delays.begin('cashier', '10.0.0.2');
    }
    expect(await delays.unlock('Admin')).toBe(1);
    expect((await delays.begin('admin', '10.0.0.1')).ok).toBe(true);
    expect((await delays.begin('cashier', '10.0.0.2')).ok).toBe(false);
    expect(await delays.unlock()).toBe(2);
    expect((await delays.begin('cashier', '10.0.0.2')).ok).toBe(true);
  } finally {
    await h.close();
  }
});
