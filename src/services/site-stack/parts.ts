/**
 * The parts each mode chooses (the mode itself is told apart in mode.ts). A site is driven over the router's API,
 * or through RADIUS (the router asks FreeRADIUS at each login and reports its accounting there). Three things
 * differ, and only these:
 *
 * - the usage **source**: the router's queue counters and hotspot sessions, or FreeRADIUS's accounting;
 * - the **enforcer**: simple queues, logouts and byte limits written over the API, or CoA and Disconnect packets;
 * - the **logins**: where a voucher lives as something a device logs in with, a hotspot user on the router or
 *   FreeRADIUS's `radcheck`/`radreply` rows, each brought in line with the vouchers after a change (and, for
 *   RADIUS, by the enforcer at every poll, from that poll's decision); and with them, how the portal's redemption
 *   logs a device in (over the API, or by the router asking FreeRADIUS, which works while this controller cannot
 *   reach the router);
 * - the **sessions**: how self-service (a pause, a move, a top-up) finds a code's devices online, ends their
 *   sessions or gives them the code's new time: the router's hotspot over the API, or CoA and Disconnect.
 *
 * The ledger, the policy, the reports, the portal and the stack's start()/stop() are every site's
 * (createSiteStack, index.ts). A new mode (or a second router vendor) adds its parts here and its name in
 * mode.ts: every other module asks a neutral question (where do logins live, may a code be redeemed without the
 * router, does the site's router ask RADIUS).
 */
import { nextStamp } from '../../lib/stamp';
import type { Knex } from 'knex';
import { maskCode, type Logger } from '../../lib/logger';
import type { Clock } from '../../lib/clock';
import type { RouterClient } from '../../router/types';
import type { ProfileService } from '../profiles/types';
import { recordEvent } from '../events';
import { syncRadiusAccounts } from '../radius/accounts';
import { accountingSource } from '../radius/accounting-source';
import { coaEnforcer, type CoaTarget } from '../radius/coa-enforcer';
import { radiusLogins } from '../radius/logins';
import { pppLoginAt, subscribersOnlineAt } from '../radius/ppp-sessions';
import { radiusSessions } from '../radius/sessions';
import { unknownAccounting } from '../radius/status';
import { radiusLogin, routerLogin, type DeviceLogin } from '../redemption';
import type { SiteRef } from '../deps';
import type { RouterBinding } from '../router-binding';
import type { CredentialsBox } from '../sites/credentials';
import type { SiteMode, SiteRow } from '../sites/types';
import { asksRadius } from './mode';
import type { Enforcer } from '../usage/enforcer';
import { readPollState } from '../usage/persist';
import { routerPair } from '../usage/router-pair';
import type { UsageSource } from '../usage/source';
import { createHotspotUsers, routerLogins, routerSessions, type HotspotUsers } from '../hotspot-users';
import type { Logins } from '../vouchers/logins';
import type { Sessions } from '../vouchers/sessions';
import type { ManagedHotspot } from '../../router/hotspot';
import {
  createPppSubscribers,
  pppSessionsRead,
  type PppSubscribers,
  type PppSubscribersDeps,
} from '../ppp-subscribers';
import { createRadiusSubscribers, type RadiusSubscribers } from '../radius-subscribers';

export type { LoginChange, Logins } from '../vouchers/logins';
export type { Sessions } from '../vouchers/sessions';

/** The parts a mode chooses. */
export interface ModeParts {
  /** Where the site's usage comes from: the router's counters over the API, or FreeRADIUS's accounting. */
  source: UsageSource;
  /** How the poll's decisions reach the network: queues, sessions and byte limits over the API, or CoA. */
  enforcer: Enforcer;
  /**
   * Whether the usage waits for the router binding: false while the database does not know the router (safe
   * mode), when the cycle books the router's counters and writes our objects there.
   */
  routerReady?: () => Promise<boolean>;
  /** The router booted since the last poll (its logins may have gone with a reset). */
  onRouterRebooted?: () => void;
  /** A poll's bytes changed subscribers' speeds (a FUP threshold or a cap crossed): whoever applies them checks. */
  onSubscriberSpeeds?: (subscriberIds: number[]) => void;
  logins: Logins;
  /** The poll's enforcer writes the logins from the poll's own decision: the stack does not sync them after it. */
  loginsWrittenByPoll?: boolean;
  /** How the portal's redemption logs a device in. */
  login: DeviceLogin;
  /** How self-service reaches a code's sessions (ends them, gives them the code's new time). */
  sessions: Sessions;
  /** An API site's hotspot users room (push, sync, check); absent: the site's logins are not router users. */
  hotspotUsers?: HotspotUsers;
  /**
   * Whether the poll reads the router over this controller's connection: its cadence then begins at the
   * connection; otherwise at start(), whether a connection is ever made or not.
   */
  pollNeedsRouter: boolean;
  /** After a cycle that ran, before the logins are brought in line; `from`: the previous cycle's time. */
  afterCycle?(from: number): Promise<void>;
  /** At the stack's start(), before its poll begins. */
  atStart?(): Promise<void>;
  /** At the stack's stop(), before its poll stops. */
  atStop?(): Promise<void>;
  /** An API site's subscribers on its router (PPP profiles and secrets); absent on a RADIUS site. */
  pppSubscribers?: PppSubscribers;
  /**
   * The login whose PPP session was given this address (the router's `/ppp/active`, or FreeRADIUS's open
   * accounting), or null; throws when that cannot be read now (the router is down).
   */
  pppLoginAt(address: string): Promise<string | null>;
  /** The site's subscribers online as last seen, without a read of the router; undefined: not known. */
  subscribersOnline(): Promise<{ count: number | undefined; stamp: number }>;
  /** A RADIUS site's subscribers (FreeRADIUS rows, CoA and Disconnect); absent on an API site. */
  radiusSubscribers?: RadiusSubscribers;
}

