/**
 * A RADIUS site's parts (parts.ts): FreeRADIUS's accounting, CoA and Disconnect, its codes and its subscribers as
 * FreeRADIUS users. Its hotspot users and its PPP subscribers' room do nothing: the router asks FreeRADIUS.
 */
import { maskCode, type Logger } from '../../../lib/logger';
import { nextStamp } from '../../../lib/stamp';
import { recordEvent } from '../../business/events';
import { voidUnfollowedAccepts } from '../radius/accepts';
import { syncRadiusAccounts } from '../radius/accounts';
import { accountingSource } from '../radius/accounting-source';
import { coaEnforcer, type CoaTarget } from '../radius/coa-enforcer';
import { radiusLogins } from '../radius/logins';
import { pppLoginAt, subscribersOnlineAt } from '../radius/ppp-sessions';
import { radiusSessions } from '../radius/sessions';
import { unknownAccounting } from '../radius/status';
import { createRadiusSubscribers, type RadiusSubscribers } from '../radius-subscribers';
import { radiusLogin } from '../../shop/redemption';
import type { SiteRow } from '../../business/sites/types';
import { routerSessions } from '../hotspot-users';
import { withSubscriberSpeeds, type Enforcer } from '../usage/enforcer';
import { readPollState } from '../usage/persist';
import { routerSubscriberCounters } from '../usage/subscriber-watch-source';
import { idleHotspotUsers, idlePppSubscribers, idleRadiusSubscribers } from './idle';
import type { LifecycleParts, Logins, ModeContext, ModeParts } from './parts';

/** What a RADIUS site's parts share: its context, its CoA target, its RADIUS log. */
interface RadiusSite {
  c: ModeContext;
  nasAddress: string;
  target: () => Promise<CoaTarget>;
  log: Logger;
}

export function radiusParts(c: ModeContext, nasAddress: string): ModeParts {
  const r: RadiusSite = { c, nasAddress, target: coaTarget(c), log: c.log.child({ module: 'radius' }) };
  const logins = radiusLogins({ ...c, now: () => c.clock.now() });
  const subscribers = radiusSubscribers(r);
  return {
    usage: {
      source: {
        ...accountingSource({
          db: c.db,
          nasAddress,
          lastBooked: async () => (await readPollState(c.db, c.site.id)).lastPollAt,
        }),
        // With the router's API, the fair-use watch reads subscribers near a threshold between interim updates, and
        // their new speeds go by CoA; without it, fair use acts at the interim updates the accounting brings.
        ...(c.apiAccess
          ? { readSubscribers: routerSubscriberCounters(c.router, () => c.clock.now(), false) }
          : {}),
      },
      routerReady: async () => true,
      pollNeedsRouter: false,
      onRouterRebooted: () => undefined,
    },
    // The poll's enforcer writes the logins from its own decision: the stack does not sync them after a poll.
    // The speeds the poll decided reach the subscribers' rows and sessions through their room; every subscriber is
    // checked after every poll too (the lifecycle's cycle), to put right what drifted.
    enforcement: { enforcer: withSubscriberSpeeds(enforcer(r), subscribers.applySpeeds), writesLogins: true },
    logins: {
      vouchers: logins,
      device: radiusLogin(() => c.apiAccess),
      hotspotUsers: idleHotspotUsers(),
      ppp: idlePppSubscribers(),
      radius: subscribers,
    },
    sessions: {
      vouchers: radiusSessions({
        db: c.db,
        nasAddress,
        target: r.target,
        log: r.log,
        now: () => c.clock.now(),
        onPacket: c.onPacket,
        api: c.apiAccess ? routerSessions(c) : undefined,
      }),
      pppLoginAt: (address) => pppLoginAt(c.db, nasAddress, address),
      // Read now from FreeRADIUS's accounting: as fresh as anything the poll saw.
      subscribersOnline: async () => ({
        count: await subscribersOnlineAt(c.db, nasAddress, c.site.id),
        stamp: nextStamp(),
      }),
    },
    lifecycle: lifecycle(r, logins, subscribers),
  };
}

/** Where CoA and Disconnect go: the site's address, port and secret, read at each use (an edit applies at once). */
function coaTarget(c: ModeContext): () => Promise<CoaTarget> {
  const { db, site } = c;
  return async () => {
    const row = (await db('sites').where({ id: site.id }).first()) as SiteRow | undefined;
    if (!row?.nas_address || !row.radius_secret_enc)
      throw new Error(`site ${site.name} has no RADIUS router set`);
    if (!c.box) throw new Error(`site ${site.name}: no key to open its RADIUS secret here`);
    return {
      host: row.nas_address,
      port: row.coa_port ?? 3799,
      secret: c.box.open(row.radius_secret_enc, row.name),
    };
  };
}

