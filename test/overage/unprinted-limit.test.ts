/**
 * A router whose `/ip/hotspot/active` rows do not carry `limit-bytes-total`: the missing field is unknown, not
 * "no limit", so a capped device is not logged out and in after its login (nor after each poll).
 */
import type { Harness } from '../helpers/harness';
import { advance } from '../usage/helpers';
import { cycle, MB, online, overageHarness, routerUser, sessionOf } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await overageHarness();
});
afterEach(async () => {
  await h.close();
});

test('a session row without limit-bytes-total: the capped device keeps its one session, poll after poll', async () => {
  h.sim.faults.printSessionByteLimits(false);
  const logins = () => h.sim.stats.commandsByPath['/ip/hotspot/active/login'] ?? 0;
  const logouts = () => h.sim.stats.commandsByPath['/ip/hotspot/active/remove'] ?? 0;
  const before = { logins: logins(), logouts: logouts() };
  // Logged in by the portal, then a poll.
  const phone = await online(h, 5);
  const first = sessionOf(h, phone.mac)!;
  expect(first['limit-bytes-total']).toBeUndefined();
  // The router holds the cap on the user all the same.
  expect(routerUser(h, phone.code)!['limit-bytes-total']).toBe(String(500 * MB));
  for (let i = 0; i < 3; i++) {
    h.sim.addTraffic(phone.mac, { up: 0, down: 10 * MB }, 5);
    advance(h, 5);
    await cycle(h);
  }
  expect(sessionOf(h, phone.mac)?.['.id']).toBe(first['.id']);
  // Its one login, by the portal; nothing logged it out and in again.
  expect({ logins: logins(), logouts: logouts() }).toEqual({
    logins: before.logins + 1,
    logouts: before.logouts,
  });
});
