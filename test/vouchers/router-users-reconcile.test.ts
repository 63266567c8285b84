/**
 * Hotspot users are reconciled, not only pushed once: a router reset, replaced or edited by hand gets every
 * unused and active voucher's user back (name = password = code, profile, server, limit-uptime, MAC binding),
 * our users of ended or unknown vouchers go, and users we did not create are never touched.
 */
import { planUserReconcile, type UserOnRouter, type VoucherUser } from '../../src/router/hotspot';
import { createUsageService } from '../../src/services/network/usage';
import { SYSTEM } from '../../src/services/types';
import {
  advance,
  apiPair,
  depsOf,
  queueOf,
  routerBack,
  usageHarness,
  voucher,
  type Harness,
} from '../usage/helpers';
import { waitFor as waitUntil } from '../helpers/wait';

jest.setTimeout(60_000);

const USERS = '/ip/hotspot/user';

function device(n: number): { mac: string; ip: string } {
  return { mac: `02:AB:00:00:00:${String(n).padStart(2, '0')}`, ip: `10.5.50.${120 + n}` };
}

function routerUser(h: Harness, name: string): Record<string, string> | undefined {
  return h.sim.rows(USERS).find((u) => u.name === name) as Record<string, string> | undefined;
}

async function generate(h: Harness, profile: string, count: number): Promise<string[]> {
  const out = await h.core!.services.vouchers.generate({ profile, count }, SYSTEM);
  expect(out.routerPending).toBe(0);
  return out.vouchers.map((v) => v.code);
}

async function redeem(h: Harness, code: string, n: number) {
  const d = device(n);
  return h.core!.services.redemption.redeem({ code, ...d });
}

/**
 * A bound, not a timing: the reconnect, its poll job and the users check run in the server's own time, which on a
 * loaded 2-core CI machine has taken more than 5 s, and once (on PostgreSQL, the machine also running other
 * PostgreSQL tests) more than 20 s.
 */
const waitFor = (cond: () => boolean | Promise<boolean>, ms = 40_000) => waitUntil(cond, ms);

/** The database's router ids match the users the router holds now. */
async function expectIdsRecorded(h: Harness, codes: string[]): Promise<void> {
  for (const code of codes)
    expect((await voucher(h, code)).router_user_id).toBe(routerUser(h, code)?.['.id'] ?? 'missing');
}

describe('the controller running when the router is wiped', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await usageHarness({ http: true, serverPoll: true }); // the reconnect runs the server's poll job
  });
  afterEach(async () => {
    await h.close();
  });

  it('puts every user back at the reconnect: unused codes work again and a paying customer logs back in with a queue', async () => {
    const codes = await generate(h, 'BASIC', 5);
    for (let n = 1; n <= 5; n++) h.sim.addDevice(device(n));
    const paid = codes[0];
    expect(await redeem(h, paid, 1)).toMatchObject({ code: paid, relogin: false });
    expect(queueOf(h, device(1).mac)).toBeDefined();

    advance(h, 120);
    await h.sim.resetConfiguration();
    expect(h.sim.rows(USERS)).toHaveLength(0);
    expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(0);

    // No call from the test: the reconnect runs the poll job, whose voucher sync checks the users.
    await waitFor(() => h.sim.rows(USERS).length === 5);
    await waitFor(
      async () => (await voucher(h, codes[4])).router_user_id === routerUser(h, codes[4])?.['.id'],
    );
    for (const code of codes)
      expect(routerUser(h, code)).toMatchObject({
        password: code,
        profile: 'default',
        server: 'all',
        'limit-uptime': '1h',
        comment: 'pisonet BASIC',
      });
    // The customer who paid is bound to their phone again (one-device profile); the others are not bound yet.
    expect(routerUser(h, paid)!['mac-address']).toBe(device(1).mac);
    for (const code of codes.slice(1)) expect(routerUser(h, code)!['mac-address']).toBeUndefined();
    await expectIdsRecorded(h, codes);

    // The phone opens the portal again: logged back in on the same voucher, with its queue.
    expect(await redeem(h, paid, 1)).toMatchObject({ code: paid, relogin: true });
    expect(h.sim.rows('/ip/hotspot/active')).toEqual([
      expect.objectContaining({ user: paid, 'mac-address': device(1).mac }),
    ]);
    expect(queueOf(h, device(1).mac)).toMatchObject({ target: `${device(1).ip}/32`, comment: paid });

    // Every unused voucher is redeemable again.
    for (let i = 1; i < 5; i++)
      expect(await redeem(h, codes[i], i + 1)).toMatchObject({ code: codes[i], relogin: false });
    expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(5);
  });
});

