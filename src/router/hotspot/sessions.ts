/**
 * Customers' sessions: where a device is on the hotspot, and logging sessions out and in again. Logging a device in
 * with its voucher is device-login.ts.
 */
import type { RouterClient } from '../types';
import { RouterError } from '../../domain/errors';
import { isGone } from './queues';
import { printNamed } from '../named-print';
import { ACTIVE_MENU, HOST_MENU, QUEUE_MENU } from './snapshot';

/** `.id` of the topmost dynamic (hotspot-made) queue: ours go above it, or its limit would win. */
export async function topDynamicQueue(router: RouterClient): Promise<string | undefined> {
  const rows = await router.print(QUEUE_MENU, { proplist: ['.id'], query: ['dynamic=true'] });
  return rows[0]?.['.id'];
}

export interface SessionRef {
  id: string;
  user: string;
  mac: string;
}

export async function sessionsOfDevice(router: RouterClient, mac: string): Promise<SessionRef[]> {
  const rows = await router.print(ACTIVE_MENU, {
    proplist: ['.id', 'user', 'mac-address'],
    query: [`mac-address=${mac}`],
  });
  return rows.map((r) => ({ id: r['.id'], user: r.user ?? '', mac: r['mac-address'] ?? mac }));
}

/**
 * Which of these devices have a session on the hotspot now: one print of the sessions of those MACs (an OR query,
 * in slices so that no command grows without bound), read just before their queues would be removed.
 */
export async function devicesOnline(router: RouterClient, macs: readonly string[]): Promise<Set<string>> {
  const rows = await printNamed(router, ACTIVE_MENU, macs, {
    proplist: ['mac-address'],
    property: 'mac-address',
  });
  const online = new Set<string>();
  for (const r of rows) if (r['mac-address']) online.add(r['mac-address']);
  return online;
}

/** The hotspot's host entries of a MAC: the address the router gives that device (a proof it is there). */
export async function hostAddresses(router: RouterClient, mac: string): Promise<string[]> {
  const rows = await router.print(HOST_MENU, {
    proplist: ['address', 'mac-address'],
    query: [`mac-address=${mac}`],
  });
  return rows.filter((r) => r['mac-address'] === mac && r.address).map((r) => r.address as string);
}

/**
 * How many devices the hotspot sees behind an address: 1 when it is one of its hosts' own address (a request
 * from the hotspot LAN), else every host it has (the address is the router's own, seen through NAT).
 */
export async function devicesBehind(router: RouterClient, address: string): Promise<number> {
  if ((await router.count(HOST_MENU, [`address=${address}`])) > 0) return 1;
  return router.count(HOST_MENU);
}

export async function sessionsOfUser(
  router: RouterClient,
  code: string,
): Promise<Array<SessionRef & { ip: string }>> {
  const rows = await router.print(ACTIVE_MENU, {
    proplist: ['.id', 'user', 'mac-address', 'address'],
    query: [`user=${code}`],
  });
  return rows
    .filter((r) => r.user === code)
    .map((r) => ({ id: r['.id'], user: code, mac: r['mac-address'] ?? '', ip: r.address ?? '' }));
}

/** A session to log out and in again, with what its login needs (the user's password is never printed back). */
export interface Relogin {
  /** The session's `.id` now. */
  id: string;
  user: string;
  password: string;
  mac: string;
  ip: string;
}

/**
 * Logs each session out and the same device in again as the same user, by MAC and IP, as the portal's login does.
 * RouterOS takes a session's byte and time limits from its user at login (docs/routeros.md "Hotspot user
 * limits"), so a changed allowance reaches a device that stays online only through a new login. The device keeps
 * its queue (ours, by MAC), so its counting goes on. Router errors are collected; returns the devices back online.
 */
export async function relogin(
  router: RouterClient,
  sessions: readonly Relogin[],
  errors: RouterError[],
): Promise<number> {
  let back = 0;
  for (const s of sessions) {
    try {
      await router.hotspotLogout(s.id);
    } catch (err) {
      if (!(err instanceof RouterError)) throw err;
      // Gone already (the device left, or a poll ended it): nothing to log in again.
      if (!isGone(err)) errors.push(err);
      continue;
    }
    try {
      await router.hotspotLogin({ user: s.user, password: s.password, mac: s.mac, ip: s.ip });
      back++;
    } catch (err) {
      if (!(err instanceof RouterError)) throw err;
      errors.push(err);
    }
  }
  return back;
}
