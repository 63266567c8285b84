/**
 * What any usage source and any enforcer must do, as tests every implementation runs as they are: call
 * usageSourceContract / enforcerContract from its own test file with a factory for its world. They run against the
 * router's pair over the API (second-source.test.ts) and the RADIUS pair, FreeRADIUS's accounting and CoA with the
 * simulator as the router's RADIUS client (test/radius/contracts.test.ts, on PostgreSQL).
 */
import type { DeviceDecision } from '../../src/domain/queues';
import { desiredLimits } from '../../src/domain/policy';
import type { Enforcer, EnforceOrder } from '../../src/services/network/usage/enforcer';
import type { UsageReading, UsageSource } from '../../src/services/network/usage/source';

/** One source's world: devices come online under a code, move bytes, go offline. */
export interface SourceWorld {
  source: UsageSource;
  online(code: string, mac: string, ip: string): Promise<void>;
  traffic(mac: string, up: number, down: number): Promise<void>;
  offline(mac: string): Promise<void>;
  close(): Promise<void>;
}

const counterOf = (r: UsageReading, mac: string) => r.counters.find((c) => c.mac === mac);

export function usageSourceContract(name: string, make: () => Promise<SourceWorld>): void {
  describe(`usage source contract: ${name}`, () => {
    let w: SourceWorld;
    beforeEach(async () => {
      w = await make();
    });
    afterEach(async () => {
      await w.close();
    });

    test('a device online under a code is a session with that code and MAC', async () => {
      await w.online('CODE1234', '02:00:00:00:0C:01', '10.5.50.61');
      const r = await w.source.read();
      expect(r.sessions).toEqual([
        expect.objectContaining({ user: 'CODE1234', mac: '02:00:00:00:0C:01', ip: '10.5.50.61' }),
      ]);
      expect(r.loginsMissed()).toBeInstanceOf(Set);
    });

    test('its counter is cumulative under a stable id: each reading adds what moved since', async () => {
      const mac = '02:00:00:00:0C:02';
      await w.online('CODE2345', mac, '10.5.50.62');
      await w.traffic(mac, 1_000, 20_000);
      const first = counterOf(await w.source.read(), mac);
      expect(first).toMatchObject({ mac, up: 1_000, down: 20_000 });
      await w.traffic(mac, 500, 5_000);
      const second = counterOf(await w.source.read(), mac);
      expect(second).toMatchObject({ id: first!.id, up: 1_500, down: 25_000 });
    });

    test('a device gone offline has no session', async () => {
      const mac = '02:00:00:00:0C:03';
      await w.online('CODE3456', mac, '10.5.50.63');
      await w.offline(mac);
      expect((await w.source.read()).sessions.filter((s) => s.mac === mac)).toEqual([]);
    });
  });
}

/** One enforcer's world: what a device gets, as the network sees it. */
export interface EnforcerWorld {
  enforcer: Enforcer;
  /** A device online under a code (so there is something to limit and to log out). */
  online(code: string, mac: string, ip: string): Promise<void>;
  /** The reading the enforcer is handed with an order (a fresh one from its world). */
  reading(): Promise<UsageReading>;
  /** `up/down` in bits/s as enforced for the device now, or undefined when nothing limits it. */
  rateOf(mac: string): Promise<string | undefined>;
  isOnline(mac: string): Promise<boolean>;
  /** The device logs out and in again with its code, as a customer would. */
  loginAgain(mac: string): Promise<void>;
  /** The device tries to download `bytes`; the router moves what its limits let through. */
  download(mac: string, bytes: number): Promise<void>;
  close(): Promise<void>;
}

const MB = 1_000_000;

const PLAN = { rateUp: 512_000, rateDown: 1_000_000 };

/** A decided device on a plain plan (no expiry, no cap): what the policy hands an enforcer. */
export function decision(
  code: string,
  mac: string,
  ip: string,
  rateUp = PLAN.rateUp,
  rateDown = PLAN.rateDown,
): DeviceDecision {
  const limits = desiredLimits(
    {
      code,
      status: 'active',
      profile: { rateUp, rateDown, users: 1, validitySeconds: null, timeMode: 'clock' } as never,
      rateUp,
      rateDown,
      uptimeSeconds: 0,
      countedBytes: 0,
      totalBytes: 0,
      staff: false,
      activatedAt: 0,
    },
    0,
    'UTC',
  );
  return { code, mac, ip, limits };
}