/** The subscribers' room; without a key to open the secret (the terminal) it does nothing. */
function radiusSubscribers(r: RadiusSite): RadiusSubscribers {
  const { c } = r;
  if (!c.box) return idleRadiusSubscribers();
  return createRadiusSubscribers({
    ...c,
    box: c.box,
    nasAddress: r.nasAddress,
    target: r.target,
    now: () => c.clock.now(),
    onPacket: c.onPacket,
  });
}

/** CoA and Disconnect from each poll's decision, which also writes the codes' FreeRADIUS rows. */
function enforcer(r: RadiusSite): Enforcer {
  const { c } = r;
  const { db, clock, site } = c;
  return coaEnforcer({
    db,
    target: r.target,
    log: r.log,
    now: () => clock.now(),
    onPacket: c.onPacket,
    // With the router's API, a top-up reaches a running session: its devices log in again by MAC and IP.
    relogin: c.apiAccess ? routerSessions(c).relogin : undefined,
    // Every poll writes the logins from its own decision: the policy is not asked again after it. What FreeRADIUS
    // noted at an Accept the router never used is taken back first, so those codes' rows are written again too.
    writeLogins: async (decided) => {
      await voidAccepts(r);
      const deps = { db, profiles: c.profiles, now: clock.now(), tz: c.tz() };
      return (await syncRadiusAccounts(deps, { siteId: site.id }, decided)).written;
    },
  });
}

/** Accepts no accounting followed (the router gave up on FreeRADIUS): they start no code and take no device. */
async function voidAccepts(r: RadiusSite): Promise<void> {
  const voided = await voidUnfollowedAccepts(r.c.db, r.c.site.id);
  for (const d of voided.devices) {
    const [code, mac] = d.split(' ');
    r.log.info(
      { voucher: maskCode(code), mac, validityTakenBack: voided.codes.includes(code) },
      `voucher ${maskCode(code)}: FreeRADIUS accepted ${mac} but the router never started a session; not counted`,
    );
  }
}

/** At start the codes and subscribers written; after each poll the subscribers checked and strangers told. */
function lifecycle(r: RadiusSite, logins: Logins, subscribers: RadiusSubscribers): LifecycleParts {
  const { c, log } = r;
  const checkSubscribers = (reason: string) =>
    subscribers
      .check(reason)
      .catch((err: Error) => log.warn({ reason, err: err.message }, 'subscribers not checked'));
  const strangers = unknownCodes(r);
  return {
    async start() {
      // The codes sold while the controller was away are FreeRADIUS users before the first poll.
      await logins
        .sync()
        .catch((err: Error) => log.error({ err: err.message }, 'could not write the FreeRADIUS users'));
      await checkSubscribers('start');
      if (c.runsJobs) subscribers.start();
    },
    async cycle(run) {
      // The accounting of unknown codes is looked for since the previous cycle (a day back on the first one).
      const from = (await readPollState(c.db, c.site.id)).lastPollAt ?? c.clock.now() - 86400_000;
      const report = await run();
      if (report.skipped) return report;
      await checkSubscribers('after poll')
        .then(() => strangers(from))
        .catch((err: Error) => c.log.warn({ err: err.message }, 'the step after the poll failed'));
      return report;
    },
    stop: () => subscribers.stop(),
  };
}

/** Accounting for a user name that is no code of the shop: an event each, once per run of the controller. */
function unknownCodes(r: RadiusSite): (from: number) => Promise<void> {
  const { c, log, nasAddress } = r;
  const { db, clock, site } = c;
  const told = new Set<string>();
  return async (from) => {
    const names = await unknownAccounting(db, nasAddress, { since: from - 300_000, limit: 20 }).catch(
      (err: Error) => {
        log.warn({ err: err.message }, 'could not read the accounting of unknown codes');
        return [] as string[];
      },
    );
    for (const name of names.filter((n) => !told.has(n)).slice(0, 10)) {
      told.add(name);
      await recordEvent(db, clock, {
        kind: 'radius-unknown-code',
        level: 'warn',
        message: `Router of site ${site.name}: accounting for "${maskCode(name)}", which is no code of this shop; kept in radacct, booked to nobody`,
        data: { site: site.name },
      });
    }
  };
}