/** What a site's parts are built from: the stack's pieces, the shop's shared ones. */
export interface ModeContext {
  db: Knex;
  clock: Clock;
  profiles: ProfileService;
  /** The site's log. */
  log: Logger;
  site: SiteRef;
  /** The site's own time zone, else the shop's as it is now (the owner may change it while the server runs). */
  tz: () => string;
  router: RouterClient;
  hotspot: ManagedHotspot;
  binding: RouterBinding;
  /** Whether the router's API is this controller's (false: a RADIUS site without API access). */
  apiAccess: boolean;
  /** Opens the RADIUS secret (absent: a face that sends no CoA, as the terminal). */
  box?: CredentialsBox;
  /** The site's poll now (after a change the router must be told at once). */
  pollNow(): Promise<unknown>;
  onPacket?(p: { type: 'coa' | 'disconnect'; result: 'ack' | 'nak' | 'timeout' | 'error' }): void;
  /** The subscriber service's change listener, shop-wide (absent: none in this process). */
  subscriberChanges?: PppSubscribersDeps['subscriberChanges'];
  /** Whether this process runs the site's background work (the server; not the terminal). */
  runsJobs: boolean;
}

/** The one choice: a site's parts by its mode. */
export function siteParts(mode: SiteMode, c: ModeContext, nasAddress: string | null | undefined): ModeParts {
  return asksRadius({ mode }) ? radiusParts(c, nasAddress ?? '') : apiParts(c);
}

/**
 * The logins of a site this process does not drive now (the terminal, a site not connected yet): FreeRADIUS's
 * rows are written all the same (the database is all they need); a router's users wait for its connection.
 */
export async function storedSiteLogins(
  d: { db: Knex; clock: Clock; profiles: ProfileService; log: Logger; tz: () => string },
  siteId: number,
): Promise<Logins> {
  const row = (await d.db('sites').where({ id: siteId }).first('id', 'name', 'mode', 'tz')) as
    Pick<SiteRow, 'id' | 'name' | 'mode' | 'tz'> | undefined;
  const site: SiteRef = { id: siteId, name: row?.name ?? String(siteId) };
  if (asksRadius(row))
    return radiusLogins({ ...d, now: () => d.clock.now(), tz: () => row?.tz ?? d.tz(), site });
  return routerLogins({ db: d.db, site, log: d.log });
}

/** An API site: its router's counters and queues, and hotspot users on its router. */
function apiParts(c: ModeContext): ModeParts {
  const users = createHotspotUsers(c);
  const ppp = c.box && createPppSubscribers({ ...c, box: c.box });
  // The source and the enforcer share the poll's one read of the router's queues and sessions.
  // Subscribers' PPP sessions are read in the same round, and booked by the same poll.
  const subscribers = pppSessionsRead(c);
  const { source, enforcer } = routerPair(c.hotspot, () => c.clock.now(), undefined, subscribers);
  return {
    source,
    enforcer,
    routerReady: () => c.binding.ready(),
    // A reboot may have been a reset: the users sync after this cycle checks every hotspot user.
    onRouterRebooted: () => {
      users.requestCheck('router rebooted');
      ppp?.requestCheck('router rebooted');
    },
    onSubscriberSpeeds: () => ppp?.requestCheck('subscriber usage crossed a threshold'),
    logins: routerLogins({ ...c, users }),
    login: routerLogin,
    sessions: routerSessions(c),
    hotspotUsers: users,
    pppSubscribers: ppp,
    // Without the PPP room (a face with no credentials key: the terminal) no address is known to be a subscriber's.
    pppLoginAt: async (address) => (ppp ? ppp.loginAt(address) : null),
    subscribersOnline: async () => ppp?.onlineSeen() ?? { count: undefined, stamp: 0 },
    pollNeedsRouter: true,
    async atStart() {
      if (c.runsJobs) ppp?.start();
    },
    atStop: async () => ppp?.stop(),
  };
}

