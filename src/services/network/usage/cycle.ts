/**
 * What a site's poll is given (UsageServiceOptions) and keeps between cycles (PollMemory), and the cycle's own
 * bundle of both with its deps (Cycle): shared by the poll (index.ts) and its ledger step (ledger.ts).
 */
import type { ChangeWatch, ChangeStamp } from '../../../db/change-watch';
import { UnreachableError } from '../../../domain/errors';
import { projectedCrossing } from '../../../domain/fup-watch';
import type { DesiredLimits } from '../../../domain/policy';
import type { LeaseState, ServerPresence } from '../../../db/site-leases';
import { siteOf, type SiteDeps } from '../../deps';
import type { RouterClient } from '../../../router/types';
import type { ProfileService } from '../../types';
import type { Enforcer } from './enforcer';
import type { LoadedState, LoadedVoucher } from './load';
import type { NoticeDeps, Outage } from './notices';
import type { UsageSource } from './source';
import type { WatchReport } from './types';
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
  /** The site's router, where the controller reaches it over the API: its logins followed for the watch (fup-watch-logins.ts). */
  follow?: RouterClient;
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
  /** The watch's targeted reads to come, kept across a poll (fup-watch.ts). */
  watchDue?: DueReads;
}

/**
 * The moments a watch read projected watched customers to cross their threshold, before the next tick: each is
 * read alone then (`watchOnce(c, s, 'due')`), once; every tick makes them again from its own read.
 */
export interface DueReads {
  /** By voucher id. */
  devices: Map<number, number>;
  /** By subscriber id. */
  subscribers: Map<number, number>;
}

/** Those of `due` whose moment has come, taken out of it (read once each). */
export function takeDue(due: Map<number, number>, now: number): Set<number> {
  const out = new Set<number>();
  for (const [id, at] of due)
    if (at <= now) {
      out.add(id);
      due.delete(id);
    }
  return out;
}

/** Where a tick notes the projected crossings before its next one (`until`); absent on a due read. */
export interface Projecting {
  due: Map<number, number>;
  until: number;
}

/**
 * A tick's projection for one customer it read below its `line`: its moment, or, where it moved but will not reach
 * it before the next tick, none. One that did not move since its last reading (a tick right after a poll) keeps the
 * moment noted.
 */
export function noteDue(id: number, line: number | undefined, was: Seen, now: Seen, p?: Projecting): void {
  const at = p && line && projectedCrossing(line, was, now, p.until);
  if (at) p.due.set(id, at);
  else if (p && now.counted > was.counted) p.due.delete(id);
}

/** A tick drops the moments of those no longer in its set. */
export function keepDue(due: Map<number, number>, ids: Set<number>): void {
  for (const id of due.keys()) if (!ids.has(id)) due.delete(id);
}

/** The earliest moment of a targeted read to come, if any. */
export function firstDue(due: DueReads | undefined): number | undefined {
  let first: number | undefined;
  for (const m of [due?.devices, due?.subscribers])
    for (const at of m?.values() ?? []) if (first === undefined || at < first) first = at;
  return first;
}

export type Seen = { at: number; counted: number };

/** A regular tick reads the whole set; a due read just the customers whose projected moment has come. */
export type WatchMode = 'tick' | 'due';

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
  seen: Map<number, Seen>;
  /** Limits the watch enforced since the poll, by voucher id. */
  applied: Map<number, DesiredLimits>;
  /** Devices (MAC → voucher id) the router logged in since the poll, and those it logged out (fup-watch-logins.ts). */
  online: Map<string, number>;
  offline: Set<string>;
}

export interface Cycle {
  deps: SiteDeps;
  opts: UsageServiceOptions;
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

/** A tick's report that read nothing (`skipped`: why, unless nobody was near a threshold); the devices' and the subscribers'. */
export const none = (skipped?: WatchReport['skipped']): WatchReport => ({
  watched: 0,
  rows: 0,
  enforced: 0,
  skipped,
});

/** Where a watched customer may cross its line from `now`: before the next poll after `pollAt`, plus one tick. */
export function watchWindow(s: WatchSettings, pollAt: number, now: number) {
  return { now, nextPollAt: pollAt + s.pollSeconds() * 1000, intervalMs: s.intervalSeconds() * 1000 };
}

/** One kind of customer the watch reads between polls: the devices' (fup-watch.ts), the subscribers'. */
export interface WatchKind<X, G extends { rows: number }> {
  due: keyof DueReads;
  /** The source's read, where the enforcer can apply what it finds. */
  read: ((names: string[]) => Promise<G>) | undefined;
  metric: 'fupWatched' | 'fupWatchedSubscribers';
  /** The set to read at `now` (of `only`, a due read's); a tick drops from `due` the moments of those not in it. */
  select(due: Map<number, number>, now: number, only?: Set<number>): Promise<X[]>;
  watched(set: X[]): number;
  names(set: X[]): string[];
  rebooted(got: G): boolean;
  enforce(set: X[], got: G, now: number, project?: Projecting): Promise<number>;
}

/** One tick of the watch for one kind of customer; `due`: just those whose projected crossing has come. */
export async function watchKind<X, G extends { rows: number }>(
  c: Cycle,
  s: WatchSettings,
  mode: WatchMode,
  k: WatchKind<X, G>,
): Promise<WatchReport> {
  const now = c.deps.clock.now();
  // A due read takes its moments first: whatever it finds, they are read (or given up) once.
  c.memory.watchDue ??= { devices: new Map(), subscribers: new Map() };
  const due = c.memory.watchDue[k.due];
  const only = mode === 'due' ? takeDue(due, now) : undefined;
  if (!s.enabled()) return none('off');
  if (!k.read) return none('not-supported');
  // No poll of this server's since it started or took the site (another server polls it: runCycle drops `active`).
  if (c.memory.lastPoll === undefined || !c.memory.active || c.memory.outage.since !== undefined)
    return none('no-poll-yet');
  if (only?.size === 0) return none();
  const set = await k.select(due, now, only);
  const watched = k.watched(set);
  const site = siteOf(c.deps).name;
  if (!only) c.deps.metrics?.[k.metric](site, watched);
  if (set.length === 0) return none();
  let got: G;
  try {
    got = await k.read(k.names(set));
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    return { ...none('router-unreachable'), watched };
  }
  c.deps.metrics?.fupWatchRead(site, got.rows);
  if (k.rebooted(got)) return { watched, rows: got.rows, enforced: 0, skipped: 'rebooted' };
  const project = only ? undefined : { due, until: now + 2 * s.intervalSeconds() * 1000 };
  return { watched, rows: got.rows, enforced: await k.enforce(set, got, now, project) };
}
