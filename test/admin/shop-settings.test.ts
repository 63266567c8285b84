/**
 * The owner changes from the phone what .env set first (time zone, WiFi name, card links, admin networks), and
 * the running server follows at once: the poll's off-peak hours, the printed cards, the dashboard's warning.
 */
import { AdminClient } from './client';
import { Harness, loginOnRouter, queueOf, seedVoucher, usageHarness } from '../usage/helpers';
import { runCli } from '../cli/helpers';
import { SYSTEM } from '../../src/services/types';

const MAC1 = '02:00:00:00:00:01';
/** Manila wall time → ms epoch (Manila has no DST). */
const manila = (hh: number, mm: number) => Date.UTC(2026, 10, 21, hh - 8, mm, 0);

let h: Harness;
let c: AdminClient;

beforeAll(async () => {
  // The harness's .env says TZ=Asia/Manila.
  h = await usageHarness({ http: true });
  c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
}, 60000);

afterAll(async () => {
  await h?.close();
});

async function at(ms: number) {
  const elapsed = (ms - h.clock.now()) / 1000;
  h.clock.set(ms);
  h.sim.tick(elapsed);
  return h.core!.services.usage.runCycle();
}

const save = async (form: Record<string, string>) =>
  c.post('/admin/settings/shop', form, await c.token('/admin/settings'));

const errorUnder = (html: string, id: string) => new RegExp(`id="f-${id}-err"[^>]*>([^<]+)<`).exec(html)?.[1];

test('every bad field is named at once and nothing is saved', async () => {
  const res = await save({
    tz: 'Mars/Olympus',
    portal_url: 'localhost:5000',
    hotspot_login_url: 'ftp://x',
    admin_allow: '10.0.0.0/33',
    wifi_name: 'x'.repeat(40),
  });
  expect(res.status).toBe(400);
  const html = await res.text();
  expect(errorUnder(html, 'tz')).toMatch(/not a known time zone/);
  expect(errorUnder(html, 'portal_url')).toMatch(/http:\/\//);
  expect(errorUnder(html, 'hotspot_login_url')).toMatch(/http:\/\//);
  expect(errorUnder(html, 'admin_allow')).toMatch(/network/);
  expect(errorUnder(html, 'wifi_name')).toMatch(/32 characters/);
  expect((await h.core!.services.shopSettings.view()).overridden).toEqual([]);
  expect(h.core!.config.tz).toBe('Asia/Manila');
});

test("a time zone changed in the admin moves the poll's off-peak hours without a restart", async () => {
  const code = await seedVoucher(h, 'NIGHT'); // 22:00–06:00, speed ×2
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await at(manila(22, 30));
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  // 22:30 in Manila is 14:30 UTC: daytime there.
  expect((await save({ tz: 'UTC' })).status).toBe(303);
  await at(manila(22, 31));
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('1000000/2000000');
  // The dashboard now warns of UTC and links to the field that fixes it.
  const dash = await c.html('/admin');
  expect(dash).toContain('Time zone is UTC');
  expect(dash).toContain('href="/admin/settings#shop"');
  // Back to .env's (an empty field): Manila again, off-peak again.
  expect((await save({ tz: '' })).status).toBe(303);
  await at(manila(22, 32));
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  const audit = await h.core!.db('audit_log').where({ action: 'settings.set', target: 'shop.tz' });
  expect(audit).toHaveLength(2);
});

test('the WiFi name and the hotspot login page reach the printed cards at once', async () => {
  const batch = await h.core!.services.vouchers.generate({ profile: 'NIGHT', count: 2 }, SYSTEM);
  expect(
    (await save({ wifi_name: 'AlingNena-WiFi', hotspot_login_url: 'http://aling.wifi/login' })).status,
  ).toBe(303);
  const sheet = await c.html(`/admin/vouchers/batches/${batch.batchId}/print`);
  expect(sheet).toContain('AlingNena-WiFi');
  expect(sheet).toContain('http://aling.wifi/login');
  const settings = await c.html('/admin/settings');
  expect(settings).toContain('value="AlingNena-WiFi"');
});

test('an allow-list that leaves out the owner is refused; one that keeps them applies at once', async () => {
  const refused = await save({ admin_allow: '10.9.0.0/16' });
  expect(refused.status).toBe(400);
  expect(errorUnder(await refused.text(), 'admin_allow')).toMatch(/your own address \(127\.0\.0\.1\)/);
  expect(h.core!.config.admin.allow).toEqual([]);
  expect((await save({ admin_allow: '127.0.0.1, 10.9.0.0/16' })).status).toBe(303);
  expect(h.core!.config.admin.allow).toEqual(['127.0.0.1/32', '10.9.0.0/16']);
  expect((await c.get('/admin')).status).toBe(200);
  // The terminal undoes a list; the web admin follows at once.
  expect((await save({ admin_allow: '127.0.0.1' })).status).toBe(303);
  await h.core!.services.shopSettings.update({ admin_allow: '10.9.0.0/16' }, SYSTEM);
  expect((await c.get('/admin')).status).toBe(403);
  await h.core!.services.shopSettings.update({ admin_allow: '' }, SYSTEM);
  expect((await c.get('/admin')).status).toBe(200);
});

test('the terminal sets and shows the same settings, with the same bounds', async () => {
  const bad = await runCli(h, ['settings', 'shop', '--tz', 'Nowhere/Atall']);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toMatch(/tz: "Nowhere\/Atall" is not a known time zone/);
  const set = await runCli(h, ['settings', 'shop', '--portal-url', 'http://10.5.50.2:5000/', '--json']);
  expect(set.code).toBe(0);
  const json = JSON.parse(set.stdout) as Record<string, unknown>;
  expect(json.portal_url).toBe('http://10.5.50.2:5000');
  expect(json.changed).toEqual(['portal_url']);
  // Another process's change: the server's poll job reads the settings again before each poll.
  await h.core!.services.shopSettings.refresh();
  expect(h.core!.config.portalUrl).toBe('http://10.5.50.2:5000');
  const shown = await runCli(h, ['settings', 'shop']);
  expect(shown.stdout).toMatch(/portal-url\s+http:\/\/10\.5\.50\.2:5000 {2}\(set here\)/);
  expect(shown.stdout).toMatch(/tz\s+Asia\/Manila {2}\(from \.env\)/);
});
