/**
 * Subscribers' PPP sessions as FreeRADIUS's accounting knows them: the open `radacct` rows of a router whose
 * Service-Type is Framed-User (RouterOS's PPP Access-Request and accounting; the hotspot's is Login-User), heard
 * from within STALE_AFTER_S. The totals are the router's own (input = what it received from the subscriber, the
 * upload; the Gigawords folded in by the accounting query).
 */
import type { Knex } from 'knex';
import { macOf } from '../../../domain/network';
import { STALE_AFTER_S } from '../../../domain/radius-account';
import type { PppSessionCounters } from '../../../router/ppp';

/**
 * RouterOS sends Calling-Station-Id as AA:BB:CC:DD:EE:FF (radius-mac-format's default); other formats are read as
 * every MAC is (domain/network.ts), and a value that is no MAC is kept as it came, upper case.
 */
export const stationMac = (s: string) => macOf(s.trim()) ?? s.trim().toUpperCase();

/** The Service-Type of a PPP session's accounting (the hotspot's is Login-User). */
export const PPP_SERVICE_TYPE = 'Framed-User';

/** A PPP session in the router's session terms (its Acct-Session-Id, Framed-IP-Address, Calling-Station-Id). */
export interface PppAccountingSession extends Omit<PppSessionCounters, 'rateUp' | 'rateDown'> {
  /** False for a session whose Stop arrived (its totals final). */
  open: boolean;
}

interface Row {
  acctsessionid: string;
  username: string;
  mac: string | null;
  ip: string | null;
  up: string | number;
  down: string | number;
  seconds: string | number | null;
  open: boolean;
}

/**
 * The router's open PPP sessions (by the address FreeRADIUS knows it by), oldest first; with `stoppedSince` (ms),
 * also those whose Stop arrived since then, with their final totals (the bytes a session moved between the last
 * poll and its end are counted too).
 */
export async function pppSessions(
  db: Knex,
  nasAddress: string,
  stoppedSince?: number,
): Promise<PppAccountingSession[]> {
  const rows = (
    await db.raw(
      `SELECT acctsessionid, username, callingstationid AS mac, host(framedipaddress) AS ip,
         acctinputoctets AS up, acctoutputoctets AS down, acctstoptime IS NULL AS open,
         EXTRACT(EPOCH FROM (COALESCE(acctstoptime, now()) - acctstarttime))::bigint AS seconds
       FROM radacct
       WHERE nasipaddress = ?::inet AND username IS NOT NULL AND servicetype = ?
         AND ((acctstoptime IS NULL AND COALESCE(acctupdatetime, acctstarttime) >= now() - make_interval(secs => ?))
           OR (? AND acctstoptime >= to_timestamp(?)))
       ORDER BY acctstarttime, radacctid`,
      [
        nasAddress,
        PPP_SERVICE_TYPE,
        STALE_AFTER_S,
        stoppedSince !== undefined,
        Math.floor((stoppedSince ?? 0) / 1000),
      ],
    )
  ).rows as Row[];
  return rows.map((r) => ({
    id: r.acctsessionid,
    username: r.username,
    address: r.ip,
    callerId: stationMac(r.mac ?? ''),
    up: Number(r.up),
    down: Number(r.down),
    uptimeSeconds: Math.max(0, Number(r.seconds ?? 0)),
    open: Boolean(r.open),
  }));
}