/** An order with nothing in it but what is given. */
export const order = (o: Partial<EnforceOrder>): EnforceOrder => ({
  devices: [],
  logout: [],
  removeLogins: [],
  claimed: new Set(),
  ...o,
});

/** One decided device whose voucher (its code) may still move `left` bytes. */
export const heldOrder = (d: DeviceDecision, left: number): EnforceOrder =>
  order({
    devices: [d],
    vouchers: () => new Map([[d.code, d.limits]]),
    byteCaps: async () => [{ code: d.code, password: d.code, left }],
  });

export function enforcerContract(name: string, make: () => Promise<EnforcerWorld>): void {
  describe(`enforcer contract: ${name}`, () => {
    let w: EnforcerWorld;
    beforeEach(async () => {
      w = await make();
    });
    afterEach(async () => {
      await w.close();
    });
    const MAC = '02:00:00:00:0E:01';
    const IP = '10.5.50.71';

    test('a decided device gets its rate; the same order again changes nothing', async () => {
      await w.online('CODE4567', MAC, IP);
      const d = decision('CODE4567', MAC, IP, PLAN.rateUp, PLAN.rateDown);
      const first = await w.enforcer.apply(order({ devices: [d] }), await w.reading());
      expect(first.errors).toEqual([]);
      expect(first.added + first.updated).toBe(1);
      expect(await w.rateOf(MAC)).toBe('512000/1000000');
      const again = await w.enforcer.apply(order({ devices: [d] }), await w.reading());
      expect([again.added, again.updated, again.removed]).toEqual([0, 0, 0]);
    });

    test('a new decision for the device changes its rate (fair use)', async () => {
      await w.online('CODE5678', MAC, IP);
      await w.enforcer.apply(
        order({ devices: [decision('CODE5678', MAC, IP, 512_000, 1_000_000)] }),
        await w.reading(),
      );
      await w.enforcer.apply(
        order({ devices: [decision('CODE5678', MAC, IP, 256_000, 512_000)] }),
        await w.reading(),
      );
      expect(await w.rateOf(MAC)).toBe('256000/512000');
    });

    test('a device no longer decided loses its limit; a session in the order ends', async () => {
      await w.online('CODE6789', MAC, IP);
      await w.enforcer.apply(
        order({ devices: [decision('CODE6789', MAC, IP, 512_000, 1_000_000)] }),
        await w.reading(),
      );
      const reading = await w.reading();
      const session = reading.sessions.find((s) => s.mac === MAC)!;
      const out = await w.enforcer.apply(order({ logout: [session] }), reading);
      expect(out.errors).toEqual([]);
      expect(out.loggedOut.map((s) => s.mac)).toEqual([MAC]);
      expect(await w.rateOf(MAC)).toBeUndefined();
      expect(await w.isOnline(MAC)).toBe(false);
    });

    test('a claimed device is left to its redemption', async () => {
      await w.online('CODE7890', MAC, IP);
      const before = await w.rateOf(MAC);
      const d = decision('CODE7890', MAC, IP, PLAN.rateUp, PLAN.rateDown);
      const out = await w.enforcer.apply(order({ devices: [d], claimed: new Set([MAC]) }), await w.reading());
      expect(out.added + out.updated).toBe(0);
      expect(await w.rateOf(MAC)).toBe(before);
    });

    test('a byte allowance is held: the device is cut at it, from its next login at the latest', async () => {
      const code = 'CODE8901';
      await w.online(code, MAC, IP);
      const d = decision(code, MAC, IP);
      const out = await w.enforcer.apply(heldOrder(d, 5 * MB), await w.reading());
      expect(out.errors).toEqual([]);
      expect(out.byteLimitsSet).toBeGreaterThan(0);
      await w.loginAgain(MAC);
      expect(await w.isOnline(MAC)).toBe(true);
      await w.download(MAC, 8 * MB);
      expect(await w.isOnline(MAC)).toBe(false);
    });

    test('an allowance that grows reaches the next login: the device moves past the old one', async () => {
      const code = 'CODE9012';
      await w.online(code, MAC, IP);
      const d = decision(code, MAC, IP);
      const held = (left: number) => heldOrder(d, left);
      await w.enforcer.apply(held(5 * MB), await w.reading());
      await w.loginAgain(MAC);
      // A top-up: 20 MB left now.
      const out = await w.enforcer.apply(held(20 * MB), await w.reading());
      expect(out.errors).toEqual([]);
      await w.loginAgain(MAC);
      await w.download(MAC, 8 * MB);
      expect(await w.isOnline(MAC)).toBe(true);
    });
  });
}
