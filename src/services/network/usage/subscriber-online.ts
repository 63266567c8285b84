/**
 * Who of the subscribers is online now, from what the poll last read of their PPP sessions (`subscriber_sessions`,
 * written by the subscriber meter from the router's `/ppp/active` or RADIUS accounting): no page asks the router.
 * A session counts while the poll saw it lately (`freshMs`: a few polls); a router away or a controller
 * stopped leaves its last reading, which then says offline rather than a stale "online".
 */
import type { Knex } from 'knex';

export interface SubscriberSession {
  online: boolean;
  /** The address its session was given, while online. */
  address: string | null;
  /** How long its session has been up now, while online. */
  uptimeSeconds: number | null;
  /** The speed it ran at between the poll's last two readings, bits per second (up: what it sent). */
  rate: { up: number; down: number } | null;
  /** When the poll last read it online (null: never seen, or not since its session ended). */
  seenAt: number | null;
}

export const OFFLINE: SubscriberSession = {
  online: false,
  address: null,
  uptimeSeconds: null,
  rate: null,
  seenAt: null,
};

interface Row {
  subscriber_id: unknown;
  seen_at: unknown;
  address: string | null;
  uptime_seconds: unknown;
  rate_up: unknown;
  rate_down: unknown;
}

const CHUNK = 500;

/**
 * Each of these subscribers' session now (OFFLINE for those without one): the newest session's address and
 * uptime, the speeds of all its sessions together (a plan allowing two logins runs both).
 */
export async function subscriberSessions(
  db: Knex,
  ids: readonly number[],
  now: number,
  freshMs: number,
): Promise<Map<number, SubscriberSession>> {
  const out = new Map<number, SubscriberSession>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = (await db('subscriber_sessions')
      .whereIn('subscriber_id', ids.slice(i, i + CHUNK))
      .where('ended', 0)
      .select('subscriber_id', 'seen_at', 'address', 'uptime_seconds', 'rate_up', 'rate_down')) as Row[];
    for (const r of rows) {
      const id = Number(r.subscriber_id);
      const seenAt = Number(r.seen_at);
      const had = out.get(id);
      if (now - seenAt > freshMs) {
        if (!had) out.set(id, { ...OFFLINE, seenAt });
        continue;
      }
      const uptime = Number(r.uptime_seconds) + Math.max(0, Math.floor((now - seenAt) / 1000));
      const rate = { up: Number(r.rate_up), down: Number(r.rate_down) };
      if (!had?.online) {
        out.set(id, { online: true, address: r.address, uptimeSeconds: uptime, rate, seenAt });
        continue;
      }
      const newer = uptime < (had.uptimeSeconds ?? Infinity);
      out.set(id, {
        online: true,
        address: newer ? r.address : had.address,
        uptimeSeconds: newer ? uptime : had.uptimeSeconds,
        rate: { up: had.rate!.up + rate.up, down: had.rate!.down + rate.down },
        seenAt: Math.max(seenAt, had.seenAt ?? 0),
      });
    }
  }
  return out;
}

/** How many subscribers are online now (a site's, or every site's). */
export async function subscribersOnline(
  db: Knex,
  now: number,
  freshMs: number,
  siteId?: number,
): Promise<number> {
  const q = db('subscriber_sessions')
    .where('ended', 0)
    .where('seen_at', '>=', now - freshMs)
    .countDistinct({ n: 'subscriber_id' });
  if (siteId !== undefined) q.where('site_id', siteId);
  const row = (await q.first()) as { n: unknown } | undefined;
  return Number(row?.n ?? 0);
}

/** A few polls: a session not read for longer is not said to be online. */
export function sessionFreshMs(usagePollSeconds: number): number {
  return Math.max(3 * usagePollSeconds * 1000, 90_000);
}
