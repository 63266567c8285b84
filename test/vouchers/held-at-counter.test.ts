/**
 * What the counter sees of a code its customer queued or paused on the portal. A queued code (a second code
 * typed while another runs, kept for that device) is sold: the API, the admin page and the terminal say it is
 * queued, on which device, after which code; it is out of `status=unused`, the batch's unused count, the unused
 * stock and the "Unused only" print. A paused code says it is paused, until when, and the pauses left.
 */
import { createHarness, Harness } from '../helpers/harness';
import { type AdminClient, signedIn } from '../admin/client';
import { addDevice, adminApi, makeVouchers, onlinePlan, portalPost, type Json } from '../portal/helpers';
import { advance } from '../usage/helpers';
import { formatCodeForPrint } from '../../src/domain/codes';
import { voucherDetail } from '../../cli/lib/voucher-detail';
import { vouchersTable } from '../../cli/lib/render';
import { SYSTEM } from '../../src/services/types';

const PROFILES = [
  { name: 'HOUR', price: 10, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  { name: 'NEXT', price: 5, validity: '30m', users: 1, rate_up: '2M', rate_down: '4M', topup: 'queue' },
  onlinePlan({ pause_max: '2h', pauses_per_day: 2 }),
];

let h: Harness;
let c: AdminClient;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  c = await signedIn(h.app!.url);
});
afterEach(() => h.close());

const portal = (path: string, body: Record<string, unknown>, cookie?: string) =>
  portalPost(h, path, body, cookie);

const codes = (list: Json[]) => list.map((v) => v.code as string).sort();

test('a queued code reads as queued and sold everywhere the counter looks, and is not printed as unused', async () => {
  const [first] = await makeVouchers(h, 'HOUR', 1);
  const batch = await h.core!.services.vouchers.generate({ profile: 'NEXT', count: 2 }, SYSTEM);
  const [queued, spare] = batch.vouchers.map((v) => v.code);
  const a = addDevice(h, 1);
  expect((await portal('/api/portal/redeem', { code: first, ...a })).status).toBe(200);
  const q = await portal('/api/portal/redeem', { code: queued, ...a });
  expect(q.json.topped_up).toMatchObject({ mode: 'queue' });

  const one = (await adminApi(h, 'GET', `/vouchers/${queued}`)).json.voucher as Json;
  expect(one).toMatchObject({
    status: 'unused',
    queued: { device: a.mac, after_code: first, after_running: true },
    state: 'queued',
    state_reason: `queued on ${a.mac}, starts when ${first} ends`,
  });
  expect(one.queued.since).toEqual(expect.any(String));
  expect((await adminApi(h, 'GET', `/vouchers/${spare}`)).json.voucher).toMatchObject({ queued: null });

  // The cards for sale are the spare one only; the queued code has its own filter.
  const unused = (await adminApi(h, 'GET', '/vouchers?status=unused&profile=NEXT')).json;
  expect([unused.total, codes(unused.vouchers)]).toEqual([1, [spare]]);
  const kept = (await adminApi(h, 'GET', '/vouchers?status=queued')).json;
  expect(codes(kept.vouchers)).toEqual([queued]);
  expect(kept.vouchers[0].queued).toMatchObject({ device: a.mac, after_code: first });

  const { batch: b } = await h.core!.services.vouchers.batch(batch.batchId);
  expect(b.unused).toBe(1);
  const stock = await h.core!.services.reports.stock();
  expect(stock.byProfile.find((r) => r.profile === 'NEXT')).toMatchObject({ count: 1, value: 500 });
  expect((await h.core!.services.reports.stockTotal()).count).toBe(1);

  const sheet = await (await c.get(`/admin/vouchers/batches/${batch.batchId}/print?format=a4`)).text();
  expect(sheet).toContain(formatCodeForPrint(spare));
  expect(sheet).not.toContain(formatCodeForPrint(queued));

  const page = await c.html(`/admin/vouchers/${queued}`);
  expect(page).toMatch(/class="status-pill st-queued"[^>]*>queued</);
  expect(page).toMatch(/data-testid="policy-state">queued</);
  expect(page).toContain(`queued on ${a.mac}, starts when ${first} ends`);
  expect(page).toMatch(new RegExp(`data-testid="queued-for">.*${a.mac}.*${first}`));

  const detail = await h.core!.services.vouchers.get(queued);
  const shown = voucherDetail(detail, 'Asia/Manila');
  expect(shown).toMatch(/Status:\s+queued\n/);
  expect(shown).toMatch(new RegExp(`State:\\s+queued on ${a.mac}, starts when ${first} ends`));
  expect(shown).toMatch(new RegExp(`Device:\\s+${a.mac} \\(queued\\)`));
  expect(vouchersTable([detail], 200)).toMatch(new RegExp(`queued.*${a.mac}`));
});

test('a paused code says paused, until when and the pauses left, in the API, the admin page and the terminal', async () => {
  const [code] = await makeVouchers(h, 'ONLINE', 1);
  const d = addDevice(h, 1);
  const r = await portal('/api/portal/redeem', { code, ...d });
  await h.core!.services.usage.runCycle();
  advance(h, 60);
  const paused = await portal('/api/portal/pause', { mac: d.mac }, r.cookie);
  expect(paused.json).toMatchObject({ paused: true, pauses_left: 1 });

  const one = (await adminApi(h, 'GET', `/vouchers/${code}`)).json.voucher as Json;
  expect(one).toMatchObject({
    status: 'active',
    state: 'paused',
    paused: { device: d.mac, ends_at: paused.json.pause_ends_at, pauses_left: 1 },
    state_reason: expect.stringMatching(/^paused by the customer until .+, 1 pause left today$/),
  });
  expect(one.paused.since).toEqual(expect.any(String));

  const page = await c.html(`/admin/vouchers/${code}`);
  expect(page).toMatch(/data-testid="policy-state">paused</);
  expect(page).toContain('class="status-pill st-paused"');
  expect(page).toContain(one.state_reason);
  expect(page).toMatch(new RegExp(`data-testid="paused-by">.*${d.mac}`));

  const detail = await h.core!.services.vouchers.get(code);
  const shown = voucherDetail(detail, 'Asia/Manila');
  expect(shown).toMatch(/State:\s+paused by the customer until .+, 1 pause left today/);

  // The lists say it too, not a plain running code: the API's row, the admin's list, the terminal's table.
  const row = (await adminApi(h, 'GET', `/vouchers?search=${code}`)).json.vouchers[0] as Json;
  expect(row).toMatchObject({ code, status: 'active', paused_at: one.paused.since });
  const list = await c.html(`/admin/vouchers?q=${code}`);
  expect(list).toContain('class="status-pill st-paused"');
  expect(vouchersTable([detail], 200)).toMatch(new RegExp(`${code}.*paused`));

  // Resumed: the policy's own state again, no pause.
  expect((await portal('/api/portal/resume', { mac: d.mac }, r.cookie)).status).toBe(200);
  expect((await adminApi(h, 'GET', `/vouchers/${code}`)).json.voucher).toMatchObject({
    state: 'normal',
    paused: null,
    paused_at: null,
  });
});
