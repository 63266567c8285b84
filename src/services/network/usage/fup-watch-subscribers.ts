/**
 * The fair-use watch's subscribers: between two polls, every FUP_WATCH_SECONDS, the PPPoE subscribers whose cycle's
 * counted bytes could reach their plan's next threshold before the next poll (src/domain/fup-watch.ts) have just
 * their sessions' counters read (UsageSource.readSubscribers: their `<pppoe-NAME>` interfaces, by name); one past a
 * threshold gets its new speeds at once, from the poll's one policy call (speedsAfter) through the poll's own step
 * (Enforcer.applySubscribers: the PPP tier profile and the session ended once, or FreeRADIUS's rows and a CoA).
 * A tick notes when a subscriber's speed puts it past its line before the next tick; a targeted read of it alone
 * comes then (`watchSubscribers(c, s, 'due')`), as for the devices (fup-watch.ts).
 *
 * Exactly once: the watch books nothing. It reads the counters against the poll's baselines (`subscriber_sessions`)
 * and decides from what the poll booked plus what it sees. A session it saw that is gone at the next poll (ended to
 * take a new tier, or logged out) is in that poll's reading as ended, with the counters the watch last read
 * (withWatchedSessions below): its bytes since the last poll are booked once, not lost. A subscriber logged out,
 * suspended or moved to another plan since the poll leaves the set; a lost connection or a reboot reads nothing.
 */
import {
  couldCross,
  crossedAt,
  subscriberNextThreshold,
  subscriberTopBytesPerSecond,
} from '../../../domain/fup-watch';
import { bytesCountNow, type SubscriberSpeeds } from '../../../domain/subscriber-policy';
import { usageOf } from '../../subscriptions/subscribers/store';
import { siteOf } from '../../deps';
import {
  keepDue,
  noteDue,
  watchKind,
  watchWindow,
  type Cycle,
  type Projecting,
  type WatchMode,
  type WatchSettings,
} from './cycle';
import { rebootedSince } from './meter';
import type { BootWindow, SubscriberSessionReading, SubscribersReading, UsageReading } from './source';
import { meteredSubscribers, type MeteredSubscriber } from './subscriber-load';
import { inChunks } from './load';
import { speedsAfter } from './subscriber-speeds';
import { sessionGrowth } from './subscribers';
import type { WatchReport } from './types';

/** A subscriber the watch may read: online, in service, with a threshold ahead in its cycle. */
interface Candidate {
  sub: MeteredSubscriber;
  /** Its login name as the router has it. */
  name: string;
  profileId: number;
  /** Counted bytes the poll booked in its cycle. */
  booked: number;
  /** Its session's baseline, as the poll stored it. */
  base: { key: string; up: number; down: number };
}

/** What the watch keeps between its ticks, made again after every poll. */
interface Memory {
  pollAt: number;
  candidates: Candidate[];
  /** Counted bytes as the last read saw them, by subscriber id, and when. */
  seen: Map<number, { at: number; counted: number }>;
  /** Counted bytes the speeds were last decided at by a tick, by subscriber id (else the poll's booked bytes). */
  decided: Map<number, number>;
  /** Left the set until the next poll: logged out, suspended, another plan. */
  gone: Set<number>;
  /** The sessions as the last read saw them, by the poll's key (where the poll reads the same router). */
  lastRead: Map<string, { username: string; up: number; down: number; boot: BootWindow | undefined }>;
}

const memories = new WeakMap<Cycle, Memory>();
/** The router's boot as the first watch read saw it, where the poll knows none (a RADIUS site's accounting). */
const boots = new WeakMap<Cycle, number>();

type LiveRow = { subscriber_id: number; session_key: string; up: number; down: number; seen_at: number };

/** The site's subscribers online with a threshold ahead, from what the poll at `pollAt` booked. */
async function candidatesOf(c: Cycle, now: number): Promise<Candidate[]> {
  const { db, config } = c.deps;
  const siteId = siteOf(c.deps).id;
  const live = (await db('subscriber_sessions')
    .where({ site_id: siteId, ended: 0 })
    .select('subscriber_id', 'session_key', 'up', 'down', 'seen_at')) as LiveRow[];
  if (live.length === 0) return [];
  // A subscriber's latest session is its running one (one login each).
  const latest = new Map<number, LiveRow>();
  for (const r of live) {
    const id = Number(r.subscriber_id);
    const had = latest.get(id);
    if (!had || Number(r.seen_at) >= Number(had.seen_at)) latest.set(id, r);
  }
  const subs = [...(await meteredSubscribers(db, siteId, config.tz, now)).values()].filter((s) =>
    latest.has(s.id),
  );
  return candidatesAmong(c, subs, (id) => {
    const b = latest.get(id) as LiveRow;
    return { key: String(b.session_key), up: Number(b.up), down: Number(b.down) };
  });
}

