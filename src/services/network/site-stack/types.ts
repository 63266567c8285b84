/** What a site's stack is, and what it is built from (index.ts builds it). */
import type { SiteLeases } from '../../../db/site-leases';
import type { PeriodicJob } from '../../../jobs/periodic';
import type { ManagedHotspot } from '../../../router/hotspot';
import type { RouterClient } from '../../../router/types';
import type { ShopDeps, SiteDeps, SiteRef } from '../../deps';
import type { GuessLimiter } from '../../shop/guess-limiter';
import type { HotspotUsers } from '../hotspot-users';
import type { PppSubscribers, PppSubscribersDeps } from '../ppp-subscribers';
import type { RadiusSubscribers } from '../radius-subscribers';
import type { RouterBinding } from '../router-binding';
import type { RouterChecksService } from '../router-checks';
import type { SetupReport } from '../router-setup';
import type { HousekeepingService } from '../router-housekeeping';
import type { CredentialsBox } from '../../business/sites/credentials';
import type {
  BandwidthService,
  CycleReport,
  ProfileService,
  RedemptionService,
  RouterInfoService,
  UsageService,
  VoucherService,
} from '../../types';
import type { Logins, Sessions } from './parts';
import type { PollJobOptions } from './poll';

export interface SiteStack {
  site: SiteRef;
  /** What its services were built with: its router and hotspot, its log, its time zone. */
  deps: SiteDeps;
  router: RouterClient;
  /** Guarded: refuses writes while the binding is not ready (safe mode). */
  hotspot: ManagedHotspot;
  binding: RouterBinding;
  usage: UsageService & { close(): void };
  /** Its vouchers (generation for a site goes through the default service: sites/dispatch.ts). */
  vouchers: VoucherService;
  /** Where its vouchers live as logins (hotspot users on its router, or FreeRADIUS rows), as its mode chose. */
  logins: Logins;
  /** How self-service reaches its codes' sessions (the router's hotspot, or CoA and Disconnect). */
  sessions: Sessions;
  /** An API site's hotspot users (push, sync, check: src/services/network/hotspot-users); a RADIUS site's do nothing. */
  hotspotUsers: HotspotUsers;
  /** An API site's subscribers' PPP profiles and secrets (src/services/network/ppp-subscribers); on RADIUS: nothing. */
  pppSubscribers: PppSubscribers;
  /** The login whose PPP session holds this address, or null; throws when it cannot be read now. */
  pppLoginAt(address: string): Promise<string | null>;
  /** Its subscribers' PPP sessions online as last seen (no router read); undefined: not known. */
  subscribersOnline(): Promise<number | undefined>;
  /** A RADIUS site's subscribers (FreeRADIUS rows, CoA and Disconnect); an API site's do nothing. */
  radiusSubscribers: RadiusSubscribers;
  /** Whether this controller has the router's API (false: a RADIUS site without it; `router` never starts). */
  apiAccess: boolean;
  /** Whether its codes are redeemed while this controller cannot reach its router (the router asks FreeRADIUS). */
  redeemsWithoutRouter: boolean;
  redemption: RedemptionService;
  /** Its queues, its devices' limits, a logout there. */
  bandwidth: BandwidthService;
  /** Test and info of its router (identity, version, warnings). */
  info: RouterInfoService;
  checks: RouterChecksService;
  /** Its router's hosts, sessions, leases, log, resources, traffic and reboot. */
  housekeeping: HousekeepingService;
  /** Its poll job, when it has one (the server's stacks). */
  pollJob?: PeriodicJob;
  /** The site's poll followed by its logins brought in line; what the poll job runs. */
  pollOnce(): Promise<CycleReport>;
  start(): Promise<void>;
  /** Begins a 'when-asked' poll job's cadence now, with a run. */
  startPoll(): void;
  /** Stops the poll job and the fair-use watch's ticks (a cycle or tick running is waited for); startPoll again resumes. */
  stopPoll(): Promise<void>;
  stop(): Promise<void>;
}

/** What every site's services share: the shop's deps (config, database, clock, log, audit and settings). */
export type SiteStackBase = ShopDeps;

export interface SiteStackShared {
  profiles: ProfileService;
  /** Shared by every site's redemption (absent: the stack's own; the terminal redeems nothing). */
  limiter?: GuessLimiter;
  /** Which sites this server polls (several servers may share the database). */
  leases: SiteLeases;
  /** After each of the site's poll cycles, skipped or not (the live lists' cache). */
  cycled?: () => void;
  /** After each of the site's poll cycles that ran (the portal's queued codes and pauses of that site). */
  afterCycle?: (site: SiteRef) => Promise<void>;
  /** Opens a RADIUS site's secret for its CoA (absent: a face that sends none, as the terminal). */
  box?: CredentialsBox;
  /** The subscriber service's change listener: an API site's PPP room checks the router after each change. */
  subscriberChanges?: PppSubscribersDeps['subscriberChanges'];
  /** A site's router read against the setup the site needs (router-setup's check), for its router checks. */
  setupReport?: (siteId: number, router: RouterClient) => Promise<SetupReport>;
}

export interface SiteStackOptions {
  /** stop() stops the client, and start() starts it; else its holder does (the site monitor). */
  ownsClient: boolean;
  /** A poll job of its own (absent: none, as in the terminal). */
  poll?: PollJobOptions;
  /**
   * Whether this process polls the site (the server, with or without a poll job: tests drive the cycles by
   * hand): a change its router must know at once (a revoked code's Disconnect) runs the poll now. The terminal
   * does not: the server's next poll tells the router.
   */
  polledHere?: boolean;
  /** The other sites' stacks, for the changes this site's services make to their vouchers and devices. */
  routerOfSite?: (siteId: number) => SiteStack | undefined;
  /** The roaming codes made logins at the other sites too; how many still wait (src/services/shop/vouchers). */
  roamingElsewhere?: () => Promise<number>;
}
