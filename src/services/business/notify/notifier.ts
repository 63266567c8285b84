/**
 * The server's notification jobs, each on the passed-in clock and none on a poll's or a redemption's path:
 * the watch (every WATCH_SECONDS: routers, vendos, wrong-code storms, stock → the outbox), the sender (every
 * SEND_SECONDS: the outbox → Telegram and the webhook), the day's sales at the owner's time (a CalendarJob in
 * the shop's time zone, made again when the owner changes the time) and the outbox's pruning (daily).
 */
import { dailyPattern } from '../../../domain/notify';
import { CalendarJob } from '../../../jobs/calendar';
import { PeriodicJob } from '../../../jobs/periodic';
import type { Logger } from '../../../lib/logger';
import type { ShopDeps } from '../../deps';
import type { ReportService } from '../../shop/reports/types';
import type { SiteService } from '../sites/types';
import { dailyMessage } from './daily';
import type { NotifyParts } from './index';
import { enqueue, hasSubject, prune } from './outbox';
import { NotifySender } from './sender';
import { channelsOf } from './settings';
import { NotifyWatch } from './watch';

const WATCH_SECONDS = 10;
const SEND_SECONDS = 2;
/** Messages older than this are deleted (each subject's latest is kept: it says what was last told). */
const KEEP_DAYS = 30;
const PRUNE_EVERY_MS = 24 * 3600_000;

interface NotifierDeps extends Pick<ShopDeps, 'db' | 'clock' | 'log'> {
  /** The shop's time zone, as it is now (the owner may change it). */
  tz: () => string;
  parts: NotifyParts;
  sites: Pick<SiteService, 'statuses' | 'names'>;
  reports: Pick<ReportService, 'sales' | 'subscriberPayments'>;
}

export class Notifier {
  readonly watch: NotifyWatch;
  readonly sender: NotifySender;
  readonly watchJob: PeriodicJob;
  readonly sendJob: PeriodicJob;
  /** The day's sales job for the time in effect; none while the summary is off. */
  daily?: CalendarJob;
  private dailyAt?: string;
  private prunedAt = 0;
  private started = false;
  private readonly log: Logger;

  constructor(private readonly deps: NotifierDeps) {
    this.log = deps.log.child({ module: 'notify' });
    const now = () => deps.clock.now();
    const { store } = deps.parts;
    this.watch = new NotifyWatch({ ...deps, log: this.log, store, voice: (s) => deps.parts.voice(s) });
    this.sender = new NotifySender({ ...deps, log: this.log, store });
    this.watchJob = new PeriodicJob('notify-watch', WATCH_SECONDS, () => this.look(), this.log, now);
    this.sendJob = new PeriodicJob('notify-send', SEND_SECONDS, () => this.sender.run(), this.log, now);
  }

  start(): void {
    this.started = true;
    this.watchJob.start();
    this.sendJob.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([this.watchJob.stop(), this.sendJob.stop(), this.daily?.stop()]);
  }

  /** The watch's round: what it sees, the day's job kept to the owner's time, old messages pruned. */
  private async look(): Promise<void> {
    await this.watch.run();
    const { settings } = await this.deps.parts.store.read();
    await this.keepDailyAt(settings.dailyAt);
    const now = this.deps.clock.now();
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      const gone = await prune(this.deps.db, now - KEEP_DAYS * 24 * 3600_000);
      if (gone)
        this.log.info({ deleted: gone }, `deleted ${gone} notification(s) older than ${KEEP_DAYS} days`);
    }
  }

  /** A CalendarJob for `dailyAt` (`off`: none), made again when the time changes. */
  async keepDailyAt(dailyAt: string): Promise<void> {
    if (dailyAt === this.dailyAt) return;
    this.dailyAt = dailyAt;
    const old = this.daily;
    this.daily = undefined;
    await old?.stop();
    if (dailyAt === 'off') return;
    this.daily = new CalendarJob('notify-daily', {
      pattern: dailyPattern(dailyAt),
      tz: this.deps.tz,
      work: (at) => this.sendDaily(at),
      log: this.log,
      now: () => this.deps.clock.now(),
    });
    if (this.started) this.daily.start();
  }

  /** The day's summary, once per day whatever restarts happen. */
  async sendDaily(at: number): Promise<void> {
    const { settings } = await this.deps.parts.store.read();
    const channels = channelsOf(settings);
    if (!channels.length) return;
    const msg = await dailyMessage(this.deps, await this.deps.parts.voice(settings), at);
    if (msg.subject && (await hasSubject(this.deps.db, msg.subject))) return;
    await enqueue(this.deps.db, this.deps.clock.now(), msg, channels);
    this.log.info({ kind: msg.kind }, 'notification queued: daily_summary');
  }
}
