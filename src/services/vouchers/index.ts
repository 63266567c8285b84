/**
 * The voucher use cases: batch generation (database first, router users pipelined and resumable), lists,
 * details, revoke/extend/change of profile, batches and CSV. Redemption lives in ../redemption/. A change to a
 * voucher reaches its login through its site's logins (logins.ts): a hotspot user on the router, whose push,
 * sync and check are the hotspot users room's (src/services/hotspot-users), or another mode's.
 */
import { AppError } from '../../domain/errors';
import { siteOf, type SiteDeps } from '../deps';
import { routerUptimeLimit, type VoucherRow } from './state';
import type { Actor, ProfileService, VoucherFilter, VoucherService, VoucherView } from '../types';
import { vouchersCsv } from './csv';
import { voucherDetail } from './detail';
import { portalCodeEntry } from './code-style';
import { batchQuery, listBatches, toBatchView } from './batch-list';
import { insertBatch, planBatch } from './generate';
import { listVouchers, ProfileCache, requireVoucher } from './queries';
import * as voucherDevices from '../voucher-devices';
import * as lifecycle from '../voucher-lifecycle';
import { recordEvent } from '../events';
import { chargeOf, planProfileChange, recordProfileChange } from './charges';
import { voucherOverage } from './overage';
import { voucherExtension } from './extension';
import { voucherChargeVoid } from './charge-void';
import { revokeEvent } from '../events/activity';
import type { Logins } from './logins';

export interface VoucherServiceOptions {
  profiles: ProfileService;
  /**
   * Where a site's vouchers live as logins (a hotspot user on its router, or FreeRADIUS rows: the site's mode
   * chose, src/services/site-stack/parts.ts): every change to a voucher goes through its site's logins.
   */
  loginsOf(siteId: number): Promise<Logins>;
  /**
   * The roaming codes made logins at the other sites this process drives; how many still wait. Absent: they wait
   * for each site's sync (the terminal menu connects to no other router).
   */
  roamingElsewhere?: () => Promise<number>;
}

