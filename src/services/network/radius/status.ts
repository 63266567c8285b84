/**
 * A RADIUS site's state as the Sites page, the terminal and /healthz show it: what FreeRADIUS last heard from its
 * router (an Access-Request answered, or accounting), its sessions online, and the poll's last booking. FreeRADIUS
 * drops what it cannot trust without answering (a router with the wrong secret, an address it does not know as
 * a client), so silence is what the product can see of those: it is named with what to check.
 */
import type { Knex } from 'knex';
import { STALE_AFTER_S } from '../../../domain/radius-account';
import type { SiteError, SiteLoginServer, SiteRow, SiteStatus } from '../../business/sites/types';
import type { Clock } from '../../../lib/clock';
import { isPostgres } from '../../../db/knex';
import { isRadiusClient } from '../../../domain/site-mode';
import { readPollState } from '../usage/persist';

/** Heard from within this long: the router is talking to FreeRADIUS. */
const HEARD_RECENTLY_MS = 15 * 60_000;

const CHECK =
  "check the router's /radius entry (FreeRADIUS's address, ports 1812/1813, the site's secret on both sides), " +
  'that FreeRADIUS runs with a configuration written after this site was added (pisonet radius freeradius-config), ' +
  'and that UDP 1812 and 1813 pass the firewalls.';

interface RadiusHeard {
  /** The last Access-Request or accounting FreeRADIUS recorded from the router (ms), or null. */
  lastHeardAt: number | null;
  /** Accounting sessions open and heard from recently. */
  online: number;
}

/**
 * User names in the router's accounting of the last `days` that are no code of ours (a local user of the router,
 * a code typed on another system): their rows are kept in `radacct` and booked to nobody. At most `limit`.
 */
export async function unknownAccounting(
  db: Knex,
  nasAddress: string,
  opts: { since?: number; limit?: number } = {},
): Promise<string[]> {
  const rows = (
    await db.raw(
      `SELECT DISTINCT a.username FROM radacct a
       WHERE a.nasipaddress = ?::inet AND a.username IS NOT NULL
         AND COALESCE(a.acctupdatetime, a.acctstarttime) >= to_timestamp(?)
         AND NOT EXISTS (SELECT 1 FROM vouchers v WHERE v.code = a.username)
         AND NOT EXISTS (SELECT 1 FROM subscribers s WHERE s.username = a.username)
       ORDER BY a.username LIMIT ?`,
      [nasAddress, Math.floor((opts.since ?? Date.now() - 7 * 86400_000) / 1000), opts.limit ?? 20],
    )
  ).rows as Array<{ username: string }>;
  return rows.map((r) => r.username);
}

async function radiusHeard(db: Knex, nasAddress: string | null): Promise<RadiusHeard> {
  if (!nasAddress) return { lastHeardAt: null, online: 0 };
  const rows = (
    await db.raw(
      `SELECT
         (SELECT EXTRACT(EPOCH FROM MAX(GREATEST(COALESCE(acctupdatetime, acctstarttime), COALESCE(acctstoptime, acctstarttime))))
            FROM radacct WHERE nasipaddress = ?::inet) AS acct,
         (SELECT EXTRACT(EPOCH FROM MAX(authdate)) FROM radpostauth WHERE nasipaddress = ?::inet) AS auth,
         (SELECT COUNT(*) FROM radacct WHERE nasipaddress = ?::inet AND acctstoptime IS NULL
            AND COALESCE(acctupdatetime, acctstarttime) >= now() - make_interval(secs => ?)) AS online`,
      [nasAddress, nasAddress, nasAddress, STALE_AFTER_S],
    )
  ).rows as Array<{ acct: string | null; auth: string | null; online: string | number }>;
  const r = rows[0];
  const times = [r.acct, r.auth].filter((x): x is string => x !== null).map((x) => Number(x) * 1000);
  return { lastHeardAt: times.length ? Math.max(...times) : null, online: Number(r.online) };
}

/**
 * The site's status from what FreeRADIUS heard (`api`: what its API connection says, when it has one).
 * `lastPollAt`: the poll's last booking.
 */
function radiusStatus(
  heard: RadiusHeard,
  now: number,
  lastPollAt: number | null,
  api?: SiteStatus,
): SiteStatus {
  let error: SiteError | null = null;
  if (heard.lastHeardAt === null)
    error = {
      code: 'RADIUS_NOT_HEARD',
      message: `FreeRADIUS has heard nothing from this router yet: ${CHECK}`,
    };
  else if (now - heard.lastHeardAt > HEARD_RECENTLY_MS && heard.online === 0)
    error = {
      code: 'RADIUS_SILENT',
      message: `FreeRADIUS has heard nothing from this router for ${Math.round((now - heard.lastHeardAt) / 60_000)} minutes. If customers cannot log in, ${CHECK}`,
    };
  return {
    connected: error === null,
    identity: api?.identity ?? null,
    online: heard.online,
    lastPollAt,
    error,
    live: true,
  };
}

/**
 * FreeRADIUS as the login server of the sites that are its clients, for the sites service: the site's state from
 * what it heard and the poll's last booking, and the user names of its router's accounting of the last 7 days that
 * are no code of ours. Nothing for another site, nor on SQLite (FreeRADIUS's tables live on PostgreSQL).
 */
export function radiusLoginServer(db: Knex, clock: Clock): SiteLoginServer {
  const serves = (site: SiteRow) => isRadiusClient(site) && isPostgres(db);
  return {
    async status(site, api) {
      if (!serves(site)) return undefined;
      const [heard, poll] = await Promise.all([
        radiusHeard(db, site.nas_address ?? null),
        readPollState(db, site.id),
      ]);
      return radiusStatus(heard, clock.now(), poll.lastPollAt ?? null, api);
    },
    async unknownUsers(site) {
      if (!serves(site) || !site.nas_address) return [];
      return unknownAccounting(db, site.nas_address, { since: clock.now() - 7 * 86400_000, limit: 10 });
    },
  };
}
