/**
 * The outbox table (migration 0029): every message is written here first, in the same database as everything
 * else, then delivered per channel by the sender (sender.ts). A message is marked sent on a channel right after
 * that channel accepted it; a crash between the two sends that one message again (at most one per channel).
 */
import crypto from 'node:crypto';
import type { Db } from '../../../db/knex';
import {
  CHANNELS,
  type Channel,
  type DeliveryState,
  type NewMessage,
  type NotifyKind,
  type OutboxView,
} from './types';

export interface OutboxRow {
  id: number;
  uid: string;
  kind: NotifyKind;
  subject: string | null;
  site: string | null;
  text: string;
  data: string | null;
  created_at: number | string;
  [column: string]: unknown;
}

/** Writes a message for `channels`; returns its uid. */
export async function enqueue(db: Db, now: number, msg: NewMessage, channels: Channel[]): Promise<string> {
  const uid = crypto.randomUUID();
  const row: Record<string, unknown> = {
    uid,
    kind: msg.kind,
    subject: msg.subject ?? null,
    site: msg.site ?? null,
    text: msg.text,
    data: JSON.stringify(msg.data),
    created_at: now,
  };
  for (const ch of CHANNELS) {
    const on = channels.includes(ch);
    row[`${ch}_state`] = on ? 'pending' : null;
    row[`${ch}_next_at`] = on ? now : null;
  }
  await db('notify_outbox').insert(row);
  return uid;
}

/** The next messages waiting for a channel whose time has come, oldest first. */
export async function due(db: Db, channel: Channel, now: number, limit = 20): Promise<OutboxRow[]> {
  return (await db('notify_outbox')
    .where(`${channel}_state`, 'pending')
    .where((q) => q.whereNull(`${channel}_next_at`).orWhere(`${channel}_next_at`, '<=', now))
    .orderBy('id')
    .limit(limit)) as OutboxRow[];
}

/** One try on a channel: its columns (named without the channel) written, and the try counted. */
async function tried(db: Db, id: number, channel: Channel, cols: Record<string, unknown>): Promise<void> {
  const named = Object.fromEntries(Object.entries(cols).map(([k, v]) => [`${channel}_${k}`, v]));
  await db('notify_outbox')
    .where({ id })
    .update({ ...named, [`${channel}_attempts`]: db.raw('?? + 1', [`${channel}_attempts`]) });
}

export async function markSent(db: Db, id: number, channel: Channel, now: number): Promise<void> {
  await tried(db, id, channel, { state: 'sent', done_at: now, next_at: null });
}

/** A failure worth another try: counted, with the channel's words, tried again at `nextAt`. */
export async function markRetry(
  db: Db,
  id: number,
  channel: Channel,
  error: string,
  nextAt: number,
): Promise<void> {
  await tried(db, id, channel, { error: error.slice(0, 500), next_at: nextAt });
}

/** A failure that no retry can fix (the channel refused the message): kept, with its words. */
export async function markFailed(
  db: Db,
  id: number,
  channel: Channel,
  error: string,
  now: number,
): Promise<void> {
  await tried(db, id, channel, { state: 'failed', error: error.slice(0, 500), done_at: now, next_at: null });
}

/** The latest message of each subject starting with `prefix`: what was last said about each site, vendo… */
export async function latestBySubject(
  db: Db,
  prefix: string,
): Promise<Map<string, { kind: NotifyKind; data: Record<string, unknown>; createdAt: number }>> {
  const rows = (await db('notify_outbox')
    .whereIn('id', db('notify_outbox').where('subject', 'like', `${prefix}%`).groupBy('subject').max('id'))
    .select('subject', 'kind', 'data', 'created_at')) as OutboxRow[];
  return new Map(
    rows.map((r) => [
      r.subject as string,
      {
        kind: r.kind,
        data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : {},
        createdAt: Number(r.created_at),
      },
    ]),
  );
}

/** Whether a message of this subject exists (the day's summary is sent once). */
export async function hasSubject(db: Db, subject: string): Promise<boolean> {
  return Boolean(await db('notify_outbox').where({ subject }).first('id'));
}

function channelView(r: OutboxRow, ch: Channel): OutboxView['channels'][number] | undefined {
  const state = r[`${ch}_state`] as DeliveryState | null;
  if (!state) return undefined;
  const num = (k: string) => (r[k] === null || r[k] === undefined ? null : Number(r[k]));
  return {
    channel: ch,
    state,
    attempts: Number(r[`${ch}_attempts`] ?? 0),
    error: (r[`${ch}_error`] as string | null) ?? null,
    doneAt: num(`${ch}_done_at`),
    nextAt: state === 'pending' ? num(`${ch}_next_at`) : null,
  };
}

export async function recentMessages(db: Db, limit: number): Promise<OutboxView[]> {
  const rows = (await db('notify_outbox')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(limit, 1), 500))) as OutboxRow[];
  return rows.map((r) => ({
    id: r.uid,
    kind: r.kind,
    site: r.site,
    text: r.text,
    createdAt: Number(r.created_at),
    channels: CHANNELS.map((ch) => channelView(r, ch)).filter((c) => c !== undefined),
  }));
}

/**
 * Deletes messages older than `before`, except each subject's latest (what a restarted controller reads to
 * know what it already said). Returns how many went.
 */
export async function prune(db: Db, before: number): Promise<number> {
  return db('notify_outbox')
    .where('created_at', '<', before)
    .whereNotIn('id', db('notify_outbox').whereNotNull('subject').groupBy('subject').max('id'))
    .delete();
}