/** Those of `subs` in service with a threshold ahead in their cycle, each with its session's baseline (`base`). */
export async function candidatesAmong(
  c: Cycle,
  all: MeteredSubscriber[],
  base: (id: number) => Candidate['base'],
): Promise<Candidate[]> {
  const subs = all.filter(
    (s) => s.status === 'active' && subscriberNextThreshold(s.profile, 0) !== undefined,
  );
  if (subs.length === 0) return [];
  const booked = await usageOf(
    c.deps.db,
    subs.map((s) => ({ id: s.id, start: s.cycle.start })),
  );
  const rows = await namesOf(
    c,
    subs.map((s) => s.id),
  );
  const out: Candidate[] = [];
  for (const sub of subs) {
    const row = rows.get(sub.id);
    const counted = booked.get(sub.id) ?? 0;
    if (!row || subscriberNextThreshold(sub.profile, counted) === undefined) continue;
    out.push({ sub, name: row.username, profileId: row.profileId, booked: counted, base: base(sub.id) });
  }
  return out;
}

/** The subscribers' login names, status and plan now, by id. */
async function namesOf(c: Cycle, ids: readonly number[]) {
  const rows = (await inChunks(ids, (part) =>
    c.deps.db('subscribers').whereIn('id', part).select('id', 'username', 'status', 'profile_id'),
  )) as Array<Record<string, string | number>>;
  return new Map(
    rows.map((r) => [
      Number(r.id),
      { username: String(r.username), status: String(r.status), profileId: Number(r.profile_id) },
    ]),
  );
}

async function memoryFor(c: Cycle, pollAt: number, now: number): Promise<Memory> {
  const kept = memories.get(c);
  if (kept && kept.pollAt === pollAt) return kept;
  const m: Memory = {
    pollAt,
    candidates: await candidatesOf(c, now),
    seen: new Map(),
    decided: new Map(),
    gone: new Set(),
    lastRead: new Map(),
  };
  memories.set(c, m);
  return m;
}

/** The watch's subscribers since the last poll, for the logins followed between polls (fup-watch-logins.ts). */
export async function currentSubscriberWatch(
  c: Cycle,
): Promise<Pick<Memory, 'candidates' | 'gone'> | undefined> {
  const pollAt = c.memory.lastPoll;
  if (pollAt === undefined || !c.memory.active || c.memory.outage.since !== undefined) return undefined;
  return memoryFor(c, pollAt, c.deps.clock.now());
}

/** Those that could reach their next threshold before the next poll plus one tick (of `only`, a due read's). */
function watchSet(m: Memory, s: WatchSettings, now: number, only?: Set<number>): Candidate[] {
  const window = watchWindow(s, m.pollAt, now);
  return m.candidates.filter((x) => {
    if (m.gone.has(x.sub.id) || (only && !only.has(x.sub.id))) return false;
    const seen = m.seen.get(x.sub.id);
    const counted = seen?.counted ?? x.booked;
    const candidate = {
      countedBytes: counted,
      countedAt: seen?.at ?? m.pollAt,
      thresholdBytes: subscriberNextThreshold(x.sub.profile, counted),
      deviceBytesPerSecond: subscriberTopBytesPerSecond(x.sub.profile, counted, now, x.sub.tz),
      devicesOnline: 1,
    };
    return couldCross(candidate, window);
  });
}

/** Those whose status or plan another writer changed since the poll leave the set (the next poll reads them). */
async function stillAsPolled(c: Cycle, m: Memory, set: Candidate[]): Promise<Candidate[]> {
  const now = await namesOf(
    c,
    set.map((x) => x.sub.id),
  );
  return set.filter((x) => {
    const r = now.get(x.sub.id);
    const same = r !== undefined && r.status === 'active' && r.profileId === x.profileId;
    if (!same) m.gone.add(x.sub.id);
    return same;
  });
}

interface Crossing {
  id: number;
  counted: number;
  speeds: SubscriberSpeeds;
  crossedAt: number;
}

