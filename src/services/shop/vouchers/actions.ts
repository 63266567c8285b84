/**
 * The voucher service's own steps (index.ts wires them): a batch made and pushed to its site's logins, a voucher
 * revoked, a voucher moved to another plan. Each change reaches the voucher's login through its site's logins.
 */
import type { SiteDeps } from '../../deps';
import { routerUptimeLimit, type VoucherRow } from './state';
import type { Actor, GenerateInput, ProfileService, VoucherService, VoucherView } from '../../types';
import { insertBatch, planBatch } from './generate';
import { ProfileCache, reloadVoucher, requireOpen, requireVoucher } from './queries';
import * as voucherDevices from '../voucher-devices';
import * as lifecycle from '../voucher-lifecycle';
import { recordEvent } from '../../business/events';
import { planProfileChange, recordProfileChange } from './charges';
import { confirmedQuote } from './plan-confirm';
import { revokeEvent } from '../../business/events/activity';
import type { Logins } from './logins';

/** What the voucher service is made with (index.ts). */
export interface VoucherServiceOptions {
  profiles: ProfileService;
  /**
   * Where a site's vouchers live as logins (a hotspot user on its router, or FreeRADIUS rows: the site's mode
   * chose, src/services/network/site-stack/parts.ts): every change to a voucher goes through its site's logins.
   */
  loginsOf(siteId: number): Promise<Logins>;
  /**
   * The roaming codes made logins at the other sites this process drives; how many still wait. Absent: they wait
   * for each site's sync (the terminal menu connects to no other router).
   */
  roamingElsewhere?: () => Promise<number>;
}

/** What the steps work with: the deps, the service's options and its own site. */
export interface VoucherSteps extends VoucherServiceOptions {
  deps: SiteDeps;
  siteId: number;
  /** The logins of the voucher's site (a roaming voucher's: this service's own site). */
  loginsOfRow(row: Pick<VoucherRow, 'site_id'>): Promise<Logins>;
  view(row: VoucherRow): Promise<VoucherView>;
}

type Generated = Awaited<ReturnType<VoucherService['generate']>>;

export async function generate(v: VoucherSteps, input: GenerateInput, actor: Actor): Promise<Generated> {
  const { db, clock, audit } = v.deps;
  const profile = await v.profiles.get(input.profile);
  const plan = await planBatch(v.deps, input, profile, actor.account);
  const now = clock.now();
  const batchId = await insertBatch(db, plan, actor.name, now);
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
  const routerPending = await pushBatch(v, plan.siteId, batchId, plan.count);
  const fresh = (await db('vouchers').where({ batch_id: batchId }).orderBy('id')) as VoucherRow[];
  const vouchers: VoucherView[] = [];
  for (const r of fresh) vouchers.push(await cache.view(r, now));
  return { batchId, vouchers, routerPending, design: plan.design };
}

/** The batch's logins made now where they can be; returns how many still wait for the router. */
async function pushBatch(
  v: VoucherSteps,
  siteId: number | null,
  batchId: number,
  count: number,
): Promise<number> {
  let routerPending = count;
  try {
    if (siteId !== null) {
      routerPending = await (await v.loginsOf(siteId)).added(batchId, count);
    } else if (v.roamingElsewhere) {
      // Roaming: every site's check adds the batch (a roaming voucher keeps no one router id).
      const own = await v.loginsOf(v.siteId);
      const waits = await Promise.allSettled([own.roamingAdded(), v.roamingElsewhere()]);
      routerPending = waits.some((w) => w.status === 'rejected' || w.value > 0) ? count : 0;
    }
  } catch (err) {
    // Never lose a sale: the vouchers exist; the poll job's sync pushes them later.
    v.deps.log.warn({ err: (err as Error).message, batchId }, 'router users not pushed; will retry');
  }
  return routerPending;
}

export async function revoke(v: VoucherSteps, code: string, actor: Actor): Promise<VoucherView> {
  const { db, clock, audit } = v.deps;
  const row = await requireVoucher(db, code);
  requireOpen(row, 'revoked');
  const now = clock.now();
  // Its login goes with it: its user removed from the router first, or FreeRADIUS refusing it from now on
  // (and its sessions disconnected) right after.
  const logins = await v.loginsOfRow(row);
  await logins.change(row, { kind: 'remove' }, async () => {
    await db.transaction(async (trx) => {
      await lifecycle.revoke(trx, row.id, now);
      await voucherDevices.disconnectAll(trx, row.id);
      await recordEvent(trx, clock, revokeEvent({ voucherId: row.id, previous: row.status, by: actor.name }));
    });
    await audit.record(actor, 'voucher.revoke', row.code, { previousStatus: row.status });
  });
  return v.view(await reloadVoucher(db, row.id));
}

export async function changeProfile(
  v: VoucherSteps,
  c: { code: string; profileName: string; actor: Actor; charge?: boolean; expected?: number },
): ReturnType<VoucherService['changeProfile']> {
  const { db, clock, audit } = v.deps;
  const { actor } = c;
  const row = await requireVoucher(db, c.code);
  requireOpen(row, 'moved to another profile');
  const planned = await planProfileChange(db, v.profiles, row, c.profileName, clock.now(), c.charge);
  // The figure the owner confirmed, when it still stands (plan-confirm.ts); else 409 with the quote now.
  const plan = { ...planned, quote: confirmedQuote(planned, c.expected, clock.now()) };
  const { next, quote } = plan;
  const limitSeconds = routerUptimeLimit(next.profile, row.extra_seconds, Boolean(row.staff));
  const logins = await v.loginsOfRow(row);
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
  return { voucher: await v.view(await reloadVoucher(db, row.id)), charge };
}
