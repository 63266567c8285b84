/**
 * Sends the outbox through Semaphore. Rows of the same text go in one call (up to 1,000 numbers), at most 120
 * calls a minute (limiter.ts). A failed call (no answer, an HTTP error, or Semaphore's 200 with an error object
 * instead of a message list) leaves its rows to be tried again later with backoff, and given up after
 * MAX_TRIES tries or GIVE_UP_MS of trying, logged and counted for the admin. Trying is the time a running
 * controller spent on the row (triedFor): days the controller was off do not count, so a text that failed once
 * before a power cut is tried again when the power comes back. A call refused for one of its numbers is no try:
 * its rows go alone next round, and one refused alone for its number is given up at once.
 *
 * At most once, not at least once: before a call its rows are marked `sending` with a claim and the time, and
 * marked sent when Semaphore answered. A controller that stops in between cannot know whether Semaphore took
 * them (it may have, and Semaphore has no way to ask by our id), so those rows become `unsure` and are never
 * sent again: a subscriber may miss one message in that rare case, but is never texted twice, nor charged
 * twice to the shop's Semaphore credit. A sending row is judged left behind after STALE_SENDING_MS, well past
 * a call's timeout, so a second controller's send in flight is never taken for a crash.
 */
import { retryDelay } from '../../../domain/notify';
import type { ShopDeps } from '../../deps';
import {
  MAX_NUMBERS_PER_CALL,
  semaphoreNumber,
  sendSemaphore,
  type SemaphoreSettings,
} from '../../../sms/semaphore';
import { noLongerTrue } from './facts';
import { CallLimiter } from './limiter';
import { claim, dueRows, giveUp, markFailed, markSent, markUnsure, putBack, type SmsRow } from './outbox';

const MAX_TRIES = 12;
export const GIVE_UP_MS = 2 * 86_400_000;
const STALE_SENDING_MS = 2 * 60_000;
/** How late past its turn a running controller may try a row: rounds every 15 s, a full limiter's wait. */
export const LATE_SLACK_MS = 5 * 60_000;

export type SmsSenderDeps = Pick<ShopDeps, 'db' | 'clock' | 'log'>;

export interface SendRound {
  calls: number;
  sent: number;
  failed: number;
  /** The limiter stopped the round: this long until it has room. */
  waitMs: number;
}

interface Call {
  text: string;
  rows: Array<SmsRow & { to: string }>;
}

/**
 * Rows of the same text in calls of at most 1,000 distinct numbers, in the order the rows were written; a row in
 * `alone` (its call was refused for a number) in a call of its own.
 */
function batch(rows: Array<SmsRow & { to: string }>, alone: ReadonlySet<number> = new Set()): Call[] {
  const calls: Call[] = [];
  const open = new Map<string, Call[]>();
  for (const r of rows) {
    if (alone.has(r.id)) {
      calls.push({ text: r.text, rows: [r] });
      continue;
    }
    const list = open.get(r.text) ?? [];
    open.set(r.text, list);
    let call = list.find((c) => c.rows.length < MAX_NUMBERS_PER_CALL && !c.rows.some((x) => x.to === r.to));
    if (!call) {
      call = { text: r.text, rows: [] };
      list.push(call);
      calls.push(call);
    }
    call.rows.push(r);
  }
  return calls;
}

/**
 * How long a running controller has been trying to send `r`, once a try at `now` is done: its earlier trying,
 * plus the time since its last try (or since it was written), but no more of that than the wait the sender chose
 * and LATE_SLACK_MS. A longer gap is time the controller (or SMS) was off, which is not trying.
 */
export function triedFor(
  r: Pick<SmsRow, 'tried_ms' | 'sending_at' | 'created_at' | 'next_try_at'>,
  now: number,
): number {
  const last = r.sending_at ?? r.created_at;
  const planned = Math.max(0, r.next_try_at - last);
  return r.tried_ms + Math.max(0, Math.min(now - last, planned + LATE_SLACK_MS));
}

export class SmsSender {
  private readonly limiter = new CallLimiter();
  /** Rows whose shared call Semaphore refused for a number: each goes alone, so one bad number stops no one else. */
  private readonly alone = new Set<number>();

  constructor(private readonly deps: SmsSenderDeps) {}

