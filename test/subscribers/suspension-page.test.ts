/**
 * The suspension page from outside: a request from a suspended subscriber's PPPoE address (the CPEs' pool is in
 * 127.0.0.0/8, so the test sends from the very address the CPE was given), any Host and any path, as the router's
 * dst-nat delivers it, answers the page: name, what is owed, the oldest due date, "Pay at the shop" without
 * online payments and the pay form with them, English or Filipino, never cached. Its own account page stays
 * reachable; another address never sees it; a payment ends it on the next request.
 */
import http from 'node:http';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { axeProblems, DESKTOP, PHONE, sidewaysOverflow } from '../web/page-checks';
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';
import { pppoeSetUp } from '../helpers/pppoe';
import { waitFor } from '../helpers/wait';
import { saveScreenshot } from '../helpers/screenshots';

const CPE = 'aa:bb:cc:00:03:01';
let h: Harness;
let nena: { id: number };
let address: string;

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A plain HTTP request from `from`, with the Host a browser would send for another site. */
function requestFrom(
  url: string,
  from: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path,
        localAddress: from,
        headers: { host: 'example.com', ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const from = (path: string, headers?: Record<string, string>) =>
  requestFrom(h.app!.url, address, path, headers);
const isPage = (a: Answer) => a.body.includes('id="suspended-title"');

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await pppoeSetUp(h, '127.0.0.2-127.0.0.9');
  // INV-000001, ₱466.20, due 2026-11-28.
  nena = await addSubscriber(h, { name: 'Aling <Nena>', username: 'nena', password: 'Nena-pass-123' });
  await waitFor(() => h.sim.rows('/ppp/secret').some((r) => r.name === 'nena'));
  const dialled = await h.sim.pppoe.dial({ mac: CPE, user: 'nena', password: 'Nena-pass-123' });
  if (!dialled.ok || !dialled.address) throw new Error(`not dialled: ${dialled.reason}`);
  address = dialled.address;
});
afterAll(async () => {
  await h.close();
});

/** The page as Chromium shows it at 390 and 1280 px in both languages: no sideways scroll, no axe problem. */
async function checkInBrowser(tag: string): Promise<void> {
  const browser: Browser = await launchChromium();
  try {
    for (const lang of ['en', 'fil'])
      for (const size of [PHONE, DESKTOP]) {
        const page = await browser.newPage({ viewport: size });
        // Chromium cannot send from the CPE's address: the page it got is loaded as it came, on our origin.
        const html = (await from(`/?lang=${lang}`)).body;
        await page.goto(`${h.app!.url}/portal/account`);
        await page.setContent(html, { waitUntil: 'load' });
        expect(await sidewaysOverflow(page)).toBe(0);
        expect(await axeProblems(page)).toEqual([]);
        if (process.env.SUSPENSION_SHOTS)
          await saveScreenshot(page, {
            path: `${process.env.SUSPENSION_SHOTS}/suspended-${tag}-${lang}-${size.width}.png`,
            fullPage: true,
          });
        await page.close();
      }
  } finally {
    await browser.close();
  }
}

describe('the suspension page', () => {
  it('is not shown while the subscriber is active, and costs no lookup while nobody is suspended', async () => {
    const lookups = jest.spyOn(h.core!.services.subscribers, 'atAddress');
    for (let i = 0; i < 10; i++) {
      const a = await from('/');
      expect(isPage(a)).toBe(false);
      expect(a.status).toBe(302);
    }
    expect(lookups).not.toHaveBeenCalled();
    lookups.mockRestore();
  });

  it('answers any Host and path from the suspended address: name, owed, due date, pay at the shop', async () => {
    h.clock.set(Date.parse('2026-11-29T00:00:05+08:00'));
    await adminApi(h, 'POST', '/billing/run');
    expect((await adminApi(h, 'GET', `/subscribers/${nena.id}`)).json.subscriber.status).toBe('suspended');
    const lookups = jest.spyOn(h.core!.services.subscribers, 'atAddress');
    for (const path of ['/', '/generate_204', '/some/page.html?x=1', '/admin/login']) {
      const a = await from(path);
      expect({ path, page: isPage(a), status: a.status }).toEqual({ path, page: true, status: 200 });
      expect(a.headers['cache-control']).toBe('no-store');
    }
    // The router is asked once for the address, not per request.
    for (let i = 0; i < 50; i++) expect(isPage(await from(`/p${i}`))).toBe(true);
    expect(lookups).toHaveBeenCalledTimes(1);
    lookups.mockRestore();
    const a = await from('/');
    // The name escaped, the amount in pesos, the oldest open due date.
    expect(a.body).toContain('Aling &lt;Nena&gt;');
    expect(a.body).not.toContain('Aling <Nena>');
    expect(a.body).toMatch(/id="suspended-owed">₱466\.20</);
    expect(a.body).toContain('2026-11-28');
    expect(a.body).toContain('because a bill is unpaid');
    // Online payments are off: no button, the shop's counter instead.
    expect(a.body).not.toContain('action="/portal/account/pay"');
    expect(a.body).toContain('id="suspended-pay-at-shop">Pay at ');
  });

  it('speaks Filipino with ?lang=fil or Accept-Language: fil', async () => {
    expect((await from('/?lang=fil')).body).toContain('Suspendido ang serbisyo');
    expect((await from('/', { 'accept-language': 'fil' })).body).toContain('Suspendido ang serbisyo');
    expect((await from('/', { 'accept-language': 'en' })).body).toContain('Service suspended');
  });

  it('reads well on a phone and a desktop, in both languages (Chromium)', async () => {
    await checkInBrowser('at-shop');
  });

  it('leaves its own account page, the return pages and static files reachable; other addresses never see it', async () => {
    const account = await from('/portal/account');
    expect(isPage(account)).toBe(false);
    expect(account.body).toContain('id="account-status"');
    expect(isPage(await from('/public/css/portal.css'))).toBe(false);
    expect(isPage(await from('/portal/pay/done'))).toBe(false);
    const other = await requestFrom(h.app!.url, '127.0.0.1', '/');
    expect(isPage(other)).toBe(false);
  });

  it('offers the pay form (with the form token and language) when online payments are on', async () => {
    await h.core!.services.payments.updateSettings(
      { secret_key: 'sk_test_suspensionpage0123456789' },
      SYSTEM,
    );
    const a = await from('/?lang=fil');
    expect(a.body).toContain('<form method="post" action="/portal/account/pay"');
    expect(a.body).toMatch(/name="lang" value="fil"/);
    const token = /name="_csrf" value="([A-Za-z0-9_-]{32})"/.exec(a.body)?.[1];
    expect(token).toBeDefined();
    expect(String(a.headers['set-cookie'])).toContain(`pisonet_portal=${token}`);
    expect(a.body).toContain('Magbayad ng ₱466.20 gamit ang GCash / Maya');
    await checkInBrowser('pay');
  });

  it('is gone on the next request once a payment leaves nothing past due', async () => {
    const res = await fetch(`${h.app!.url}/admin/api/subscribers/${nena.id}/payments`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token-0123456789abcdef', 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 466.2, method: 'cash' }),
    });
    expect(res.status).toBe(201);
    await waitFor(async () => !isPage(await from('/')), 5_000);
    expect((await from('/')).status).toBe(302);
  });
});
