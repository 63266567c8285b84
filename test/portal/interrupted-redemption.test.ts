/**
 * A redemption interrupted between the database claim and the confirmed router login (controller killed, or
 * frozen until restarted) is finished or undone at the next start: never a consumed voucher without internet.
 */
import { createRedemptionService } from '../../src/services/shop/redemption';
import type { ManagedHotspot } from '../../src/router/hotspot';
import { createHarness, Harness } from '../helpers/harness';
import { depsOf, freshUsage } from '../usage/helpers';
import { addDevice, makeVouchers, voucherRow } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

/** A controller that claims the voucher, then dies at `stage` of the router login (it never returns). */
function dyingController(stage: 'before-login' | 'after-login') {
  const deps = depsOf(h);
  const real = deps.hotspot;
  const hotspot: ManagedHotspot = {
    ...real,
    async loginDevice(d) {
      if (stage === 'after-login')
        await h.router.hotspotLogin({ user: d.code, password: d.code, mac: d.mac, ip: d.ip });
      return new Promise(() => undefined); // killed: nothing after this point ever runs
    },
  };
  return createRedemptionService({ ...deps, hotspot });
}

async function claimThenDie(stage: 'before-login' | 'after-login') {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, 1);
  void dyingController(stage).redeem({ code, ...phone });
  for (let i = 0; i < 100 && (await voucherRow(h, code)).status !== 'active'; i++)
    await new Promise((r) => setTimeout(r, 10));
  expect((await voucherRow(h, code)).status).toBe('active'); // claimed in the database
  return { code, phone };
}

test('killed before the router login: at the next start the voucher is unused again, its clock never ran', async () => {
  const { code, phone } = await claimThenDie('before-login');
  h.clock.advance(10 * 60_000); // the controller is down for ten minutes
  await freshUsage(h).runCycle(); // restarted controller: first poll
  const row = await voucherRow(h, code);
  expect(row).toMatchObject({ status: 'unused', activated_at: null, expires_at: null, bound_mac: null });
  expect(await h.core!.db('voucher_devices').where({ voucher_id: row.id })).toEqual([]);
  expect(h.sim.rows('/queue/simple').filter((q) => q.name?.startsWith('pisonet-'))).toEqual([]);
  const events = await h.core!.services.events.list({ voucherCode: code });
  expect(events.map((e) => e.kind)).toContain('redemption-undone');

  // The customer tries again: a full hour from now, not from ten minutes ago.
  await h.core!.services.redemption.redeem({ code, ...phone });
  expect(Number((await voucherRow(h, code)).expires_at)).toBe(h.clock.now() + 3600_000);
});

test('killed after the router login: at the next start the device is online with its queue', async () => {
  const { code, phone } = await claimThenDie('after-login');
  h.clock.advance(60_000);
  await freshUsage(h).runCycle();
  const row = await voucherRow(h, code);
  expect(row.status).toBe('active');
  const [device] = await h.core!.db('voucher_devices').where({ voucher_id: row.id });
  expect(device).toMatchObject({ mac: phone.mac, login_pending_at: null });
  expect(h.sim.rows('/ip/hotspot/active').map((a) => a.user)).toEqual([code]);
  expect(h.sim.rows('/queue/simple').map((q) => q.name)).toEqual([`pisonet-${phone.mac}`]);
});

test('a redemption still in progress in this process is left alone', async () => {
  const usage = freshUsage(h); // started before the claim
  const { code } = await claimThenDie('before-login');
  h.clock.advance(5_000);
  await usage.runCycle();
  expect((await voucherRow(h, code)).status).toBe('active');
  h.clock.advance(60_000);
  await usage.runCycle();
  expect((await voucherRow(h, code)).status).toBe('unused');
});

test('online before the activation was written: the next start adopts the session and the voucher is sold from then', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, 1);
  const row = await voucherRow(h, code);
  // The claim's first statement ran (device row marked) and the login went through; then the controller died.
  await h.core!.db('voucher_devices').insert({
    voucher_id: row.id,
    mac: phone.mac,
    ip: phone.ip,
    connected: true,
    first_seen_at: h.clock.now(),
    last_seen_at: h.clock.now(),
    login_pending_at: h.clock.now(),
    claim_activated: true,
  });
  await h.router.hotspotLogin({ user: code, password: code, mac: phone.mac, ip: phone.ip });
  h.clock.advance(60_000);
  await freshUsage(h).runCycle();
  const after = await voucherRow(h, code);
  expect(after.status).toBe('active'); // never internet without a consumed voucher
  const [device] = await h.core!.db('voucher_devices').where({ voucher_id: row.id });
  expect(device).toMatchObject({ mac: phone.mac, login_pending_at: null });
  expect(h.sim.rows('/queue/simple').map((q) => q.name)).toEqual([`pisonet-${phone.mac}`]);
});
