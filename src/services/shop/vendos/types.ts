/**
 * Coin vendos (docs/vendo-protocol.md). Money in centavos, times ms epoch, durations seconds. The web layer
 * turns centavos into pesos for the board and the portal.
 */
import type { RateEntry } from '../../../domain/vendo';
import type { CreditsGiven } from '../reports/money-in';
import type { Actor } from '../../business/audit/actor';
import type { RedeemResult } from '../redemption/types';

export interface VendoView {
  id: string;
  name: string;
  location: string | null;
  profile: string;
  rates: RateEntry[];
  windowSeconds: number;
  enabled: boolean;
  lastSeenAt: number | null;
  lastIp: string | null;
  /** Polled within the last OFFLINE_AFTER_MS. */
  online: boolean;
  /** A customer's coin window is open on it now. */
  busy: boolean;
  createdAt: number;
  secretRotatedAt: number;
  /** Coins since the last cash-box collection: what the box should hold. */
  cash: { expected: number; coins: number; since: number | null };
  /** The site it sells on only, or null: shared (it sells to a phone on any site's router). */
  site: { id: number; name: string } | null;
}

/** As sent by the admin, the API and the CLI: amount in pesos, validity a duration text. */
export interface VendoInput {
  name?: unknown;
  location?: unknown;
  profile?: unknown;
  rates?: unknown;
  window_seconds?: unknown;
  enabled?: unknown;
  /** The site's id or name; null, '' or "shared": every site. Absent on an edit: unchanged. */
  site?: unknown;
}

export interface PollReply {
  state: 'idle' | 'armed';
  session?: string;
  expiresIn?: number;
  credit?: number;
}

export interface CoinReply {
  credit: number;
  seconds: number;
  /** The coin had been received before (same vendo and seq): answered again, credited once. */
  duplicate: boolean;
  /** The coin landed after its window closed: kept as the device's saved credit. */
  saved: boolean;
}

export interface SessionView {
  id: string;
  vendoId: string;
  state: 'armed' | 'finished' | 'expired';
  /** This window's coins. */
  credit: number;
  /** The device's coins from earlier windows, still claimable. */
  savedCredit: number;
  /** What Done gives for credit + saved credit. */
  seconds: number;
  /**
   * The device's voucher waits at its cap for extra data: Done buys that instead of time, `offers` whole
   * purchases of its plan's offer (`bytes` in all; `price` each). Null otherwise.
   */
  extraData: { offers: number; bytes: number; price: number } | null;
  expiresIn: number;
}

export interface StartResult {
  session: string;
  expiresIn: number;
  savedCredit: number;
}

export interface FinishResult extends RedeemResult {
  credit: number;
  seconds: number;
  /** The credit extended the device's active voucher instead of making a new one. */
  topUp: boolean;
  /**
   * The credit bought extra data for the device's voucher waiting at its cap (no time): `offers` purchases,
   * `bytes` in all, for `amount` centavos of coins (`credit`); `left`: centavos kept as saved credit.
   */
  extraData?: { offers: number; bytes: number; amount: number; left: number };
}

export interface LedgerRow {
  id: number;
  vendoId: string;
  seq: number;
  amount: number;
  receivedAt: number;
  mac: string;
  session: string;
  voucherCode: string | null;
  /** in-window | voucher | top-up | saved | forfeited */
  status: string;
}

export interface CollectionView {
  id: number;
  vendoId: string;
  collectedAt: number;
  expected: number;
  counted: number;
  difference: number;
  collectedBy: string;
  note: string | null;
}

export interface SourceSales {
  sources: { key: string; label: string }[];
  days: { day: string; bySource: Record<string, { count: number; amount: number }>; amount: number }[];
  totals: Record<string, { count: number; amount: number }>;
  /** Credits given in the range (plan downgrades), by kind: beside the sales, never taken off them. */
  credits: CreditsGiven[];
}

export interface BoardRequest {
  id: string;
  timestamp: string;
  signature: string;
  method: string;
  path: string;
  body: Buffer;
  ip: string | null;
}

export type AuthedVendo = Pick<VendoView, 'id' | 'name' | 'rates'>;

export interface VendoService {
  /** `siteId`: the vendos selling there (shared ones and its own); absent: all. */
  list(opts?: { siteId?: number }): Promise<VendoView[]>;
  get(id: string): Promise<VendoView>;
  /** The secret is returned once; only its sealed form is kept. Audited. */
  create(input: VendoInput, actor: Actor): Promise<{ vendo: VendoView; secret: string }>;
  update(id: string, input: VendoInput, actor: Actor): Promise<VendoView>;
  rotateSecret(id: string, actor: Actor): Promise<{ vendo: VendoView; secret: string }>;
  /**
   * Forgets a vendo that was never used (AppError VENDO_HAS_HISTORY, 409, once it has opened a coin window,
   * taken a coin, sold a voucher or had a collection: switch it off instead). Audited. Returns it as it was.
   */
  remove(id: string, actor: Actor): Promise<VendoView>;

  /** AppError VENDO_AUTH (401) for anything but a fresh, correctly signed request of a known vendo. */
  authenticate(req: BoardRequest): Promise<AuthedVendo>;
  /** `waitMs` > 0 holds an idle reply until a customer starts a window (or the wait ends). */
  poll(vendo: AuthedVendo, waitMs?: number, signal?: AbortSignal): Promise<PollReply>;
  coin(vendo: AuthedVendo, body: unknown): Promise<CoinReply>;

  /**
   * For the portal's picker: the vendos that sell on `siteId` (shared ones and its own); null: shared ones only;
   * absent: every vendo.
   */
  portalList(
    siteId?: number | null,
  ): Promise<
    { id: string; name: string; location: string | null; online: boolean; busy: boolean; minimum: number }[]
  >;
  /** See vendoPortal().start: only a device that proves itself shows and spends its saved credit. */
  start(
    input: { vendo: unknown; mac: unknown; ip: unknown },
    asker?: { peerIp: string | null; provenMac: string | null },
  ): Promise<StartResult>;
  /** The device's claimable saved credit. */
  savedCredit(mac: string): Promise<number>;
  session(id: string): Promise<SessionView>;
  finish(id: string): Promise<FinishResult>;

  ledger(
    id: string,
    opts?: { limit?: number; offset?: number },
  ): Promise<{ total: number; rows: LedgerRow[] }>;
  collect(id: string, input: { counted: unknown; note?: unknown }, actor: Actor): Promise<CollectionView>;
  collections(id: string, limit?: number): Promise<CollectionView[]>;
  salesBySource(opts: { from: number; to: number; siteId?: number }): Promise<SourceSales>;
}
