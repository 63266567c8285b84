/**
 * The portal's check that a phone not logged in yet can reach the payment checkout: the login page's script
 * tries the checkout's address and reports; the report is kept (bounded) and shown on the admin's Payments page.
 * The checkout's address follows PAYMONGO_API_URL, here the fake PayMongo on loopback: nothing leaves the machine.
 */
import net from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { createHarness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { addDevice, openForm } from '../portal/helpers';
import { DEVICES_KEPT, REPORTS_PER_DEVICE } from '../../src/services/shop/payments/checkout-reach';
import { payRig, type PayRig } from './helpers';

const ACTOR = { name: 'admin', via: 'api' as const };

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function report(rig: PayRig, n: number, body: (form: { token: string; mac: string }) => unknown) {
  const d = addDevice(rig.h, n);
  const { cookie, token } = await openForm(`${rig.h.app!.url}/portal?${new URLSearchParams(d)}`);
  return fetch(`${rig.h.app!.url}/portal/checkout-reach`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body({ token, mac: d.mac })),
  });
}

async function paymentsPage(rig: PayRig): Promise<string> {
  const c = new AdminClient(rig.h.app!.url);
  expect((await c.login()).status).toBe(303);
  return c.html('/admin/payments');
}

describe('checkout reachability: the report and the Payments page', () => {
  let rig: PayRig;
  beforeEach(async () => {
    rig = await payRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('the login page names the checkout and lets its script connect there, and nothing else', async () => {
    const d = addDevice(rig.h, 1);
    const res = await fetch(`${rig.h.app!.url}/portal?${new URLSearchParams(d)}`);
    const origin = new URL(rig.fake.url).origin;
    expect(res.headers.get('content-security-policy')).toContain(`connect-src 'self' ${origin}`);
    const page = await res.text();
    expect(page).toContain(`data-origin="${origin}"`);
    expect(page).toContain('src="/public/js/portal-checkout-reach.js"');
  });

  it('a report is kept and shown on the Payments page in shop time', async () => {
    const res = await report(rig, 1, ({ token, mac }) => ({ mac, reached: true, ms: 412, _csrf: token }));
    expect(res.status).toBe(204);
    rig.h.clock.advance(21_000);
    const slow = await report(rig, 2, ({ token, mac }) => ({ mac, reached: false, ms: 8000, _csrf: token }));
    expect(slow.status).toBe(204);
    const page = await paymentsPage(rig);
    expect(page).toContain('Can phones reach the checkout?');
    expect(page).toContain('It does not show that a payment goes through');
    const rows = [...page.matchAll(/<tr data-reached="(true|false)">([\s\S]*?)<\/tr>/g)].map((m) =>
      m[2]
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    // Newest first; the harness's clock is 12:00 noon in Manila (04:00 UTC).
    expect(rows).toEqual([
      'Nov 21, 12:00 PM 02:AA:00:00:00:02 127.0.0.1 Not reached 8,000 ms',
      'Nov 21, 12:00 PM 02:AA:00:00:00:01 127.0.0.1 Reached 412 ms',
    ]);
  });

  it('refuses a report not from the portal page, malformed, too big or too soon, and keeps nothing of it', async () => {
    const base = ({ token, mac }: { token: string; mac: string }) => ({
      mac,
      reached: true,
      ms: 5,
      _csrf: token,
    });
    const cases: [string, (f: { token: string; mac: string }) => unknown, number][] = [
      ['no form token', (f) => ({ ...base(f), _csrf: 'x'.repeat(32) }), 403],
      ['reached not a boolean', (f) => ({ ...base(f), reached: 'yes' }), 400],
      ['ms negative', (f) => ({ ...base(f), ms: -1 }), 400],
      ['ms past the timeout', (f) => ({ ...base(f), ms: 600_000 }), 400],
      ['ms not whole', (f) => ({ ...base(f), ms: 1.5 }), 400],
      ['not a MAC', (f) => ({ ...base(f), mac: '<script>' }), 400],
      ['an extra field', (f) => ({ ...base(f), note: 'hello' }), 400],
      ['an array', () => [1, 2], 400],
      ['a big body', (f) => ({ ...base(f), pad: 'x'.repeat(2000) }), 413],
    ];
    for (const [why, body, status] of cases) {
      const res = await report(rig, 3, body);
      expect([why, res.status]).toEqual([why, status]);
    }
    // The big body is told the limit of the parser that refused it.
    const big = await report(rig, 3, (f) => ({ ...base(f), pad: 'x'.repeat(2000) }));
    expect(((await big.json()) as { error: string }).error).toBe(
      'The request body is too large (at most 512 bytes)',
    );
    expect(rig.h.core!.services.payments.reach.recent()).toEqual([]);
    expect((await report(rig, 3, base)).status).toBe(204);
    // One report per address every 20 s: a page reloaded in a loop adds nothing.
    const again = await report(rig, 4, base);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('20');
    expect(rig.h.core!.services.payments.reach.recent()).toHaveLength(1);
  });

  it('keeps a few reports per device and a fixed number of devices, whatever a stranger posts', () => {
    const log = rig.h.core!.services.payments.reach;
    const mac = (i: number) => `02:BB:00:00:00:${String(i).padStart(2, '0')}`;
    for (let i = 0; i < 5; i++) {
      rig.h.clock.advance(21_000);
      log.record({ mac: mac(0), ip: '10.5.50.2', reached: true, ms: i });
    }
    expect(log.recent().map((r) => r.ms)).toEqual([4, 3, 2].slice(0, REPORTS_PER_DEVICE));
    for (let i = 1; i <= 100; i++) log.record({ mac: mac(i), ip: `10.5.51.${i}`, reached: false, ms: 1 });
    const kept = new Set(log.recent().map((r) => r.mac));
    expect(kept.size).toBe(DEVICES_KEPT);
    expect(kept.has(mac(100))).toBe(true);
    expect(kept.has(mac(0))).toBe(false); // the stalest device went first
  });
});

describe('checkout reachability with payments off', () => {
  it('the login page tries nothing, a report is refused, the Payments page says there is nothing to check', async () => {
    const h = await createHarness({ http: true });
    try {
      const d = addDevice(h, 1);
      const res = await fetch(`${h.app!.url}/portal?${new URLSearchParams(d)}`);
      expect(res.headers.get('content-security-policy')).not.toContain('connect-src');
      expect(await res.text()).not.toContain('checkout-reach');
      const { cookie, token } = await openForm(`${h.app!.url}/portal?${new URLSearchParams(d)}`);
      const post = await fetch(`${h.app!.url}/portal/checkout-reach`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ mac: d.mac, reached: true, ms: 5, _csrf: token }),
      });
      expect(post.status).toBe(409);
      const c = new AdminClient(h.app!.url);
      expect((await c.login()).status).toBe(303);
      expect(await c.html('/admin/payments')).toContain('Nothing to check while online payment is off.');
    } finally {
      await h.close();
    }
  });
});

