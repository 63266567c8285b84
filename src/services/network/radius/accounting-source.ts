/**
 * A RADIUS site's usage source: FreeRADIUS's accounting in `radacct` (the router's Start, Interim-Update and Stop,
 * written there by FreeRADIUS's SQL module with totals that only grow) and its answers in `radpostauth`.
 *
 * A counter is one device's bytes under one code: the sum of its sessions' totals (id `<code> <MAC>`). It only ever
 * grows: a session's totals only grow (the accounting upsert keeps the larger), and a new session adds a row. So
 * the ledger books it against its baseline exactly once, whatever the interim updates did (duplicated, late, lost,
 * a Stop without a Start, totals past 4 GiB in Gigawords), and a device that logs in again keeps its counter.
 * The devices read are those with accounting since the last booked poll (or an open session), so a controller
 * that was away books, when it is back, what FreeRADIUS recorded meanwhile.
 *
 * Subscribers' PPP sessions (Service-Type Framed-User) are read apart (ppp-accounting.ts), as the reading's
 * `subscribers`: the subscriber meter books them; the vouchers' counters and sessions leave them out.
 *
 * Sessions are the open accounting sessions heard from within STALE_AFTER_S (a session that never sent its Stop
 * is closed by this timeout: its bytes stay counted). An Access-Accept alone is no session: the router may have
 * given up waiting for it (accepts.ts). A code is in use from its first Accept once its accounting shows the session.
 */
import type { Knex } from 'knex';
import { STALE_AFTER_S } from '../../../domain/radius-account';
import { UnreachableError } from '../../../domain/errors';
import { PPP_SERVICE_TYPE, pppSessions, stationMac, type PppAccountingSession } from './ppp-accounting';
import type { CounterReading, SessionReading, UsageReading, UsageSource } from '../usage/source';

/** How far before the last booked poll accounting is read again (clock skew between database and controller). */
const OVERLAP_S = 300;

interface AccountingSourceOptions {
  db: Knex;
  /** The router as a RADIUS client: its accounting rows carry this NAS-IP-Address. */
  nasAddress: string;
  /** When the site's usage was last booked (ms), or undefined: read every device with accounting. */
  lastBooked(): Promise<number | undefined>;
}

interface CounterRow {
  username: string;
  mac: string;
  up: string | number;
  down: string | number;
}

interface SessionRow {
  started: string | null;
  acctsessionid: string;
  username: string;
  mac: string;
  ip: string | null;
  bytes: string | number;
  seconds: string | number | null;
}

/** The accounting's reading window opens this long before the last booked poll (seconds), or at none. */
const windowStart = (since: number | undefined) => Math.floor((since ?? 0) / 1000) - OVERLAP_S;

/** The devices with accounting since the last booked poll (or open now), each summed over all its sessions. */
async function readCounters(o: AccountingSourceOptions, since: number | undefined): Promise<CounterRow[]> {
  return (
    await o.db.raw(
      `SELECT a.username, a.callingstationid AS mac, SUM(a.acctinputoctets) AS up, SUM(a.acctoutputoctets) AS down
       FROM radacct a
       JOIN (SELECT DISTINCT username, callingstationid FROM radacct
             WHERE nasipaddress = ?::inet AND username IS NOT NULL AND callingstationid <> ''
               AND servicetype IS DISTINCT FROM ?
               AND (acctstoptime IS NULL OR ? OR acctupdatetime >= to_timestamp(?) OR acctstoptime >= to_timestamp(?))) d
         ON d.username = a.username AND d.callingstationid = a.callingstationid
       WHERE a.nasipaddress = ?::inet AND a.servicetype IS DISTINCT FROM ?
       GROUP BY a.username, a.callingstationid`,
      [
        o.nasAddress,
        PPP_SERVICE_TYPE,
        since === undefined,
        windowStart(since),
        windowStart(since),
        o.nasAddress,
        PPP_SERVICE_TYPE,
      ],
    )
  ).rows as CounterRow[];
}

