/**
 * One meaning for a voucher's data cap and fair-use threshold: codes added to a voucher raise
 * them, and every face reads the raised figures: enforcement, the 80/90/100 % alerts, the portal's status,
 * the admin's voucher page, its JSON API and the CLI.
 */
import { createHarness, Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { advance } from '../usage/helpers';
import { runCli } from '../cli/helpers';
import { addDevice, AUTH, makeVouchers, redeemApi, voucherRow } from './helpers';

jest.setTimeout(60000);

const FUP = { threshold: '60M', rate_up: '256K', rate_down: '512K' };
const PROFILES = [
  { name: 'HOUR', price: 10, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M', data_cap: '100M' },
  { name: 'HALF', price: 5, validity: '30m', users: 1, rate_up: '512K', rate_down: '1M', data_cap: '50M' },
  { name: 'FAIR', price: 10, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M', fup: FUP },
  { name: 'FAIR2', price: 5, validity: '30m', users: 1, rate_up: '512K', rate_down: '1M', fup: FUP },
];

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
});
afterEach(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();
const MB = 1_000_000;

/** `mb` megabytes down at the plans' 1 Mbit/s (the simulated queue passes no more): mb × 8 seconds. */
function download(mac: string, mb: number): void {
  h.sim.addTraffic(mac, { up: 0, down: mb * MB }, mb * 8);
  advance(h, mb * 8);
}

async function eventsOf(code: string): Promise<Array<{ kind: string; message: string; data: string }>> {
  const id = (await voucherRow(h, code)).id;
  return h.core!.db('events').where({ voucher_id: id }).orderBy('id').select('kind', 'message', 'data');
}

async function portalStatus(mac: string, cookie: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${h.app!.url}/api/portal/status?mac=${encodeURIComponent(mac)}`, {
    headers: { cookie },
  });
  return (await res.json()) as Record<string, unknown>;
}

test('a voucher topped up to 100+50 MB at 120 MB: not cut, no 100 % alert, 150 MB on every face', async () => {
  const [first] = await makeVouchers(h, 'HOUR', 1);
  const [second] = await makeVouchers(h, 'HALF', 1);
  const d = addDevice(h, 1);
  const r = await redeemApi(h, { code: first, ...d });
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
  download(d.mac, 90);
  await cycle();
  // 90 MB of the plan's 100 MB: the 80 and 90 % alerts, against 100 MB.
  expect((await eventsOf(first)).filter((e) => /^cap-/.test(e.kind)).map((e) => e.kind)).toEqual([
    'cap-80',
    'cap-90',
  ]);
  expect((await portalStatus(d.mac, cookie)).alerts).toHaveLength(2);

  const top = await redeemApi(h, { code: second, ...d });
  expect(top.json.topped_up).toMatchObject({ mode: 'add', added_bytes: 50 * MB });
  // 90 of 150 MB is 60 %: the portal no longer shows "90 % used".
  const after = await portalStatus(d.mac, cookie);
  expect([after.cap_bytes, after.alerts]).toEqual([150 * MB, []]);

  download(d.mac, 30);
  await cycle();
  const row = await voucherRow(h, first);
  expect([row.status, Number(row.counted_bytes)]).toEqual(['active', 120 * MB]);
  expect(h.sim.rows('/ip/hotspot/active').map((s) => s.user)).toEqual([first]);
  const kinds = (await eventsOf(first)).map((e) => e.kind);
  expect(kinds).not.toContain('cap-100');
  // 120 MB is 80 % of the raised cap: that alert is true again, and said against 150 MB.
  const eighty = (await eventsOf(first)).filter((e) => e.kind === 'cap-80');
  expect(eighty.map((e) => JSON.parse(e.data).threshold)).toEqual([100 * MB, 150 * MB]);
  expect(eighty[1].message).toBe('80% of the data cap used (120.0 MB of 150.0 MB)');
  const st = await portalStatus(d.mac, cookie);
  expect(st).toMatchObject({ cap_bytes: 150 * MB, alerts: [{ kind: 'cap-80', percent: 80 }] });

  // The admin: the service, the voucher page, the JSON API and the CLI all say 150 MB.
  expect((await h.core!.services.vouchers.get(first)).capBytes).toBe(150 * MB);
  const admin = new AdminClient(h.app!.url);
  expect((await admin.login()).status).toBe(303);
  expect(await admin.html(`/admin/vouchers/${first}`)).toContain(
    'cap 150.0 MB (100.0 MB plan + 50.0 MB added)',
  );
  const api = await fetch(`${h.app!.url}/admin/api/vouchers/${first}`, { headers: AUTH });
  expect(((await api.json()) as { voucher: Record<string, unknown> }).voucher).toMatchObject({
    cap_bytes: 150 * MB,
    added_bytes: 50 * MB,
    state: 'normal',
  });
  const cli = await runCli(h, ['vouchers', 'show', first, '--json']);
  expect(cli.code).toBe(0);
  expect(JSON.parse(cli.stdout).voucher).toMatchObject({ cap_bytes: 150 * MB, added_bytes: 50 * MB });
  const text = await runCli(h, ['vouchers', 'show', first]);
  expect(text.stdout).toMatch(/of 150\.0 MB \(50\.0 MB added by top-ups\)/);

  // Asking for more than the raised cap: the router stops it at 150 MB (the top-up raised its byte limit at
  // once), and the voucher ends with the 100 % alert against 150 MB.
  download(d.mac, 31);
  await cycle();
  expect((await voucherRow(h, first)).status).toBe('exhausted');
  const full = (await eventsOf(first)).find((e) => e.kind === 'cap-100');
  expect(full?.message).toBe('100% of the data cap used (150.0 MB of 150.0 MB)');
});

test('fair use: the threshold raised by a top-up slows the voucher only past the raised figure', async () => {
  const [first] = await makeVouchers(h, 'FAIR', 1);
  const [second] = await makeVouchers(h, 'FAIR2', 1);
  const d = addDevice(h, 1);
  await redeemApi(h, { code: first, ...d });
  expect((await redeemApi(h, { code: second, ...d })).json.topped_up).toMatchObject({ mode: 'add' });
  download(d.mac, 100);
  await cycle();
  // 100 MB: past the plan's 60 MB, within 60 + 60 MB. Full speed, alert at 80 % of 120 MB.
  const detail = await h.core!.services.vouchers.get(first);
  expect([detail.fupThresholdBytes, detail.addedFupBytes, detail.state]).toEqual([
    120 * MB,
    60 * MB,
    'normal',
  ]);
  const queue = h.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${d.mac}`);
  expect(queue?.['max-limit']).toBe('512000/1000000');
  expect((await eventsOf(first)).filter((e) => /^fup-/.test(e.kind)).map((e) => e.kind)).toEqual(['fup-80']);
  download(d.mac, 25);
  await cycle();
  expect((await h.core!.services.vouchers.get(first)).state).toBe('fup');
});
