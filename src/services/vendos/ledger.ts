/**
 * Money you can count: every coin is a ledger row; the owner records cash-box collections (what was counted)
 * against what the ledger says the box should hold since the last one; and sales split by source and day.
 */
import { insertedId } from '../../db/knex';
import { ValidationError } from '../../domain/errors';
import { checkPrice, parseMoney } from '../../domain/units';
import type { ShopDeps } from '../deps';
import {
  chargeSalesLabel,
  chargeSourceKey,
  creditsByKind,
  soldCharges,
  soldVouchers,
} from '../reports/money-in';
import { datesBetween, localDate } from '../../domain/calendar';
import type { Actor } from '../types';
import { DEFAULT_SAVED_CREDIT_HOURS, requireVendo, SAVED_CREDIT_KEY } from './store';
import type { CollectionView, LedgerRow, SourceSales } from './types';

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

export function vendoLedger(deps: ShopDeps) {
  const { db, clock, audit, config, settings } = deps;

  return {
    async ledger(
      id: string,
      opts: { limit?: number; offset?: number } = {},
    ): Promise<{ total: number; rows: LedgerRow[] }> {
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
      const hours = Number(await settings.get<number>(SAVED_CREDIT_KEY, DEFAULT_SAVED_CREDIT_HOURS));
      const cutoff = clock.now() - hours * 3600_000;
      return {
        total: Number(n),
        rows: rows.map((r) => ({
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
        })),
      };
    },

    /**
     * The owner emptied the box and counted `counted` (pesos). Expected is every coin since the last collection
     * (up to the newest coin now, in the same transaction, so a coin landing meanwhile belongs to the next one).
     */
    async collect(
      id: string,
      input: { counted: unknown; note?: unknown },
      actor: Actor,
    ): Promise<CollectionView> {
      const vendo = await requireVendo(db, id);
      const counted = checkPrice(parseMoney(input.counted, 'counted'), 'counted', input.counted);
      if (
        input.note !== undefined &&
        input.note !== null &&
        input.note !== '' &&
        (typeof input.note !== 'string' || input.note.length > 200)
      )
        throw ValidationError.invalid('note', input.note, 'a note', 'use text of at most 200 characters');
      const note = typeof input.note === 'string' && input.note.trim() !== '' ? input.note.trim() : null;
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
        const rowId = insertedId(
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
        return rowId;
      });
      const row = (await db('vendo_collections').where({ id: newId }).first()) as CollectionRow;
      const view = collectionView(row);
      await audit.record(actor, 'vendo.collect', vendo.id, {
        expected: view.expected,
        counted: view.counted,
        difference: view.difference,
      });
      return view;
    },

    async collections(id: string, limit = 50): Promise<CollectionView[]> {
      const vendo = await requireVendo(db, id);
      const rows = (await db('vendo_collections')
        .where({ vendo_id: vendo.id })
        .orderBy('id', 'desc')
        .limit(Math.min(Math.max(limit, 1), 1000))) as CollectionRow[];
      return rows.map(collectionView);
    },

    /**
     * Sales by source and local day: printed vouchers (first used that day, at their price), vouchers each vendo
     * sold (made and used at once), coin top-ups of active vouchers, and charges on running vouchers by kind
     * (plan changes), with the credits given beside them. Staff vouchers are no sale. `siteId`: one site's
     * vouchers, their top-ups and charges only.
     */
    async salesBySource({
      from,
      to,
      siteId,
    }: {
      from: number;
      to: number;
      siteId?: number;
    }): Promise<SourceSales> {
      const tz = config.tz;
      const vendos = (await db('vendos').orderBy('name').select('id', 'name')) as {
        id: string;
        name: string;
      }[];
      const [sold, charges, credits] = await Promise.all([
        soldVouchers(db, from, to, siteId)
          // A voucher an online payment bought (src/services/payments) is that gateway's sale.
          .leftJoin('payments as pay', 'pay.voucher_id', 'v.id')
          .select('v.activated_at as at', 'v.price as amount', 'v.vendo_id', 'pay.gateway') as Promise<
          { at: number; amount: number; vendo_id: string | null; gateway: string | null }[]
        >,
        soldCharges(db, from, to, siteId)
          .orderBy('c.kind')
          .select('c.created_at as at', 'c.amount', 'c.kind') as Promise<
          { at: number; amount: number; kind: string }[]
        >,
        creditsByKind(db, from, to, siteId),
      ]);
      // Each kind of charge made in the range is a source of its own (a new kind needs no code here).
      const kinds = [...new Set(charges.map((c) => c.kind))];
      const sources = [
        { key: 'printed', label: 'Printed vouchers' },
        ...vendos.map((v) => ({ key: `vendo:${v.id}`, label: `Vendo ${v.name}` })),
        { key: 'topup', label: 'Coin top-ups' },
        // Online payments, a source of their own once there are any in the range.
        ...(sold.some((v) => v.gateway === 'paymongo')
          ? [{ key: 'paymongo', label: 'Online (PayMongo)' }]
          : []),
        ...kinds.map((k) => ({ key: chargeSourceKey(k), label: chargeSalesLabel(k) })),
      ];
      // A site's top-ups are those of its vouchers.
      const topups = (await db('vendo_topups as t')
        .whereNotNull('t.applied_at')
        .where('t.at', '>=', from)
        .where('t.at', '<', to)
        .modify((q) => {
          if (siteId !== undefined)
            q.join('vouchers as v', 'v.id', 't.voucher_id').where('v.site_id', siteId);
        })
        .select('t.at', 't.amount')) as { at: number; amount: number }[];
      const days = new Map<string, SourceSales['days'][number]>();
      for (const day of datesBetween(from, to, tz)) days.set(day, { day, bySource: {}, amount: 0 });
      const totals: SourceSales['totals'] = {};
      for (const s of sources) totals[s.key] = { count: 0, amount: 0 };
      const add = (at: number, key: string, amount: number) => {
        const day = localDate(Number(at), tz);
        const row = days.get(day) ?? { day, bySource: {}, amount: 0 };
        days.set(day, row);
        const cell = (row.bySource[key] ??= { count: 0, amount: 0 });
        cell.count++;
        cell.amount += Number(amount);
        row.amount += Number(amount);
        const t = (totals[key] ??= { count: 0, amount: 0 });
        t.count++;
        t.amount += Number(amount);
      };
      for (const v of sold)
        add(v.at, v.gateway ? v.gateway : v.vendo_id ? `vendo:${v.vendo_id}` : 'printed', v.amount);
      for (const t of topups) add(t.at, 'topup', t.amount);
      for (const c of charges) add(c.at, chargeSourceKey(c.kind), c.amount);
      return {
        sources,
        days: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
        totals,
        credits,
      };
    },
  };
}
