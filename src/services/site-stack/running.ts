/**
 * What a site's stack holds while it runs and gives back at its stop, whatever its mode, and the client of a
 * RADIUS site without API access.
 */
import type { SiteLeases } from '../../db/site-leases';
import { createRouterClient } from '../../router/client';
import type { RouterClient } from '../../router/types';
import type { ShopDeps } from '../deps';

/** What a stack holds while it runs, given back by stop() in this order, the same for every mode. */
export interface RunningParts {
  poll?: { stop(): Promise<void> };
  siteId: number;
  leases: SiteLeases;
  usage: { close(): void };
  db: ShopDeps['db'];
  redemption: { settled(): Promise<void> };
  /** The client, when the stack owns it (started by start(), stopped by stop()). */
  ownedClient?: RouterClient;
}

/**
 * The poll's database watch counts as one more listener on the database while the stack runs; call once when a
 * stack is built, and stopRunning() counts it back.
 */
export function countWatch(db: ShopDeps['db']): void {
  db.setMaxListeners(db.getMaxListeners() + 1);
}

/**
 * A stack's stop, whatever its mode: the poll job (a cycle running is waited for), the site's lease, the poll's
 * database watch (and its listener count), the redemptions in flight, then an owned client.
 */
export async function stopRunning(p: RunningParts): Promise<void> {
  await p.poll?.stop();
  await p.leases.release(p.siteId);
  p.usage.close();
  p.db.setMaxListeners(Math.max(10, p.db.getMaxListeners() - 1));
  await p.redemption.settled().catch(() => undefined);
  if (p.ownedClient) await p.ownedClient.stop();
}

/** A client that is never started: a RADIUS site without API access has no router connection to count. */
export function noApiClient(base: ShopDeps, log: ShopDeps['log']): RouterClient {
  return createRouterClient({
    host: '',
    port: 0,
    user: '',
    password: '',
    tls: false,
    timeoutSeconds: base.config.router.timeoutSeconds,
    logger: log,
  });
}
