/**
 * The subscribers' SMS outbox (migration 0053): the one owner of `sms_outbox`. A row is written once per
 * (subject, kind) by an insert that ignores a repeat; the sender claims rows before handing them to Semaphore
 * (`sending`, with its claim and the time) and then marks them sent, to be retried, or given up.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { countsBy } from '../../../db/tally';
import type { NewSms } from './facts';

export type SmsState = 'pending' | 'retry' | 'sending' | 'sent' | 'unsure' | 'given_up';
const SMS_STATES: readonly SmsState[] = ['pending', 'retry', 'sending', 'sent', 'unsure', 'given_up'];

export interface SmsRow {
  id: number;
  subject: string;
  kind: string;
  subscriber_id: number;
  number: string;
  language: string;
  text: string;
  state: SmsState;
  attempts: number;
  next_try_at: number;
  expires_at: number | null;
  created_at: number;
  /** When its last try was handed to Semaphore (null: never tried). */
  sending_at: number | null;
  /** How long a running controller has been trying to send it (downtime left out). */
  tried_ms: number;
}

const CHUNK = 200;

/** Writes the rows; a (subject, kind) already there is left as it is. Returns how many are new. */
export async function enqueue(db: Knex, rows: NewSms[], now: number): Promise<number> {
  let added = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK).map((r) => ({
      subject: r.subject,
      kind: r.kind,
      subscriber_id: r.subscriberId,
      number: r.number,
      language: r.language,
      text: r.text,
      state: 'pending',
      attempts: 0,
      next_try_at: now,
      expires_at: r.expiresAt ?? null,
      created_at: now,
    }));
    const out = (await db('sms_outbox')
      .insert(part)
      .onConflict(['subject', 'kind'])
      .ignore()
      .returning('id')) as unknown[];
    added += out.length;
  }
  return added;
}

/**
 * Rows whose turn has come, of the `texts` oldest texts waiting (a text's age: its oldest row): what at most
 * `texts` calls can carry, each text's rows together so they share calls.
 */
export async function dueRows(db: Knex, now: number, texts: number): Promise<SmsRow[]> {
  if (texts <= 0) return [];
  const due = (q: Knex.QueryBuilder) =>
    q.whereIn('state', ['pending', 'retry']).where('next_try_at', '<=', now);
  const oldest = (await db('sms_outbox')
    .modify(due)
    .groupBy('text')
    .select('text', db.raw('MIN(id) AS first'))
    .orderBy('first')
    .limit(texts)) as Array<{ text: string }>;
  if (oldest.length === 0) return [];
  const rows = (await db('sms_outbox')
    .modify(due)
    .whereIn(
      'text',
      oldest.map((o) => o.text),
    )
    .orderBy('id')) as SmsRow[];
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    attempts: Number(r.attempts),
    created_at: Number(r.created_at),
    next_try_at: Number(r.next_try_at),
    expires_at: r.expires_at === null ? null : Number(r.expires_at),
    sending_at: r.sending_at === null ? null : Number(r.sending_at),
    tried_ms: Number(r.tried_ms),
  }));
}

/** Takes these rows for one send if nobody has (a second controller, an earlier tick): returns the ids taken. */
export async function claim(
  db: Knex,
  ids: number[],
  now: number,
): Promise<{ claim: string; ids: Set<number> }> {
  const token = crypto.randomUUID();
  const taken = (await db('sms_outbox')
    .whereIn('id', ids)
    .whereIn('state', ['pending', 'retry'])
    .update({ state: 'sending', claim: token, sending_at: now })
    .returning('id')) as Array<{ id: number }>;
  return { claim: token, ids: new Set(taken.map((r) => Number(r.id))) };
}

/** Semaphore took them: sent, with its message id for each. */
export async function markSent(
  db: Knex,
  token: string,
  sent: Array<{ id: number; messageId: string | null }>,
  now: number,
): Promise<void> {
  const one = (q: Knex, s: { id: number; messageId: string | null }) =>
    q('sms_outbox')
      .where({ id: s.id, claim: token })
      .update({
        state: 'sent',
        sent_at: now,
        message_id: s.messageId,
        claim: null,
        last_error: null,
        next_try_at: now,
        attempts: db.raw('attempts + 1'),
      });
  if (sent.length === 1) await one(db, sent[0]);
  else
    await db.transaction(async (trx) => {
      for (const s of sent) await one(trx, s);
    });
}

/** Not sent after `triedMs` of trying: tried again at `nextAt`, or given up (`nextAt` undefined). */
export async function markFailed(
  db: Knex,
  token: string,
  error: string,
  now: number,
  nextAt: number | undefined,
  triedMs: number,
): Promise<void> {
  await db('sms_outbox')
    .where({ claim: token })
    .update({
      tried_ms: triedMs,
      state: nextAt === undefined ? 'given_up' : 'retry',
      next_try_at: nextAt ?? now,
      claim: null,
      last_error: error.slice(0, 500),
      attempts: db.raw('attempts + 1'),
    });
}

/** Claimed but not tried (its call is to be made again another way): back in the queue as it was, due now. */
export async function putBack(db: Knex, token: string, now: number): Promise<void> {
  await db('sms_outbox')
    .where({ claim: token })
    .update({
      state: db.raw("CASE WHEN attempts = 0 THEN 'pending' ELSE 'retry' END"),
      claim: null,
      next_try_at: now,
    });
}

/** Given up before any try, with why (no longer true, a number Semaphore cannot take). */
export async function giveUp(db: Knex, id: number, why: string, now: number): Promise<void> {
  await db('sms_outbox')
    .where({ id })
    .whereIn('state', ['pending', 'retry'])
    .update({ state: 'given_up', last_error: why.slice(0, 500), next_try_at: now });
}

/**
 * Rows left `sending` since before `before`: their sender stopped between handing them to Semaphore and hearing
 * back, so whether they went is unknown. They become `unsure` and are never sent again. Returns how many.
 */
export async function markUnsure(db: Knex, before: number): Promise<number> {
  return db('sms_outbox').where({ state: 'sending' }).where('sending_at', '<', before).update({
    state: 'unsure',
    claim: null,
    last_error: 'the controller stopped while sending: not sent again',
  });
}

export interface OutboxCounts {
  counts: Record<SmsState, number>;
  /** Of the given up, those dropped on purpose: no longer true when their turn came (not a failure). */
  notNeeded: number;
  /** The latest failure of a message not sent (Semaphore's words or ours); a drop on purpose is none. */
  lastError: string | null;
}

/**
 * How a drop on purpose reads in `last_error`: every reason facts.ts's noLongerTrue gives ends so ("not sent:
 * the payment was voided before it went").
 */
const NOT_NEEDED = '% before it went';

export async function outboxCounts(db: Knex): Promise<OutboxCounts> {
  const counts = Object.fromEntries(SMS_STATES.map((s) => [s, 0])) as Record<SmsState, number>;
  for (const [state, n] of await countsBy(db, db('sms_outbox'), 'state')) counts[state as SmsState] = n;
  const dropped = (q: Knex.QueryBuilder) =>
    q.where('state', 'given_up').where('last_error', 'like', NOT_NEEDED);
  const [notNeeded] = (await dropped(db('sms_outbox')).count({ n: '*' })) as Array<{ n: unknown }>;
  const last = (await db('sms_outbox')
    .whereNotNull('last_error')
    .whereNot('state', 'sent')
    .whereNot((q) => dropped(q))
    .orderBy('id', 'desc')
    .first('last_error')) as { last_error: string } | undefined;
  return { counts, notNeeded: Number(notNeeded?.n ?? 0), lastError: last?.last_error ?? null };
}
