/**
 * Delivers the outbox, one channel at a time in the order the messages were written, on its own job: nothing
 * waits for it. A channel that fails in a way a retry may fix (no answer within the timeout, a refused or
 * broken connection, 5xx, 429) waits with exponential backoff and jitter (src/domain/notify.ts; a 429's
 * retry_after is honoured), and every message behind it waits too, so they arrive in order once it recovers.
 * A message the channel refuses for good (any other 4xx) is marked failed with the channel's words and the
 * next one goes. A message is marked sent right after its channel accepted it: a crash in between sends that
 * one message again when the controller is back (at most one per channel, as only one is in flight).
 */
import { retryDelay } from '../../../domain/notify';
import type { ShopDeps } from '../../deps';
import { sendTelegram, sendWebhook, type SendOutcome } from './channels';
import { due, markFailed, markRetry, markSent, type OutboxRow } from './outbox';
import { channelsOf, type NotifySettingsStore } from './settings';
import type { Channel, NotifySettings } from './types';

interface SenderDeps extends Pick<ShopDeps, 'db' | 'clock' | 'log'> {
  store: NotifySettingsStore;
}

/** What one row becomes on a channel's wire. */
export function sendRow(
  ch: Channel,
  s: NotifySettings,
  row: Pick<OutboxRow, 'uid' | 'kind' | 'site' | 'created_at' | 'text' | 'data'>,
): Promise<SendOutcome> {
  if (ch === 'telegram') return sendTelegram(s, row.text);
  return sendWebhook(s, {
    id: row.uid,
    kind: row.kind,
    site: row.site,
    at: new Date(Number(row.created_at)).toISOString(),
    text: row.text,
    data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : {},
  });
}

export class NotifySender {
  /** Per channel: failures in a row and when it may be tried again (reset by a success, and by a restart). */
  private readonly waiting = new Map<Channel, { failures: number; until: number }>();

  constructor(private readonly deps: SenderDeps) {}

  /** One round: every channel set delivers what is due, each on its own. */
  async run(): Promise<void> {
    const { settings } = await this.deps.store.read();
    await Promise.all(channelsOf(settings).map((ch) => this.deliver(ch, settings)));
  }

  /** When a channel is waiting after failures (the admin shows it); undefined when it is not. */
  waitingUntil(ch: Channel): number | undefined {
    return this.waiting.get(ch)?.until;
  }

  private async deliver(ch: Channel, settings: NotifySettings): Promise<void> {
    const { db, clock, log } = this.deps;
    const held = this.waiting.get(ch);
    if (held && clock.now() < held.until) return;
    for (const row of await due(db, ch, clock.now())) {
      const outcome = await sendRow(ch, settings, row);
      const now = clock.now();
      if (outcome.ok) {
        await markSent(db, row.id, ch, now);
        this.waiting.delete(ch);
        log.info({ channel: ch, kind: row.kind, id: row.uid }, `notification sent on ${ch}`);
        continue;
      }
      if (!outcome.retry) {
        await markFailed(db, row.id, ch, outcome.error, now);
        log.warn(
          { channel: ch, kind: row.kind, id: row.uid, err: outcome.error },
          `notification refused by ${ch}: ${outcome.error}`,
        );
        continue;
      }
      const failures = (this.waiting.get(ch)?.failures ?? 0) + 1;
      const wait = retryDelay(failures, Math.random(), outcome.retryAfterMs);
      this.waiting.set(ch, { failures, until: now + wait });
      await markRetry(db, row.id, ch, outcome.error, now + wait);
      log.warn(
        { channel: ch, id: row.uid, err: outcome.error, retryInSeconds: Math.round(wait / 1000) },
        `notification not delivered on ${ch} (${outcome.error}); trying again in ${Math.round(wait / 1000)} s`,
      );
      return; // the rest wait behind it, in order
    }
  }
}
