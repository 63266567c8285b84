/**
 * An Access-Accept is a login only when the router's accounting for it follows. FreeRADIUS notes a code's device
 * (`radius_devices`) and starts a code's validity (`radius_accounts.first_accept_at`, an `Expiration` row) when it
 * accepts, in `pisonet_radius_login`; the router may have given up by then ("RADIUS server is not responding": a
 * FreeRADIUS or a database slower than the router's timeout), and the portal told the customer that the code was not
 * used. Such an Accept starts nothing: no accounting ever comes for it, and once ACCEPT_WAITS_S have passed since the
 * device's last Accept, what FreeRADIUS noted is taken back here. A device the controller knows (a login it made or
 * booked: its `voucher_devices` row), or with any accounting, keeps it; so does an Accept still within its wait, whose
 * session may be starting. The code's rows are written again right after (syncRadiusAccounts): an unused code without
 * a first Accept has no `Expiration`.
 *
 * Every time is the database's (FreeRADIUS stamps its rows with it), never the router's or the controller's.
 */
import type { Knex } from 'knex';

/** How long an Access-Accept waits for the router's accounting before it counts for nothing (seconds). */
const ACCEPT_WAITS_S = 120;

interface VoidedAccepts {
  /** Devices FreeRADIUS no longer counts for their code ("<code> <MAC>"). */
  devices: string[];
  /** Unused codes whose validity FreeRADIUS no longer runs. */
  codes: string[];
}

/** The devices of the site's codes in use that FreeRADIUS accepted and nothing followed. */
const VOID_DEVICES = `
  DELETE FROM radius_devices rd USING vouchers v
  WHERE v.code = rd.username AND v.site_id = ? AND v.status IN ('unused', 'active')
    AND rd.first_at < now() - make_interval(secs => ?)
    AND NOT EXISTS (SELECT 1 FROM voucher_devices d WHERE d.voucher_id = v.id AND upper(d.mac) = rd.mac)
    AND NOT EXISTS (SELECT 1 FROM radacct a WHERE a.username = rd.username AND upper(a.callingstationid) = rd.mac)
    AND NOT EXISTS (SELECT 1 FROM radpostauth p WHERE p.username = rd.username AND upper(p.callingstationid) = rd.mac
      AND p.reply = 'Access-Accept' AND p.authdate >= now() - make_interval(secs => ?))
  RETURNING rd.username, rd.mac`;

/** The site's unused codes whose first Accept no session followed, on no device FreeRADIUS still counts. */
const VOID_FIRST_ACCEPTS = `
  UPDATE radius_accounts ra SET first_accept_at = NULL FROM vouchers v
  WHERE v.code = ra.username AND v.site_id = ? AND v.status = 'unused' AND ra.first_accept_at IS NOT NULL
    AND ra.first_accept_at < now() - make_interval(secs => ?)
    AND NOT EXISTS (SELECT 1 FROM radius_devices rd WHERE rd.username = ra.username)
    AND NOT EXISTS (SELECT 1 FROM radacct a WHERE a.username = ra.username)
    AND NOT EXISTS (SELECT 1 FROM radpostauth p WHERE p.username = ra.username AND p.reply = 'Access-Accept'
      AND p.authdate >= now() - make_interval(secs => ?))
  RETURNING ra.username`;

/** Takes back what FreeRADIUS noted at the site's Accepts that no accounting followed within ACCEPT_WAITS_S. */
export async function voidUnfollowedAccepts(db: Knex, siteId: number): Promise<VoidedAccepts> {
  const wait = [siteId, ACCEPT_WAITS_S, ACCEPT_WAITS_S];
  return db.transaction(async (trx) => {
    const devices = (await trx.raw(VOID_DEVICES, wait)).rows as Array<{ username: string; mac: string }>;
    const codes = (await trx.raw(VOID_FIRST_ACCEPTS, wait)).rows as Array<{ username: string }>;
    return { devices: devices.map((d) => `${d.username} ${d.mac}`), codes: codes.map((c) => c.username) };
  });
}
