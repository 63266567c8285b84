/**
 * What every page shares: gzip, the favicon, error pages (inside the admin for the owner), the shop's time
 * format and zone warning, ₱ in the audit log, and how ended vouchers read.
 */
import http from 'node:http';
import express from 'express';
import { createHarness, Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { compress } from '../../src/web/middleware/compress';
import { SYSTEM } from '../../src/services/types';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';

/** A raw GET: the bytes as sent (fetch would undo the gzip and hide whether it was applied). */
function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

describe('compression', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(async () => {
    await h.close();
  });

  test('pages, styles and scripts are gzipped for a client that accepts it, and only then', async () => {
    for (const path of ['/portal', '/public/css/admin.css', '/public/js/admin-bandwidth.js']) {
      const zipped = await rawGet(h.app!.url + path, { 'accept-encoding': 'gzip, deflate' });
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
      const plain = await rawGet(h.app!.url + path, { 'accept-encoding': 'identity' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      // gzip's magic number, and fewer bytes than the plain response.
      expect(zipped.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      expect(zipped.body.length).toBeLessThan(plain.body.length);
    }
  });

  test('server-sent events are never compressed (each event must arrive as it is written)', async () => {
    const app = express();
    app.use(compress());
    app.get('/events', (_req, res) => {
      res.setHeader('Content-Type', 'text/event-stream');
      res.end(`data: ${'x'.repeat(5000)}\n\n`);
    });
    app.get('/json', (_req, res) => res.json({ text: 'y'.repeat(5000) }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    try {
      const sse = await rawGet(`http://127.0.0.1:${port}/events`, { 'accept-encoding': 'gzip' });
      expect(sse.headers['content-encoding']).toBeUndefined();
      expect(sse.body.toString()).toContain('data: xxx');
      const json = await rawGet(`http://127.0.0.1:${port}/json`, { 'accept-encoding': 'gzip' });
      expect(json.headers['content-encoding']).toBe('gzip');
    } finally {
      server.close();
    }
  });

  test('a favicon: the SVG in public, linked from the admin and the portal, and /favicon.ico points to it', async () => {
    const svg = await rawGet(`${h.app!.url}/public/favicon.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
    const ico = await rawGet(`${h.app!.url}/favicon.ico`);
    expect(ico.status).toBe(301);
    expect(ico.headers.location).toBe('/public/favicon.svg');
    for (const path of ['/portal', '/admin/login']) {
      const html = (await rawGet(h.app!.url + path)).body.toString();
      expect(html).toContain('<link rel="icon" href="/public/favicon.svg" type="image/svg+xml">');
    }
  });
});

describe('admin pages', () => {
  let h: Harness;
  let c: AdminClient;
  beforeAll(async () => {
    h = await createHarness({ http: true, env: { TZ: 'UTC' } });
    c = new AdminClient(h.app!.url);
    expect((await c.login()).status).toBe(303);
  });
  afterAll(async () => {
    await h.close();
  });

  test('a 404 in the admin keeps the admin: navigation, log out and a way back to the dashboard', async () => {
    const res = await c.get('/admin/no-such-page');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('data-testid="admin-error"');
    expect(html).toContain('<nav class="mainnav" aria-label="Main">');
    expect(html).toContain('href="/admin/audit"');
    expect(html).toContain('action="/admin/logout"');
    expect(html).toContain('<a class="button primary" href="/admin">Back to the dashboard</a>');
    expect(html).not.toContain('href="/portal"');
    // A voucher that does not exist: the service's 404, in the same layout.
    const missing = await c.get('/admin/vouchers/NOSUCHCODE');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('data-testid="admin-error"');
  });

  test('outside the admin, a 404 is the plain page pointing to the portal', async () => {
    const portal = await rawGet(`${h.app!.url}/nowhere`);
    expect(portal.status).toBe(404);
    expect(portal.body.toString()).toContain('href="/portal"');
    expect(portal.body.toString()).not.toContain('mainnav');
  });

  test('Settings and the dashboard warn when the shop runs on UTC; times are the 12-hour clock', async () => {
    const settings = await c.html('/admin/settings');
    expect(settings).toContain('data-testid="tz-warning"');
    expect(settings).toContain("The shop's time zone is UTC.");
    expect(settings).toMatch(
      /data-testid="shop-tz">UTC · now <time datetime="[^"]+">\d{1,2}:\d\d:\d\d [AP]M<\/time>/,
    );
    // The browser's own zone is compared by admin-time.js, from the data the page carries.
    expect(settings).toMatch(/<html lang="en" data-tz="UTC" data-locale="en-PH" data-time-formats="[^"]+"/);
    expect(settings).toContain('data-tz-check hidden');
    const dashboard = await c.html('/admin');
    expect(dashboard).toMatch(/data-testid="tz-warning">\s*<strong>Time zone is UTC\.<\/strong>/);
  });

  test('the audit log shows money as ₱, not centavos', async () => {
    await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 2, price: 750 }, SYSTEM);
    const html = await c.html('/admin/audit');
    expect(html).toMatch(/price: ₱7\.50/);
    expect(html).not.toMatch(/price: 750\b/);
  });

  test('a revoked voucher says revoked: no "(0s left)", no "not on the router (yet)"', async () => {
    const { vouchers } = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM);
    const code = vouchers[0].code;
    await h.core!.services.vouchers.revoke(code, SYSTEM);
    const html = await c.html(`/admin/vouchers/${code}`);
    expect(html).toContain('status-pill st-revoked');
    expect(html).not.toContain('0s left');
    expect(html).not.toContain('not on the router (yet)');
    expect(html).toMatch(/<dt>Router<\/dt><dd>(removed from the router|still on the router)/);
    const list = await c.html(`/admin/vouchers?q=${code}`);
    expect(list).toMatch(/data-label="Left" class="num"><span class="muted">revoked<\/span>/);
  });
});

describe('portal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(async () => {
    await h.close();
  });

  test('the landing page lists what can be bought, in Filipino too; archived profiles are not offered', async () => {
    await h.core!.services.profiles.setArchived('PREMIUM', true, SYSTEM);
    const en = (await rawGet(`${h.app!.url}/portal`)).body.toString();
    expect(en).toContain('What you can buy');
    expect(en).toMatch(/<span class="plan-name">BASIC<\/span><span class="plan-price">₱5\.00<\/span>/);
    expect(en).toContain('↓ 1 Mbps / ↑ 512 kbps');
    expect(en).not.toContain('<span class="plan-name">PREMIUM</span>');
    const fil = (await rawGet(`${h.app!.url}/portal?lang=fil`)).body.toString();
    expect(fil).toContain('Mga mabibili');
    expect(fil).toContain('Walang limitasyon');
  });

  test('the status API says how the last voucher ended, and whether the clock runs', async () => {
    const d = addDevice(h, 5);
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const r = await redeemApi(h, { code, mac: d.mac, ip: d.ip });
    const cookie = r.headers
      .getSetCookie()
      .find((c) => c.startsWith('pisonet_device='))!
      .split(';')[0];
    const status = async () =>
      (await (
        await fetch(`${h.app!.url}/api/portal/status?mac=${d.mac}`, { headers: { cookie } })
      ).json()) as Record<string, unknown>;
    expect(await status()).toMatchObject({
      active: true,
      state: 'active',
      clock_running: true,
      remaining_seconds: 3600,
    });
    await h.core!.services.vouchers.revoke(code, SYSTEM);
    expect(await status()).toMatchObject({ active: false, state: 'revoked', clock_running: false });
    const page = await (
      await fetch(`${h.app!.url}/portal/status?mac=${d.mac}`, { headers: { cookie } })
    ).text();
    expect(page).toContain('Your voucher was cancelled by the shop');
    expect(page).not.toContain('No active voucher');
    // Someone else asking learns nothing.
    expect(await (await fetch(`${h.app!.url}/api/portal/status?mac=${d.mac}`)).json()).toMatchObject({
      state: 'none',
    });
  });
});
