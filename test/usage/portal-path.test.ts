/** Vouchers sold and redeemed through the services (D's portal path), then metered and enforced by the cycle. */
import { advance, Harness, queueOf, routerWrites, usageHarness, voucher } from './helpers';
import { SYSTEM } from '../../src/services/types';

const MAC1 = '02:00:00:00:00:01';

let h: Harness;
beforeEach(async () => {
  h = await usageHarness();
});
afterEach(async () => {
  await h.close();
});

test('a portal redemption is metered from its first byte, and the cycle leaves its queue alone', async () => {
  const { vouchers } = await h.core!.services.vouchers.generate({ profile: 'FUP', count: 1 }, SYSTEM);
  const code = vouchers[0].code;
  h.sim.addDevice({ mac: MAC1, ip: '10.5.50.11' });
  await h.core!.services.redemption.redeem({ code, mac: MAC1, ip: '10.5.50.11' });
  // The login's confirmation is written just after the answer, milliseconds later; the test's clock jumps 30 s
  // in no time, so wait for it as real time would (an unconfirmed claim past 15 s is the poll's to adopt).
  await h.core!.services.redemption.settled();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  // Traffic before the first poll flows through the portal's queue and is counted.
  h.sim.addTraffic(MAC1, { up: 1_000, down: 9_000 }, 10);
  advance(h, 30);
  const writes = routerWrites(h);
  const report = await h.core!.services.usage.runCycle();
  expect(routerWrites(h)).toBe(writes);
  expect(report.changes).toEqual({ added: 0, updated: 0, removed: 0, loggedOut: 0, ended: 0 });
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([1_000, 9_000]);

  // The admin moves the voucher to another profile: new rates at the next cycle, usage kept.
  await h.core!.services.vouchers.changeProfile(code, 'BASIC', SYSTEM);
  advance(h, 30);
  await h.core!.services.usage.runCycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('512000/1000000');
  const after = await voucher(h, code);
  expect([Number(after.bytes_up), Number(after.bytes_down)]).toEqual([1_000, 9_000]);
});

test('a login that lands between the poll’s read and its writes keeps its queue', async () => {
  const { vouchers } = await h.core!.services.vouchers.generate({ profile: 'FUP', count: 2 }, SYSTEM);
  const [first, second] = vouchers.map((v) => v.code);
  h.sim.addDevice({ mac: MAC1, ip: '10.5.50.11' });
  await h.core!.services.redemption.redeem({ code: first, mac: MAC1, ip: '10.5.50.11' });
  await h.core!.services.redemption.settled(); // its confirmation lands before the clock jumps
  // The customer's session ends on the router (the queue stays until a poll sees it gone)...
  const sessions = h.sim.rows('/ip/hotspot/active').map((s) => String(s['.id']));
  await h.router.hotspotLogout(sessions);
  // ...and the same phone redeems a new code just after the next poll has read the router.
  const hotspot = h.core!.hotspot;
  const read = hotspot.snapshot.bind(hotspot);
  let injected = false;
  hotspot.snapshot = async () => {
    const snapshot = await read();
    if (!injected) {
      injected = true;
      await h.core!.services.redemption.redeem({ code: second, mac: MAC1, ip: '10.5.50.11' });
    }
    return snapshot;
  };
  advance(h, 30);
  await h.core!.services.usage.runCycle();
  expect(injected).toBe(true);
  // The read showed no session for the phone, yet its new queue was not taken away, nor was it taken for gone.
  expect(queueOf(h, MAC1)).toMatchObject({ comment: second });
  const v2 = await voucher(h, second);
  const device = await h.core!.db('voucher_devices').where({ voucher_id: v2.id, mac: MAC1 }).first();
  expect(Boolean(device.connected)).toBe(true);
  const logouts = await h.core!.db('events').where({ voucher_id: v2.id, kind: 'logout' });
  expect(logouts).toHaveLength(0);
  expect(h.sim.rows('/ip/hotspot/active').map((s) => s.user)).toEqual([second]);
  // The next poll sees the session: the queue stays and is counted for the new code.
  await h.core!.services.redemption.settled();
  h.sim.addTraffic(MAC1, { up: 2_000, down: 3_000 }, 5);
  advance(h, 30);
  await h.core!.services.usage.runCycle();
  expect(queueOf(h, MAC1)).toMatchObject({ comment: second });
  const v = await voucher(h, second);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([2_000, 3_000]);
});
