import { createHarness, Harness } from '../helpers/harness';
import { addDevice, makeVouchers, voucherRow } from './helpers';

describe('a voucher used on the router login page while the controller was away', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(); // core only: no poll job runs until we call it
  });
  afterEach(async () => {
    await h.close();
  });

  it('is activated from the moment the poll cycle first sees its session', async () => {
    const [code, untouched] = await makeVouchers(h, 'BASIC', 2);
    const d = addDevice(h, 1);
    // The customer logs in on the router's own page: the controller is not involved.
    await h.router.hotspotLogin({ user: code, password: code, mac: d.mac, ip: d.ip });
    expect((await voucherRow(h, code)).status).toBe('unused');

    h.clock.advance(5 * 60_000);
    const seenAt = h.clock.now();
    const report = await h.core!.services.usage.runCycle();
    expect(report.skipped).toBeUndefined();

    expect(await voucherRow(h, code)).toMatchObject({
      status: 'active',
      activated_at: seenAt,
      expires_at: seenAt + 3600_000,
      bound_mac: d.mac,
    });
    expect((await voucherRow(h, untouched)).status).toBe('unused');
    const v = await voucherRow(h, code);
    expect(await h.core!.db('voucher_devices').where({ voucher_id: v.id })).toEqual([
      expect.objectContaining({ mac: d.mac, ip: d.ip }),
    ]);
    // The poll cycle gives the device its queue like a portal login would.
    const q = h.sim.rows('/queue/simple').find((x) => x.name === `pisonet-${d.mac}`);
    expect(q).toMatchObject({ target: `${d.ip}/32`, 'max-limit': '512000/1000000', comment: code });

    // The next voucher sync binds the hotspot user to the device, as a portal login would have.
    const user = () => h.sim.rows('/ip/hotspot/user').find((u) => u.name === code)!;
    expect(user()['mac-address']).toBeUndefined();
    await h.core!.defaultStack.hotspotUsers!.sync();
    expect(user()['mac-address']).toBe(d.mac);
    expect(h.sim.rows('/ip/hotspot/user').find((u) => u.name === untouched)!['mac-address']).toBeUndefined();
  });
});