  /** One round: rows left `sending` become unsure, then what is due is sent as far as the limiter allows. */
  async send(settings: SemaphoreSettings): Promise<SendRound> {
    const { db, clock, log } = this.deps;
    const round: SendRound = { calls: 0, sent: 0, failed: 0, waitMs: 0 };
    const unsure = await markUnsure(db, clock.now() - STALE_SENDING_MS);
    if (unsure > 0)
      log.warn(
        { module: 'sms', unsure },
        `SMS: ${unsure} message(s) were being sent when the controller stopped; whether they went is unknown, so they are not sent again`,
      );
    // As many texts as the limiter has calls for: a text's rows may need more than one call, then the rest wait.
    const free = this.limiter.free(clock.now());
    if (free === 0) return { ...round, waitMs: this.limiter.waitMs(clock.now()) };
    const rows = await dueRows(db, clock.now(), free);
    const stale = await noLongerTrue(db, rows, clock.now());
    const ready: Array<SmsRow & { to: string }> = [];
    for (const r of rows) {
      const why = stale.get(r.id);
      if (why) {
        await giveUp(db, r.id, `not sent: ${why}`, clock.now());
        continue;
      }
      try {
        ready.push({ ...r, to: semaphoreNumber(r.number) });
      } catch {
        await giveUp(db, r.id, 'not sent: the mobile number is not a Philippine mobile number', clock.now());
      }
    }
    for (const call of batch(ready, this.alone)) {
      if (!this.limiter.take(clock.now())) {
        round.waitMs = this.limiter.waitMs(clock.now());
        break;
      }
      const ok = await this.call(settings, call, round);
      if (!ok) break; // Semaphore is failing: the rest wait for the next round rather than each fail in turn
    }
    // The window is full: what is left waits this long (the round may have used exactly the calls it had).
    if (round.waitMs === 0 && this.limiter.free(clock.now()) === 0)
      round.waitMs = this.limiter.waitMs(clock.now());
    return round;
  }

  private async call(settings: SemaphoreSettings, call: Call, round: SendRound): Promise<boolean> {
    const { db, clock, log } = this.deps;
    const taken = await claim(
      db,
      call.rows.map((r) => r.id),
      clock.now(),
    );
    const rows = call.rows.filter((r) => taken.ids.has(r.id));
    if (rows.length === 0) return true;
    round.calls++;
    const out = await sendSemaphore(
      settings,
      rows.map((r) => r.to),
      call.text,
    ).catch((err: Error) => ({ ok: false as const, error: err.message, retryAfterMs: undefined }));
    const now = clock.now();
    if (out.ok) {
      const ids = new Map<string, string[]>();
      for (const m of out.messages) ids.set(m.recipient, [...(ids.get(m.recipient) ?? []), m.id]);
      await markSent(
        db,
        taken.claim,
        rows.map((r) => ({ id: r.id, messageId: ids.get(r.to)?.shift() ?? null })),
        now,
      );
      round.sent += rows.length;
      return true;
    }
    const error = settings.apiKey ? out.error.split(settings.apiKey).join('[key]') : out.error;
    if ('numberRefused' in out && out.numberRefused) return this.numberRefused(taken.claim, rows, error, now);
    // The rows of one call share their tries: they were written together and fail together.
    const tries = Math.max(...rows.map((r) => r.attempts)) + 1;
    const tried = Math.max(...rows.map((r) => triedFor(r, now)));
    const givingUp = tries >= MAX_TRIES || tried >= GIVE_UP_MS;
    const wait = retryDelay(tries, Math.random(), out.retryAfterMs);
    await markFailed(db, taken.claim, error, now, givingUp ? undefined : now + wait, tried);
    round.failed += rows.length;
    if (givingUp)
      log.error(
        { module: 'sms', messages: rows.length, tries, err: error },
        `SMS: given up on ${rows.length} message(s) after ${tries} tries: ${error}`,
      );
    else
      log.warn(
        { module: 'sms', messages: rows.length, tries, err: error, retryInSeconds: Math.round(wait / 1000) },
        `SMS not sent (${error}); trying again in ${Math.round(wait / 1000)} s`,
      );
    return false;
  }

  /**
   * Semaphore refused a number of the call. Several: none counted as tried, each sent alone next round. Alone: that
   * number is one Semaphore does not take (a try later changes nothing), so its row is given up now, with why.
   */
  private async numberRefused(
    token: string,
    rows: Array<SmsRow & { to: string }>,
    error: string,
    now: number,
  ): Promise<boolean> {
    if (rows.length > 1) {
      for (const r of rows) this.alone.add(r.id);
      await putBack(this.deps.db, token, now);
      return true;
    }
    this.alone.delete(rows[0].id);
    await markFailed(this.deps.db, token, error, now, undefined, rows[0].tried_ms);
    this.deps.log.warn(
      { module: 'sms', err: error },
      `SMS: given up on one message: Semaphore does not take its number (${error})`,
    );
    return true;
  }
}
