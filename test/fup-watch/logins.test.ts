/**
 * Logins and logouts as they happen (usage/fup-watch-logins.ts): with the watch on, the router's `/ip/hotspot/active`
 * and `/ppp/active` are followed (`print =follow-only=`), so a session that begins between two polls near its
 * threshold joins the watch set at once, and one that ends leaves it, instead of waiting for the next poll.
 * Hotspot plan FUP: 2M/4M, fair use at 100M. PPPoE plan HOMEF: 5M/10M (1.875 MB/s at most), fair use at 100M.
 */
import { createHarness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';
import { addSubscriber, ownersSetUp, PROFILES } from '../subscribers/helpers';
import {
  advance,
  Harness,
  loginOnRouter,
  queueOf,
  routerBack,
  seedVoucher,
  usageHarness,
  voucher,
} from '../usage/helpers';

const MB = 1_000_000;
let h: Harness;

const usage = () => h.core!.services.usage;
const poll = () => usage().runCycle();
const watch = () => usage().watch!();
const follower = () => usage().logins!;
const printed = (path: string) => h.sim.stats.commandsByPath[path] ?? 0;

afterEach(async () => {
  await h.core?.services.usage.logins?.stop();
  await h.close();
});

describe('hotspot devices', () => {
  const MAC = '02:00:00:00:00:01';
  const SLOWED = '256000/512000';

  beforeEach(async () => {
    h = await usageHarness();
  });

  /** A device at 85 MB counted after a poll, online: 15 MB from its threshold. */
  async function nearTheLine(): Promise<string> {
    const code = await seedVoucher(h, 'FUP');
    await loginOnRouter(h, code, MAC, '10.5.50.11');
    await poll();
    h.sim.addTraffic(MAC, { up: 0, down: 85 * MB }, 300);
    advance(h, 300);
    await poll();
    expect(Number((await voucher(h, code)).counted_bytes)).toBe(85 * MB);
    return code;
  }

  test('a logout leaves the watch set at once; the same device back before the poll joins again and is slowed', async () => {
    const code = await nearTheLine();
    follower().start();
    await waitFor(() => follower().stats.open);
    advance(h, 1);
    expect(await watch()).toMatchObject({ watched: 1 });
    const session = h.sim.rows('/ip/hotspot/active').find((s) => s.user === code)!;
    await h.router.hotspotLogout([String(session['.id'])]);
    await waitFor(() => follower().stats.logouts === 1);
    advance(h, 1);
    // Not read any more: before, its queue was read until the next poll.
    expect(await watch()).toMatchObject({ watched: 0, rows: 0 });
    // Back on the router's own page before the poll removed its queue: read again, and slowed at its crossing.
    await h.router.hotspotLogin({ user: code, password: code, mac: MAC, ip: '10.5.50.11' });
    await waitFor(() => follower().stats.joined === 1);
    h.sim.addTraffic(MAC, { up: 5_100_000, down: 10_100_000 }, 21);
    advance(h, 21);
    expect(await watch()).toMatchObject({ watched: 1, enforced: 1 });
    expect(queueOf(h, MAC)?.['max-limit']).toBe(SLOWED);
  });

  test('a lost stream falls back to the poll and comes back: a logout after it leaves the set again', async () => {
    const code = await nearTheLine();
    follower().start();
    await waitFor(() => follower().stats.open);
    h.sim.setReachable(false);
    await waitFor(() => follower().stats.ends >= 1 && !follower().stats.open);
    h.sim.setReachable(true);
    await routerBack(h);
    await waitFor(() => follower().stats.open, 20_000);
    advance(h, 1);
    expect(await watch()).toMatchObject({ watched: 1 });
    const session = h.sim.rows('/ip/hotspot/active').find((s) => s.user === code)!;
    await h.router.hotspotLogout([String(session['.id'])]);
    await waitFor(() => follower().stats.logouts === 1);
    advance(h, 1);
    expect(await watch()).toMatchObject({ watched: 0 });
  });

  test('FUP_WATCH=off opens no stream', async () => {
    await nearTheLine();
    h.core!.config.fupWatch.enabled = false;
    const before = printed('/ip/hotspot/active/print') + printed('/ppp/active/print');
    follower().start();
    await h.router.print('/system/identity');
    expect(follower().stats).toMatchObject({ open: false, rows: 0 });
    expect(printed('/ip/hotspot/active/print') + printed('/ppp/active/print')).toBe(before);
  });
});

describe('PPPoE subscribers', () => {
  const PLAN = {
    name: 'HOMEF',
    billing: 'monthly',
    price: 999,
    rate_up: '5M',
    rate_down: '10M',
    fup: { threshold: '100M', rate_up: '1M', rate_down: '2M' },
  };
  const USER = 'maria.fup';
  const CPE = { mac: 'aa:bb:cc:00:64:01', user: USER, password: `${USER}-pass-1` };
  const secret = () => h.sim.rows('/ppp/secret').find((r) => r.name === USER);
  const fullSpeed = (seconds: number) =>
    h.sim.pppoe.addTraffic(USER, { up: 625_000 * seconds, down: 1_250_000 * seconds }, seconds);

  beforeEach(async () => {
    h = await createHarness({ http: true, profiles: [...PROFILES, PLAN], env: { FUP_WATCH: 'on' } });
    await ownersSetUp(h);
  });

  /** 70 MB counted in its cycle, offline at the last poll: 30 MB from its threshold, not watched. */
  async function nearTheLineOffline(): Promise<void> {
    await addSubscriber(h, {
      username: USER,
      password: CPE.password,
      mobile: '09171230064',
      profile: 'HOMEF',
    });
    await waitFor(() => secret() !== undefined);
    expect(await h.sim.pppoe.autoRedial(CPE, 50)).toMatchObject({ ok: true });
    await poll();
    h.sim.pppoe.addTraffic(USER, { up: 0, down: 70 * MB }, 60);
    advance(h, 30);
    await poll();
    h.sim.pppoe.hangUp(CPE.mac);
    advance(h, 1);
    await poll();
    advance(h, 1);
    expect(await watch()).toMatchObject({ subscribers: { watched: 0 } });
  }

  test('a login between two polls near the threshold joins the watch set and is slowed before the next poll', async () => {
    await nearTheLineOffline();
    follower().start();
    await waitFor(() => follower().stats.open);
    expect(await h.sim.pppoe.autoRedial(CPE, 50)).toMatchObject({ ok: true });
    await waitFor(() => follower().stats.joined === 1);
    let enforcedAt: number | undefined;
    // 30 MB at 1.875 MB/s: 16 s. The next poll is due 29 s from here.
    for (let i = 0; i < 25 && enforcedAt === undefined; i++) {
      fullSpeed(1);
      advance(h, 1);
      const tick = (await watch()).subscribers!;
      expect(tick.watched).toBe(1);
      if (tick.enforced > 0) enforcedAt = i;
    }
    expect(enforcedAt).toBeLessThanOrEqual(17);
    expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF.fup' });
  });

  test('a session moving bytes sends no row on the follow: only logins and logouts cost rows', async () => {
    await nearTheLineOffline();
    follower().start();
    await waitFor(() => follower().stats.open);
    await h.sim.pppoe.autoRedial(CPE, 50);
    await waitFor(() => follower().stats.joined === 1);
    const rows = follower().stats.rows;
    for (let i = 0; i < 5; i++) {
      h.sim.pppoe.addTraffic(USER, { up: 100_000, down: 200_000 }, 1);
      advance(h, 1);
      await watch();
    }
    await h.router.print('/system/identity');
    expect(follower().stats.rows).toBe(rows);
  });

  test('a logout leaves the watch set at once', async () => {
    await nearTheLineOffline();
    follower().start();
    await waitFor(() => follower().stats.open);
    await h.sim.pppoe.autoRedial(CPE, 50);
    await waitFor(() => follower().stats.joined === 1);
    advance(h, 1);
    expect((await watch()).subscribers).toMatchObject({ watched: 1 });
    h.sim.pppoe.hangUp(CPE.mac);
    await waitFor(() => follower().stats.logouts === 1);
    advance(h, 1);
    expect((await watch()).subscribers).toMatchObject({ watched: 0, rows: 0 });
  });

  test('a lost stream falls back to the poll and comes back with the router', async () => {
    await nearTheLineOffline();
    follower().start();
    await waitFor(() => follower().stats.open);
    h.sim.setReachable(false);
    await waitFor(() => follower().stats.ends >= 1 && !follower().stats.open);
    // Meanwhile the poll carries on alone: a tick reads nothing.
    advance(h, 1);
    expect((await watch()).subscribers).toMatchObject({ watched: 0 });
    h.sim.setReachable(true);
    await routerBack(h);
    await waitFor(() => follower().stats.open, 20_000);
    await h.sim.pppoe.autoRedial(CPE, 50);
    await waitFor(() => follower().stats.joined === 1);
    advance(h, 1);
    expect((await watch()).subscribers).toMatchObject({ watched: 1 });
  });
});
