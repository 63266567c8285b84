/**
 * The subscriber meter's baselines (`subscriber_sessions`: each PPP session's counters when last booked), as a poll
 * reads them: from the table, or kept since the last poll that booked them. The table has one writer, the meter,
 * whose statements carry USAGE_SQL_TAG: while no other statement wrote it (this process's, or another's commit),
 * the baselines a poll wrote are the ones the next poll would read. SQLite only, as the metered subscribers
 * (subscriber-load.ts): PostgreSQL notifies no change of this table, so each poll reads it there.
 *
 * Kept from the commit on, never before: a poll whose transaction failed wrote nothing, and the kept baselines
 * (left untouched until then) are still the table's.
 */
import type { Knex } from 'knex';
import { jsonSelect, USAGE_SQL_TAG, type Cell } from '../../../db/bulk-sql';
import { ChangeWatch, type ChangeStamp } from '../../../db/change-watch';
import { isPostgres } from '../../../db/knex';
import { lazyWatch } from './subscriber-load';

export interface Baseline {
  key: string;
  subscriberId: number;
  up: number;
  down: number;
  seenAt: number;
  /** The speed it was last said to run at, bits per second. */
  rateUp: number;
  rateDown: number;
}

/** A baseline as read: one JSON text on SQLite (jsonSelect), thousands of sessions every poll. */
type BaselineRow = Record<
  'session_key' | 'subscriber_id' | 'up' | 'down' | 'seen_at' | 'rate_up' | 'rate_down',
  string | number
>;

const BASELINE_COLS = ['session_key', 'subscriber_id', 'up', 'down', 'seen_at', 'rate_up', 'rate_down'];

/** The site's baselines as the table holds them, by session key. */
export async function readBaselines(trx: Knex, siteId: number): Promise<Map<string, Baseline>> {
  const rows = await jsonSelect<BaselineRow>(
    trx,
    'b',
    BASELINE_COLS,
    'FROM subscriber_sessions AS b WHERE b.site_id = ?',
    [siteId],
  );
  const out = new Map<string, Baseline>();
  for (const r of rows) {
    const key = String(r.session_key);
    out.set(key, {
      key,
      subscriberId: Number(r.subscriber_id),
      up: Number(r.up),
      down: Number(r.down),
      seenAt: Number(r.seen_at),
      rateUp: Number(r.rate_up),
      rateDown: Number(r.rate_down),
    });
  }
  return out;
}

/** The sessions gone since the last poll, deleted (tagged: the meter's own write). */
export async function deleteBaselines(trx: Knex, siteId: number, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await trx.raw(
    `${USAGE_SQL_TAG} DELETE FROM "subscriber_sessions" WHERE "site_id" = ? AND "session_key" IN (${keys.map(() => '?').join(', ')})`,
    [siteId, ...keys],
  );
}

/**
 * A row as the meter writes it (subscribers.ts SESSION_COLS): key, subscriber, up, down, address, uptime, rate up,
 * rate down, ended; the poll's time is its seen_at.
 */
export type BaselineCells = readonly Cell[];

/** One poll's baselines: those it starts from, and what it wrote of them (kept once its transaction committed). */
export interface PollBaselines {
  /** The site's baselines kept since the last poll when the table cannot have changed since; else undefined. */
  readonly kept: Map<string, Baseline> | undefined;
  /** In the poll's transaction: the baselines it started from, the rows it wrote (at `now`) and the keys it deleted. */
  moved(
    from: Map<string, Baseline>,
    rows: readonly BaselineCells[],
    gone: readonly string[],
    now: number,
  ): void;
  /** After the poll's transaction committed: what it wrote is kept for the next poll. */
  committed(): void;
}

export interface KeptBaselines {
  /** Before a poll's transaction (the stamp is read on the pool's connection, which the transaction then holds). */
  begin(siteId: number): Promise<PollBaselines>;
  close(): void;
}

const NONE: PollBaselines = { kept: undefined, moved: () => undefined, committed: () => undefined };

/** The baselines kept between polls on SQLite; nothing kept on PostgreSQL. */
export function keptBaselines(db: Knex): KeptBaselines {
  if (isPostgres(db)) return { begin: () => Promise.resolve(NONE), close: () => undefined };
  // Made at the first poll with subscribers' sessions.
  const watch = lazyWatch(db, { tables: ['subscriber_sessions'], ownTag: USAGE_SQL_TAG });
  let kept: { stamp: ChangeStamp; siteId: number; map: Map<string, Baseline> } | undefined;
  return {
    async begin(siteId) {
      const stamp = await watch.stamp();
      const current =
        kept && kept.siteId === siteId && ChangeWatch.unchanged(kept.stamp, stamp) ? kept.map : undefined;
      let done: (() => void) | undefined;
      return {
        kept: current,
        moved(from, rows, gone, now) {
          done = () => {
            applyMoves(from, rows, gone, now);
            kept = { stamp, siteId, map: from };
          };
        },
        committed() {
          done?.();
        },
      };
    },
    close() {
      watch.close();
      kept = undefined;
    },
  };
}

/** The rows a poll wrote, brought into the baselines it started from (the objects reused: no garbage per poll). */
function applyMoves(
  map: Map<string, Baseline>,
  rows: readonly BaselineCells[],
  gone: readonly string[],
  now: number,
): void {
  for (const key of gone) map.delete(key);
  for (const r of rows) {
    const key = r[0] as string;
    const b = map.get(key);
    const subscriberId = r[1] as number;
    const up = r[2] as number;
    const down = r[3] as number;
    const rateUp = r[6] as number;
    const rateDown = r[7] as number;
    if (b === undefined) {
      map.set(key, { key, subscriberId, up, down, seenAt: now, rateUp, rateDown });
      continue;
    }
    b.subscriberId = subscriberId;
    b.up = up;
    b.down = down;
    b.seenAt = now;
    b.rateUp = rateUp;
    b.rateDown = rateDown;
  }
}
