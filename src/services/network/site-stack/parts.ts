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
 * The parts are grouped by job (usage, enforcement, logins, sessions, lifecycle), and every part is there in
 * every mode: where a mode has nothing to do (an API site's RADIUS subscribers, a RADIUS site's hotspot users),
 * its part is present and does nothing (idle.ts). An API site's are built in api-parts.ts, a RADIUS site's in
 * radius-parts.ts, the choice between them in choose.ts. The ledger, the policy, the reports, the portal and the
 * stack's start()/stop() are every site's (createSiteStack, index.ts). A new mode (or a second router vendor)
 * adds its parts beside these and its name in mode.ts: every other module asks a neutral question (where do
 * logins live, may a code be redeemed without the router, does the site's router ask RADIUS).
 */
import type { Knex } from 'knex';
import type { Logger } from '../../../lib/logger';
import type { Clock } from '../../../lib/clock';
import type { RouterClient } from '../../../router/types';
import type { ManagedHotspot } from '../../../router/hotspot';
import type { ProfileService } from '../../shop/profiles/types';
import type { DeviceLogin } from '../../shop/redemption';
import type { SiteRef } from '../../deps';
import type { RouterBinding } from '../router-binding';
import type { CredentialsBox } from '../../business/sites/credentials';
import type { CycleReport } from '../../types';
import type { Enforcer } from '../usage/enforcer';
import type { UsageSource } from '../usage/source';
import type { HotspotUsers } from '../hotspot-users';
import type { Logins } from '../../shop/vouchers/logins';
import type { Sessions } from '../../shop/vouchers/sessions';
import type { PppSubscribers, PppSubscribersDeps } from '../ppp-subscribers';
import type { RadiusSubscribers } from '../radius-subscribers';

export type { Logins } from '../../shop/vouchers/logins';
export type { Sessions } from '../../shop/vouchers/sessions';

/** The parts a mode chooses, by job. */
export interface ModeParts {
  usage: UsageParts;
  enforcement: EnforcementParts;
  logins: LoginParts;
  sessions: SessionParts;
  lifecycle: LifecycleParts;
}

/** Where the poll's usage comes from, and when it may be booked. */
export interface UsageParts {
  /** The router's counters over the API, or FreeRADIUS's accounting. */
  source: UsageSource;
  /**
   * Whether the usage may be booked now: false while the database does not know the router (safe mode), when
   * the cycle would book the router's counters and write our objects there. A RADIUS site's always may.
   */
  routerReady(): Promise<boolean>;
  /**
   * Whether the poll reads the router over this controller's connection: its cadence then begins at the
   * connection; otherwise at start(), whether a connection is ever made or not.
   */
  pollNeedsRouter: boolean;
  /** The router booted since the last poll (its logins may have gone with a reset). */
  onRouterRebooted(): void;
}

/** How the poll's decisions reach the network. */
export interface EnforcementParts {
  /**
   * Queues, sessions and byte limits over the API, or CoA; and the subscribers' speeds the poll decided, as their
   * PPP secrets' tier profiles or their FreeRADIUS rows and a CoA.
   */
  enforcer: Enforcer;
  /** The enforcer writes the logins from the poll's own decision: the stack does not sync them after a poll. */
  writesLogins: boolean;
}

/** Where the site's customers live as something a device logs in with, and the rooms that keep them. */
export interface LoginParts {
  /** The vouchers' logins: hotspot users on the router, or FreeRADIUS rows. */
  vouchers: Logins;
  /** How the portal's redemption logs a device in. */
  device: DeviceLogin;
  /** An API site's hotspot users room (push, sync, check); a RADIUS site's does nothing. */
  hotspotUsers: HotspotUsers;
  /** An API site's subscribers on its router (PPP profiles and secrets); elsewhere, or without a key, does nothing. */
  ppp: PppSubscribers;
  /** A RADIUS site's subscribers (FreeRADIUS rows, CoA and Disconnect); elsewhere, or without a key, does nothing. */
  radius: RadiusSubscribers;
}

/** How the site's running sessions are found and reached. */
export interface SessionParts {
  /** How self-service reaches a code's sessions (ends them, gives them the code's new time). */
  vouchers: Sessions;
  /**
   * The login whose PPP session was given this address (the router's `/ppp/active`, or FreeRADIUS's open
   * accounting), or null; throws when that cannot be read now (the router is down).
   */
  pppLoginAt(address: string): Promise<string | null>;
  /** The site's subscribers online as last seen, without a read of the router; undefined: not known. */
  subscribersOnline(): Promise<{ count: number | undefined; stamp: number }>;
}

/** What the mode does at the stack's start, with each poll cycle, and at its stop. */
export interface LifecycleParts {
  /** At the stack's start(), before its poll begins. */
  start(): Promise<void>;
  /** One poll cycle (`run`), with the mode's step after a cycle that ran. */
  cycle(run: () => Promise<CycleReport>): Promise<CycleReport>;
  /** At the stack's stop(), before its poll stops. */
  stop(): Promise<void>;
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
  /**
   * The site's poll now (after a change the router must be told at once): here, or by the server holding the site's
   * lease, which this one asks (several servers on one database).
   */
  pollNow(): Promise<unknown>;
  /** The usage poll's interval now, in seconds. */
  pollSeconds(): number;
  onPacket?(p: { type: 'coa' | 'disconnect'; result: 'ack' | 'nak' | 'timeout' | 'error' }): void;
  /** The subscriber service's change listener, shop-wide (absent: none in this process). */
  subscriberChanges?: PppSubscribersDeps['subscriberChanges'];
  /** Whether this process runs the site's background work (the server; not the terminal). */
  runsJobs: boolean;
}
