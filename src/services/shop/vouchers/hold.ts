/**
 * What a customer did with a voucher on the portal that the counter must see (self-service, ../self-service/):
 * a code queued for their device, to start when the code before it ends (sold: no longer stock, never printed
 * again as unused), and a code they paused (its time kept, its login refused until it resumes). The admin page,
 * the API and the terminal read both from here, as the portal's own status does its pause.
 */
import type { Knex } from 'knex';
import { formatShopTime } from '../../../domain/clock';
import type { Profile } from '../../../domain/profiles';
import { pauseEndsAt, SELF_SERVICE_WINDOW_MS } from '../../../domain/self-service';

/** The columns of a voucher's row read here (a VoucherRow). */
interface HeldRow {
  id: number;
  status: string;
  queued_mac?: string | null;
  queued_after?: number | null;
  queued_at?: number | null;
  paused_at?: number | null;
  paused_mac?: string | null;
}

/** An unused code kept for a device: the device, the code it starts after (null: none recorded), since when. */
export type QueuedView = NonNullable<Awaited<ReturnType<typeof queuedView>>>;

/** A paused code: since when, by which device, when the pause ends by itself (null: never), pauses left. */
export type PausedView = NonNullable<Awaited<ReturnType<typeof pausedView>>>;

/** An unused code kept for a device: sold, neither stock nor a card to print again. */
const isQueued = (row: Pick<HeldRow, 'status' | 'queued_mac'>): boolean =>
  row.status === 'unused' && row.queued_mac != null;

/** Narrows a query on vouchers (as `alias`) to the cards still for sale: unused and not queued on a device. */
export const forSale =
  (alias = 'v') =>
  (q: Knex.QueryBuilder): void => {
    void q.where(`${alias}.status`, 'unused').whereNull(`${alias}.queued_mac`);
  };

/** The same as SQL, for a count inside a statement (`alias` the vouchers table's). */
export const forSaleSql = (alias: string) => `${alias}.status = 'unused' AND ${alias}.queued_mac IS NULL`;

/** The queue a code waits in, or null when it is not queued. */
export async function queuedView(db: Knex, row: HeldRow) {
  if (!isQueued(row)) return null;
  const after =
    row.queued_after == null
      ? undefined
      : ((await db('vouchers').where({ id: row.queued_after }).first('code', 'status')) as
          { code: string; status: string } | undefined);
  return {
    device: row.queued_mac as string,
    afterCode: after?.code ?? null,
    /** The code it starts after is running still; else the customer starts it (the status page's button). */
    afterRunning: after?.status === 'active',
    since: row.queued_at == null ? null : Number(row.queued_at),
  };
}

/** Pauses the voucher may still take now: its plan's number a day less those of the last 24 hours (null: no number). */
export async function pausesLeft(
  db: Knex,
  voucherId: number,
  profile: Profile,
  now: number,
): Promise<number | null> {
  const perDay = profile.pausesPerDay;
  if (perDay === undefined) return null;
  const [{ n }] = (await db('events')
    .where({ voucher_id: voucherId, kind: 'pause' })
    .where('ts', '>', now - SELF_SERVICE_WINDOW_MS)
    .count({ n: '*' })) as Array<{ n: number | string }>;
  return Math.max(0, perDay - Number(n));
}

/** The pause a running code is in, or null. */
export async function pausedView(db: Knex, row: HeldRow, profile: Profile, now: number) {
  if (row.status !== 'active' || row.paused_at == null) return null;
  const since = Number(row.paused_at);
  return {
    since,
    device: row.paused_mac ?? null,
    endsAt: pauseEndsAt(profile, since),
    /** Pauses it may still take in 24 hours (null: its plan sets no number). */
    pausesLeft: await pausesLeft(db, row.id, profile, now),
  };
}

/** A held code's state and its reason for the counter (`queued`, `paused`), or null: the policy's state stands. */
export function holdState(
  hold: { queued: QueuedView | null; paused: PausedView | null },
  now: number,
  tz: string,
): { state: string; reason: string } | null {
  const { queued: q, paused: p } = hold;
  if (q) {
    const start = q.afterRunning
      ? `starts when ${q.afterCode} ends`
      : `starts when the customer starts it there${q.afterCode ? ` (${q.afterCode} has ended)` : ''}`;
    return { state: 'queued', reason: `queued on ${q.device}, ${start}` };
  }
  if (!p) return null;
  const until =
    p.endsAt === null ? 'until the customer resumes it' : `until ${formatShopTime(p.endsAt, tz, now)}`;
  const left =
    p.pausesLeft === null ? '' : `, ${p.pausesLeft} pause${p.pausesLeft === 1 ? '' : 's'} left today`;
  return { state: 'paused', reason: `paused by the customer ${until}${left}` };
}