/** The watched subscribers whose speeds the policy changes at the counted bytes just read. */
function crossings(
  m: Memory,
  set: Candidate[],
  got: SubscribersReading,
  now: number,
  project?: Projecting,
): Crossing[] {
  const out: Crossing[] = [];
  for (const x of set) {
    const read = got.sessions.get(x.name);
    if (!read) {
      m.gone.add(x.sub.id); // logged out: the next poll sees it
      continue;
    }
    if (read.key !== undefined)
      m.lastRead.set(read.key, { ...read, username: x.name, boot: got.countersStartedAt });
    // The poll's rule: its own session's growth since the baseline; a session begun since (another key) from zero.
    const same = read.key === undefined || read.key === x.base.key;
    const grew = sessionGrowth(read, same ? x.base : undefined);
    const counted = x.booked + (bytesCountNow(x.sub.profile, now, x.sub.tz) ? grew : 0);
    const before = m.seen.get(x.sub.id) ?? { at: m.pollAt, counted: x.booked };
    const after = { at: now, counted };
    m.seen.set(x.sub.id, after);
    const was = m.decided.get(x.sub.id) ?? x.booked;
    const speeds = speedsAfter(x.sub, was, counted, now);
    if (!speeds) {
      noteDue(x.sub.id, subscriberNextThreshold(x.sub.profile, counted), before, after, project);
      continue;
    }
    project?.due.delete(x.sub.id);
    const line = subscriberNextThreshold(x.sub.profile, was) ?? counted;
    out.push({ id: x.sub.id, counted, speeds, crossedAt: crossedAt(line, before, after) });
  }
  return out;
}

/** The crossings' speeds applied by the poll's own step, and told to the metrics and the log. */
async function enforce(c: Cycle, m: Memory, found: Crossing[]): Promise<number> {
  const apply = c.opts.enforcer.applySubscribers;
  if (!apply || found.length === 0) return 0;
  await apply(new Map(found.map((x) => [x.id, x.speeds])));
  const at = c.deps.clock.now();
  const site = siteOf(c.deps).name;
  for (const x of found) {
    m.decided.set(x.id, x.counted);
    c.deps.metrics?.fupEnforced(site, Math.max(0, at - x.crossedAt) / 1000, 'subscriber');
  }
  c.deps.log.info({ subscribers: found.length }, "fair-use watch: subscribers' speeds changed between polls");
  return found.length;
}

/** Whether the router booted since the poll (or, where the poll knows no boot, since the first watch read). */
function rebooted(c: Cycle, m: Memory, got: SubscribersReading): boolean {
  const started = got.countersStartedAt;
  const known = c.memory.knownStart ?? boots.get(c);
  if (known === undefined && started) boots.set(c, started.earliest);
  if (!rebootedSince(known, started)) return false;
  if (c.memory.knownStart === undefined && started) boots.set(c, started.earliest);
  // Its counters no longer compare with the baselines: the poll takes them all over.
  for (const x of m.candidates) m.gone.add(x.sub.id);
  return true;
}

/** The subscribers' tick of the watch (beside the devices': fup-watch.ts). */
export function watchSubscribers(c: Cycle, s: WatchSettings, mode: WatchMode): Promise<WatchReport> {
  let m: Memory;
  return watchKind(c, s, mode, {
    due: 'subscribers',
    read: c.opts.enforcer.applySubscribers && c.opts.source.readSubscribers,
    metric: 'fupWatchedSubscribers',
    async select(due, now, only) {
      m = await memoryFor(c, c.memory.lastPoll!, now);
      const set = watchSet(m, s, now, only);
      if (!only) keepDue(due, new Set(set.map((x) => x.sub.id)));
      return set.length > 0 ? stillAsPolled(c, m, set) : set;
    },
    watched: (set) => set.length,
    names: (set) => set.map((x) => x.name),
    rebooted: (got) => rebooted(c, m, got),
    enforce: (set, got, now, project) => enforce(c, m, crossings(m, set, got, now, project)),
  });
}

/**
 * A poll's reading (runCycle, as it arrives) with the sessions the watch read since this server's last poll that
 * are gone from it, as ended with the counters last read: booked once against their baselines, as a RADIUS Stop.
 * None when another poll came between (another server took the site meanwhile: its baselines moved), or the
 * router booted since the watch read them (every counter starts again from zero).
 */
export function withWatchedSessions(c: Cycle, reading: UsageReading): void {
  const m = memories.get(c);
  if (!m || m.lastRead.size === 0) return;
  const seen = m.lastRead;
  m.lastRead = new Map();
  if (!reading.subscribers || m.pollAt !== c.memory.lastPoll) return;
  const there = new Set(reading.subscribers.map((s) => s.id));
  const ended: SubscriberSessionReading[] = [];
  for (const [id, s] of seen) {
    if (there.has(id) || (s.boot && rebootedSince(s.boot.earliest, reading.countersStartedAt))) continue;
    const { username, up, down } = s;
    ended.push({
      id,
      username,
      address: null,
      callerId: '',
      up,
      down,
      rateUp: 0,
      rateDown: 0,
      uptimeSeconds: 0,
      ended: true,
    });
  }
  if (ended.length > 0) reading.subscribers = [...reading.subscribers, ...ended];
}
