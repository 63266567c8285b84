/**
 * A night shift's sales slip: a cashier sells before midnight and prints its slip after. The slip starts at today
 * 00:00 unless its From field (the API's `since`) names when the shift began, in the shop's time, at most a week
 * back; a start before that, or after now, is refused by name.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { demoDevice } from '../../src/simulator';
import { api, makeAccount } from './helpers';

/** 2026-11-20 23:59 in Manila (UTC+8): session cookies expire by the real clock, so a time before now. */
const BEFORE_MIDNIGHT = Date.parse('2026-11-20T23:59:00+08:00');
const text = (html: string, id: string) =>
  new RegExp(`data-testid="${id}"[^>]*>([\\s\\S]*?)</(?:dd|p|small)>`).exec(html)?.[1];

describe('the slip of a shift across midnight', () => {
  let h: Harness;
  let cashier: { authorization: string };
  let page: AdminClient;
  beforeAll(async () => {
    h = await createHarness({ http: true, now: BEFORE_MIDNIGHT });
    cashier = await makeAccount(h, { username: 'night.ana', role: 'cashier' });
    const made = await api(h, 'POST', '/admin/api/vouchers', { profile: 'STANDARD', count: 1 }, cashier);
    const code = (made.json.vouchers as { code: string }[])[0].code;
    const dev = demoDevice(41);
    h.sim.addDevice(dev);
    h.clock.advance(20_000);
    await h.core!.services.redemption.redeem({ code, mac: dev.mac, ip: dev.ip });
    const extend = await api(h, 'POST', `/admin/api/vouchers/${code}/extend`, { duration: '1h' }, cashier);
    expect(extend.status).toBe(200);
    h.clock.set(Date.parse('2026-11-21T00:00:18+08:00'));
    page = new AdminClient(h.app!.url);
    expect((await page.login('night.ana', 'counter-pass-123')).status).toBe(303);
  });
  afterAll(() => h.close());

  test('by default the slip starts at 00:00 and says the sales before midnight are not on it', async () => {
    const html = await page.html('/admin/shift');
    expect(text(html, 'shift-count')).toBe('0 vouchers');
    expect(text(html, 'shift-from')).toContain(
      '(start of today: sales before midnight are not on this slip)',
    );
    expect(html).toContain(
      'name="since" value="2026-11-21T00:00" min="2026-11-14T00:00" max="2026-11-21T00:00"',
    );
  });

  test('From set to when the shift began: the page and the API have the sales before midnight', async () => {
    const html = await page.html('/admin/shift?format=thermal58&since=2026-11-20T20:00');
    expect(text(html, 'shift-count')).toBe('1 voucher');
    expect(text(html, 'shift-from')).not.toContain('start of today');
    expect(html).toContain('name="since" value="2026-11-20T20:00"');
    expect(html).toContain('name="format" value="thermal58"');
    expect(text(html, 'shift-drawer-cash')).not.toContain('₱0.00');
    const local = await api(h, 'GET', '/admin/api/reports/shift?since=2026-11-20T20:00', undefined, cashier);
    expect(local.json).toMatchObject({ since: '2026-11-20T12:00:00.000Z', count: 1, counter: { count: 1 } });
    const iso = await api(
      h,
      'GET',
      `/admin/api/reports/shift?since=${encodeURIComponent('2026-11-20T20:00:00+08:00')}`,
      undefined,
      cashier,
    );
    expect(iso.json).toMatchObject({ since: '2026-11-20T12:00:00.000Z', count: 1 });
  });

  test('more than 7 days back, or after now, is refused by name', async () => {
    const old = await api(h, 'GET', '/admin/api/reports/shift?since=2026-11-13T23:00', undefined, cashier);
    expect(old).toMatchObject({
      status: 400,
      json: { code: 'INVALID_INPUT', error: 'since: at most 7 days back: from 2026-11-14 00:00 on' },
    });
    const later = await api(h, 'GET', '/admin/api/reports/shift?since=2026-11-21T08:00', undefined, cashier);
    expect(later).toMatchObject({ status: 400, json: { error: 'since: a time before now' } });
    const res = await page.get('/admin/shift?since=2026-11-01T08:00');
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(text(html, 'shift-since-error')).toBe(
      'since: at most 7 days back: from 2026-11-14 00:00 on. The slip below is from the start of today.',
    );
    expect(html).toContain('name="since" value="2026-11-01T08:00"');
  });
});