/** A RADIUS site: FreeRADIUS's accounting, CoA and Disconnect, and its codes as FreeRADIUS users. */
function radiusParts(c: ModeContext, nasAddress: string): ModeParts {
  const { db, clock, site } = c;
  const radiusLog = c.log.child({ module: 'radius' });
  // The site's address, port and secret are read at each use: an edit on the Sites page applies at the next send.
  const target = async (): Promise<CoaTarget> => {
    const r = (await db('sites').where({ id: site.id }).first()) as SiteRow | undefined;
    if (!r?.nas_address || !r.radius_secret_enc)
      throw new Error(`site ${site.name} has no RADIUS router set`);
    if (!c.box) throw new Error(`site ${site.name}: no key to open its RADIUS secret here`);
    return { host: r.nas_address, port: r.coa_port ?? 3799, secret: c.box.open(r.radius_secret_enc, r.name) };
  };
  /** User names already told about (an event each, once per run of the controller). */
  const strangers = new Set<string>();
  const logins = radiusLogins({ ...c, now: () => clock.now() });
  const subscribers =
    c.box &&
    createRadiusSubscribers({
      ...c,
      box: c.box,
      nasAddress,
      target,
      now: () => clock.now(),
      onPacket: c.onPacket,
    });
  const checkSubscribers = (reason: string) =>
    subscribers
      ?.check(reason)
      .catch((err: Error) => radiusLog.warn({ reason, err: err.message }, 'subscribers not checked'));
  return {
    source: accountingSource({
      db,
      nasAddress,
      lastBooked: async () => (await readPollState(db, site.id)).lastPollAt,
    }),
    enforcer: coaEnforcer({
      db,
      target,
      log: radiusLog,
      now: () => clock.now(),
      onPacket: c.onPacket,
      // With the router's API, a top-up reaches a running session: its devices log in again by MAC and IP.
      relogin: c.apiAccess ? routerSessions(c).relogin : undefined,
      // Every poll writes the logins from its own decision: the policy is not asked again after it.
      writeLogins: async (decided) =>
        (
          await syncRadiusAccounts(
            { db, profiles: c.profiles, now: clock.now(), tz: c.tz() },
            { siteId: site.id },
            decided,
          )
        ).written,
    }),
    logins,
    // The poll's enforcer writes the logins from its own decision: the stack does not sync them after a poll.
    loginsWrittenByPoll: true,
    login: radiusLogin(() => c.apiAccess),
    sessions: radiusSessions({
      db,
      nasAddress,
      target,
      log: radiusLog,
      now: () => clock.now(),
      onPacket: c.onPacket,
      api: c.apiAccess ? routerSessions(c) : undefined,
    }),
    pollNeedsRouter: false,
    pppLoginAt: (address) => pppLoginAt(db, nasAddress, address),
    // Read now from FreeRADIUS's accounting: as fresh as anything the poll saw.
    subscribersOnline: async () => ({
      count: await subscribersOnlineAt(db, nasAddress, site.id),
      stamp: nextStamp(),
    }),
    radiusSubscribers: subscribers,
    async atStart() {
      // The codes sold while the controller was away are FreeRADIUS users before the first poll.
      await logins
        .sync()
        .catch((err: Error) => radiusLog.error({ err: err.message }, 'could not write the FreeRADIUS users'));
      await checkSubscribers('start');
      if (c.runsJobs) subscribers?.start();
    },
    atStop: async () => subscribers?.stop(),
    async afterCycle(from) {
      await checkSubscribers('after poll');
      const names = await unknownAccounting(db, nasAddress, { since: from - 300_000, limit: 20 }).catch(
        (err: Error) => {
          radiusLog.warn({ err: err.message }, 'could not read the accounting of unknown codes');
          return [] as string[];
        },
      );
      for (const name of names.filter((n) => !strangers.has(n)).slice(0, 10)) {
        strangers.add(name);
        await recordEvent(db, clock, {
          kind: 'radius-unknown-code',
          level: 'warn',
          message: `Router of site ${site.name}: accounting for "${maskCode(name)}", which is no code of this shop; kept in radacct, booked to nobody`,
          data: { site: site.name },
        });
      }
    },
  };
}
