import { FakeClock } from '../../src/lib/clock';
import { withLiveUsersCache } from '../../src/services/network/bandwidth/live-users-cache';
import type { BandwidthService, UserTraffic } from '../../src/services/types';

function fakeBandwidth() {
  const calls = { users: 0 };
  let release: (() => void) | undefined;
  let gate = false;
  let limit = '1000000/2000000';
  const inner: BandwidthService = {
    async users() {
      calls.users += 1;
      const snapshot = limit;
      if (gate) await new Promise<void>((r) => (release = r));
      return [{ mac: 'AA:BB:CC:00:00:01', maxLimit: snapshot } as UserTraffic];
    },
    async setLimit(mac, up, down) {
      limit = `${up ?? 0}/${down ?? 0}`;
      return { mac, profile: 'BASIC', up: up ?? 0, down: down ?? 0, applied: true };
    },
    async removeLimit(mac) {
      limit = '0/0';
      return { mac, profile: 'BASIC', up: 0, down: 0, applied: true };
    },
    async resetLimit(mac) {
      limit = '1000000/2000000';
      return { mac, profile: 'BASIC', up: 1000000, down: 2000000, applied: true };
    },
    async kick() {
      throw new Error('router down');
    },
    async queues() {
      return [];
    },
    async queuesBySite() {
      return [];
    },
  };
  return { inner, calls, hold: () => (gate = true), open: () => ((gate = false), release?.()) };
}

const actor = { name: 't', via: 'admin' as const };

test('callers within the TTL share one result; after it a new one is read', async () => {
  const clock = new FakeClock();
  const f = fakeBandwidth();
  const bw = withLiveUsersCache(f.inner, clock, 2000);
  await bw.users();
  clock.advance(1999);
  await bw.users();
  expect(f.calls.users).toBe(1);
  clock.advance(1);
  await bw.users();
  expect(f.calls.users).toBe(2);
});

test('concurrent callers share the call in flight', async () => {
  const f = fakeBandwidth();
  const bw = withLiveUsersCache(f.inner, new FakeClock());
  f.hold();
  const all = Promise.all([bw.users(), bw.users(), bw.users()]);
  f.open();
  const [a, b, c] = await all;
  expect(f.calls.users).toBe(1);
  expect(a).toBe(b);
  expect(b).toBe(c);
});

test('a change drops the cache, even while an older read is in flight', async () => {
  const f = fakeBandwidth();
  const bw = withLiveUsersCache(f.inner, new FakeClock());
  expect((await bw.users())[0].maxLimit).toBe('1000000/2000000');
  f.hold();
  const stale = bw.users(); // started before the change
  await bw.setLimit('AA:BB:CC:00:00:01', 256000, 768000, actor);
  f.open();
  await stale;
  expect((await bw.users())[0].maxLimit).toBe('256000/768000');
  await bw.removeLimit('AA:BB:CC:00:00:01', actor);
  expect((await bw.users())[0].maxLimit).toBe('0/0');
  await bw.resetLimit('AA:BB:CC:00:00:01', actor);
  expect((await bw.users())[0].maxLimit).toBe('1000000/2000000');
});

test('a failed change still drops the cache and the error reaches the caller', async () => {
  const f = fakeBandwidth();
  const bw = withLiveUsersCache(f.inner, new FakeClock());
  await bw.users();
  await expect(bw.kick('AA:BB:CC:00:00:01', actor)).rejects.toThrow('router down');
  await bw.users();
  expect(f.calls.users).toBe(2);
  bw.invalidate();
  await bw.users();
  expect(f.calls.users).toBe(3);
});
