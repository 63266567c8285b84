/**
 * The shop's activity feed: each transition is recorded by the service that owns it (a sale and a login by
 * the redemption, logins and logouts seen by the poll, speed changes, a kick, a revoke), and the dashboard's
 * endpoints read them back: GET /admin/api/events?after=<id> and GET /admin/api/dashboard.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { AdminClient, bearer } from './client';
import { SYSTEM, type EventView } from '../../src/services/types';
import { activityGroup } from '../../src/domain/activity';
import { recordEvents } from '../../src/services/business/events';
import { logoutEvent } from '../../src/services/business/events/activity';

let h: Harness;
let api: AdminClient;

beforeAll(async () => {
  h = await createHarness({ http: true });
  api = new AdminClient(h.app!.url);
});
afterAll(async () => {
  await h.close();
});

const services = () => h.core!.services;

/** Events newer than `after`, oldest first (the feed's order reversed), once the given kinds are all there. */
async function eventsAfter(after: number, kinds: string[]): Promise<EventView[]> {
  for (let i = 0; i < 200; i++) {
    const list = (await services().events.list({ after, limit: 100 })).reverse();
    if (kinds.every((k) => list.some((e) => e.kind === k))) return list;
    await new Promise((r) => setTimeout(r, 25));
  }
  return (await services().events.list({ after, limit: 100 })).reverse();
}

async function newestId(): Promise<number> {
  return (await services().events.list({ limit: 1 }))[0]?.id ?? 0;
}

interface FeedJson {
  success: boolean;
  events: Array<{
    id: number;
    kind: string;
    group: string;
    label: string;
    time: string;
    voucherCode: string;
  }>;
  last_id: number;
}

test('a redemption on the portal records a sale with its price and a login; a staff voucher only a login', async () => {
  const start = await newestId();
  const d = addDevice(h, 1);
  const [code] = await makeVouchers(h, 'STANDARD', 1);
  expect((await redeemApi(h, { code: code!, ...d })).status).toBe(200);
  const events = await eventsAfter(start, ['sale', 'login']);
  const sale = events.find((e) => e.kind === 'sale')!;
  const login = events.find((e) => e.kind === 'login')!;
  expect(sale).toMatchObject({ voucherCode: code, level: 'info' });
  expect(sale.message).toBe(`Sold: STANDARD voucher, ₱10.00, first used by ${d.mac} via the portal`);
  expect(login.message).toBe(`${d.mac} (${d.ip}) online on STANDARD via the portal`);

  const before = await newestId();
  const staff = addDevice(h, 2);
  const [free] = await makeVouchers(h, 'STANDARD', 1, { staff: true });
  expect((await redeemApi(h, { code: free!, ...staff })).status).toBe(200);
  const staffEvents = await eventsAfter(before, ['login']);
  expect(staffEvents.map((e) => e.kind)).toEqual(['login']);
});

test('the poll records a logout when a session ends and a login when a device comes back on the router', async () => {
  const d = addDevice(h, 3);
  const [code] = await makeVouchers(h, 'STANDARD', 1);
  expect((await redeemApi(h, { code: code!, ...d })).status).toBe(200);
  await services().usage.runCycle();

  const beforeLogout = await newestId();
  const [session] = h.sim.rows('/ip/hotspot/active').filter((a) => a['mac-address'] === d.mac);
  await h.router.hotspotLogout(session!['.id']!);
  await services().usage.runCycle();
  const out = await eventsAfter(beforeLogout, ['logout']);
  expect(out.filter((e) => e.kind === 'logout')).toEqual([
    expect.objectContaining({ voucherCode: code, message: `${d.mac} offline: session ended` }),
  ]);
  // Nothing changed: the next poll records nothing more.
  const quiet = await newestId();
  await services().usage.runCycle();
  expect(await services().events.list({ after: quiet })).toEqual([]);

  // Back through the router's own login (or its cookie), not the portal.
  await h.router.hotspotLogin({ user: code!, password: code!, mac: d.mac, ip: d.ip });
  await services().usage.runCycle();
  const back = await eventsAfter(quiet, ['login']);
  expect(back.filter((e) => e.kind === 'login')).toEqual([
    expect.objectContaining({ voucherCode: code, message: `${d.mac} (${d.ip}) online again via the router` }),
  ]);
});

test('speed changes, a kick and a revoke by the shop are recorded with who did them', async () => {
  const d = addDevice(h, 4);
  const [code] = await makeVouchers(h, 'STANDARD', 1);
  expect((await redeemApi(h, { code: code!, ...d })).status).toBe(200);
  await services().usage.runCycle();
  const start = await newestId();
  const actor = { name: 'maria', via: 'admin' as const };
  await services().bandwidth.setLimit(d.mac, 512_000, 1_000_000, actor);
  await services().bandwidth.removeLimit(d.mac, actor);
  await services().bandwidth.resetLimit(d.mac, actor);
  await services().bandwidth.kick(d.mac, actor);
  await services().vouchers.revoke(code!, SYSTEM);
  const events = await eventsAfter(start, ['bandwidth', 'logout', 'revoked']);
  expect(events.map((e) => [e.kind, e.voucherCode])).toEqual([
    ['bandwidth', code],
    ['bandwidth', code],
    ['bandwidth', code],
    ['logout', code],
    ['revoked', code],
  ]);
  expect(events[0]!.message).toBe(`Bandwidth set for ${d.mac}: 1 Mbps down / 512 kbps up (by maria)`);
  expect(events[1]!.message).toBe(`Speed limit removed for ${d.mac}: unlimited (by maria)`);
  expect(events[2]!.message).toMatch(/^Bandwidth back to plan for .*: STANDARD .* \(by maria\)$/);
  expect(events[3]!.message).toBe(`${d.mac} offline: logged out by maria`);
  expect(events[4]).toMatchObject({ level: 'warn', message: 'Voucher revoked by system (it was active)' });
  expect(events.map((e) => activityGroup(e.kind))).toEqual([
    'bandwidth',
    'bandwidth',
    'bandwidth',
    'logout',
    'revoke',
  ]);
});