describe('the users check', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await usageHarness(); // core only: the test calls the syncs itself
  });
  afterEach(async () => {
    await h.close();
  });
  const users = () => h.core!.defaultStack.hotspotUsers!;

  it('re-creates a user deleted by hand at the 10-minute check, not at every sync', async () => {
    const codes = await generate(h, 'BASIC', 3);
    await users().sync(); // the first sync after start checks
    const gone = routerUser(h, codes[1])!;
    await h.router.remove(USERS, gone['.id']);

    const printsBefore = h.sim.stats.commandsByPath[`${USERS}/print`] ?? 0;
    advance(h, 5 * 60);
    await users().sync();
    expect(routerUser(h, codes[1])).toBeUndefined();
    // Between checks a sync never reads the users.
    expect(h.sim.stats.commandsByPath[`${USERS}/print`] ?? 0).toBe(printsBefore);

    advance(h, 5 * 60);
    expect(await users().sync()).toEqual({ created: 0, pending: 0 });
    expect(routerUser(h, codes[1])).toMatchObject({ password: codes[1], 'limit-uptime': '1h' });
    expect(routerUser(h, codes[1])!['.id']).not.toBe(gone['.id']);
    await expectIdsRecorded(h, codes);
  });

  it('puts back a hand-edited limit-uptime, profile, MAC binding and disabled flag', async () => {
    await h.router.add('/ip/hotspot/user/profile', { name: 'slow' });
    const [a, b] = await generate(h, 'MULTI', 2);
    const ua = routerUser(h, a)!['.id'];
    const ub = routerUser(h, b)!['.id'];
    await h.router.set(USERS, ua, { 'limit-uptime': '1w', profile: 'slow' });
    await h.router.set(USERS, ub, { 'mac-address': '02:00:00:00:00:99', disabled: 'true' });

    const report = await users().check();
    expect(report).toMatchObject({ vouchers: 2, added: 0, fixed: 2, removed: 0, pending: 0, failed: 0 });
    for (const [code, id] of [
      [a, ua],
      [b, ub],
    ]) {
      const u = routerUser(h, code)!;
      expect(u).toMatchObject({
        '.id': id,
        'limit-uptime': '1h',
        profile: 'default',
        comment: 'pisonet MULTI',
      });
      expect([undefined, '00:00:00:00:00:00']).toContain(u['mac-address']); // any MAC
      expect(u.disabled).not.toBe('true');
    }
    // Nothing left to change: a second check only reads.
    const again = await users().check();
    expect(again).toMatchObject({ added: 0, fixed: 0, removed: 0, roundTrips: 1 });
  });

  it('sends one set for users that need the same change', async () => {
    const codes = await generate(h, 'BASIC', 4);
    for (const code of codes)
      await h.router.set(USERS, routerUser(h, code)!['.id'], { 'limit-uptime': '1d' });
    const sets = () => h.sim.stats.commandsByPath[`${USERS}/set`] ?? 0;
    const before = sets();
    expect(await users().check()).toMatchObject({ fixed: 4, roundTrips: 2 });
    expect(sets() - before).toBe(1);
    for (const code of codes) expect(routerUser(h, code)!['limit-uptime']).toBe('1h');
  });

  it('never touches users we did not create, even one named like a voucher', async () => {
    const [code] = await generate(h, 'BASIC', 1);
    const db = h.core!.db;
    const p = await h.core!.services.profiles.get('BASIC');
    const now = h.clock.now();
    await db('vouchers').insert({
      code: 'TAKEN234',
      profile_id: p.id,
      price: p.price,
      rate_limit_up: p.profile.rateUp,
      rate_limit_down: p.profile.rateDown,
      status: 'unused',
      created_at: now,
      updated_at: now,
    });
    await h.router.add(USERS, {
      name: 'owner',
      password: 'secret',
      'limit-uptime': '3h',
      comment: 'shop owner',
    });
    await h.router.add(USERS, { name: 'guest', password: 'guest' });
    await h.router.add(USERS, {
      name: 'TAKEN234',
      password: 'other',
      profile: 'default',
      comment: 'by hand',
    });
    const foreign = () =>
      h.sim
        .rows(USERS)
        .filter((u) => !String(u.comment ?? '').startsWith('pisonet '))
        .map((u) => ({ ...u }));
    const before = foreign();
    const writesBefore = Object.entries(h.sim.stats.commandsByPath)
      .filter(([path]) => path.startsWith(USERS) && !path.endsWith('/print'))
      .reduce((n, [, c]) => n + c, 0);

    const report = await users().check();
    expect(report).toMatchObject({ vouchers: 2, added: 0, fixed: 0, removed: 0, blocked: 1, pending: 1 });
    expect(foreign()).toEqual(before);
    const writes = Object.entries(h.sim.stats.commandsByPath)
      .filter(([path]) => path.startsWith(USERS) && !path.endsWith('/print'))
      .reduce((n, [, c]) => n + c, 0);
    expect(writes).toBe(writesBefore);
    expect((await voucher(h, 'TAKEN234')).router_user_id).toBeNull();
    expect(routerUser(h, code)).toBeDefined();
  });

  it('removes our users of revoked and unknown vouchers, unless removals are switched off', async () => {
    const [kept, revoked] = await generate(h, 'BASIC', 2);
    // Revoked in the database while its user stayed on the router (a restored backup, say), id forgotten.
    await h.core!.db('vouchers').where({ code: revoked }).update({ status: 'revoked', router_user_id: null });
    await h.router.add(USERS, { name: 'GHOST234', password: 'GHOST234', comment: 'pisonet BASIC' });

    const safe = await users().check({ allowRemovals: false });
    expect(safe).toMatchObject({ removed: 0, usersOnRouter: 3 });
    expect(h.sim.rows(USERS)).toHaveLength(3);

    const report = await users().check();
    expect(report).toMatchObject({ vouchers: 1, removed: 2, added: 0, failed: 0 });
    expect(h.sim.rows(USERS).map((u) => u.name)).toEqual([kept]);
  });

  it('clears a remembered id of an ended voucher whose user is gone', async () => {
    const [code] = await generate(h, 'BASIC', 1);
    const row = await voucher(h, code);
    await h.core!.db('vouchers').where({ code }).update({ status: 'expired' });
    await h.router.remove(USERS, row.router_user_id!);
    await users().check();
    expect((await voucher(h, code)).router_user_id).toBeNull();
  });

  it('checks again when the poll sees that the router booted since it last looked', async () => {
    const codes = await generate(h, 'BASIC', 2);
    await users().sync();
    await h.core!.services.usage.runCycle(); // the poll learns the boot time
    advance(h, 60);
    await h.sim.reboot();
    await routerBack(h);
    await users().sync(); // the reconnect's check
    await h.router.remove(USERS, routerUser(h, codes[0])!['.id']);

    await h.core!.services.usage.runCycle(); // sees the new boot time
    await users().sync();
    expect(routerUser(h, codes[0])).toBeDefined();
  });

  it('tells its owner about a reboot from the usage cycle', async () => {
    const onRouterRebooted = jest.fn();
    const deps = depsOf(h);
    const usage = createUsageService(deps, {
      profiles: h.core!.services.profiles,
      ...apiPair(deps),
      onRouterRebooted,
    });
    await usage.runCycle();
    advance(h, 60);
    await usage.runCycle();
    expect(onRouterRebooted).not.toHaveBeenCalled();
    await h.sim.resetConfiguration();
    await routerBack(h);
    advance(h, 30);
    await usage.runCycle();
    expect(onRouterRebooted).toHaveBeenCalledTimes(1);
  });

  it('logs a paying customer back in on the portal even before a check has run', async () => {
    const [code] = await generate(h, 'BASIC', 1);
    await users().sync();
    h.sim.addDevice(device(1));
    await redeem(h, code, 1);
    await h.sim.resetConfiguration();
    await routerBack(h);
    expect(h.sim.rows(USERS)).toHaveLength(0);

    expect(await redeem(h, code, 1)).toMatchObject({ relogin: true });
    expect(routerUser(h, code)).toMatchObject({ password: code, 'mac-address': device(1).mac });
    expect(queueOf(h, device(1).mac)).toMatchObject({ comment: code });
    await expectIdsRecorded(h, [code]);
  });
});

