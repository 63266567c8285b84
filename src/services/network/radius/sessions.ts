/**
 * A RADIUS site's sessions (the code's open accounting sessions in `radacct`), ended by a Disconnect-Request and
 * given a top-up's time by a CoA-Request with the new `Session-Timeout` (RouterOS counts it from the login, so
 * it is the session's time so far plus the code's time left). A CoA the router refuses or does not answer falls
 * back to a Disconnect, as the enforcer's do: the device's next login is answered the code's rows, written first.
 * On a site with the router's API a top-up logs the code's devices out and in again instead (by MAC and IP), so
 * they also take its new byte allowance; without it a session keeps the allowance it took at login.
 */
import type { Knex } from 'knex';
import { RouterError } from '../../../domain/errors';
import type { Logger } from '../../../lib/logger';
import type { SessionReading } from '../usage/source';
import type { RouterSessions } from '../hotspot-users/sessions';
import type { Sessions } from '../../shop/vouchers/sessions';
import { send, type CoaTarget, type PacketOptions } from './coa-packets';
import { stationMac } from './ppp-accounting';

interface RadiusSessionsDeps extends PacketOptions {
  db: Knex;
  /** The router's address as FreeRADIUS knows it (its accounting's NAS-IP-Address). */
  nasAddress: string;
  target: () => Promise<CoaTarget>;
  log: Logger;
  now: () => number;
  /** The router's hotspot sessions over its API, when this controller has it (src/services/network/hotspot-users). */
  api?: Pick<RouterSessions, 'reachable' | 'relogin'>;
}

const notTaken = (what: string) =>
  new RouterError('ROUTER_UNREACHABLE', `the router did not take the ${what} request`);

export function radiusSessions(d: RadiusSessionsDeps): Sessions {
  async function open(code: string): Promise<SessionReading[]> {
    const rows = (
      await d.db.raw(
        `SELECT acctsessionid, callingstationid AS mac, host(framedipaddress) AS ip,
           EXTRACT(EPOCH FROM acctstarttime) AS started
         FROM radacct WHERE nasipaddress = ?::inet AND username = ? AND acctstoptime IS NULL
         ORDER BY acctstarttime`,
        [d.nasAddress, code],
      )
    ).rows as Array<{
      acctsessionid: string;
      mac: string;
      ip: string | null;
      started: string | number | null;
    }>;
    return rows.map((r) => ({
      id: r.acctsessionid,
      user: code,
      mac: stationMac(r.mac),
      ip: r.ip,
      uptimeSeconds: r.started === null ? 0 : Math.max(0, Math.round(d.now() / 1000 - Number(r.started))),
    }));
  }
  /** A Disconnect-Request; true when the session is gone (acknowledged, or not there). */
  async function disconnect(s: SessionReading, target: CoaTarget): Promise<boolean> {
    const a = await send(d, 'disconnect', s, [], target);
    return a === 'ack' || a === 'gone';
  }
  return {
    // The router's CoA port is always tried: a request it does not take refuses the change.
    reachable: () => true,
    online: async (code) => [...new Set((await open(code)).map((s) => s.mac))],
    async end(code, macs) {
      const sessions = (await open(code)).filter((s) => !macs || macs.includes(s.mac));
      if (!sessions.length) return;
      const target = await d.target();
      for (const s of sessions) if (!(await disconnect(s, target))) throw notTaken('Disconnect');
    },
    async renew(code, password, remainingSeconds) {
      if (d.api?.reachable()) return (await d.api.relogin(code, password)) >= 0;
      const sessions = await open(code);
      if (!sessions.length) return true;
      if (remainingSeconds === null) return false;
      const target = await d.target();
      let all = true;
      for (const s of sessions) {
        const a = await send(d, 'coa', s, [['Session-Timeout', s.uptimeSeconds + remainingSeconds]], target);
        if (a === 'ack' || a === 'gone') continue;
        d.log.info({ session: s.id, answer: a }, 'top-up CoA not taken: disconnecting the session instead');
        if (!(await disconnect(s, target))) all = false;
      }
      return all;
    },
  };
}
