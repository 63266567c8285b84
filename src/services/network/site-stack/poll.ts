/**
 * A site's poll job: the site's poll followed by its users' sync (SiteStack.pollOnce), on the owner's interval
 * from Settings. Every site polls on its own cadence, concurrently, so a router that is down, slow or hung
 * delays only its own job; a full cycle runs on every reconnect, not only at the next tick.
 */
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
  /** The watch's logins followed as they happen (usage/fup-watch-logins.ts), started and stopped with the watch. */
  follow?: { start(): void; stop(): Promise<void> };
}): SitePoll {
  const { config, settings } = o.base;
  // POLL_SECONDS from .env, until the owner's interval is read.
  const seconds = config.usagePollSeconds;
  const job: PeriodicJob = new PeriodicJob(
    o.site.id === DEFAULT_SITE.id ? 'usage-poll' : `usage-poll ${o.site.name}`,
    seconds,
    async () => {
      await o.options.beforeRun?.();
      // The owner may change the poll interval in Settings; the job follows from the next run.
      const next = await settings.get<number>('usage.poll_seconds', seconds);
      if (Number.isInteger(next) && next >= 1 && next !== job.interval) job.setInterval(next);
      await o.pollOnce();
    },
    o.log.child({ module: 'jobs' }),
    () => o.base.clock.now(),
  );
  const watch =
    o.watchOnce &&
    new PeriodicJob(
      o.site.id === DEFAULT_SITE.id ? 'fup-watch' : `fup-watch ${o.site.name}`,
      config.fupWatch.seconds,
      async () => {
        await o.watchOnce?.();
      },
      o.log.child({ module: 'jobs' }),
      () => o.base.clock.now(),
    );
  let unsubscribe: (() => void) | undefined;
  let begun = false;
  const start = () => {
    begun = true;
    job.start();
    watch?.start();
    if (watch) o.follow?.start();
  };
  return {
    job,
    begin(atConnect) {
      if (unsubscribe) return;
      let wasConnected = o.client.status.connected;
      unsubscribe = o.client.onStatus((s) => {
        if (s.connected && !wasConnected) {
          if (begun) void job.runNow();
          else start();
        }
        wasConnected = s.connected;
      });
      if (!atConnect || wasConnected) start();
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      await Promise.all([job.stop(), watch?.stop(), o.follow?.stop()]);
    },
  };
}
