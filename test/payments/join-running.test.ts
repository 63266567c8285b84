/**
 * A second online payment on a phone whose paid code is still running joins that code, as a second code typed on
 * the status page does (the profile's `topup` rule): its time is added, or it is queued when the plans differ. The
 * status page and the admin's list say so, and a repeat of the webhook or the poll credits it once.
 */
import fs from 'node:fs';
import { maskCode } from '../../src/lib/logger';
import { payRig, paymentRows, rawRequest, startCheckout, type PayRig } from './helpers';

const shipped = JSON.parse(fs.readFileSync('profiles.json', 'utf8')) as object[];
// Another plan sold online that waits for the running one instead of joining it.
const QUEUED = {
  name: 'NIGHT',
  price: 25,
  validity: '3h',
  users: 1,
  rate_up: '1M',
  rate_down: '2M',
  topup: 'queue',
};

describe('a second payment on a phone whose code is running', () => {
  let rig: PayRig;
  beforeAll(async () => {
    rig = await payRig({ profiles: [...shipped, QUEUED] });
  });
  afterAll(() => rig.close());

  const PHONE = { mac: '02:00:00:00:07:07', ip: '127.0.0.27' };
  const pay = async (profile: string) => {
    // The phone's hotspot address is one of this machine's, so it can open the return page from it (127.0.0.x).
    const { id, device } = await startCheckout(rig, 7, profile, PHONE);
    rig.fake.pay(id, { method: 'gcash' });
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    return { id, device };
  };
  const voucher = (id: unknown) => rig.h.core!.db('vouchers').where({ id }).first();
  // The return page, opened by the paying device (its address, as the payment return does on the phone).
  const statusPage = async (reference: unknown, device: { ip: string }) => {
    const back = await rawRequest(`${rig.h.app!.url}/portal/pay/done?ref=${String(reference)}`, {
      from: device.ip,
    });
    return (await fetch(new URL(back.location, rig.h.app!.url), { headers: { cookie: back.cookie } })).text();
  };

  it('the same plan again: its time is added to the running code, once, and the pages say so', async () => {
    const { device } = await pay('PREMIUM');
    const [first] = await paymentRows(rig.h);
    const a = await voucher(first.voucher_id);
    expect(a).toMatchObject({ status: 'active', extra_seconds: 0 });
    const endsBefore = Number(a.expires_at);

    const { id } = await pay('PREMIUM');
    const second = (await paymentRows(rig.h))[1];
    expect(second).toMatchObject({ state: 'paid', join_mode: 'add', joined_into: maskCode(a.code) });
    // Five more hours on the running code; the second voucher was used up into it, not left running beside it.
    const after = await voucher(a.id);
    expect(after).toMatchObject({ status: 'active', extra_seconds: 5 * 3600 });
    expect(Number(after.expires_at)).toBe(endsBefore + 5 * 3600_000);
    expect(await voucher(second.voucher_id)).toMatchObject({ status: 'expired', topped_up_into: a.id });
    const sessions = rig.h.sim.rows('/ip/hotspot/active').filter((s) => s['mac-address'] === device.mac);
    expect(sessions.map((s) => s.user)).toEqual([a.code]);

    // The webhook again, and the poller: nothing more is added.
    expect(await rig.fake.deliver(rig.h.app!.url + '/api/payments/paymongo/webhook', id)).toBe(200);
    await rig.h.core!.services.payments.poll();
    expect(await voucher(a.id)).toMatchObject({ extra_seconds: 5 * 3600 });
    expect((await paymentRows(rig.h)).length).toBe(2);

    expect(await statusPage(second.reference, device)).toContain(
      `Payment received (₱20.00): its time was added to your running code ${maskCode(a.code)}.`,
    );
    const res = await fetch(`${rig.h.app!.url}/admin/api/payments`, {
      headers: { Authorization: 'Bearer test-token-0123456789abcdef' },
    });
    const json = (await res.json()) as { payments: Record<string, unknown>[] };
    expect(json.payments[0]).toMatchObject({ joined: { mode: 'add', into: maskCode(a.code) } });
    // Both are sales: ₱40.00 for ten hours.
    const now = rig.h.clock.now();
    const by = await rig.h.core!.services.reports.bySource({ from: now - 86400_000, to: now + 86400_000 });
    expect(by.totals.paymongo).toEqual({ count: 2, amount: 4000 });
  });

  it('a plan that queues: kept for the phone, starting when the running code ends', async () => {
    const { device } = await pay('NIGHT');
    const rows = await paymentRows(rig.h);
    const running = await voucher(rows[0].voucher_id);
    const third = rows[2];
    expect(third).toMatchObject({ state: 'paid', join_mode: 'queue', joined_into: maskCode(running.code) });
    expect(await voucher(third.voucher_id)).toMatchObject({ status: 'unused', queued_mac: device.mac });
    expect(await voucher(running.id)).toMatchObject({ status: 'active', extra_seconds: 5 * 3600 });
    expect(await statusPage(third.reference, device)).toContain(
      `your code ${maskCode(running.code)} is still running, so the new time waits`,
    );
  });
});
