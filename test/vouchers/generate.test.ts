import { createHarness, Harness } from '../helpers/harness';
import type { HardenedRouterClient } from '../../src/router';
import { SYSTEM } from '../../src/services/types';
import { waitFor as waitUntil } from '../helpers/wait';

describe('voucher batches on the simulated router', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates 1,000 vouchers as 1,000 hotspot users, pipelined', async () => {
    const before = h.sim.stats.commandsByPath['/ip/hotspot/user/add'] ?? 0;
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1000 }, SYSTEM);
    expect(out.routerPending).toBe(0);
    expect(out.vouchers).toHaveLength(1000);
    expect(new Set(out.vouchers.map((v) => v.code)).size).toBe(1000);
    for (const v of out.vouchers) expect(v.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{8}$/);

    const users = h.sim.rows('/ip/hotspot/user');
    expect(users).toHaveLength(1000);
    const byName = new Map(users.map((u) => [u.name, u]));
    for (const v of out.vouchers) {
      expect(byName.get(v.code)).toMatchObject({
        password: v.code,
        'limit-uptime': '1h',
        profile: 'default',
        server: 'all',
        comment: 'pisonet BASIC',
      });
      expect(v).toMatchObject({
        status: 'unused',
        price: 500,
        rateUp: 512000,
        rateDown: 1000000,
        onRouter: true,
      });
    }
    expect((h.sim.stats.commandsByPath['/ip/hotspot/user/add'] ?? 0) - before).toBe(1000);
    // Pipelined: many adds were in flight on the one connection at the same time.
    expect((h.router as HardenedRouterClient).maxInFlightObserved).toBeGreaterThan(8);
    const rows = await h.core!.db('vouchers').select('router_user_id');
    expect(rows.every((r) => typeof r.router_user_id === 'string')).toBe(true);
  });

  it('resumes a batch the router dropped half-way, without duplicates', async () => {
    h.sim.faults.dropConnectionOn('/ip/hotspot/user/add');
    const out = await h.core!.services.vouchers.generate({ profile: 'STANDARD', count: 300 }, SYSTEM);
    expect(out.vouchers).toHaveLength(300);
    expect(out.routerPending).toBeGreaterThan(0);
    expect(await h.core!.db('vouchers').count({ n: '*' })).toEqual([{ n: 300 }]);
    await h.router.waitConnected(5000);
    await waitFor(() => h.router.status.connected);

    const sync = await h.core!.defaultStack.hotspotUsers!.sync();
    expect(sync.pending).toBe(0);
    expect(sync.created).toBe(out.routerPending);
    const users = h.sim.rows('/ip/hotspot/user');
    expect(users).toHaveLength(300);
    expect(new Set(users.map((u) => u.name))).toEqual(new Set(out.vouchers.map((v) => v.code)));
    const rows = await h.core!.db('vouchers').select('code', 'router_user_id');
    const idByName = new Map(users.map((u) => [u.name, u['.id']]));
    for (const r of rows) expect(r.router_user_id).toBe(idByName.get(r.code));
    expect(await h.core!.defaultStack.hotspotUsers!.sync()).toEqual({ created: 0, pending: 0 });
  });

  it('looks up users that reached the router when the reply was lost (duplicate name)', async () => {
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 5 }, SYSTEM);
    await h.core!.db('vouchers').update({ router_user_id: null });
    const sync = await h.core!.defaultStack.hotspotUsers!.sync();
    expect(sync).toEqual({ created: 5, pending: 0 });
    expect(h.sim.rows('/ip/hotspot/user')).toHaveLength(5);
    expect(out.vouchers).toHaveLength(5);
  });

  it('still sells when the router is down: vouchers pending, pushed later', async () => {
    h.sim.setReachable(false);
    await waitFor(() => !h.router.status.connected);
    const out = await h.core!.services.vouchers.generate(
      { profile: 'BASIC', count: 20, prefix: 'wifi', staff: true },
      SYSTEM,
    );
    expect(out.routerPending).toBe(20);
    for (const v of out.vouchers)
      expect(v).toMatchObject({ staff: true, price: 0, remainingSeconds: null, onRouter: false });
    expect(out.vouchers[0].code).toMatch(/^WIFI[A-Z0-9]{8}$/);
    h.sim.setReachable(true);
    await h.router.waitConnected(5000);
    await waitFor(() => h.router.status.connected);
    expect(await h.core!.defaultStack.hotspotUsers!.sync()).toEqual({ created: 20, pending: 0 });
    // Staff codes: no limit-uptime on the router.
    for (const u of h.sim.rows('/ip/hotspot/user')) expect(u['limit-uptime']).toBeUndefined();
  });

  it('uses the shop settings for code length and prefix, and validates input with field names', async () => {
    await h.core!.services.settings.set('voucher.code_length', 10, SYSTEM);
    await h.core!.services.settings.set('voucher.prefix', 'P5', SYSTEM);
    const out = await h.core!.services.vouchers.generate(
      { profile: 'basic', count: 3, price: 450, rateUp: 256000, rateDown: 512000 },
      SYSTEM,
    );
    for (const v of out.vouchers)
      expect(v).toMatchObject({ profile: 'BASIC', price: 450, rateUp: 256000, rateDown: 512000 });
    expect(out.vouchers[0].code).toMatch(/^P5[A-Z0-9]{10}$/);
    await expect(
      h.core!.services.vouchers.generate({ profile: 'BASIC', count: 0 }, SYSTEM),
    ).rejects.toMatchObject({ field: 'count' });
    await expect(
      h.core!.services.vouchers.generate({ profile: 'BASIC', count: 10_001 }, SYSTEM),
    ).rejects.toMatchObject({ field: 'count' });
    await expect(
      h.core!.services.vouchers.generate({ profile: 'NOPE', count: 1 }, SYSTEM),
    ).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
    await expect(
      h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1, prefix: 'TOO-LONG-PREFIX' }, SYSTEM),
    ).rejects.toMatchObject({ field: 'prefix' });
    const audit = await h.core!.services.audit.list({ action: 'voucher.generate' });
    expect(audit.total).toBe(1);
  });
});

const waitFor = (cond: () => boolean | Promise<boolean>, ms = 20_000) => waitUntil(cond, ms);
