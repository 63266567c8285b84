/**
 * Logins in flight kept in the database, so that every server sharing it sees them (src/router/hotspot's
 * SharedLogins): a row per device while its login touches the router, with the server making it. A row of a server
 * that is no longer running, or older than any login takes, protects nothing and is dropped by the next poll that
 * reads them. One read per poll (after its router read) and one more only when the poll is about to remove queues.
 */
import type { Knex } from 'knex';
import { normaliseMac } from '../domain/units';
import type { SharedLogins } from '../router/hotspot';
import type { ServerPresence } from './site-leases';

/** A login row older than this is over, whatever became of its server (a login takes a few round trips). */
const LOGIN_ROW_MS = 60_000;

interface LoginRow {
  id: number;
  mac: string;
  server: string;
  started_at: number | string;
}

export function databaseLogins(
  db: Knex,
  siteId: number,
  presence: ServerPresence,
  now: () => number,
): SharedLogins {
  return {
    async begin(macs) {
      const at = now();
      const mine = [...new Set(macs.map((m) => normaliseMac(m)))];
      if (mine.length === 0) return async () => undefined;
      await db('logins_in_flight').insert(
        mine.map((mac) => ({ site_id: siteId, mac, server: presence.name, started_at: at })),
      );
      return async () => {
        await db('logins_in_flight')
          .where({ site_id: siteId, server: presence.name, started_at: at })
          .whereIn('mac', mine)
          .delete();
      };
    },
    async underWay() {
      const rows = (await db('logins_in_flight')
        .where({ site_id: siteId })
        .select('id', 'mac', 'server', 'started_at')) as LoginRow[];
      const out = new Set<string>();
      if (rows.length === 0) return out;
      const others = [...new Set(rows.map((r) => r.server).filter((s) => s !== presence.name))];
      const running = others.length > 0 ? await presence.running(others) : new Set<string>();
      const oldest = now() - LOGIN_ROW_MS;
      const over: number[] = [];
      for (const r of rows) {
        const live = r.server === presence.name || running.has(r.server);
        if (live && Number(r.started_at) >= oldest) out.add(r.mac);
        else over.push(Number(r.id));
      }
      if (over.length > 0) await db('logins_in_flight').whereIn('id', over).delete();
      return out;
    },
  };
}
