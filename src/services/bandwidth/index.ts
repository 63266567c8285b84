/**
 * Live bandwidth for the admin: who is online with what usage and limit, and the admin's overrides. An
 * override is stored on the device's voucher (so every later cycle keeps it) and pushed to the router at
 * once with a `set` on the device's queue; the next poll would converge anyway. Three actions:
 *  - set: the admin's speeds (either way may be "unlimited");
 *  - remove: no limit at all, stored as the override 0/0. The device keeps its queue (limit 0/0, which
 *    RouterOS reads as no limit) so the poll still counts its bytes; this is what the original product's
 *    "Remove" did;
 *  - reset: the override is dropped and the plan (profile, FUP, off-peak) applies again.
 */
import type { Knex } from 'knex';
import { desiredLimits, QUEUED_STATES, type DesiredLimits } from '../../domain/policy';
import { desiredQueues, queueNameForMac } from '../../domain/queues';
import { queueChanges } from '../../domain/reconcile';
import { ValidationError, AppError, RouterError } from '../../domain/errors';
import { checkLimitRate, formatLimitHuman, formatRatePairBps, normaliseMac } from '../../domain/units';
import { voucherTiming } from '../../domain/vouchers';
import { maskCode } from '../../lib/logger';
import type { ManagedHotspot } from '../../router/hotspot';
import type { RouterClient } from '../../router/types';
import { siteOf, type SiteDeps } from '../deps';
import { recordEvent, recordEvents } from '../events';
import { queuesBySite, routerQueueView } from './site-queues';
import { bandwidthEvent, logoutEvent } from '../events/activity';
import type {
  Actor,
  BandwidthChange,
  BandwidthService,
  ProfileRecord,
  ProfileService,
  UsageService,
  UserTraffic,
} from '../types';
import { toVoucherState, type VoucherRow } from '../vouchers/state';
import type { DeviceRow } from '../usage/load';
import * as voucherDevices from '../voucher-devices';

/** Input problems as AppError INVALID_INPUT (400) with the field, for the API, the admin and the CLI alike. */
function valid<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof ValidationError)
      throw new AppError('INVALID_INPUT', err.message, 400, err.field, { [err.field]: err.problem });
    throw err;
  }
}

const validMac = (mac: string): string => valid(() => normaliseMac(mac));

const notFound = (mac: string) =>
  new AppError('DEVICE_NOT_FOUND', `No device with MAC ${mac} is using an active voucher`, 404, 'mac');

/**
 * A limit from any caller (web form, API, CLI, menu) in the stored form: the bounds are checked here so
 * every way in refuses the same speeds; null ("unlimited") becomes 0, RouterOS's "no limit".
 */
function storedLimit(value: number | null, field: string): number {
  return value === null ? 0 : valid(() => checkLimitRate(value, field));
}

const pairText = (up: number, down: number) => `${formatLimitHuman(down)} down / ${formatLimitHuman(up)} up`;

type Action = 'bandwidth.set' | 'bandwidth.remove' | 'bandwidth.reset';

export function limitSource(l: DesiredLimits, hasOverride: boolean): UserTraffic['limitSource'] {
  if (hasOverride && l.state === 'normal') return 'override';
  if (l.state === 'fup') return 'fup';
  if (l.state === 'capped-throttle') return 'cap';
  return l.offpeak ? 'offpeak' : 'profile';
}

function fupState(l: DesiredLimits): UserTraffic['fupState'] {
  return l.state === 'normal' || l.state === 'fup' || l.state === 'capped-throttle' ? l.state : 'blocked';
}