/** The vouchers' open accounting sessions heard from within STALE_AFTER_S. */
async function readOpenSessions(o: AccountingSourceOptions): Promise<SessionRow[]> {
  return (
    await o.db.raw(
      `SELECT a.acctsessionid, a.username, a.callingstationid AS mac, host(a.framedipaddress) AS ip,
         COALESCE(a.acctinputoctets, 0) + COALESCE(a.acctoutputoctets, 0) AS bytes,
         EXTRACT(EPOCH FROM (now() - a.acctstarttime))::bigint AS seconds,
         EXTRACT(EPOCH FROM LEAST(ra.first_accept_at, a.acctstarttime)) AS started
       FROM radacct a LEFT JOIN radius_accounts ra ON ra.username = a.username
       WHERE a.nasipaddress = ?::inet AND a.acctstoptime IS NULL AND a.username IS NOT NULL
         AND a.servicetype IS DISTINCT FROM ?
         AND COALESCE(a.acctupdatetime, a.acctstarttime) >= now() - make_interval(secs => ?)
       ORDER BY a.acctstarttime`,
      [o.nasAddress, PPP_SERVICE_TYPE, STALE_AFTER_S],
    )
  ).rows as SessionRow[];
}

/** Everything one read takes from the database, in one go; unreadable, the poll waits as for a router away. */
async function readRows(o: AccountingSourceOptions, since: number | undefined) {
  try {
    const counters = await readCounters(o, since);
    const open = await readOpenSessions(o);
    // Subscribers' PPP sessions: the open ones, and those whose Stop came since the last booked poll.
    const ppp = await pppSessions(
      o.db,
      o.nasAddress,
      since === undefined ? undefined : since - OVERLAP_S * 1000,
    );
    return { counters, open, ppp };
  } catch (err) {
    // The database is where FreeRADIUS writes: unreadable, the poll waits as for a router that is away.
    throw new UnreachableError(`accounting unreadable: ${(err as Error).message}`, 'ACCOUNTING', err);
  }
}

function counterReading(r: CounterRow): CounterReading {
  const mac = stationMac(r.mac);
  return {
    id: `${r.username} ${mac}`,
    mac,
    code: r.username,
    up: Number(r.up),
    down: Number(r.down),
    rateUp: 0,
    rateDown: 0,
  };
}

const startedAt = (started: string | null) =>
  started !== null ? { startedAt: Math.round(Number(started) * 1000) } : {};

/** The open sessions, each from the first Accept of its code when that came earlier. */
function sessionReadings(open: SessionRow[]): SessionReading[] {
  return open.map((s) => ({
    id: s.acctsessionid,
    user: s.username,
    mac: stationMac(s.mac),
    ip: s.ip,
    uptimeSeconds: Math.max(0, Number(s.seconds ?? 0)),
    bytes: Number(s.bytes),
    ...startedAt(s.started),
  }));
}

/** One per accounting session of the router: its id is the router's Acct-Session-Id, input = upload. */
function subscriberReading(nasAddress: string, p: PppAccountingSession) {
  return {
    id: `${nasAddress} ${p.id}`,
    username: p.username,
    address: p.open ? p.address : null,
    callerId: p.callerId,
    up: p.up,
    down: p.down,
    rateUp: 0,
    rateDown: 0,
    uptimeSeconds: p.uptimeSeconds,
    ...(p.open ? {} : { ended: true }),
  };
}

export function accountingSource(o: AccountingSourceOptions): UsageSource {
  return {
    async read(): Promise<UsageReading> {
      const rows = await readRows(o, await o.lastBooked());
      return {
        counters: rows.counters.map(counterReading),
        sessions: sessionReadings(rows.open),
        subscribers: rows.ppp.map((p) => subscriberReading(o.nasAddress, p)),
        // Accounting totals never start again from zero: there is no reboot to detect.
        countersStartedAt: undefined,
        loginsMissed: () => new Set<string>(),
      };
    },
  };
}
