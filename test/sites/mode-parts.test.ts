/**
 * A site's parts, grouped by job (usage, enforcement, logins, sessions, lifecycle), are all there in both modes
 * and whether or not this face can open a site's secrets: where a mode has nothing to do (an API site's RADIUS
 * subscribers, a RADIUS site's hotspot users and PPP room), its part is present and does nothing — no router
 * command, no row written.
 */
import { createRouterClient } from '../../src/router/client';
import { createManagedHotspot } from '../../src/router/hotspot';
import { createAuditService } from '../../src/services/business/audit';
import { createRouterBinding } from '../../src/services/network/router-binding';
import { createSettingsService } from '../../src/services/business/settings';
import { siteParts } from '../../src/services/network/site-stack/choose';
import type { ModeContext, ModeParts } from '../../src/services/network/site-stack/parts';
import type { CredentialsBox } from '../../src/services/business/sites/credentials';
import type { CycleReport } from '../../src/services/types';
import type { DesiredLimits } from '../../src/domain/policy';
import { createHarness, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const box = { open: () => 'secret', seal: () => 'sealed' } as unknown as CredentialsBox;

/** A site's context on a client that is never started: any read or write of its router would fail. */
function context(withBox: boolean): ModeContext {
  const { config, db, clock, log } = h.core!;
  const audit = createAuditService(db, clock);
  const site = { id: 9, name: 'annex' };
  const router = createRouterClient({
    host: '',
    port: 0,
    user: '',
    password: '',
    tls: false,
    timeoutSeconds: 1,
    logger: log,
  });
  const hotspot = createManagedHotspot(router, {
    hotspotServer: config.hotspotServer,
    hotspotUserProfile: config.hotspotUserProfile,
  });
  const settings = createSettingsService(db, clock, audit);
  const binding = createRouterBinding({
    config,
    db,
    reader: db,
    clock,
    log,
    audit,
    settings,
    router,
    hotspot,
    site,
  });
  return {
    db,
    clock,
    profiles: h.core!.services.profiles,
    log,
    site,
    tz: () => config.tz,
    router,
    hotspot,
    binding,
    apiAccess: false,
    box: withBox ? box : undefined,
    pollNow: async () => undefined,
    pollSeconds: () => config.usagePollSeconds,
    runsJobs: false,
  };
}

const JOBS: Record<keyof ModeParts, string[]> = {
  usage: ['onRouterRebooted', 'pollNeedsRouter', 'routerReady', 'source'],
  enforcement: ['enforcer', 'writesLogins'],
  logins: ['device', 'hotspotUsers', 'ppp', 'radius', 'vouchers'],
  sessions: ['pppLoginAt', 'subscribersOnline', 'vouchers'],
  lifecycle: ['cycle', 'start', 'stop'],
};

describe.each([
  ['api', true],
  ['api', false],
  ['radius', true],
  ['radius', false],
] as const)('%s site (a key to its secrets: %s)', (mode, withBox) => {
  const parts = () => siteParts(mode, context(withBox), '127.0.0.9');

  it('has every part of every job, none missing by mode', () => {
    const p = parts();
    expect(Object.keys(p).sort()).toEqual(Object.keys(JOBS).sort());
    for (const [job, names] of Object.entries(JOBS)) {
      const group = p[job as keyof ModeParts] as unknown as Record<string, unknown>;
      expect([job, Object.keys(group).sort()]).toEqual([job, names]);
      for (const name of names) expect([job, name, group[name]]).not.toEqual([job, name, undefined]);
    }
  });

  it("runs the poll's cycle once through its lifecycle and gives back its report", async () => {
    const p = parts();
    const report = { skipped: 'safe-mode' } as unknown as CycleReport;
    const run = jest.fn(async () => report);
    await expect(p.lifecycle.cycle(run)).resolves.toBe(report);
    expect(run).toHaveBeenCalledTimes(1);
  });
});

const blocked: DesiredLimits = { state: 'blocked', rateUp: 0, rateDown: 0, offpeak: false, reason: 'cap' };

test('the parts a mode has nothing to do with do nothing: no router command, no FreeRADIUS table read', async () => {
  // An API site's RADIUS subscribers: a real check would read FreeRADIUS's accounting (no such table here).
  const api = siteParts('api', context(true), '127.0.0.9');
  expect(await api.logins.radius.check()).toEqual({
    written: 0,
    removed: 0,
    changed: 0,
    ended: 0,
    failed: 0,
  });
  await api.logins.radius.applySpeeds(new Map([[1, { service: false, tier: null, limits: blocked }]]));
  api.logins.radius.start();
  await api.logins.radius.stop();

  // A RADIUS site's hotspot users and PPP room: a real check would read the router, which was never started.
  const c = context(true);
  const radius = siteParts('radius', c, '127.0.0.9');
  expect(await radius.logins.hotspotUsers.check()).toMatchObject({
    vouchers: 0,
    usersOnRouter: 0,
    roundTrips: 0,
  });
  expect(await radius.logins.hotspotUsers.sync()).toEqual({ created: 0, pending: 0 });
  expect(await radius.logins.ppp.check()).toMatchObject({ added: 0, removed: 0, failed: 0 });
  expect(radius.logins.ppp.onlineSeen()).toEqual({ count: undefined, stamp: 0 });
  expect(await radius.usage.routerReady()).toBe(true);
  radius.usage.onRouterRebooted();
  await radius.logins.ppp.applySpeeds(new Map([[1, { service: false, tier: null, limits: blocked }]]));
  expect(c.router.stats.commands).toBe(0);

  // An API site seen from a face without the key (the terminal): no address is known to be a subscriber's.
  const terminal = siteParts('api', context(false), '127.0.0.9');
  await expect(terminal.sessions.pppLoginAt('10.10.0.5')).resolves.toBeNull();
  await expect(terminal.sessions.subscribersOnline()).resolves.toEqual({ count: undefined, stamp: 0 });
  await expect(terminal.logins.ppp.check()).resolves.toMatchObject({ added: 0, conflicts: [] });
});
