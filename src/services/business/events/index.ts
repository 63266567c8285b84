import type { Db } from '../../../db/knex';
import { statements } from '../../../db/statements';
import type { Clock } from '../../../lib/clock';
import type { EventService, EventView } from '../../types';

export interface EventInput {
  voucherId?: number | null;
  kind: string;
  level?: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

/** An event's row (its values in the order recordEvents' INSERT names the columns). */
const eventRow = (ts: number, e: EventInput) => ({
  ts,
  voucher_id: e.voucherId ?? null,
  kind: e.kind,
  level: e.level ?? 'info',
  message: e.message.slice(0, 300),
  data: e.data ? JSON.stringify(e.data) : null,
});

/** Writes an event row (inside the caller's transaction when given one). */
export async function recordEvent(db: Db, clock: Clock, e: EventInput): Promise<void> {
  await db('events').insert(eventRow(clock.now(), e));
}

/** Several events, 200 to a statement (a redemption's sale and login: one write on the customer's path). */
export async function recordEvents(db: Db, clock: Clock, list: readonly EventInput[]): Promise<void> {
  const ts = clock.now();
  const row = (e: EventInput) => Object.values(eventRow(ts, e));
  // A redemption's sale and login (one or two rows): plain SQL off the query builder (src/db/statements.ts).
  if (list.length > 0 && list.length <= 2 && !(db as { isTransaction?: boolean }).isTransaction) {
    await statements(db).run(
      `INSERT INTO events (ts, voucher_id, kind, level, message, data) VALUES ${list.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      list.flatMap(row),
    );
    return;
  }
  // knex writes a many-row insert on SQLite as one compound SELECT, at most 500 terms (SQLITE_MAX_COMPOUND_SELECT):
  // a router reboot logging out 2,000 devices is 10 statements of 200 rows.
  for (let i = 0; i < list.length; i += 200)
    await db('events').insert(list.slice(i, i + 200).map((e) => eventRow(ts, e)));
}

type EventRow = Omit<EventView, 'ts' | 'voucherCode'> & { ts: number | string; code: string | null };

export function createEventService(db: Db): EventService {
  return {
    async list(opts = {}) {
      const rows: EventRow[] = await db('events as e')
        .leftJoin('vouchers as v', 'v.id', 'e.voucher_id')
        .select('e.id', 'e.ts', 'e.kind', 'e.level', 'e.message', 'v.code')
        .modify((q) => {
          if (opts.voucherCode) q.where('v.code', opts.voucherCode);
          if (opts.kinds?.length) q.whereIn('e.kind', opts.kinds);
          if (opts.after !== undefined) q.where('e.id', '>', opts.after);
          if (opts.siteId !== undefined) q.where('v.site_id', opts.siteId);
        })
        .orderBy('e.id', 'desc')
        .limit(Math.min(Math.max(opts.limit ?? 20, 1), 500));
      return rows.map((r): EventView => ({
        id: r.id,
        ts: Number(r.ts),
        voucherCode: r.code ?? null,
        kind: r.kind,
        level: r.level,
        message: r.message,
      }));
    },
  };
}
