/**
 * The fair-use watch's logins and logouts as they happen: while the watch is on (FUP_WATCH), a site the controller
 * reaches over the API has `/ip/hotspot/active` and `/ppp/active` followed (router/follow.ts: `print
 * =follow-only=`, a row only when a session comes or goes). Without it, a session that began after a poll is
 * watched from the next poll only (up to 30 s), and one that ended is read until then.
 *
 * - A PPPoE login joins the watch set at once when its subscriber is in service with a threshold ahead in its
 *   cycle: its new session counts from zero (the poll's rule for a session begun since), on top of the cycle's
 *   booked bytes, so a subscriber just under a threshold is slowed within a watch interval of crossing it.
 * - A hotspot login joins when its device already has a `pisonet-<MAC>` queue the poll books (a device back
 *   before the poll removed its queue). A device without one is left to the poll, which makes the queue: the
 *   ledger books queue counters only, so the session's own bytes-in/out would decide on bytes nobody books
 *   (docs/performance.md "Fair use between polls").
 * - A logout leaves the set: its queue or session is no longer read.
 *
 * Exactly once: nothing here books or enforces. It only tells the watch whom to read; the tick decides and the
 * poll books. A stream that ends (a reboot, a lost connection, a refusal) is opened again with backoff once the
 * router is connected; meanwhile the watch works from the poll's sessions as before.
 */
import { nextThreshold } from '../../../domain/fup-watch';
import {
  followSessions,
  type SessionChange,
  type SessionFollow,
  type SessionKind,
} from '../../../router/follow';
import type { RouterClient } from '../../../router/types';
import { siteOf } from '../../deps';
import type { Cycle, WatchSettings } from './cycle';
import { voucherItem } from './decisions';
import { currentWatch } from './fup-watch';
import { candidatesAmong, currentSubscriberWatch } from './fup-watch-subscribers';
import type { LoginFollower, LoginFollowerStats } from './types';

const KINDS: readonly SessionKind[] = ['hotspot', 'ppp'];
/** Reopening after an end: 1 s doubling to 30 s, with jitter; back to 1 s once a follow is open. */
const BACKOFF = { minMs: 1000, maxMs: 30_000 };

/** Both menus followed while the router is connected and the watch on; reopened with backoff after an end. */
export class SessionsFollowed implements LoginFollower {
  private readonly counts: LoginFollowerStats = {
    open: false,
    rows: 0,
    logins: 0,
    logouts: 0,
    joined: 0,
    ends: 0,
  };
  private running = false;
  private follows: SessionFollow[] = [];
  /** Rows of the follows closed since start. */
  private closedRows = 0;
  private retry?: NodeJS.Timeout;
  private attempt = 0;
  private unsubscribe?: () => void;

  constructor(
    private readonly c: Cycle,
    private readonly router: RouterClient,
    private readonly settings: WatchSettings,
  ) {}

  get stats(): LoginFollowerStats {
    return { ...this.counts, rows: this.closedRows + this.follows.reduce((n, f) => n + f.rows, 0) };
  }

  start(): void {
    if (this.running || !this.router.follow) return;
    this.running = true;
    this.unsubscribe = this.router.onStatus((s) => {
      if (s.connected) this.open();
    });
    this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.close();
  }

  private open(): void {
    const { router, settings } = this;
    if (!this.running || this.follows.length > 0 || !settings.enabled() || !router.status.connected) return;
    try {
      for (const kind of KINDS) {
        const f = followSessions(
          router,
          kind,
          (x) => this.changed(x),
          (err) => this.ended(err),
        );
        if (f) this.follows.push(f);
      }
    } catch (err) {
      this.ended(err as Error);
      return;
    }
    const opened = this.follows;
    // Open once the sessions already there are known; a follow refused at once ends before that (backoff grows).
    void Promise.all(opened.map((f) => f.ready)).then(() => {
      if (this.follows !== opened || opened.length === 0) return;
      this.counts.open = true;
      this.attempt = 0;
    });
  }

  private async close(): Promise<void> {
    const open = this.follows;
    this.follows = [];
    this.counts.open = false;
    for (const f of open) this.closedRows += f.rows;
    await Promise.all(open.map((f) => f.stop()));
  }

