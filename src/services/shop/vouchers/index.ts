/**
 * The voucher use cases: batch generation (database first, router users pipelined and resumable), lists,
 * details, revoke/extend/change of profile, batches and CSV. Redemption lives in ../redemption/. A change to a
 * voucher reaches its login through its site's logins (logins.ts): a hotspot user on the router, whose push,
 * sync and check are the hotspot users room's (src/services/network/hotspot-users), or another mode's.
 */
import { AppError } from '../../../domain/errors';
import { siteOf, type SiteDeps } from '../../deps';
import type { VoucherRow } from './state';
import type { VoucherFilter, VoucherService, VoucherView } from '../../types';
import { vouchersCsv } from './csv';
import { voucherDetail } from './detail';
import { portalCodeEntry } from './code-style';
import { batchQuery, listBatches, toBatchView } from './batch-list';
import { listVouchers, ProfileCache, requireOpen, requireVoucher } from './queries';
import { chargeOf, planProfileChange } from './charges';
import { changeProfile, generate, revoke, type VoucherServiceOptions, type VoucherSteps } from './actions';
import { voucherOverage } from './overage';
import { voucherExtension } from './extension';
import { voucherChargeVoid } from './charge-void';

export function createVoucherService(deps: SiteDeps, d: VoucherServiceOptions): VoucherService {
  const { db, clock, config } = deps;
  const siteId = siteOf(deps).id;
  const view = (row: VoucherRow): Promise<VoucherView> => new ProfileCache(db).view(row, clock.now());
  const v: VoucherSteps = {
    deps,
    ...d,
    siteId,
    loginsOfRow: (row) => d.loginsOf(row.site_id == null ? siteId : Number(row.site_id)),
    view,
  };
  // Extra data before or at the cap: sold at the counter, and told to the voucher's login at once where it can be.
  const overage = voucherOverage(deps, { loginsOf: v.loginsOfRow, view });
  const extension = voucherExtension(deps, { loginsOf: v.loginsOfRow, view });
  return {
    generate: (input, actor) => generate(v, input, actor),
    list: (filter: VoucherFilter) => listVouchers(db, filter, clock.now()),
    async get(code) {
      const row = await requireVoucher(db, code);
      const p = await new ProfileCache(db).byId(row.profile_id);
      return voucherDetail(db, row, p.profile, await view(row), clock.now(), config.tz);
    },
    revoke: (code, actor) => revoke(v, code, actor),
    extend: async (code, seconds, actor, opts) =>
      (await extension.extend(code, seconds, actor, opts)).voucher,
    sellTime: (code, seconds, actor, opts = {}) =>
      extension.extend(code, seconds, actor, {
        confirmed: opts.confirmed,
        sale: { price: opts.price, confirmed: opts.priceConfirmed },
        addedSeconds: opts.addedSeconds,
      }),
    quoteTime: (code, seconds) => extension.quote(code, seconds),
    changeProfile: (code, profileName, actor, opts = {}) =>
      changeProfile(v, { code, profileName, actor, charge: opts.charge, expected: opts.expected }),
    async previewProfileChange(code, profileName, opts = {}) {
      const row = await requireVoucher(db, code);
      requireOpen(row, 'moved to another profile');
      const plan = await planProfileChange(db, d.profiles, row, profileName, clock.now(), opts.charge);
      return { code: plan.code, from: plan.from, to: plan.to, quote: plan.quote };
    },
    async charge(code, id) {
      return chargeOf(db, (await requireVoucher(db, code)).id, id);
    },
    voidCharge: voucherChargeVoid(deps, { loginsOf: v.loginsOfRow, view }),
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