export function createVoucherService(deps: SiteDeps, d: VoucherServiceOptions): VoucherService {
  const { db, clock, config, audit, log } = deps;
  const site = siteOf(deps);
  /** The logins of the voucher's site (a roaming voucher's: this service's own site). */
  const loginsOfRow = (row: Pick<VoucherRow, 'site_id'>) =>
    d.loginsOf(row.site_id == null ? site.id : Number(row.site_id));

  // Extra data before or at the cap: sold at the counter, and told to the voucher's login at once where it can be.
  const overage = voucherOverage(deps, { loginsOf: loginsOfRow });

  async function view(row: VoucherRow): Promise<VoucherView> {
    return new ProfileCache(db).view(row, clock.now());
  }

  async function reload(id: number): Promise<VoucherRow> {
    return (await db('vouchers').where({ id }).first()) as VoucherRow;
  }

  const extension = voucherExtension(deps, { loginsOf: loginsOfRow, view });
  const voidCharge = voucherChargeVoid(deps, { loginsOf: loginsOfRow, view });

  function requireOpen(row: VoucherRow, what: string): void {
    if (row.status !== 'unused' && row.status !== 'active') {
      throw new AppError('VOUCHER_ENDED', `This voucher is ${row.status}; it cannot be ${what}`, 409);
    }
  }

  return {
    async generate(input, actor: Actor) {
      const profile = await d.profiles.get(input.profile);
      const plan = await planBatch(deps, input, profile, actor.account);
      const now = clock.now();
      const { batchId, rows } = await insertBatch(db, plan, actor.name, now);
      await audit.record(actor, 'voucher.generate', `batch ${batchId}`, {
        profile: profile.name,
        count: plan.count,
        price: plan.price,
        staff: plan.staff,
        design: plan.design,
        ...(plan.wholesale !== null ? { wholesale: plan.wholesale } : {}),
        ...(plan.siteId === null ? { roaming: true } : { site: plan.siteId }),
      });
      const cache = new ProfileCache(db);
      let routerPending = rows.length;
      try {
        if (plan.siteId !== null) {
          routerPending = await (await d.loginsOf(plan.siteId)).added(batchId, rows.length);
        } else if (d.roamingElsewhere) {
          // Roaming: every site's check adds the batch (a roaming voucher keeps no one router id).
          const own = await d.loginsOf(site.id);
          const waits = await Promise.allSettled([own.roamingAdded(), d.roamingElsewhere()]);
          routerPending = waits.some((w) => w.status === 'rejected' || w.value > 0) ? rows.length : 0;
        }
      } catch (err) {
        // Never lose a sale: the vouchers exist; the poll job's sync pushes them later.
        log.warn({ err: (err as Error).message, batchId }, 'router users not pushed; will retry');
      }
      const fresh = (await db('vouchers').where({ batch_id: batchId }).orderBy('id')) as VoucherRow[];
      const vouchers: VoucherView[] = [];
      for (const r of fresh) vouchers.push(await cache.view(r, now));
      return { batchId, vouchers, routerPending, design: plan.design };
    },

    list: (filter: VoucherFilter) => listVouchers(db, filter, clock.now()),

    async get(code) {
      const row = await requireVoucher(db, code);
      const p = await new ProfileCache(db).byId(row.profile_id);
      return voucherDetail(db, row, p.profile, await view(row), clock.now(), config.tz);
    },

    async revoke(code, actor) {
      const row = await requireVoucher(db, code);
      requireOpen(row, 'revoked');
      const now = clock.now();
      // Its login goes with it: its user removed from the router first, or FreeRADIUS refusing it from now on
      // (and its sessions disconnected) right after.
      const logins = await loginsOfRow(row);
      await logins.change(row, { kind: 'remove' }, async () => {
        await db.transaction(async (trx) => {
          await lifecycle.revoke(trx, row.id, now);
          await voucherDevices.disconnectAll(trx, row.id);
          await recordEvent(
            trx,
            clock,
            revokeEvent({ voucherId: row.id, previous: row.status, by: actor.name }),
          );
        });
        await audit.record(actor, 'voucher.revoke', row.code, { previousStatus: row.status });
      });
      return view(await reload(row.id));
    },

    async extend(code, seconds, actor, opts = {}) {
      return (await extension.extend(code, seconds, actor, { confirmed: opts.confirmed })).voucher;
    },

    sellTime: (code, seconds, actor, opts = {}) =>
      extension.extend(code, seconds, actor, {
        confirmed: opts.confirmed,
        sale: { price: opts.price, confirmed: opts.priceConfirmed },
        addedSeconds: opts.addedSeconds,
      }),

    quoteTime: (code, seconds) => extension.quote(code, seconds),

    async changeProfile(code, profileName, actor, opts = {}) {
      const row = await requireVoucher(db, code);
      requireOpen(row, 'moved to another profile');
      const plan = await planProfileChange(db, d.profiles, row, profileName, clock.now(), opts.charge);
      const { next, quote } = plan;
      const limitSeconds = routerUptimeLimit(next.profile, row.extra_seconds, Boolean(row.staff));
      const logins = await loginsOfRow(row);
      const change = { kind: 'plan', profileName: next.name, limitSeconds } as const;
      const charge = await logins.change(row, change, async () => {
        const charge = await recordProfileChange(db, plan, actor, clock.now());
        await audit.record(actor, 'voucher.change_profile', row.code, {
          from: plan.from.name,
          to: next.name,
          amount: quote.amount,
          credit: quote.credit,
          free: charge.free,
          fraction: quote.fraction === null ? null : Math.round(quote.fraction * 10_000) / 10_000,
          charge_id: charge.id,
        });
        return charge;
      });
      return { voucher: await view(await reload(row.id)), charge };
    },

    async previewProfileChange(code, profileName, opts = {}) {
      const row = await requireVoucher(db, code);
      requireOpen(row, 'moved to another profile');
      const {
        code: c,
        from,
        to,
        quote,
      } = await planProfileChange(db, d.profiles, row, profileName, clock.now(), opts.charge);
      return { code: c, from, to, quote };
    },

    async charge(code, id) {
      return chargeOf(db, (await requireVoucher(db, code)).id, id);
    },

    voidCharge,
    addOverage: overage.sell,
    extraDataAdded: overage.tellRouter,

    batches: (limit = 50) => listBatches(db, { limit }),

    async batch(id) {
      const row = await batchQuery(db).where('b.id', id).first();
      if (!row) throw new AppError('BATCH_NOT_FOUND', `No batch #${id}`, 404);
      const { vouchers } = await listVouchers(db, { batchId: id, limit: 10_000 }, clock.now());
      return { batch: toBatchView(row), vouchers: vouchers.reverse() };
    },

    csv: (filter) => vouchersCsv(db, filter),
    codeEntry: () => portalCodeEntry(deps.settings, db),
  };
}
