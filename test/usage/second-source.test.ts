/**
 * The usage path is open to a second source: a test-only source reading a table of session totals (as a RADIUS
 * server's accounting would give them) drives the very same poll (the ledger, the policy and the router's
 * enforcer unchanged) through fair use, the data cap and expiry. The router's own source and enforcer, and this
 * table source, pass the contracts any implementation must (contracts.ts).
 */
import {
  routerCounterSource,
  type UsageReading,
  type UsageSource,
} from '../../src/services/network/usage/source';
import { routerEnforcer } from '../../src/services/network/usage/enforcer';
import { routerPair } from '../../src/services/network/usage/router-pair';
import { createUsageService } from '../../src/services/network/usage';
import { apiPair, depsOf, queueOf, seedVoucher, usageHarness, voucher, type Harness } from './helpers';
import { decision, enforcerContract, usageSourceContract, type EnforcerWorld } from './contracts';

/** One accounting session: its totals so far, as an accounting record carries them. */
interface SessionTotal {
  sessionId: string;
  code: string;
  mac: string;
  ip: string;
  up: number;
  down: number;
  startedAt: number;
}

/** A usage source over a table of session totals: no router involved. */
class SessionTotalsSource implements UsageSource {
  readonly rows = new Map<string, SessionTotal>();
  private next = 1;
  constructor(private readonly now: () => number) {}

  start(code: string, mac: string, ip: string): void {
    this.rows.set(mac, {
      sessionId: `acct-${this.next++}`,
      code,
      mac,
      ip,
      up: 0,
      down: 0,
      startedAt: this.now(),
    });
  }
  add(mac: string, up: number, down: number): void {
    const r = this.rows.get(mac)!;
    r.up += up;
    r.down += down;
  }
  stop(mac: string): void {
    this.rows.delete(mac);
  }

  read(): Promise<UsageReading> {
    const rows = [...this.rows.values()];
    return Promise.resolve({
      counters: rows.map((r) => ({
        id: r.sessionId,
        mac: r.mac,
        code: r.code,
        up: r.up,
        down: r.down,
        rateUp: 0,
        rateDown: 0,
      })),
      sessions: rows.map((r) => ({
        id: r.sessionId,
        user: r.code,
        mac: r.mac,
        ip: r.ip,
        uptimeSeconds: Math.floor((this.now() - r.startedAt) / 1000),
      })),
      countersStartedAt: undefined,
      loginsMissed: () => new Set<string>(),
    });
  }
}

const MB = 1_000_000;

