/** Coin vendos: the owner's registry, the board's protocol, the customer's window and the coin ledger. */
import type { Clock } from '../../lib/clock';
import { EventEmitter } from 'node:events';
import type { ShopDeps } from '../deps';
import type { ProfileService, RedemptionService, VoucherService } from '../types';
import { vendoAdmin } from './admin';
import { vendoBoard } from './board';
import { vendoLedger } from './ledger';
import { vendoPortal } from './portal';
import type { LocateDevice } from './site-check';
import { loadOrCreateKey, secretBox } from './secrets';
import { VendoRowCache } from './store';
import type { VendoService } from './types';

export type { VendoService } from './types';

export function createVendoService(
  deps: ShopDeps,
  d: {
    profiles: ProfileService;
    redemption: RedemptionService;
    vouchers: VoucherService;
    /** Which sites' routers see a device (the server's; absent in the terminal menu). */
    locate?: LocateDevice;
    /** The addresses the hotspot gives a MAC now (the `default` site's stack answers). */
    hostAddresses: (mac: string) => Promise<string[]>;
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
  // The key is read when first needed: a controller with no vendos never writes the file.
  let box: ReturnType<typeof secretBox> | undefined;
  const lazyBox = {
    seal: (s: string) => (box ??= secretBox(loadOrCreateKey(deps.config.dataDir))).seal(s),
    open: (s: string) => (box ??= secretBox(loadOrCreateKey(deps.config.dataDir))).open(s),
  };
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const rows = new VendoRowCache(() => deps.clock.now());
  const admin = vendoAdmin(deps, { profiles: d.profiles, box: lazyBox, rows });
  const board = vendoBoard(deps, { box: lazyBox, events, rows, realClock: d.realClock });
  const portal = vendoPortal(deps, {
    redemption: d.redemption,
    vouchers: d.vouchers,
    events,
    locate: d.locate,
    hostAddresses: d.hostAddresses,
  });
  const ledger = vendoLedger(deps);
  return {
    list: admin.list,
    get: admin.view,
    create: admin.create,
    update: admin.update,
    rotateSecret: admin.rotateSecret,
    remove: admin.remove,
    authenticate: board.authenticate,
    poll: board.poll,
    coin: board.coin,
    portalList: portal.portalList,
    start: portal.start,
    savedCredit: portal.savedCredit,
    session: portal.session,
    finish: portal.finish,
    settleInterrupted: portal.settleInterrupted,
    ownerOf: portal.ownerOf,
    /** Whether the device opened a coin window from this address (it proves the device, as the portal's status). */
    async usedAddress(mac, ip) {
      // Only windows that prove the pair: opened by the proven device, or finished (the router logged that MAC
      // in at that address). A window anyone opened naming a MAC and an address of their choice proves nothing.
      return Boolean(
        await deps
          .db('vendo_sessions')
          .where({ mac, ip })
          .where((q) => q.where({ proven: true }).orWhere({ state: 'finished' }))
          .first('id'),
      );
    },
    ledger: ledger.ledger,
    collect: ledger.collect,
    collections: ledger.collections,
    salesBySource: ledger.salesBySource,
  };
}
