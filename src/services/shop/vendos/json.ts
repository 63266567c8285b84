/**
 * A vendo, a cash-box collection and a coin as the admin API answers them (src/web/admin/api-vendos.ts) and the
 * terminal prints them with --json (cli/commands/vendos.ts): amounts in pesos, times ISO-8601.
 */
import { isoInstant } from '../../../domain/units';
import { ratesJson } from '../../../domain/vendo';
import type { CollectionView, LedgerRow, VendoView } from './types';

const pesos = (c: number) => c / 100;

export function vendoJson(v: VendoView) {
  return {
    id: v.id,
    name: v.name,
    location: v.location,
    profile: v.profile,
    // The site it sells on only (its name, as `site` is sent back on an edit), or null: every site.
    site: v.site?.name ?? null,
    site_id: v.site?.id ?? null,
    rates: ratesJson(v.rates),
    window_seconds: v.windowSeconds,
    enabled: v.enabled,
    online: v.online,
    busy: v.busy,
    last_seen_at: isoInstant(v.lastSeenAt),
    last_ip: v.lastIp,
    secret_rotated_at: isoInstant(v.secretRotatedAt),
    created_at: isoInstant(v.createdAt),
    cash: { expected: pesos(v.cash.expected), coins: v.cash.coins, since: isoInstant(v.cash.since) },
  };
}

export function collectionJson(c: CollectionView) {
  return {
    id: c.id,
    vendo: c.vendoId,
    collected_at: isoInstant(c.collectedAt),
    expected: pesos(c.expected),
    counted: pesos(c.counted),
    difference: pesos(c.difference),
    collected_by: c.collectedBy,
    note: c.note,
  };
}

export function ledgerJson(l: LedgerRow) {
  return {
    id: l.id,
    seq: l.seq,
    amount: pesos(l.amount),
    received_at: isoInstant(l.receivedAt),
    mac: l.mac,
    session: l.session,
    voucher: l.voucherCode,
    status: l.status,
  };
}
