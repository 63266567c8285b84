/**
 * A site's poll job: the site's poll followed by its users' sync (SiteStack.pollOnce), on the owner's interval
 * from Settings. Every site polls on its own cadence, concurrently, so a router that is down, slow or hung
 * delays only its own job; a full cycle runs on every reconnect, not only at the next tick.
 */
import { onReconnect } from '../../../jobs/check-runner';
import { PeriodicJob } from '../../../jobs/periodic';
import type { Logger } from '../../../lib/logger';
import type { RouterClient } from '../../../router/types';
import { DEFAULT_SITE, type ShopDeps, type SiteRef } from '../../deps';

export interface PollJobOptions {
  /**
   * When its cadence begins: at the router's first connection ('at-connect', the other sites: a router not
   * reached yet is no outage to report), or when SiteStack.startPoll() is called ('when-asked', the server's
   * default site, once the server listens).
   */
  begin: 'at-connect' | 'when-asked';
  /** Before each run (the default site's job reloads the shop's settings the terminal may have changed). */
  beforeRun?: () => Promise<void>;
}

export interface SitePoll {
  job: PeriodicJob;
  /** Begins the cadence with a run now (or at the first connection: `atConnect`), and a run at every reconnect. */
  begin(atConnect: boolean): void;
  stop(): Promise<void>;
}

export function sitePoll(o: {
  base: Pick<ShopDeps, 'config' | 'clock' | 'settings'>;
  site: SiteRef;
  client: RouterClient;
  log: Logger;
  options: PollJobOptions;
  pollOnce: () => Promise<unknown>;
  /** The fair-use watch's tick between polls (every FUP_WATCH_SECONDS), started and stopped with the poll. */
  watchOnce?: () => Promise<unknown>;
  /**
   * The watch's targeted reads (UsageService.watchDue): looked at after every poll and tick, and run at their moment
   * (one that came during a poll, as soon as it ends).
   */
  watchDue?: { at(): number | undefined; run(): Promise<{ skipped?: string }> };
  /** The watch's logins followed as they happen (usage/fup-watch-logins.ts), started and stopped with the watch. */
  follow?: { start(): void; stop(): Promise<void> };
}): SitePoll {
  const { config, settings } = o.base;
  // POLL_SECONDS from .env, until the owner's interval is read.
  const seconds = config.usagePollSeconds;
  // The default site's jobs keep the names they had before there were sites.
  const periodic = (name: string, every: number, run: () => Promise<void>) =>
    new PeriodicJob(
      o.site.id === DEFAULT_SITE.id ? name : `${name} ${o.site.name}`,
      every,
      run,
      o.log.child({ module: 'jobs' }),
      () => o.base.clock.now(),
    );
  const job: PeriodicJob = periodic('usage-poll', seconds, async () => {
    await o.options.beforeRun?.();
    // The owner may change the poll interval in Settings; the job follows from the next run.
    const next = await settings.get<number>('usage.poll_seconds', seconds);
    if (Number.isInteger(next) && next >= 1 && next !== job.interval) job.setInterval(next);
    await o.pollOnce();
    armDue();
  });
  const watch =
    o.watchOnce &&
    periodic('fup-watch', config.fupWatch.seconds, async () => {
      await o.watchOnce?.();
      armDue();
    });
  let dueTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  // A due read skipped because a poll or tick runs is armed again when that one ends; one that left its moment
  // in place (come too early) is armed again for it, never at once for the same moment.
  const runDue = async (): Promise<void> => {
    dueTimer = undefined;
    const ran = o.watchDue?.at();
    const r = await o.watchDue?.run().catch((err: unknown) => {
      o.log.error({ err: (err as Error).message }, 'fair-use watch: a targeted read failed');
      return { skipped: 'failed' };
    });
    const next = o.watchDue?.at();
    if (r?.skipped !== 'poll-running' && (next !== ran || (next ?? 0) > o.base.clock.now())) armDue();
  };
  function armDue(): void {
    const at = stopped || !begun ? undefined : o.watchDue?.at();
    if (dueTimer) clearTimeout(dueTimer);
    dueTimer = undefined;
    if (at === undefined) return;
    dueTimer = setTimeout(() => void runDue(), Math.max(0, at - o.base.clock.now()));
    dueTimer.unref();
  }
  let unsubscribe: (() => void) | undefined;
  let begun = false;
  const start = () => {
    begun = true;
    stopped = false;
    job.start();
    watch?.start();
    if (watch) o.follow?.start();
  };
  return {
    job,
    begin(atConnect) {
      if (unsubscribe) return;
      unsubscribe = onReconnect(o.client, () => {
        if (begun) void job.runNow();
        else start();
      });
      if (!atConnect || o.client.status.connected) start();
    },
    async stop() {
      stopped = true;
      if (dueTimer) clearTimeout(dueTimer);
      unsubscribe?.();
      unsubscribe = undefined;
      await Promise.all([job.stop(), watch?.stop(), o.follow?.stop()]);
    },
  };
}