describe('checkout reachability in a real browser', () => {
  let rig: PayRig;
  let browser: Browser;
  beforeAll(async () => {
    rig = await payRig();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  async function openLoginPage(n: number) {
    const d = addDevice(rig.h, n);
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const errors: string[] = [];
    // The fake answers its root 401 (no key sent): an answer all the same. A CSP refusal would be an error here.
    page.on('console', (m) => /Content Security Policy|Refused/i.test(m.text()) && errors.push(m.text()));
    const posted = page.waitForRequest((r) => r.url().endsWith('/portal/checkout-reach'));
    await page.goto(`${rig.h.app!.url}/portal?${new URLSearchParams(d)}`);
    const req = await posted;
    await (await req.response())?.finished();
    await ctx.close();
    return { d, body: JSON.parse(req.postData() ?? '{}') as Record<string, unknown>, errors };
  }

  it('the login page reaches the checkout and reports it; a checkout that does not answer is reported too', async () => {
    const ok = await openLoginPage(1);
    expect(ok.body).toMatchObject({ mac: ok.d.mac, reached: true });
    expect(ok.errors).toEqual([]); // no CSP refusal
    expect(rig.h.core!.services.payments.reach.recent()).toEqual([
      expect.objectContaining({ mac: ok.d.mac, reached: true }),
    ]);
    // The checkout's address moves to a port nothing answers on (the API address setting).
    await rig.h.core!.services.payments.updateSettings(
      { api_url: `http://127.0.0.1:${await closedPort()}` },
      ACTOR,
    );
    rig.h.clock.advance(21_000);
    const down = await openLoginPage(2);
    expect(down.body).toMatchObject({ mac: down.d.mac, reached: false });
    expect(rig.h.core!.services.payments.reach.recent()[0]).toMatchObject({
      mac: down.d.mac,
      reached: false,
    });
  }, 60_000);
});