  private ended(err: Error): void {
    if (!this.running) return;
    this.counts.ends++;
    this.c.deps.log.warn(
      { err: err.message },
      'fair-use watch: logins no longer followed; the poll carries on, reopening',
    );
    void this.close().then(() => this.schedule());
  }

  /** Reopening after an end: 1 s doubling to 30 s, with jitter. */
  private schedule(): void {
    if (!this.running || this.retry) return;
    const base = Math.min(BACKOFF.maxMs, BACKOFF.minMs * 2 ** this.attempt++);
    this.retry = setTimeout(
      () => {
        this.retry = undefined;
        this.open();
      },
      base / 2 + Math.random() * (base / 2),
    );
    this.retry.unref?.();
  }

  private changed(change: SessionChange): void {
    // The watch turned off meanwhile: the streams close (opened again with it, at the next reconnect).
    if (!this.settings.enabled()) {
      void this.close();
      return;
    }
    if (change.change === 'login') this.counts.logins++;
    else this.counts.logouts++;
    sessionChanged(this.c, change).then(
      (joined) => {
        if (joined) this.counts.joined++;
      },
      (err: Error) =>
        this.c.deps.log.warn({ err: err.message }, 'fair-use watch: a login could not join the watch'),
    );
  }
}

/** A session came or went: the watch is told whom to read from now on. True when a login joined the set. */
async function sessionChanged(c: Cycle, s: SessionChange): Promise<boolean> {
  if (s.kind === 'hotspot') {
    if (s.mac === undefined) return false;
    return s.change === 'login' ? deviceLogin(c, s.user, s.mac) : (deviceLogout(c, s.mac), false);
  }
  if (s.user === undefined) return false;
  return s.change === 'login' ? subscriberLogin(c, s.user) : (await subscriberLogout(c, s.user), false);
}

/** A hotspot login: its voucher's device joins the set when it has a queue the poll books against. */
function deviceLogin(c: Cycle, code: string | undefined, mac: string): boolean {
  const w = currentWatch(c);
  const state = c.memory.active?.state;
  if (!w || !state || code === undefined) return false;
  w.offline.delete(mac);
  const v = state.byCode.get(code);
  if (!v || v.row.status !== 'active') return false;
  const d = v.devices.find((x) => x.mac === mac);
  if (!d || d.source_counter_id === null) return false;
  if (!w.candidates.includes(v)) {
    if (nextThreshold(voucherItem(v).voucher) === undefined) return false;
    w.candidates.push(v);
  }
  w.online.set(mac, v.row.id);
  return true;
}

function deviceLogout(c: Cycle, mac: string): void {
  const w = currentWatch(c);
  if (!w) return;
  w.online.delete(mac);
  w.offline.add(mac);
}

/**
 * A PPPoE login: its subscriber joins the set when in service with a threshold ahead in its cycle. Its session is
 * new, so it counts from zero on top of the cycle's booked bytes (the poll books it the same way).
 */
async function subscriberLogin(c: Cycle, name: string): Promise<boolean> {
  const m = await currentSubscriberWatch(c);
  if (!m) return false;
  const key = name.toLowerCase();
  const had = m.candidates.find((x) => x.name.toLowerCase() === key);
  if (had) {
    m.gone.delete(had.sub.id);
    return true;
  }
  const { config, clock } = c.deps;
  const sub = (await c.metered.at(siteOf(c.deps).id, config.tz, clock.now())).get(key);
  const [joins] = sub ? await candidatesAmong(c, [sub], () => ({ key: '', up: 0, down: 0 })) : [];
  if (!joins) return false;
  // Another login of the same name may have joined while this one read the database.
  if (!m.candidates.some((x) => x.sub.id === sub!.id)) m.candidates.push(joins);
  return true;
}

async function subscriberLogout(c: Cycle, name: string): Promise<void> {
  const m = await currentSubscriberWatch(c);
  const key = name.toLowerCase();
  const had = m?.candidates.find((x) => x.name.toLowerCase() === key);
  if (had) m!.gone.add(had.sub.id);
}
