/**
 * A voucher whose plan sells extra data reaches its cap: it stays active and offline (its hotspot user kept, its
 * logins refused) until extra data is bought; the counter sells it (API, admin page, terminal), the cap and the
 * router's byte limit rise by the offer, and the sale shows in the reports as "Extra data".
 */
import type { Harness } from '../helpers/harness';
import { SYSTEM } from '../../src/services/types';
import { AUTH, makeVouchers, redeemApi } from '../portal/helpers';
import { AdminClient } from '../admin/client';
import { runCli } from '../cli/helpers';
import { advance, routerBack } from '../usage/helpers';
import { cycle, MB, online, overageHarness, routerUser, sessionOf, usedUp } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await overageHarness();
});
afterEach(async () => {
  await h.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the replies' JSON loosely
type Json = Record<string, any>;

async function api(method: string, path: string): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, { method, headers: AUTH });
  return { status: res.status, json: (await res.json()) as Json };
}

const voucherRow = (code: string) => h.core!.db('vouchers').where({ code }).first();

test('at its cap the voucher waits, active and offline, its hotspot user kept and its logins refused', async () => {
  const phone = await usedUp(h, 1);
  const row = await voucherRow(phone.code);
  expect(row).toMatchObject({ status: 'active', end_reason: null });
  expect(Number(row.counted_bytes)).toBe(500 * MB);
  // The router cut it at the cap; its user stays, holding the limit reached.
  expect(sessionOf(h, phone.mac)).toBeUndefined();
  expect(routerUser(h, phone.code)).toMatchObject({ 'limit-bytes-total': String(500 * MB) });
  const detail = await api('GET', `/vouchers/${phone.code}`);
  expect(detail.json.voucher).toMatchObject({
    status: 'active',
    state: 'capped-waiting',
    state_reason: 'data used up (500.0 MB of 500.0 MB): extra data can be bought',
    overage: { bytes: 200 * MB, price_centavos: 1000, available_now: true },
    usage: { left_bytes: 0, used_percent: 100 },
  });

  // Not online again until bought: neither through the portal nor on the router's own page.
  const again = await redeemApi(h, { code: phone.code, mac: phone.mac, ip: phone.ip });
  expect(again.status).toBe(409);
  expect(again.json).toMatchObject({ code: 'DATA_USED_UP', error: expect.stringMatching(/buy extra data/) });
  await expect(
    h.router.hotspotLogin({ user: phone.code, password: phone.code, mac: phone.mac, ip: phone.ip }),
  ).rejects.toThrow(/traffic limit/);
  advance(h, 30);
  await cycle(h);
  expect((await voucherRow(phone.code)).status).toBe('active');
  expect(h.sim.rows('/queue/simple').some((q) => q.name === `pisonet-${phone.mac}`)).toBe(false);

  // Its time still runs: it ends at its validity like any voucher.
  advance(h, 86_400);
  await cycle(h);
  expect(await voucherRow(phone.code)).toMatchObject({ status: 'expired' });
});

test('a plan without extra data still ends at its cap (exhausted, its user removed)', async () => {
  const phone = await online(h, 2, 'HARD');
  h.sim.addTraffic(phone.mac, { up: 0, down: 700 * MB }, 60);
  advance(h, 60);
  await cycle(h);
  expect(await voucherRow(phone.code)).toMatchObject({ status: 'exhausted' });
  expect(routerUser(h, phone.code)).toBeUndefined();
  const refused = await api('POST', `/vouchers/${phone.code}/overage`);
  expect(refused.status).toBe(409);
  expect(refused.json).toMatchObject({ code: 'OVERAGE_NOT_OFFERED' });
});

