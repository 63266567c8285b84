/**
 * The `default` site's state, from what the controller already has: the main connection's status and the usage
 * poll's last results in the database (devices connected as of the last poll). Never a router command of its own,
 * so a slow or hung main router does not delay the Sites page or API either.
 */
import type { Db } from '../../../db/knex';
import type { RouterClient } from '../../../router/types';
import type { SiteStatus } from './types';

interface DefaultStatusSource {
  router: RouterClient;
  db: Db;
  /**
   * This process's last usage poll of the router, else the one stored (the terminal polls nothing itself: it shows
   * when the server last read the router, as it does for the other sites).
   */
  lastPollAt(): Promise<number | undefined>;
  /**
   * The terminal's own connection may still be on its first attempt when a command asks: wait for its outcome
   * (bounded by the connect timeout) rather than answer "not connected yet". 0 = never wait (the server).
   */
  settleMs: number;
  /** Why nothing is written to the router (safe mode), or null. */
  safeMode?: () => { code: string; message: string } | null;
}

export async function defaultSiteStatus(src: DefaultStatusSource): Promise<SiteStatus> {
  const { router } = src;
  if (src.settleMs > 0 && !router.status.connected && router.status.lastErrorCode === undefined)
    await router.waitConnected(src.settleMs);
  const s = router.status;
  const [{ n }] = await src
    .db('voucher_devices as d')
    .join('vouchers as v', 'v.id', 'd.voucher_id')
    .where({ 'v.status': 'active', 'd.connected': true })
    .count<{ n: number | string }[]>({ n: '*' });
  return {
    connected: s.connected,
    identity: s.identity ?? null,
    online: Number(n),
    lastPollAt: (await src.lastPollAt()) ?? null,
    error: s.connected
      ? (src.safeMode?.() ?? null)
      : {
          code: s.lastErrorCode ?? 'ROUTER_UNREACHABLE',
          message: s.lastError ?? 'Not connected yet: the first connection attempt is still under way.',
        },
    live: true,
  };
}
