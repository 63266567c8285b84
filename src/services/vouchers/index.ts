/**
 * The voucher use cases: batch generation (database first, router users pipelined and resumable), lists,
 * details, revoke/extend/change of profile, batches and CSV. Redemption lives in ../redemption/.
 */
import { checkExtension, CONFIRM_EXTENSION_ABOVE_SECONDS, formatDurationHuman } from '../../domain/durations';
import { AppError, RouterError } from '../../domain/errors';
import { siteOf, type ServiceDeps } from '../deps';
import { routerUptimeLimit, type VoucherRow } from '../voucher-state';
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
  clearRouterUserId,
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
import { revokeEvent } from '../activity-events';
import type { ManagedHotspot, VoucherUser } from '../../router/hotspot';
import { userPassword } from '../../router/hotspot/users';
import type { RouterClient } from '../../router/types';

const SYNC_LIMIT = 20_000;

export interface VoucherServiceOptions {
  profiles: ProfileService;
  /**
   * Pushes a batch made for another site (`siteId`), or a roaming one (null: every site), to its routers;
   * returns how many of its vouchers still wait for their user. Absent: such a batch waits for the server's
   * sync of that site (the terminal menu connects to no other router).
   */
  pushElsewhere?: (siteId: number | null, batchId: number, count: number) => Promise<number>;
  /** Another site's router, for changes to that site's vouchers (undefined: not connected in this process). */
  routerOfSite?: (siteId: number) => { router: RouterClient; hotspot: ManagedHotspot } | undefined;
  /**
   * Sites whose codes live as logins outside their router (RADIUS: FreeRADIUS's tables, not hotspot users; the one
   * choice is src/services/site-stack/mode.ts): a change is written there right after it is made (`changed`), and
   * the site's poll sends what the router must be told.
   */
  radius?: {
    loginsOutsideRouter(siteId: number): Promise<boolean>;
    changed(siteId: number, code: string): Promise<void>;
  };
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

  /**
   * The router that holds the voucher's user, connected: the router goes first for admin changes, so if it
   * cannot be reached nothing changes and the admin retries. Another site's voucher is changed on its own router.
   */
  function connectedRouterOf(row: VoucherRow, what: string): ManagedHotspot {
    const siteId = row.site_id == null ? site.id : Number(row.site_id);
    const target = siteId === site.id ? { router, hotspot } : d.routerOfSite?.(siteId);
    if (!target?.router.status.connected)
      throw new RouterError(
        'ROUTER_UNREACHABLE',
        siteId === site.id
          ? `Router not connected (${what})`
          : `The router of site ${siteId} is not connected (${what})`,
      );
    return target.hotspot;
  }

  /** The voucher's site when its codes live as logins outside the router (a RADIUS site). */
  async function radiusSiteOf(row: VoucherRow): Promise<number | undefined> {
    if (row.site_id == null || !d.radius) return undefined;
    return (await d.radius.loginsOutsideRouter(Number(row.site_id))) ? Number(row.site_id) : undefined;
  }

  /** A RADIUS site's code changed: FreeRADIUS answers the change from the next login on. */
  async function radiusChanged(row: VoucherRow): Promise<void> {
    const siteId = await radiusSiteOf(row);
    if (siteId !== undefined) await d.radius!.changed(siteId, row.code);
  }

  // Extra data at the cap: sold at the counter, and told to the voucher's router when it is connected here.
  const overage = voucherOverage(deps, {
    routerOf: (row) =>
      row.site_id == null || Number(row.site_id) === site.id
        ? { router, hotspot }
        : d.routerOfSite?.(Number(row.site_id)),
    radiusChanged,
  });

  /** New limit and comment on the voucher's hotspot user; a user gone from the router is pushed again later. */
  async function updateUserPlan(
    row: VoucherRow,
    profileName: string,
    limitSeconds: number | null,
  ): Promise<void> {
    // Pending, or roaming and not used yet (its users are put right by every site's users check).
    if (row.router_user_id === null || row.site_id === null) return;
    const target = connectedRouterOf(row, 'update hotspot user');
    // Its devices online log in again: their sessions took the old time limit at login.
    const again = { code: row.code, password: userPassword(row) };
    if (!(await target.updateUserPlan(row.router_user_id, profileName, limitSeconds, again)))
      await clearRouterUserId(db, row.id);
  }

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
        await syncing; // let a running sync finish so both do not push the same rows
        if (plan.siteId === site.id) {
          const pushed = await pushRouterUsers(pushDeps, await targetsFor(rows, cache));
          routerPending = pushed.pending;
        } else if (d.pushElsewhere) {
          routerPending = await d.pushElsewhere(plan.siteId, batchId, rows.length);
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
      const radiusSite = await radiusSiteOf(row);
      // Never pushed and never used: the database is all there is to change.
      // A roaming voucher not used yet has a user on every router: each site's users check removes it.
      // A RADIUS site's code is refused by FreeRADIUS and its sessions disconnected, after the change (below).
      if (
        radiusSite === undefined &&
        row.site_id !== null &&
        (row.router_user_id !== null || row.status === 'active')
      ) {
        await connectedRouterOf(row, 'revoke').removeVoucher(row.code, row.router_user_id);
      }
      const now = clock.now();
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
      if (radiusSite !== undefined) await d.radius!.changed(radiusSite, row.code);
      return view(await reload(row.id));
    },

    async extend(code, seconds, actor, opts = {}) {
      const added = checkExtension(seconds, 'duration');
      if (added > CONFIRM_EXTENSION_ABOVE_SECONDS && !opts.confirmed)
        throw new AppError(
          'CONFIRM_REQUIRED',
          `Adding ${formatDurationHuman(added)} is more than a day; confirm to add it`,
          400,
          'confirm',
          { confirm: `confirm adding ${formatDurationHuman(added)}` },
        );
      const row = await requireVoucher(db, code);
      requireOpen(row, 'extended');
      const p = await new ProfileCache(db).byId(row.profile_id);
      if (p.profile.validitySeconds === null || row.staff)
        throw new AppError('VOUCHER_UNLIMITED', 'This voucher has no time limit to extend', 409);
      const extra = row.extra_seconds + seconds;
      await updateUserPlan(row, p.row.name, routerUptimeLimit(p.profile, extra, Boolean(row.staff)));
      await lifecycle.topUp(db, row, p.profile, extra, clock.now());
      await audit.record(actor, 'voucher.extend', row.code, { seconds, extraSeconds: extra });
      await radiusChanged(row);
      return view(await reload(row.id));
    },

    async changeProfile(code, profileName, actor, opts = {}) {
      const row = await requireVoucher(db, code);
      requireOpen(row, 'moved to another profile');
      const plan = await planProfileChange(db, d.profiles, row, profileName, clock.now(), opts.charge);
      const { next, quote } = plan;
      await updateUserPlan(
        row,
        next.name,
        routerUptimeLimit(next.profile, row.extra_seconds, Boolean(row.staff)),
      );
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
      await radiusChanged(row);
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