test('the counter sells extra data: the cap and the router’s limit rise, the device logs in again, the sale is reported', async () => {
  const phone = await usedUp(h, 1);
  const sold = await api('POST', `/vouchers/${phone.code}/overage`);
  expect(sold.status).toBe(200);
  expect(sold.json).toMatchObject({
    success: true,
    applied_now: true,
    voucher: { code: phone.code, status: 'active' },
    charge: { kind: 'overage', offers: 1, bytes: 200 * MB, amount: 1000 },
  });
  expect(sold.json.charge.receipt).toMatch(/\/charges\/\d+\/receipt$/);
  // The router's limit rose at once: the device may log in again now.
  expect(routerUser(h, phone.code)!['limit-bytes-total']).toBe(String(700 * MB));
  const back = await redeemApi(h, { code: phone.code, mac: phone.mac, ip: phone.ip });
  expect(back.status).toBe(200);
  expect(back.json).toMatchObject({ relogin: true });
  expect(sessionOf(h, phone.mac)).toBeDefined();
  advance(h, 30);
  await cycle(h);
  expect(h.sim.rows('/queue/simple').some((q) => q.name === `pisonet-${phone.mac}`)).toBe(true);
  const detail = await api('GET', `/vouchers/${phone.code}`);
  expect(detail.json.voucher).toMatchObject({
    state: 'normal',
    cap_bytes: 700 * MB,
    added_bytes: 200 * MB,
    overage: { available_now: true },
    overage_bought: { bytes: 200 * MB, amount: 1000, count: 1 },
    usage: { left_bytes: 200 * MB },
  });
  expect(detail.json.voucher.charges).toMatchObject([{ kind: 'overage', bytes: 200 * MB, amount: 1000 }]);
  // It has data again, and more can be bought before that is used up too (a second sale, its cap up again).
  const again = await api('POST', `/vouchers/${phone.code}/overage`);
  expect(again.status).toBe(200);
  expect(again.json).toMatchObject({ charge: { kind: 'overage', bytes: 200 * MB, amount: 1000 } });
  expect(await h.core!.db('voucher_charges')).toHaveLength(2);
  expect(routerUser(h, phone.code)!['limit-bytes-total']).toBe(String(900 * MB));

  // The reports: the voucher's own sale, and the extra data under a source of its own.
  const day = { from: h.clock.now() - 86_400_000, to: h.clock.now() + 1 };
  const sources = await h.core!.services.reports.bySource(day);
  expect(sources.sources).toContainEqual({ key: 'charge:overage', label: 'Extra data' });
  expect(sources.totals['charge:overage']).toEqual({ count: 2, amount: 2000 });
  expect(sources.totals.printed).toEqual({ count: 1, amount: 2000 });
  const audit = await h.core!.db('audit_log').where({ action: 'voucher.overage' });
  expect(audit).toHaveLength(2);
  // Moved to another plan later, the extra data stays a sale of CAP, the plan it was sold on.
  await h.core!.services.vouchers.changeProfile(phone.code, 'HARD', SYSTEM, { charge: false });
  expect(await h.core!.services.reports.sales({ ...day, by: 'profile' })).toEqual([
    { period: 'CAP', profile: 'CAP', count: 1, charges: 2, amount: 4000 },
  ]);
});

test('extra data sold at the counter: the phone the cap logged out is told to reconnect, not that the router restarted', async () => {
  const phone = await usedUp(h, 1);
  expect((await api('POST', `/vouchers/${phone.code}/overage`)).status).toBe(200);
  for (const [lang, words] of [
    ['en', 'Extra data was added to your code. Tap Reconnect'],
    ['fil', 'Nadagdagan ng data ang code mo.'],
  ]) {
    const res = await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(phone.mac)}&lang=${lang}`, {
      headers: { cookie: phone.cookie },
    });
    const page = await res.text();
    expect(/id="offline-help">([^<]*)</.exec(page)?.[1]).toContain(words);
  }
});

test('refusals: a cap that does not stop the voucher, not used yet, an unknown code', async () => {
  const slowed = await online(h, 3, 'SLOW');
  const left = await api('POST', `/vouchers/${slowed.code}/overage`);
  expect(left.status).toBe(409);
  expect(left.json).toMatchObject({ code: 'DATA_NOT_USED_UP', error: expect.stringMatching(/slows/) });
  const [unused] = await makeVouchers(h, 'CAP', 1);
  const notUsed = await api('POST', `/vouchers/${unused}/overage`);
  expect(notUsed.json).toMatchObject({ code: 'VOUCHER_NOT_ACTIVE' });
  expect((await api('POST', '/vouchers/NOSUCHCODE1/overage')).status).toBe(404);
  expect(await h.core!.db('voucher_charges')).toHaveLength(0);
});

test('the router away at the counter: the sale is kept and the next poll raises the router’s limit', async () => {
  const phone = await usedUp(h, 1);
  h.sim.setReachable(false);
  for (let i = 0; i < 200 && h.router.status.connected; i++) await new Promise((r) => setTimeout(r, 10));
  const sold = await api('POST', `/vouchers/${phone.code}/overage`);
  expect(sold.status).toBe(200);
  expect(sold.json).toMatchObject({ applied_now: false, charge: { bytes: 200 * MB } });
  expect(Number((await voucherRow(phone.code)).extra_bytes)).toBe(200 * MB);
  expect(routerUser(h, phone.code)!['limit-bytes-total']).toBe(String(500 * MB));
  h.sim.setReachable(true);
  await routerBack(h);
  advance(h, 30);
  await cycle(h);
  expect(routerUser(h, phone.code)!['limit-bytes-total']).toBe(String(700 * MB));
});

test('the admin page shows the wait and sells with one button; the receipt names the extra data', async () => {
  const phone = await usedUp(h, 1);
  const c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
  const page = await c.html(`/admin/vouchers/${phone.code}`);
  expect(page).toMatch(/data-testid="policy-state">capped-waiting</);
  expect(page).toContain('data used up: offline, kept with its time until extra data is bought');
  expect(page).toMatch(/data-testid="sell-overage">Sell 200.0 MB for ₱10.00</);
  const token = /name="_csrf" value="([^"]+)"/.exec(page)![1];
  const res = await c.post(`/admin/vouchers/${phone.code}/overage`, {}, token);
  expect(res.status).toBe(303);
  const [charge] = await h.core!.db('voucher_charges');
  expect(res.headers.get('location')).toBe(`/admin/vouchers/${phone.code}?receipt=${charge.id}#charges`);
  const after = await c.html(res.headers.get('location')!);
  expect(after).toContain(
    `200.0 MB of extra data sold to ${phone.code} for ₱10.00; its devices can log in again now, and those online keep going.`,
  );
  expect(after).toMatch(/Extra data bought/);
  expect(after).toMatch(/bought <strong>200.0 MB<\/strong> \(1 purchase, ₱10.00\)/);
  // It has data again; more can be sold before it runs out.
  expect(after).toContain('before it runs out');
  // The reports page: the sale under a source of its own.
  expect(await c.html('/admin/reports')).toMatch(/Extra data/);
  const receipt = await c.html(`/admin/vouchers/${phone.code}/charges/${charge.id}/receipt`);
  expect(receipt).toContain('Extra data receipt');
  expect(receipt).toMatch(/data-testid="receipt-data">200.0 MB</);
  // Sold twice from a stale page: refused with the reason, nothing charged again.
  const twice = await c.post(`/admin/vouchers/${phone.code}/overage`, {}, token);
  expect(twice.status).toBe(409);
  expect(await twice.text()).toContain('got extra data since the page was shown');
  expect(await h.core!.db('voucher_charges')).toHaveLength(1);
});

