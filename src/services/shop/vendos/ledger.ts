/**
 * Money you can count: every coin is a ledger row; the owner records cash-box collections (what was counted)
 * against what the ledger says the box should hold since the last one; and sales split by source and day (sales.ts).
 */
import { insertedId } from '../../../db/knex';
import { ValidationError } from '../../../domain/errors';
import { parsePrice } from '../../../domain/units';
import type { ShopDeps } from '../../deps';
import type { Actor } from '../../types';
import { requireVendo } from './store';
import { savedCreditCutoff } from './window';
import { salesBySource } from './sales';
import type { CollectionView, LedgerRow } from './types';

interface CoinJoin {
  id: number;
  vendo_id: string;
  seq: number;
  amount: number;
  received_at: number;
  mac: string;
  session_id: string;
  state: string;
  voucher_code: string | null;
  topup_id: number | null;
  claimed_at: number | null;
}

interface CollectionRow {
  id: number;
  vendo_id: string;
  collected_at: number;
  expected: number;
  counted: number;
  collected_by: string;
  note: string | null;
}

const collectionView = (r: CollectionRow): CollectionView => ({
  id: r.id,
  vendoId: r.vendo_id,
  collectedAt: Number(r.collected_at),
  expected: Number(r.expected),
  counted: Number(r.counted),
  difference: Number(r.counted) - Number(r.expected),
  collectedBy: r.collected_by,
  note: r.note,
});

type LedgerDeps = Pick<ShopDeps, 'db' | 'clock' | 'audit' | 'config' | 'settings'>;

export function vendoLedger(deps: ShopDeps) {
  return {
    ledger: (id: string, opts: { limit?: number; offset?: number } = {}) => ledger(deps, id, opts),
    collect: (id: string, input: { counted: unknown; note?: unknown }, actor: Actor) =>
      collect(deps, id, input, actor),
    collections: (id: string, limit = 50) => collections(deps, id, limit),
    salesBySource: (range: { from: number; to: number; siteId?: number }) => salesBySource(deps, range),
  };
}

async function ledger(
  deps: LedgerDeps,
  id: string,
  opts: { limit?: number; offset?: number },
): Promise<{ total: number; rows: LedgerRow[] }> {
  const { db, clock } = deps;
  const vendo = await requireVendo(db, id);
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  const offset = Math.max(opts.offset ?? 0, 0);
  const [{ n }] = (await db('vendo_coins').where({ vendo_id: vendo.id }).count({ n: '*' })) as {
    n: number;
  }[];
  const rows = (await db('vendo_coins as c')
    .join('vendo_sessions as s', 's.id', 'c.session_id')
    .leftJoin('vouchers as v', 'v.id', 'c.voucher_id')
    .where('c.vendo_id', vendo.id)
    .orderBy('c.id', 'desc')
    .limit(limit)
    .offset(offset)
    .select(
      'c.id',
      'c.vendo_id',
      'c.seq',
      'c.amount',
      'c.received_at',
      'c.mac',
      'c.session_id',
      'c.topup_id',
      'c.claimed_at',
      's.state',
      'v.code as voucher_code',
    )) as CoinJoin[];
  const cutoff = await savedCreditCutoff(deps, clock.now());
  return { total: Number(n), rows: rows.map((r) => ledgerRow(r, cutoff)) };
}

/** A coin as the ledger shows it; a coin not claimed is saved credit until `cutoff`, then forfeited. */
function ledgerRow(r: CoinJoin, cutoff: number): LedgerRow {
  return {
    id: r.id,
    vendoId: r.vendo_id,
    seq: r.seq,
    amount: Number(r.amount),
    receivedAt: Number(r.received_at),
    mac: r.mac,
    session: r.session_id,
    voucherCode: r.voucher_code,
    status:
      r.claimed_at !== null
        ? r.topup_id !== null
          ? 'top-up'
          : 'voucher'
        : r.state === 'armed' || r.state === 'finishing'
          ? 'in-window'
          : Number(r.received_at) >= cutoff
            ? 'saved'
            : 'forfeited',
  };
}

function collectionNote(note: unknown): string | null {
  if (note !== undefined && note !== null && note !== '' && (typeof note !== 'string' || note.length > 200))
    throw ValidationError.invalid('note', note, 'a note', 'use text of at most 200 characters');
  return typeof note === 'string' && note.trim() !== '' ? note.trim() : null;
}

/**
 * The owner emptied the box and counted `counted` (pesos). Expected is every coin since the last collection
 * (up to the newest coin now, in the same transaction, so a coin landing meanwhile belongs to the next one).
 */
async function collect(
  deps: LedgerDeps,
  id: string,
  input: { counted: unknown; note?: unknown },
  actor: Actor,
): Promise<CollectionView> {
  const { db, clock, audit } = deps;
  const vendo = await requireVendo(db, id);
  const counted = parsePrice(input.counted, 'counted');
  const note = collectionNote(input.note);
  const now = clock.now();
  const newId = await db.transaction(async (trx) => {
    const last = (await trx('vendo_collections')
      .where({ vendo_id: vendo.id })
      .max({ m: 'last_coin_id' })
      .first()) as { m: number | null } | undefined;
    const from = Number(last?.m ?? 0);
    const agg = (await trx('vendo_coins')
      .where({ vendo_id: vendo.id })
      .where('id', '>', from)
      .max({ top: 'id' })
      .sum({ s: 'amount' })
      .first()) as { top: number | null; s: number | null };
    return insertedId(
      await trx('vendo_collections')
        .insert({
          vendo_id: vendo.id,
          collected_at: now,
          last_coin_id: Number(agg.top ?? from),
          expected: Number(agg.s ?? 0),
          counted,
          collected_by: actor.name.slice(0, 64),
          note,
        })
        .returning('id'),
    );
  });
  const view = collectionView((await db('vendo_collections').where({ id: newId }).first()) as CollectionRow);
  await audit.record(actor, 'vendo.collect', vendo.id, {
    expected: view.expected,
    counted: view.counted,
    difference: view.difference,
  });
  return view;
}

async function collections(deps: LedgerDeps, id: string, limit: number): Promise<CollectionView[]> {
  const vendo = await requireVendo(deps.db, id);
  const rows = (await deps
    .db('vendo_collections')
    .where({ vendo_id: vendo.id })
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(limit, 1), 1000))) as CollectionRow[];
  return rows.map(collectionView);
}