describe('planUserReconcile', () => {
  const where = { hotspotServer: 'all', hotspotUserProfile: 'default' };
  const want = (id: number, code: string, over: Partial<VoucherUser> = {}): VoucherUser => ({
    id,
    code,
    password: null,
    profileName: 'BASIC',
    limitSeconds: 3600,
    mac: null,
    ...over,
  });
  const have = (id: string, name: string, over: Partial<UserOnRouter> = {}): UserOnRouter => ({
    id,
    name,
    ours: true,
    profile: 'default',
    server: 'all',
    limitSeconds: 3600,
    mac: null,
    comment: 'pisonet BASIC',
    disabled: false,
    ...over,
  });

  it('adds the missing, fixes what differs, keeps the rest, removes only ours', () => {
    const plan = planUserReconcile(
      where,
      [want(1, 'AAAA'), want(2, 'BBBB'), want(3, 'CCCC', { mac: '02:00:00:00:00:01' }), want(4, 'DDDD')],
      [
        have('*1', 'AAAA'),
        have('*2', 'CCCC'),
        have('*3', 'OLD1'),
        have('*4', 'mine', { ours: false, comment: '' }),
        have('*5', 'DDDD', { ours: false, comment: 'by hand' }),
      ],
      { allowRemovals: true },
    );
    expect(plan.add.map((u) => u.code)).toEqual(['BBBB']);
    expect(plan.keep.map((k) => k.have.id)).toEqual(['*1']);
    expect(plan.fix).toEqual([
      expect.objectContaining({
        have: expect.objectContaining({ id: '*2' }),
        changes: { 'mac-address': '02:00:00:00:00:01' },
      }),
    ]);
    expect(plan.remove.map((u) => u.id)).toEqual(['*3']);
    expect(plan.blocked.map((u) => u.code)).toEqual(['DDDD']);
    expect(planUserReconcile(where, [], [have('*3', 'OLD1')], { allowRemovals: false }).remove).toEqual([]);
  });

  it('of two of ours with one name keeps the one on our server and removes the other', () => {
    const plan = planUserReconcile(
      where,
      [want(1, 'AAAA')],
      [have('*1', 'AAAA', { server: 'hotspot1' }), have('*2', 'AAAA')],
      { allowRemovals: true },
    );
    expect(plan.keep.map((k) => k.have.id)).toEqual(['*2']);
    expect(plan.remove.map((u) => u.id)).toEqual(['*1']);
  });
});
