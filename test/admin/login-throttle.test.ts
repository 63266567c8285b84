import { FakeClock } from '../../src/lib/clock';
import { LoginThrottle } from '../../src/web/admin/login-throttle';
import { createHarness, Harness } from '../helpers/harness';
import { AdminClient } from './client';

const RIGHT = 'correct horse battery';
const MIN = 60 * 1000;

describe('LoginThrottle', () => {
  test('slots are taken before the check: the sixth attempt is refused while five are still in flight', () => {
    const clock = new FakeClock();
    const t = new LoginThrottle(clock);
    const slots = Array.from({ length: 5 }, () => t.reserve('10.0.0.1', 'admin'));
    expect(slots.every((s) => s.ok)).toBe(true);
    expect(t.reserve('10.0.0.1', 'admin')).toEqual({ ok: false, waitSeconds: 900 });
    // A success gives its slot back and clears the address-and-name count.
    t.succeed(slots[4]);
    expect(t.reserve('10.0.0.1', 'admin').ok).toBe(true);
  });

  test('each window that ended blocked doubles the next, up to a day; quiet windows bring it down', () => {
    const clock = new FakeClock();
    const t = new LoginThrottle(clock);
    const waits: number[] = [];
    for (let round = 0; round < 9; round++) {
      for (let i = 0; i < 5; i++) expect(t.reserve('10.0.0.1', 'admin').ok).toBe(true);
      const refused = t.reserve('10.0.0.1', 'admin');
      if (refused.ok) throw new Error('not blocked');
      waits.push(refused.waitSeconds / 60);
      clock.advance(refused.waitSeconds * 1000);
    }
    expect(waits).toEqual([15, 30, 60, 120, 240, 480, 960, 1440, 1440]);
    // One attempt in a window that does not end blocked: the next is half as long again.
    expect(t.reserve('10.0.0.1', 'admin').ok).toBe(true);
    clock.advance(1440 * MIN);
    for (let i = 0; i < 5; i++) t.reserve('10.0.0.1', 'admin');
    expect(t.reserve('10.0.0.1', 'admin')).toEqual({ ok: false, waitSeconds: 960 * 60 });
    // A day of quiet after the window forgets the key altogether.
    clock.advance(960 * MIN + 24 * 60 * MIN);
    for (let i = 0; i < 5; i++) t.reserve('10.0.0.1', 'admin');
    expect(t.reserve('10.0.0.1', 'admin')).toEqual({ ok: false, waitSeconds: 900 });
  });

  test('one address trying many names, and many addresses trying one name, are bounded too', () => {
    const clock = new FakeClock();
    const t = new LoginThrottle(clock);
    for (let i = 0; i < 20; i++) expect(t.reserve('10.0.0.1', `name${i}`).ok).toBe(true);
    expect(t.reserve('10.0.0.1', 'admin').ok).toBe(false);
    expect(t.reserve('10.0.0.2', 'admin').ok).toBe(true);
    for (let i = 3; i < 52; i++) expect(t.reserve(`10.0.0.${i}`, 'admin').ok).toBe(true);
    // 50 attempts at "admin" from all addresses: a new address is refused for that name, not for others.
    expect(t.reserve('10.0.1.1', 'ADMIN').ok).toBe(false);
    expect(t.reserve('10.0.1.1', 'owner').ok).toBe(true);
  });

  test('a success does not forgive the address its guesses at other names', () => {
    const clock = new FakeClock();
    const t = new LoginThrottle(clock);
    for (let i = 0; i < 19; i++) t.reserve('10.0.0.1', `name${i}`);
    const ok = t.reserve('10.0.0.1', 'admin');
    t.succeed(ok);
    expect(t.reserve('10.0.0.1', 'other').ok).toBe(true); // the refunded slot
    expect(t.reserve('10.0.0.1', 'admin').ok).toBe(false);
  });
});

describe('admin login under concurrency', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  test('100 logins sent at once with the right password last: it is refused, and works once the block ends', async () => {
    const c = new AdminClient(h.app!.url);
    const token = await c.token();
    const passwords = [...Array.from({ length: 99 }, (_, i) => `wrong-${i}`), RIGHT];
    const answers = await Promise.all(
      passwords.map((password) => c.post('/admin/login', { username: 'admin', password }, token)),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(95);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses).not.toContain(303);
    expect((await c.get('/admin')).status).toBe(303); // not logged in

    h.clock.advance(15 * MIN + 1000);
    const again = await c.post('/admin/login', { username: 'admin', password: RIGHT }, token);
    expect(again.status).toBe(303);
    expect((await c.get('/admin')).status).toBe(200);
  });

  test('sequential failures after a block ends are blocked for twice as long', async () => {
    const c = new AdminClient(h.app!.url);
    const token = await c.token();
    const fail = () => c.post('/admin/login', { username: 'admin', password: 'nope-nope-nope' }, token);
    for (let i = 0; i < 5; i++) expect((await fail()).status).toBe(401);
    const first = await fail();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('900');
    h.clock.advance(15 * MIN);
    for (let i = 0; i < 5; i++) expect((await fail()).status).toBe(401);
    const second = await fail();
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1800');
    expect(await second.text()).toContain('Too many failed attempts. Wait 30 minutes');
  });
});
