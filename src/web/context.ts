import type { AppConfig } from '../config/env';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { RouterClient } from '../router/types';
import type { Services } from '../services/types';

/** What the web layer (portal, admin pages, admin API) gets from the composition root. */
import type { CardPlace, CardRouter } from '../services/shop/vouchers/card-link';

export interface WebContext {
  config: AppConfig;
  services: Services;
  router: RouterClient;
  log: Logger;
  clock: Clock;
  simulated: boolean;
  /** Signs the portal's device cookie (src/web/portal/device-proof.ts); the session secret when unset. */
  deviceSecret?: string;
  /**
   * The routers a batch's or a voucher's printed cards are used on (card-link.ts cardRoutersFor), with
   * this server's connections to the other sites; absent: the .env router's.
   */
  cardRouters?: (place: CardPlace) => Promise<CardRouter[] | undefined>;
  /** Demo only: the simulated vendo running in this process (the portal's "demo coin" button). */
  demoVendo?: () => { vendoId: string; insert(amount: number): Promise<void> } | undefined;
}
