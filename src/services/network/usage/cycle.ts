/**
 * What a site's poll is given (UsageServiceOptions) and keeps between cycles (PollMemory), and the cycle's own
 * bundle of both with its deps (Cycle): shared by the poll (index.ts) and its ledger step (ledger.ts).
 */
import type { ChangeWatch, ChangeStamp } from '../../../db/change-watch';
import type { DesiredLimits } from '../../../domain/policy';
import type { LeaseState, ServerPresence } from '../../../db/site-leases';
import type { SiteDeps } from '../../deps';
import type { ProfileService } from '../../types';
import type { Enforcer } from './enforcer';
import type { LoadedState, LoadedVoucher } from './load';
import type { NoticeDeps, Outage } from './notices';
import type { UsageSource } from './source';
import type { MeteredSubscribers } from './subscriber-load';
import type { KeptBaselines } from './subscriber-baselines';

export interface UsageServiceOptions {
  profiles: ProfileService;
  /** Where usage comes from (the router's queue counters, or FreeRADIUS's accounting). */
  source: UsageSource;
  /** How decisions reach the network (the router's queues and hotspot, or CoA and Disconnect). */
  enforcer: Enforcer;
  /** The fair-use watch between polls (fup-watch.ts); absent: none. */
  watch?: WatchSettings;
  /** The router booted since the last poll (a reboot, a reset configuration, another machine in its place). */
  onRouterRebooted?: () => void;
  /** False while the database does not know this router (safe mode): the cycle reads and stops there. */
  routerReady?: () => Promise<boolean>;
  /**
   * Whether this server polls the site (src/db/site-leases.ts). 'other': the cycle is skipped. 'acquired': the
   * site was polled by another server until now, so everything kept in memory is dropped and read again.
   * Absent: always held.
   */
  lease?: () => Promise<LeaseState>;
  /**
   * Several servers share the database: a claim made before this one started may still be in flight on
   * another server, so only the grace period decides when an unconfirmed claim counts as interrupted.
   */
  sharedDatabase?: boolean;
  /** The servers sharing the database: a claim whose server is gone is settled at once, not after the grace. */
  servers?: ServerPresence;
}

/** What one site's poll keeps between cycles. */
export interface PollMemory {
  lastPoll?: number;
  /** When the counters last started from zero, as the last metered poll saw it (persisted with it). */
  knownStart?: number;
  loaded: boolean;
  outage: Outage;
  lastCompactAt: number;
  /** The active vouchers as the database had them at `stamp` (kept while no other writer touched them). */
  active?: { stamp: ChangeStamp; state: LoadedState };
  /** Shared plans whose parent queue name a queue not ours holds, as the last enforcement found them. */
  planQueuesTaken?: string[];
  /** The fair-use watch's memory since the last poll (fup-watch.ts). */
  watch?: WatchMemory;
}

export interface WatchSettings {
  /** FUP_WATCH: on or off, read at each tick. */
  enabled(): boolean;
  /** FUP_WATCH_SECONDS: how often the watched devices are read. */
  intervalSeconds(): number;
  /** The poll's interval now (the owner may change it in Settings): when the next poll is due. */
  pollSeconds(): number;
}

/** What the fair-use watch keeps between its ticks: made again after every poll (the poll's booking takes over). */
export interface WatchMemory {
  /** The poll whose booked bytes this memory starts from. */
  pollAt: number;
  /** Vouchers that may come near a threshold before the next poll (a threshold ahead, a device online). */
  candidates: LoadedVoucher[];
  /** Counted bytes as the last watch read saw them, by voucher id, and when. */
  seen: Map<number, { at: number; counted: number }>;
  /** Limits the watch enforced since the poll, by voucher id. */
  applied: Map<number, DesiredLimits>;
}

export interface Cycle {
  deps: SiteDeps;
  opts: UsageServiceOptions;
  source: UsageSource;
  enforcer: Enforcer;
  notices: NoticeDeps;
  watch: ChangeWatch;
  /** The subscribers the poll books, kept between polls while unchanged (subscriber-load.ts). */
  metered: MeteredSubscribers;
  /** Their sessions' baselines, kept between polls while only the meter wrote them (subscriber-baselines.ts). */
  baselines: KeptBaselines;
  memory: PollMemory;
  isDefault: boolean;
  /** When this process started: claims older than this cannot be in flight (one server per database). */
  startedAt: number;
  /** A poll is running (the watch does not read meanwhile). */
  polling?: boolean;
  /** A watch tick under way (a poll waits for it). */
  watching?: Promise<unknown>;
}

export function freshMemory(): PollMemory {
  return { loaded: false, outage: {}, lastCompactAt: Number.NEGATIVE_INFINITY };
}
