import { FakeClock } from '../../src/lib/clock';
import { GuessLimiter } from '../../src/services/shop/guess-limiter';

const fail = async (l: GuessLimiter, asker: Parameters<GuessLimiter['failAndReport']>[0]) =>
  (await l.failAndReport(asker)).lockSeconds;

describe('GuessLimiter', () => {
  it('allows 5 wrong codes per asker, then locks it out for 30 s doubling up to 1 h', async () => {
    const clock = new FakeClock();
    // One asker alone: the address ceiling out of the way, so the doubling shows.
    const l = new GuessLimiter(clock, { addressPerMinute: 1000 });
    const me = { browser: 'A', peerIp: '10.0.0.1' };
    for (let i = 0; i < 5; i++) expect(await fail(l, me)).toBe(0);
    expect(await fail(l, me)).toBe(30);
    expect(await l.retryAfter(me)).toBe(30);
    clock.advance(30_000);
    expect(await l.retryAfter(me)).toBe(0);
    expect(await fail(l, me)).toBe(60);
    clock.advance(60_000);
    expect(await fail(l, me)).toBe(120);
    for (let i = 0; i < 20; i++) await fail(l, me);
    expect(await l.retryAfter(me)).toBe(3600);
  });

  it('forgives nothing on success (there is no reset); browsers and addresses are separate askers', async () => {
    const clock = new FakeClock();
    const l = new GuessLimiter(clock, { freeAttempts: 2 });
    const guesser = { browser: 'G', peerIp: '10.0.0.1' };
    await fail(l, guesser);
    await fail(l, guesser);
    expect(await fail(l, guesser)).toBe(30);
    expect('reset' in l).toBe(false);
    // Another browser behind the same address, and a client without a token there, are not held back.
    expect(await l.retryAfter({ browser: 'V', peerIp: '10.0.0.1' })).toBe(0);
    expect(await l.retryAfter({ peerIp: '10.0.0.1' })).toBe(0);
  });

  it('past an address’s ceiling, its askers that guessed wrong wait for the minute; the others do not', async () => {
    const clock = new FakeClock();
    const behind = jest.fn(async () => 1);
    const l = new GuessLimiter(clock, { devicesBehind: behind });
    // Five browsers, one wrong code each: the LAN address's ceiling (5 a minute) is reached.
    for (let i = 0; i < 5; i++) await fail(l, { browser: `b${i}`, peerIp: '10.0.0.9' });
    expect(await l.retryAfter({ browser: 'b2', peerIp: '10.0.0.9' })).toBe(60);
    expect(await l.retryAfter({ browser: 'clean', peerIp: '10.0.0.9' })).toBe(0);
    expect(await l.retryAfter({ browser: 'b2', peerIp: '10.0.0.8' })).toBe(0); // from elsewhere: its own count
    clock.advance(60_000);
    expect(await l.retryAfter({ browser: 'b2', peerIp: '10.0.0.9' })).toBe(0);
    // The routers were asked only once the address came near its ceiling.
    expect(behind).toHaveBeenCalled();
  });

  it('an address with many devices behind it has a higher ceiling of wrong codes', async () => {
    const clock = new FakeClock();
    const l = new GuessLimiter(clock, { devicesBehind: async () => 41 });
    expect(l.addressCeiling(1)).toBe(5);
    expect(l.addressCeiling(41)).toBe(9);
    for (let i = 0; i < 8; i++) await fail(l, { browser: `b${i}`, peerIp: '203.0.113.7' });
    expect(await l.retryAfter({ browser: 'b1', peerIp: '203.0.113.7' })).toBe(0);
    await fail(l, { browser: 'b8', peerIp: '203.0.113.7' });
    expect(await l.retryAfter({ browser: 'b1', peerIp: '203.0.113.7' })).toBe(60);
  });

  it('new tokens: two an hour per device a router sees, three per ten minutes per address otherwise', async () => {
    const clock = new FakeClock();
    const seen = new Set(['02:AA:00:00:00:01@10.5.50.101', '02:AA:00:00:00:02@10.5.50.102']);
    const l = new GuessLimiter(clock, {
      seesDevice: async (mac, ip) => seen.has(`${mac}@${ip}`),
      devicesBehind: async (address) => (address === '203.0.113.7' ? 20 : 1), // NAT there; LAN elsewhere
    });
    const mint = (device?: { mac: string; ip: string }) => l.mayMint('203.0.113.7', device);
    const one = { mac: '02-aa-00-00-00-01', ip: '10.5.50.101' }; // written another way: the same device
    expect([await mint(one), await mint(one), await mint(one)]).toEqual([true, true, false]);
    expect(await mint({ mac: '02:AA:00:00:00:02', ip: '10.5.50.102' })).toBe(true); // its own budget
    // A device the router does not see there, or none: the address's budget.
    const unseen = { mac: '02:AA:00:00:00:09', ip: '10.5.50.109' };
    expect([await mint(unseen), await mint(), await mint(), await mint()]).toEqual([true, true, true, false]);
    expect(await l.mayMint(null)).toBe(false);
    // On the LAN a device asks from its own address: a page naming another device draws on the address's budget.
    const lan = (ip: string) => l.mayMint(ip, { mac: '02:AA:00:00:00:02', ip: '10.5.50.102' });
    expect(await lan('10.5.50.102')).toBe(true); // its own: the device's second token this hour
    expect([await lan('10.5.50.150'), await lan('10.5.50.150')]).toEqual([true, true]);
    expect(await l.mayMint('10.5.50.102', { mac: '02:AA:00:00:00:02', ip: '10.5.50.102' })).toBe(false);
    clock.advance(10 * 60_000);
    expect(await mint()).toBe(true);
    expect(await mint(one)).toBe(false);
    clock.advance(50 * 60_000);
    expect(await mint(one)).toBe(true);
  });

  it('without a token, the address is the asker, whatever device the request names', async () => {
    const l = new GuessLimiter(new FakeClock(), { freeAttempts: 1, seesDevice: async () => true });
    const a = { peerIp: '203.0.113.7', device: { mac: '02:AA:00:00:00:01', ip: '10.5.50.101' } };
    await fail(l, a);
    expect(await fail(l, { ...a, device: { mac: '02:AA:00:00:00:02', ip: '10.5.50.102' } })).toBe(30);
    // The same address with a token of its own is another asker.
    expect(await l.retryAfter({ ...a, browser: 'mine' })).toBe(0);
  });

  it('codes being looked up count until they are known: a burst gets no more than requests one by one', async () => {
    const l = new GuessLimiter(new FakeClock(), { addressPerMinute: 1000 });
    const me = { browser: 'B', peerIp: '10.0.0.1' };
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push(await l.admit(me));
    await expect(l.admit(me)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    tickets[0].release(); // a valid code: nothing counted, its place is free again
    const next = await l.admit(me);
    for (const t of [...tickets.slice(1), next]) await t.fail();
    expect(await l.retryAfter(me)).toBe(0); // five wrong, none pending: the sixth may be looked up
    await (await l.admit(me)).fail();
    await expect(l.admit(me)).rejects.toMatchObject({ retryAfterSeconds: 30 });
  });

  it('a router that cannot answer confirms no device and counts one device behind the address', async () => {
    const l = new GuessLimiter(new FakeClock(), {
      devicesBehind: () => Promise.reject(new Error('router away')),
      seesDevice: () => Promise.reject(new Error('router away')),
    });
    const device = { mac: '02:AA:00:00:00:01', ip: '10.5.50.101' };
    const minted = [];
    for (let i = 0; i < 5; i++) minted.push(await l.mayMint('10.0.0.1', device));
    expect(minted.filter(Boolean)).toHaveLength(3); // the address's budget
    for (let i = 0; i < 5; i++) await fail(l, { browser: `b${i}`, peerIp: '10.0.0.1' });
    expect(await l.retryAfter({ browser: 'b0', peerIp: '10.0.0.1' })).toBe(60);
  });

  it('past the shop-wide ceiling per minute, askers who already failed wait for the minute; others do not', async () => {
    const clock = new FakeClock();
    const l = new GuessLimiter(clock, { freeAttempts: 100, globalPerMinute: 10 });
    const reached: boolean[] = [];
    for (let i = 0; i < 10; i++)
      reached.push((await l.failAndReport({ peerIp: `10.0.1.${i}` })).ceilingReached);
    expect(reached.filter(Boolean)).toHaveLength(1); // reported once
    expect(await l.retryAfter({ peerIp: '10.0.1.3' })).toBe(60);
    expect(await l.retryAfter({ peerIp: '10.0.1.200' })).toBe(0);
    clock.advance(60_000);
    expect(await l.retryAfter({ peerIp: '10.0.1.3' })).toBe(0);
  });
});

describe('GuessLimiter under a burst', () => {
  it('admits no more lookups from one address than its ceiling however many arrive at once, the routers slow to answer', async () => {
    const clock = new FakeClock();
    // The routers' count of devices behind the address takes a few turns of the event loop, as a real read does.
    const behind = async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      return 1;
    };
    const l = new GuessLimiter(clock, { addressPerMinute: 3, devicesBehind: behind });
    const askers = Array.from({ length: 60 }, (_, i) => ({
      peerIp: '10.0.0.9',
      device: { mac: `M${i}`, ip: '' },
    }));
    const outcomes = await Promise.all(
      askers.map((a) =>
        l.admit(a).then(
          async (ticket) => {
            await new Promise((r) => setImmediate(r));
            await ticket.fail();
            return 'looked up';
          },
          () => 'refused',
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'looked up')).toHaveLength(3);
  });
});
