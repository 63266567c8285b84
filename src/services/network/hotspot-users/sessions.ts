/**
 * An API site's sessions (the `Sessions` seam, src/services/shop/vouchers/sessions.ts): the devices online with a code,
 * read from the router's active hotspot sessions, ended there, or logged in again with the code's new limits.
 */
import { RouterError } from '../../../domain/errors';
import type { ManagedHotspot } from '../../../router/hotspot';
import type { RouterClient } from '../../../router/types';
import type { Sessions } from '../../shop/vouchers/sessions';

/** An API site's sessions, and the code's devices logged in again by MAC and IP (a RADIUS site's top-up too). */
export interface RouterSessions extends Sessions {
  /** The code's devices online log out and in again (taking its login's new limits); how many came back. */
  relogin(code: string, password: string): Promise<number>;
}

/** An API site's sessions: the router's hotspot, over its API. */
export function routerSessions(d: { router: RouterClient; hotspot: ManagedHotspot }): RouterSessions {
  const { router, hotspot } = d;
  return {
    relogin: (code, password) => hotspot.reloginVoucher(code, password),
    reachable: () => router.status.connected,
    async online(code) {
      return [...new Set((await hotspot.sessionsOfVoucher(code)).map((s) => s.mac))];
    },
    async end(code, macs) {
      const errors: RouterError[] = [];
      const sessions = (await hotspot.sessionsOfVoucher(code)).filter((s) => !macs || macs.includes(s.mac));
      await hotspot.logout(
        sessions.map((s) => s.id),
        errors,
      );
      if (errors.length) throw errors[0];
    },
    // A session takes its time and data at login: its devices log in again with the code's new ones.
    renew: async (code, password) => (await hotspot.reloginVoucher(code, password).catch(() => 0), true),
  };
}
