/**
 * Whether a device is online: the one answer the portal's status page, the admin pages, the API and the terminal
 * all read. A device is online while its router lists a hotspot session for it, as the controller last saw it: a
 * login through the controller marks its row online at once, and every poll cycle sets each row from the router's
 * session list (usage/meter.ts), including the full cycle that runs when a router comes back after a restart. So a
 * phone the router logged out is offline here from that cycle on, whatever page asks.
 */
import type { Knex } from 'knex';

/** The stored flag as one boolean (SQLite answers 0/1, PostgreSQL true/false). */
export function isOnline(row: { connected: number | boolean | null | undefined }): boolean {
  return Boolean(row.connected);
}

/** The MACs of a voucher's devices that are online now. */
export async function onlineMacsOf(db: Knex, voucherId: number): Promise<string[]> {
  const rows = (await db('voucher_devices')
    .where({ voucher_id: voucherId, connected: true })
    .select('mac')) as Array<{ mac: string }>;
  return rows.map((r) => r.mac);
}