test('GET /admin/api/events?after= returns only newer events, newest first, grouped and timed for the feed', async () => {
  const start = await newestId();
  const first = await api.request(`/admin/api/events?after=${start}`, { headers: bearer });
  expect(first.status).toBe(200);
  expect(((await first.json()) as FeedJson).events).toEqual([]);

  const d = addDevice(h, 5);
  const [code] = await makeVouchers(h, 'STANDARD', 1);
  expect((await redeemApi(h, { code: code!, ...d })).status).toBe(200);
  await eventsAfter(start, ['sale', 'login']);
  const res = await api.request(`/admin/api/events?after=${start}`, { headers: bearer });
  const body = (await res.json()) as FeedJson;
  expect(body.events.map((e) => [e.kind, e.group, e.label])).toEqual([
    ['login', 'login', 'Login'],
    ['sale', 'sale', 'Sale'],
  ]);
  expect(body.events[0]!.voucherCode).toBe(code);
  expect(body.events[0]!.time).toMatch(/^\d{2}:\d{2} (AM|PM)$/);
  expect(body.last_id).toBe(body.events[0]!.id);
  // Asked again from the newest id: nothing new, and the same id back.
  const again = (await (
    await api.request(`/admin/api/events?after=${body.last_id}`, { headers: bearer })
  ).json()) as FeedJson;
  expect(again).toMatchObject({ events: [], last_id: body.last_id });

  for (const bad of ['-1', 'abc', '1.5', '1e3']) {
    const r = await api.request(`/admin/api/events?after=${bad}`, { headers: bearer });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({
      success: false,
      code: 'INVALID_INPUT',
      fields: { after: 'not a whole number' },
    });
  }
  expect((await api.request('/admin/api/events?after=1&after=2', { headers: bearer })).status).toBe(400);
  // Not without the admin's session or token.
  expect((await fetch(`${h.app!.url}/admin/api/events`)).status).toBe(401);
});

test("the month tile counts earlier days of the month, and today's tile only today", async () => {
  const [code] = await makeVouchers(h, 'PREMIUM', 1);
  const nov5 = Date.parse('2026-11-05T10:00:00+08:00');
  await h
    .core!.db('vouchers')
    .where({ code })
    .update({ status: 'expired', activated_at: nov5, ended_at: nov5 });
  const got = (await (await api.request('/admin/api/dashboard', { headers: bearer })).json()) as {
    today: { amount: number };
    month: { amount: number };
  };
  const sold = await services().reports.sales({
    from: Date.parse('2026-11-01T00:00:00+08:00'),
    to: Date.parse('2026-11-22T00:00:00+08:00'),
    by: 'month',
  });
  expect(got.month.amount).toBe(sold[0]!.amount);
  expect(got.month.amount - got.today.amount).toBe(2000); // the PREMIUM sale of Nov 5
});

test('GET /admin/api/dashboard: online now, income today and this month, unused stock and the router', async () => {
  const get = async () =>
    (await (await api.request('/admin/api/dashboard', { headers: bearer })).json()) as {
      online: number;
      today: { count: number; amount: number; text: string };
      month: { count: number; amount: number };
      stock: { count: number; value: number; text: string };
      router: { connected: boolean; stale_since: string | null; banners: unknown[] };
    };
  await services().usage.runCycle();
  const before = await get();
  expect(before.router).toMatchObject({ connected: true, stale_since: null, banners: [] });
  const [code] = await makeVouchers(h, 'STANDARD', 1);
  const stocked = await get();
  expect(stocked.stock).toMatchObject({ count: before.stock.count + 1, value: before.stock.value + 1000 });

  const d = addDevice(h, 6);
  expect((await redeemApi(h, { code: code!, ...d })).status).toBe(200);
  await services().usage.runCycle();
  const after = await get();
  expect(after.online).toBe(before.online + 1);
  expect(after.today).toMatchObject({ count: before.today.count + 1, amount: before.today.amount + 1000 });
  expect(after.month.amount).toBe(before.month.amount + 1000);
  expect(after.stock.count).toBe(before.stock.count);
  const full = await services().reports.stock(); // the reports' figure, split by profile
  expect(after.stock).toMatchObject({ count: full.count, value: full.value });
  expect(after.today.text).toMatch(/^₱[\d,]+\.\d{2}$/);
});

test("a router reboot's worth of logouts (1,201 devices) is written in full, over several statements", async () => {
  const start = await newestId();
  const [code] = await makeVouchers(h, 'STANDARD', 1);
  const { id } = (await h.core!.db('vouchers').where({ code }).first('id')) as { id: number };
  const mac = (i: number) =>
    `02:BB:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
  const list = Array.from({ length: 1201 }, (_, i) =>
    logoutEvent({ voucherId: id, mac: mac(i).toUpperCase() }),
  );
  await recordEvents(h.core!.db, h.clock, list);
  const [{ n }] = (await h.core!.db('events').where('id', '>', start).count({ n: '*' })) as { n: number }[];
  expect(Number(n)).toBe(1201);
});
