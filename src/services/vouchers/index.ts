/**
 * The voucher use cases: batch generation (database first, router users pipelined and resumable), lists,
 * details, revoke/extend/change of profile, batches and CSV. Redemption lives in ../redemption/. A change to a
 * voucher reaches its login through its site's logins (logins.ts): a hotspot user on the router, whose push,
 * sync and check live here (router-users.ts, users-check.ts), or another mode's.
 */
import { AppError, RouterError } from '../../domain/errors';
import { siteOf, type ServiceDeps } from '../deps';
import { routerUptimeLimit, type VoucherRow } from './state';
import type { Actor, ProfileService, VoucherFilter, VoucherService, VoucherView } from '../types';
import { vouchersCsv } from './csv';
import { voucherDetail } from './detail';
import { portalCodeEntry } from './code-style';
import { batchQuery, listBatches, toBatchView } from './batch-list';
import { insertBatch, planBatch } from './generate';
import { listVouchers, ProfileCache, requireVoucher } from './queries';
import {
  addRoamingUsers,
  batchRowsToPush,
  bindRouterUsers,
  pushRouterUsers,
  releaseQueuedBindings,
  voucherUser,
} from './router-users';
import {
  checkRouterUsers,
  UsersCheckSchedule,
  type UsersCheckOptions,
  type UsersCheckReport,
} from './users-check';
import * as lifecycle from '../voucher-lifecycle';
import { recordEvent } from '../events';
import { chargeOf, planProfileChange, recordProfileChange } from './charges';
import { voucherOverage } from './overage';
import { voucherExtension } from './extension';
import { voucherChargeVoid } from './charge-void';
import { revokeEvent } from '../events/activity';
import type { VoucherUser } from '../../router/hotspot';
import type { Logins } from './logins';

const SYNC_LIMIT = 20_000;

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

export function createVoucherService(deps: ServiceDeps, d: VoucherServiceOptions): VoucherService {
  const { db, clock, router, hotspot, config, audit, log } = deps;
  const site = siteOf(deps);
  const pushDeps = { db, router, hotspot, now: () => clock.now() };
  let syncing: Promise<SyncOutcome> | undefined;
  // When a sync also reads the router's users and puts back what the vouchers call for (users-check.ts):
  // at the first sync, after every reconnect, after a reboot the poll saw, and every 10 minutes.
  const usersCheck = new UsersCheckSchedule();
  let wasConnected = router.status.connected;
  router.onStatus((s) => {
    if (s.connected && !wasConnected) usersCheck.request('router reconnected');
    wasConnected = s.connected;
  });

  async function targetsFor(rows: VoucherRow[], cache: ProfileCache): Promise<VoucherUser[]> {
    const out: VoucherUser[] = [];
    for (const r of rows) out.push(await voucherUser(r, cache));
    return out;
  }

  /** The logins of the voucher's site (a roaming voucher's: this service's own site). */
  const loginsOfRow = (row: Pick<VoucherRow, 'site_id'>) =>
    d.loginsOf(row.site_id == null ? site.id : Number(row.site_id));

  // Extra data before or at the cap: sold at the counter, and told to the voucher's login at once where it can be.
  const overage = voucherOverage(deps, { loginsOf: loginsOfRow });

  async function runUsersCheck(reason: string, opts: UsersCheckOptions): Promise<UsersCheckReport> {
    const started = clock.now();
    const report = await checkRouterUsers(
      { db, hotspot, log, now: () => clock.now(), commands: () => router.stats.commands, siteId: site.id },
      opts,
    );
    usersCheck.done(started);
    const { added, fixed, removed, failed, blocked } = report;
    if (added + fixed + removed > 0)
      log.info(
        { module: 'vouchers', reason, ...report },
        `router users checked (${reason}): ${added} re-created, ${fixed} put back, ${removed} removed`,
      );
    if (failed + blocked > 0)
      log.warn(
        { module: 'vouchers', reason, failed, blocked },
        `router users checked (${reason}): ${failed} change(s) failed, ${blocked} code(s) taken by users we did not create`,
      );
    return report;
  }

  async function syncOnce(opts: SyncOptions): Promise<SyncOutcome> {
    const reason = opts.check ?? (router.status.connected ? usersCheck.due(clock.now()) : undefined);
    if (reason) {
      try {
        const check = await runUsersCheck(reason, opts);
        // The check gave started codes their own binding already; only their "kept for" mark is left.
        await releaseQueuedBindings(db, hotspot, new ProfileCache(db), clock.now(), site.id);
        return { created: check.created, pending: check.pending, check };
      } catch (err) {
        // Still due: the next sync (the poll's, or the reconnect's) checks again.
        if (opts.check || !(err instanceof RouterError)) throw err;
        log.warn({ module: 'vouchers', reason, err: err.message }, 'router users not checked; will retry');
      }
    }
    // Roaming vouchers not used yet go to every router with the users check (they have no one router id).
    const rows = (await db('vouchers')
      .whereNull('router_user_id')
      .where('site_id', site.id)
      .whereIn('status', ['unused', 'active'])
      .orderBy('id')
      .limit(SYNC_LIMIT)) as VoucherRow[];
    const pushed = rows.length
      ? await pushRouterUsers(pushDeps, await targetsFor(rows, new ProfileCache(db)))
      : { created: 0, pending: 0 };
    if (router.status.connected) {
      await bindRouterUsers(db, hotspot, clock.now(), site.id);
      await releaseQueuedBindings(db, hotspot, new ProfileCache(db), clock.now(), site.id);
    }
    return pushed;
  }

  /** One sync at a time: generate's push, the poll job's sync and a check would otherwise race on the same rows. */
  function startSync(opts: SyncOptions): Promise<SyncOutcome> {
    syncing ??= syncOnce(opts).finally(() => (syncing = undefined));
    return syncing;
  }

  async function syncRouterUsers(
    opts: UsersCheckOptions = {},
  ): Promise<{ created: number; pending: number }> {
    const { created, pending } = await startSync(opts);
    return { created, pending };
  }

  async function checkNow(opts: UsersCheckOptions = {}): Promise<UsersCheckReport> {
    for (;;) {
      // A sync already running may be a plain push: wait for it, then run a check of our own.
      if (syncing) {
        await syncing.catch(() => undefined);
        continue;
      }
      const out = await startSync({ ...opts, check: 'asked for' });
      if (out.check) return out.check;
    }
  }

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

    async pushBatch(batchId) {
      await syncing?.catch(() => undefined); // a running sync may be pushing the same rows
      const rows = await batchRowsToPush(db, batchId, site.id);
      const cache = new ProfileCache(db);
      const [a, b] = await Promise.all([
        pushRouterUsers(pushDeps, await targetsFor(rows.own, cache)),
        addRoamingUsers({ router, hotspot }, await targetsFor(rows.roaming, cache)),
      ]);
      return { created: a.created + b.created, pending: a.pending + b.pending };
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
          await trx('voucher_devices').where({ voucher_id: row.id }).update({ connected: false });
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
    syncRouterUsers,
    checkRouterUsers: checkNow,
    requestUsersCheck: (reason) => usersCheck.request(reason),
  };
}

interface SyncOptions extends UsersCheckOptions {
  /** Check the router's users now, for this reason, whether due or not; router errors are thrown. */
  check?: string;
}

interface SyncOutcome {
  created: number;
  pending: number;
  check?: UsersCheckReport;
}