describe('a poll driven by a table of session totals', () => {
  let h: Harness;
  let table: SessionTotalsSource;
  beforeEach(async () => {
    h = await usageHarness();
    table = new SessionTotalsSource(() => h.clock.now());
  });
  afterEach(async () => {
    await h.close();
  });
  const poll = (usage: { runCycle(): Promise<unknown> }, seconds = 30) => {
    h.clock.advance(seconds * 1000);
    h.sim.tick(seconds);
    return usage.runCycle();
  };
  // The table's usage, enforced on the router as an API site's poll enforces it.
  const usageOf = () => {
    const deps = depsOf(h);
    return createUsageService(deps, {
      profiles: h.core!.services.profiles,
      source: table,
      enforcer: apiPair(deps).enforcer,
    });
  };

  test('fair use, then the cap: the same ledger books each byte once, the same policy decides, the router enforces', async () => {
    const usage = usageOf();
    const code = await seedVoucher(h, 'FUP'); // 2M/4M, fair use at 100 MB (256K/512K), cap 200 MB (block)
    const mac = '02:00:00:00:5A:01';
    table.start(code, mac, '10.5.50.81');
    await poll(usage);
    // The session activated the voucher (its first use) and the device got its plan's queue.
    expect((await voucher(h, code)).status).toBe('active');
    expect(queueOf(h, mac)?.['max-limit']).toBe('2000000/4000000');

    table.add(mac, 1 * MB, 60 * MB);
    await poll(usage);
    table.add(mac, 0, 50 * MB); // 111 MB: past the fair-use threshold
    await poll(usage);
    let v = await voucher(h, code);
    expect([Number(v.bytes_up), Number(v.bytes_down), Number(v.counted_bytes)]).toEqual([
      1 * MB,
      110 * MB,
      111 * MB,
    ]);
    expect(queueOf(h, mac)?.['max-limit']).toBe('256000/512000');
    // The same totals read again add nothing.
    await poll(usage);
    expect(Number((await voucher(h, code)).counted_bytes)).toBe(111 * MB);

    table.add(mac, 0, 90 * MB); // 201 MB: the cap with the block policy
    await poll(usage);
    v = await voucher(h, code);
    expect(v.status).toBe('exhausted');
    expect(queueOf(h, mac)).toBeUndefined();
    const kinds = (await h.core!.services.events.list({ voucherCode: code })).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['fup-80', 'fup-100', 'cap-80', 'cap-100', 'exhausted']));
    expect(kinds.filter((k) => k === 'fup-80')).toHaveLength(1);
  });

  test('expiry: the voucher ends when its time is up, and its queue goes', async () => {
    const usage = usageOf();
    const code = await seedVoucher(h, 'BASIC'); // 1 h
    const mac = '02:00:00:00:5A:02';
    table.start(code, mac, '10.5.50.82');
    await poll(usage);
    expect(queueOf(h, mac)).toBeDefined();
    await poll(usage, 3600);
    expect((await voucher(h, code)).status).toBe('expired');
    expect(queueOf(h, mac)).toBeUndefined();
  });
});

usageSourceContract('session totals (test only)', async () => {
  let t = 0;
  const table = new SessionTotalsSource(() => t);
  return {
    source: table,
    online: async (code, mac, ip) => table.start(code, mac, ip),
    traffic: async (mac, up, down) => {
      t += 1000;
      table.add(mac, up, down);
    },
    offline: async (mac) => table.stop(mac),
    close: async () => undefined,
  };
});

/** The router's world through the simulator: the device logs in on the hotspot. */
async function routerWorld() {
  const h = await usageHarness();
  const devices = new Map<string, { code: string; ip: string }>();
  const login = (code: string, mac: string, ip: string) =>
    h.router.hotspotLogin({ user: code, password: code, mac, ip });
  const online = async (code: string, mac: string, ip: string) => {
    await h.router.add('/ip/hotspot/user', { name: code, password: code });
    h.sim.addDevice({ mac, ip });
    devices.set(mac, { code, ip });
    await login(code, mac, ip);
  };
  const hotspot = depsOf(h).hotspot;
  const loginAgain = async (mac: string) => {
    const d = devices.get(mac)!;
    await hotspot.logoutDevice(mac);
    await login(d.code, mac, d.ip);
  };
  const download = async (mac: string, bytes: number) => {
    h.sim.addTraffic(mac, { up: 0, down: bytes }, 60);
    h.clock.advance(60_000);
    h.sim.tick(60);
  };
  return { h, online, hotspot, loginAgain, download };
}

usageSourceContract('router queue counters', async () => {
  const { h, online, hotspot } = await routerWorld();
  const { source, enforcer } = routerPair(hotspot, () => h.clock.now());
  return {
    source,
    online: async (code, mac, ip) => {
      await online(code, mac, ip);
      // The router counts a device's bytes in its queue: the enforcer makes it.
      const r = await source.read();
      const s = r.sessions.find((x) => x.mac === mac)!;
      await enforcer.apply(
        { devices: [decision(code, mac, s.ip ?? ip)], logout: [], removeLogins: [], claimed: new Set() },
        r,
      );
    },
    traffic: async (mac, up, down) => {
      h.sim.addTraffic(mac, { up, down }, 60);
    },
    offline: async (mac) => {
      await hotspot.logoutDevice(mac);
    },
    close: () => h.close(),
  };
});