export function createBandwidthService(
  deps: SiteDeps,
  opts: {
    profiles: ProfileService;
    usage: UsageService;
    /** Another site's router, for that site's devices (undefined: not connected in this process). */
    routerOfSite?: (siteId: number) => { hotspot: ManagedHotspot; router?: RouterClient } | undefined;
  },
): BandwidthService {
  const { db, hotspot, clock, config, audit } = deps;
  const log = deps.log.child({ module: 'bandwidth' });
  const ownSite = siteOf(deps).id;

  /** The router of the voucher's site: this service's own, or another site's when it is connected here. */
  function hotspotOf(row: Pick<VoucherRow, 'site_id'>): ManagedHotspot | undefined {
    const siteId = row.site_id == null ? ownSite : Number(row.site_id);
    return siteId === ownSite ? hotspot : opts.routerOfSite?.(siteId)?.hotspot;
  }

  async function profileMap(): Promise<Map<number, ProfileRecord>> {
    return new Map((await opts.profiles.list({ includeArchived: true })).map((p) => [p.id, p]));
  }

  /** The active voucher a MAC is using now (the most recently activated one). */
  async function voucherOfMac(macInput: string): Promise<{ mac: string; row: VoucherRow }> {
    const mac = validMac(macInput);
    const row = (await db('vouchers as v')
      .join('voucher_devices as d', 'd.voucher_id', 'v.id')
      .where({ 'd.mac': mac, 'v.status': 'active' })
      .orderBy('v.activated_at', 'desc')
      .select('v.*')
      .first()) as VoucherRow | undefined;
    if (!row) throw notFound(mac);
    return { mac, row };
  }

  /**
   * Pushes the voucher's limits to its devices' queues now (a `set` per queue that differs). `applied` is
   * true when the router holds them. The change is already saved, and the poll derives the queues again
   * from the database every cycle, so anything that stops the push (the router down or refusing the `set`,
   * a device whose queue the poll has not added yet) only delays it: it is logged, not thrown, and the
   * caller says "applied at the next poll" rather than reporting a failure.
   */
  async function applyNow(voucherId: number): Promise<{ applied: boolean; changed: number }> {
    const row = (await db('vouchers').where({ id: voucherId }).first()) as VoucherRow;
    const profile = (await profileMap()).get(row.profile_id);
    const devices = (await db('voucher_devices').where({ voucher_id: voucherId })) as DeviceRow[];
    if (!profile || devices.length === 0) return { applied: false, changed: 0 };
    const item = {
      voucher: toVoucherState(row, profile.profile),
      devices: devices.map((d) => ({ mac: d.mac, ip: d.ip ?? undefined, connected: Boolean(d.connected) })),
    };
    const wanted = desiredQueues([item], clock.now(), config.tz).queues;
    if (wanted.length === 0) return { applied: false, changed: 0 };
    // Another site's router not connected in this process: its poll applies the change.
    const target = hotspotOf(row);
    if (!target) return { applied: false, changed: 0 };
    let changed = 0;
    try {
      const rows = await target.queues(wanted.map((q) => q.name));
      const byName = new Map(rows.map((r) => [r.name, r]));
      let applied = true;
      for (const want of wanted) {
        const current = byName.get(want.name);
        if (!current) {
          applied = false; // the poll adds the queue, with these limits
          continue;
        }
        const changes = queueChanges(want, current);
        if (Object.keys(changes).length === 0) continue;
        await target.setQueue(current.id, changes);
        changed++;
      }
      return { applied, changed };
    } catch (err) {
      if (!(err instanceof RouterError)) throw err;
      if (err.transient)
        log.warn(
          { err: err.message },
          'router unreachable: bandwidth change saved, applied at the next poll',
        );
      else
        log.error(
          { err: err.message, routerMessage: err.routerMessage, command: err.command },
          'router did not take the bandwidth change: saved, the next poll applies it',
        );
      return { applied: false, changed };
    }
  }

  /** The limits the plan gives the voucher now, as if it had no override ("back to plan"). */
  function planLimits(row: VoucherRow, profile: ProfileRecord, now: number): DesiredLimits {
    const state = toVoucherState(row, profile.profile);
    delete state.override;
    return desiredLimits(state, now, config.tz);
  }

  /** Stores the override (null: none), records it, and pushes it to the router now when it can. */
  async function setOverride(
    macInput: string,
    override: { up: number; down: number } | null,
    action: Action,
    actor: Actor,
  ): Promise<BandwidthChange> {
    const { mac, row } = await voucherOfMac(macInput);
    const now = clock.now();
    const profile = (await profileMap()).get(row.profile_id);
    if (!profile) throw notFound(mac);
    await db('vouchers')
      .where({ id: row.id })
      .update({
        override_up: override?.up ?? null,
        override_down: override?.down ?? null,
        updated_at: now,
      });
    let inForce = override;
    if (!inForce) {
      const plan = planLimits(row, profile, now);
      // An active voucher whose end the poll has not recorded yet has no queue; name its own speeds.
      inForce = QUEUED_STATES.includes(plan.state)
        ? { up: plan.rateUp, down: plan.rateDown }
        : { up: row.rate_limit_up, down: row.rate_limit_down };
    }
    const limits = {
      up: inForce.up === 0 ? 'unlimited' : inForce.up,
      down: inForce.down === 0 ? 'unlimited' : inForce.down,
    };
    await audit.record(actor, action, mac, {
      voucher: maskCode(row.code),
      ...(action === 'bandwidth.remove' ? {} : limits),
    });
    const { applied, changed } = await applyNow(row.id);
    const what =
      action === 'bandwidth.remove'
        ? `speed limit removed for ${mac}: unlimited`
        : action === 'bandwidth.reset'
          ? `bandwidth back to plan for ${mac}: ${profile.name} ${pairText(inForce.up, inForce.down)}`
          : `bandwidth set for ${mac}: ${pairText(inForce.up, inForce.down)}`;
    log.info(
      { mac, voucher: maskCode(row.code), changed, applied },
      applied ? what : `${what} (saved; applied at the next poll)`,
    );
    await recordEvent(db, clock, bandwidthEvent({ voucherId: row.id, mac, what, by: actor.name }));
    return { mac, profile: profile.name, up: inForce.up, down: inForce.down, applied };
  }

  async function users(): Promise<UserTraffic[]> {
    const now = clock.now();
    const profiles = await profileMap();
    const rows = (await db('voucher_devices as d')
      .join('vouchers as v', 'v.id', 'd.voucher_id')
      .where({ 'v.status': 'active', 'd.connected': true })
      .orderBy('d.mac')
      .select(
        'v.*',
        'd.mac as d_mac',
        'd.ip as d_ip',
        'd.id as d_id',
        'd.rate_up as d_rate_up',
        'd.rate_down as d_rate_down',
      )) as Array<
      VoucherRow & {
        d_id: number;
        d_mac: string;
        d_ip: string | null;
        d_rate_up: number;
        d_rate_down: number;
      }
    >;
    const onRouter = await routerLimits();
    const out: UserTraffic[] = [];
    for (const row of rows) {
      const p = profiles.get(row.profile_id);
      if (!p) continue;
      const r = row;
      const state = toVoucherState(r, p.profile);
      const limits = desiredLimits(state, now, config.tz);
      const plan = state.override === undefined ? limits : planLimits(r, p, now);
      out.push({
        user: r.code,
        site: r.site_id == null ? ownSite : Number(r.site_id),
        mac: r.d_mac,
        ip: r.d_ip,
        profile: p.name,
        bytesIn: Number(r.bytes_up),
        bytesOut: Number(r.bytes_down),
        rateIn: r.d_rate_up,
        rateOut: r.d_rate_down,
        maxLimit:
          onRouter?.get(queueNameForMac(r.d_mac)) ??
          formatRatePairBps({ up: limits.rateUp, down: limits.rateDown }),
        planMaxLimit: formatRatePairBps({ up: plan.rateUp, down: plan.rateDown }),
        limitSource: limitSource(limits, state.override !== undefined),
        fupState: fupState(limits),
        connected: true,
        remainingSeconds: voucherTiming(state, now).remainingSeconds,
      });
    }
    return out;
  }

  /** The limit of each pisonet queue as the router has it; undefined when the router cannot be read now. */
  async function routerLimits(): Promise<Map<string, string> | undefined> {
    try {
      const rows = await hotspot.queues();
      return new Map(rows.map((r) => [r.name, r.maxLimit ?? '0/0']));
    } catch (err) {
      if (err instanceof RouterError) return undefined;
      throw err;
    }
  }

  return {
    users,
    async setLimit(mac, up, down, actor) {
      const rates = { up: storedLimit(up, 'upload'), down: storedLimit(down, 'download') };
      // "Unlimited" both ways is the same as Remove, and the audit log says so.
      const action = rates.up === 0 && rates.down === 0 ? 'bandwidth.remove' : 'bandwidth.set';
      return setOverride(mac, rates, action, actor);
    },
    async removeLimit(mac, actor) {
      return setOverride(mac, { up: 0, down: 0 }, 'bandwidth.remove', actor);
    },
    async resetLimit(mac, actor) {
      return setOverride(mac, null, 'bandwidth.reset', actor);
    },
    async queues(siteId) {
      const target = siteId === undefined || siteId === ownSite ? { hotspot } : opts.routerOfSite?.(siteId);
      if (!target) throw siteAway(siteId as number);
      return (await target.hotspot.queues()).map(routerQueueView);
    },
    queuesBySite: (siteId) =>
      queuesBySite(
        db,
        (id) => (id === ownSite ? { hotspot, router: deps.router } : opts.routerOfSite?.(id)),
        siteId,
      ),
    async kick(macInput, actor) {
      const mac = validMac(macInput);
      // The device is logged out on the router of its voucher's site (another site's, when it is connected here).
      const row = (await db('vouchers as v')
        .join('voucher_devices as d', 'd.voucher_id', 'v.id')
        .where({ 'd.mac': mac, 'v.status': 'active' })
        .orderBy('v.activated_at', 'desc')
        .first('v.site_id')) as Pick<VoucherRow, 'site_id'> | undefined;
      const siteHotspot = (row && hotspotOf(row)) ?? hotspot;
      const out = await siteHotspot.logoutDevice(mac);
      if (out.sessions === 0)
        throw new AppError('DEVICE_NOT_FOUND', `No device with MAC ${mac} is logged in`, 404, 'mac');
      const gone = await markDisconnected(db, mac, clock.now());
      await recordEvents(
        db,
        clock,
        gone.map((voucherId) => logoutEvent({ voucherId, mac, by: actor.name })),
      );
      await audit.record(actor, 'device.kick', mac, { vouchers: out.users.map((u) => maskCode(u)) });
      log.info({ mac }, `device ${mac} logged out by ${actor.name}`);
    },
  };
}

/** Marks the MAC's online device rows offline; returns their vouchers' ids. */
async function markDisconnected(db: Knex, mac: string, now: number): Promise<number[]> {
  const rows = (await db('voucher_devices').where({ mac, connected: true }).select('voucher_id')) as Array<{
    voucher_id: number;
  }>;
  await voucherDevices.disconnectMac(db, mac, now);
  return rows.map((r) => r.voucher_id);
}

const siteAway = (siteId: number) =>
  new AppError('SITE_UNREACHABLE', `Site ${siteId}'s router is not connected to this server`, 503, 'site');
