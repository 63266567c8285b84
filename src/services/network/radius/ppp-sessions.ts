/**
 * A RADIUS site's PPP sessions as FreeRADIUS's accounting records them (`radacct`): read only. Which login holds
 * an address (the portal's account page finds a subscriber by the request's source address) and how many of the
 * site's subscribers are online (the metrics). A session is open while it has no Stop and was heard from within
 * the accounting source's stale window (a session that never sent its Stop does not keep its address forever).
 */
import type { Knex } from 'knex';
import { STALE_AFTER_S } from '../../../domain/radius-account';

/** The User-Name of the newest open session at this router that was given `address`, or null. */
export async function pppLoginAt(db: Knex, nasAddress: string, address: string): Promise<string | null> {
  const rows = (
    await db.raw(
      `SELECT username FROM radacct
       WHERE nasipaddress = ?::inet AND framedipaddress = ?::inet AND acctstoptime IS NULL
         AND username IS NOT NULL
         AND COALESCE(acctupdatetime, acctstarttime) >= now() - make_interval(secs => ?)
       ORDER BY acctstarttime DESC LIMIT 1`,
      [nasAddress, address, STALE_AFTER_S],
    )
  ).rows as Array<{ username: string }>;
  return rows[0]?.username ?? null;
}

/** How many of the site's subscribers (not ended) have an open session at this router. */
export async function subscribersOnlineAt(db: Knex, nasAddress: string, siteId: number): Promise<number> {
  const rows = (
    await db.raw(
      `SELECT COUNT(DISTINCT s.id) AS n FROM radacct a
       JOIN subscribers s ON s.username_key = LOWER(a.username) AND s.site_id = ? AND s.status IN ('active', 'suspended')
       WHERE a.nasipaddress = ?::inet AND a.acctstoptime IS NULL
         AND COALESCE(a.acctupdatetime, a.acctstarttime) >= now() - make_interval(secs => ?)`,
      [siteId, nasAddress, STALE_AFTER_S],
    )
  ).rows as Array<{ n: string | number }>;
  return Number(rows[0]?.n ?? 0);
}
