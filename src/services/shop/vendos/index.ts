import type { Clock } from '../../../lib/clock';
import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import type { ShopDeps } from '../../deps';
import type { ProfileService } from '../../types';
import { vendoAdmin } from './admin';
import { vendoBoard } from './board';
import { vendoLedger } from './ledger';
import { vendoPortal } from './portal';
import type { VendoPortalDeps } from './window';
import { loadOrCreateKey, secretBox, type SecretBox } from './secrets';
import { VendoRowCache } from './store';
import type { VendoService } from './types';

export function createVendoService(
  deps: ShopDeps,
  d: Pick<VendoPortalDeps, 'redemption' | 'vouchers' | 'locate' | 'hostAddresses'> & {
    profiles: ProfileService;
    /**
     * The machine's own time, for a request's X-Vendo-Timestamp: a board keeps real time (NTP), so a controller
     * clock started elsewhere (CLOCK_START) must not refuse every coin. Default: the shop's clock.
     */
    realClock?: Clock;
  },
): VendoService & {
  ownerOf(id: string): Promise<{ mac: string; proven: boolean } | undefined>;
  usedAddress(mac: string, ip: string): Promise<boolean>;
} {
  const box = lazySecretBox(deps.config.dataDir);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const rows = new VendoRowCache(() => deps.clock.now());
  return {
    ...vendoAdmin(deps, { profiles: d.profiles, box, rows }),
    ...vendoBoard(deps, { box, events, rows, realClock: d.realClock }),
    ...vendoPortal(deps, { ...d, events }),
    ...vendoLedger(deps),
    usedAddress: (mac, ip) => usedAddress(deps.db, mac, ip),
  };
}

/** The vendos' secret box; the key is read when first needed: a controller with no vendos never writes the file. */
function lazySecretBox(dataDir: string): SecretBox {
  let box: SecretBox | undefined;
  return {
    seal: (s: string) => (box ??= secretBox(loadOrCreateKey(dataDir))).seal(s),
    open: (s: string) => (box ??= secretBox(loadOrCreateKey(dataDir))).open(s),
  };
}

/**
 * Whether the device opened a coin window from this address (it proves the device, as the portal's status).
 * Only windows that prove the pair: opened by the proven device, or finished (the router logged that MAC in at
 * that address). A window anyone opened naming a MAC and an address of their choice proves nothing.
 */
async function usedAddress(db: Knex, mac: string, ip: string): Promise<boolean> {
  return Boolean(
    await db('vendo_sessions')
      .where({ mac, ip })
      .where((q) => q.where({ proven: true }).orWhere({ state: 'finished' }))
      .first('id'),
  );
}