test('pisonet vouchers overage CODE --yes --json sells it; without --yes a script is refused', async () => {
  // The terminal reads the real clock: the shop's day is today.
  h.clock.set(Date.now());
  const phone = await usedUp(h, 1);
  const refused = await runCli(h, ['vouchers', 'overage', phone.code]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/add --yes/);
  const shown = await runCli(h, ['vouchers', 'show', phone.code]);
  expect(shown.stdout).toMatch(/State:\s+capped-waiting: data used up/);
  expect(shown.stdout).toMatch(/Extra data:\s+200.0 MB for ₱10.00 at the cap \(for sale now/);
  const sold = await runCli(h, ['vouchers', 'overage', phone.code, '--yes', '--json']);
  expect(sold.stderr).toBe('');
  expect(sold.code).toBe(0);
  const out = JSON.parse(sold.stdout) as Json;
  expect(out).toMatchObject({
    charge: { bytes: 200 * MB, amount: 1000, offers: 1 },
    applied_now: true,
  });
  expect(routerUser(h, phone.code)!['limit-bytes-total']).toBe(String(700 * MB));
  // Before the cap too: a second purchase while it has data left.
  const again = await runCli(h, ['vouchers', 'overage', phone.code, '--yes']);
  expect(again.code).toBe(0);
  expect(routerUser(h, phone.code)!['limit-bytes-total']).toBe(String(900 * MB));
}, 90_000);

test('extra data bought while the phone is online reaches its session: it moves past the old cap, never cut, never logging in again by hand', async () => {
  const phone = await online(h, 5);
  const firstSession = sessionOf(h, phone.mac)!;
  // The session took its 500 MB at login.
  expect(firstSession['limit-bytes-total']).toBe(String(500 * MB));
  h.sim.addTraffic(phone.mac, { up: 0, down: 400 * MB }, 40);
  advance(h, 40);
  await cycle(h);
  // 100 MB left; the customer buys 200 MB more at the counter while the phone stays online.
  const sold = await api('POST', `/vouchers/${phone.code}/overage`);
  expect(sold.status).toBe(200);
  advance(h, 5);
  await cycle(h);
  // The poll logged the phone out and in again by itself: a new session holding the new allowance.
  const relogged = sessionOf(h, phone.mac)!;
  expect(relogged['.id']).not.toBe(firstSession['.id']);
  expect(Number(relogged['limit-bytes-total'])).toBeGreaterThanOrEqual(300 * MB - 256 * 1024);
  // Past the old cap (500 MB) by 150 MB, online all along, in steps with polls between them.
  let moved = 0;
  for (let i = 0; i < 3; i++) {
    moved += h.sim.addTraffic(phone.mac, { up: 0, down: 50 * MB }, 5).down;
    advance(h, 5);
    await cycle(h);
    expect(sessionOf(h, phone.mac)).toBeDefined();
  }
  expect(moved).toBe(150 * MB);
  const row = await voucherRow(phone.code);
  expect(row.status).toBe('active');
  expect(Number(row.counted_bytes)).toBe(550 * MB);
  // And the new cap (700 MB) still holds, to the byte.
  const rest = h.sim.addTraffic(phone.mac, { up: 0, down: 400 * MB }, 40).down;
  expect(rest).toBe(150 * MB);
});