async function routerEnforcerWorld(): Promise<EnforcerWorld & { h: Harness }> {
  const { h, online, hotspot, loginAgain, download } = await routerWorld();
  return {
    h,
    enforcer: routerEnforcer(hotspot),
    online,
    reading: () => routerCounterSource(hotspot, () => h.clock.now()).read(),
    rateOf: async (mac) => queueOf(h, mac)?.['max-limit'],
    isOnline: async (mac) => h.sim.rows('/ip/hotspot/active').some((s) => s['mac-address'] === mac),
    loginAgain,
    download,
    close: () => h.close(),
  };
}

enforcerContract('router queues and hotspot', routerEnforcerWorld);

describe('the router enforcer in its own terms', () => {
  let w: EnforcerWorld & { h: Harness };
  beforeEach(async () => {
    w = await routerEnforcerWorld();
  });
  afterEach(() => w.close());
  const MAC = '02:00:00:00:0E:01';
  const IP = '10.5.50.71';
  const none = { devices: [], logout: [], removeLogins: [], claimed: new Set<string>() };

  test('a device no longer decided: its queue is removed, and the outcome counts it', async () => {
    await w.online('CODE6789', MAC, IP);
    await w.enforcer.apply({ ...none, devices: [decision('CODE6789', MAC, IP)] }, await w.reading());
    const reading = await w.reading();
    const session = reading.sessions.find((s) => s.mac === MAC)!;
    const out = await w.enforcer.apply({ ...none, logout: [session] }, reading);
    expect(out.removed).toBe(1);
  });

  test('a claimed device gets no queue', async () => {
    await w.online('CODE7890', MAC, IP);
    const d = decision('CODE7890', MAC, IP);
    await w.enforcer.apply({ ...none, devices: [d], claimed: new Set([MAC]) }, await w.reading());
    expect(await w.rateOf(MAC)).toBeUndefined();
  });

  test("an ended voucher's login named by code: the router's user of that name goes, and the code is reported", async () => {
    await w.online('CODE0123', MAC, IP);
    await w.h.router.add('/ip/hotspot/user', { name: 'CODE0124', password: 'x' });
    const out = await w.enforcer.apply(
      { ...none, removeLogins: ['CODE0124', 'GONE0000'] },
      await w.reading(),
    );
    expect(out.loginsRemoved.sort()).toEqual(['CODE0124', 'GONE0000']);
    expect(w.h.sim.rows('/ip/hotspot/user').map((u) => u.name)).not.toContain('CODE0124');
    expect(w.h.sim.rows('/ip/hotspot/user').map((u) => u.name)).toContain('CODE0123');
  });

  test("the pair: the enforcer works from its own source's read, and reads the router for a reading from elsewhere", async () => {
    const { source, enforcer } = routerPair(depsOf(w.h).hotspot, () => w.h.clock.now());
    await w.online('CODE0125', MAC, IP);
    const d = decision('CODE0125', MAC, IP);
    await enforcer.apply({ ...none, devices: [d] }, await source.read());
    expect(queueOf(w.h, MAC)?.['max-limit']).toBe('512000/1000000');
    const commands = () => w.h.router.stats.commands;
    let mark = commands();
    // Its own source's latest read, narrowed as the poll narrows it: the router is not printed again.
    const own = await source.read();
    mark = commands();
    await enforcer.apply({ ...none, devices: [d] }, { ...own, sessions: own.sessions.slice() });
    expect(commands() - mark).toBe(0);
    // A reading from another source (its own counters): the router is read for it.
    const elsewhere = { ...own, counters: own.counters.slice() };
    mark = commands();
    await enforcer.apply({ ...none, devices: [d] }, elsewhere);
    expect(commands() - mark).toBeGreaterThan(0);
  });
});
