import { desiredLimits, QUEUED_STATES, type DesiredLimits } from '../../../domain/policy';
import { desiredQueues } from '../../../domain/queues';
import { queueChanges } from '../../../domain/reconcile';
import { RouterError } from '../../../domain/errors';
import { formatLimitHuman } from '../../../domain/units';
import { maskCode } from '../../../lib/logger';
import type { ManagedHotspot } from '../../../router/hotspot';
import { recordEvent } from '../../business/events';
import { bandwidthEvent } from '../../business/events/activity';
import type { Actor, BandwidthChange, ProfileRecord } from '../../types';
import { toVoucherState, type VoucherRow } from '../../shop/vouchers/state';
import type { DeviceRow } from '../usage/load';
import { hotspotOf, notFound, profileMap, validMac, type Bw } from './context';

type Action = 'bandwidth.set' | 'bandwidth.remove' | 'bandwidth.reset';

type Rates = { up: number; down: number };

const pairText = (up: number, down: number) => `${formatLimitHuman(down)} down / ${formatLimitHuman(up)} up`;

/** The active voucher a MAC is using now (the most recently activated one), if any. */
export async function activeVoucherOf(b: Bw, mac: string): Promise<VoucherRow | undefined> {
  return (await b
    .db('vouchers as v')
    .join('voucher_devices as d', 'd.voucher_id', 'v.id')
    .where({ 'd.mac': mac, 'v.status': 'active' })
    .orderBy('v.activated_at', 'desc')
    .select('v.*')
    .first()) as VoucherRow | undefined;
}

/** The limits the plan gives the voucher now, as if it had no override ("back to plan"). */
export function planLimits(b: Bw, row: VoucherRow, profile: ProfileRecord, now: number): DesiredLimits {
  const state = toVoucherState(row, profile.profile);
  delete state.override;
  return desiredLimits(state, now, b.deps.config.tz);
}

/** Stores the override (null: none), records it, and pushes it to the router now when it can. */
export async function setOverride(
  b: Bw,
  macInput: string,
  override: Rates | null,
  action: Action,
  actor: Actor,
): Promise<BandwidthChange> {
  const mac = validMac(macInput);
  const row = await activeVoucherOf(b, mac);
  if (!row) throw notFound(mac);
  const now = b.deps.clock.now();
  const profile = (await profileMap(b)).get(row.profile_id);
  if (!profile) throw notFound(mac);
  await b
    .db('vouchers')
    .where({ id: row.id })
    .update({
      override_up: override?.up ?? null,
      override_down: override?.down ?? null,
      updated_at: now,
    });
  const inForce = override ?? planRates(b, row, profile, now);
  await auditOverride(b, { mac, row, action, actor, inForce });
  const { applied, changed } = await applyNow(b, row.id);
  const what = describeChange(action, mac, profile.name, inForce);
  b.log.info(
    { mac, voucher: maskCode(row.code), changed, applied },
    applied ? what : `${what} (saved; applied at the next poll)`,
  );
  await recordEvent(b.db, b.deps.clock, bandwidthEvent({ voucherId: row.id, mac, what, by: actor.name }));
  return { mac, profile: profile.name, up: inForce.up, down: inForce.down, applied };
}

/** The speeds in force without an override: the plan's now. */
function planRates(b: Bw, row: VoucherRow, profile: ProfileRecord, now: number): Rates {
  const plan = planLimits(b, row, profile, now);
  // An active voucher whose end the poll has not recorded yet has no queue; name its own speeds.
  return QUEUED_STATES.includes(plan.state)
    ? { up: plan.rateUp, down: plan.rateDown }
    : { up: row.rate_limit_up, down: row.rate_limit_down };
}

async function auditOverride(
  b: Bw,
  c: { mac: string; row: VoucherRow; action: Action; actor: Actor; inForce: Rates },
): Promise<void> {
  const limits = {
    up: c.inForce.up === 0 ? 'unlimited' : c.inForce.up,
    down: c.inForce.down === 0 ? 'unlimited' : c.inForce.down,
  };
  await b.deps.audit.record(c.actor, c.action, c.mac, {
    voucher: maskCode(c.row.code),
    ...(c.action === 'bandwidth.remove' ? {} : limits),
  });
}

function describeChange(action: Action, mac: string, profileName: string, inForce: Rates): string {
  if (action === 'bandwidth.remove') return `speed limit removed for ${mac}: unlimited`;
  if (action === 'bandwidth.reset')
    return `bandwidth back to plan for ${mac}: ${profileName} ${pairText(inForce.up, inForce.down)}`;
  return `bandwidth set for ${mac}: ${pairText(inForce.up, inForce.down)}`;
}

/**
 * Pushes the voucher's limits to its devices' queues now (a `set` per queue that differs). `applied` is
 * true when the router holds them. The change is already saved, and the poll derives the queues again
 * from the database every cycle, so anything that stops the push (the router down or refusing the `set`,
 * a device whose queue the poll has not added yet) only delays it: it is logged, not thrown, and the
 * caller says "applied at the next poll" rather than reporting a failure.
 */
async function applyNow(b: Bw, voucherId: number): Promise<{ applied: boolean; changed: number }> {
  const row = (await b.db('vouchers').where({ id: voucherId }).first()) as VoucherRow;
  const profile = (await profileMap(b)).get(row.profile_id);
  const devices = (await b.db('voucher_devices').where({ voucher_id: voucherId })) as DeviceRow[];
  if (!profile || devices.length === 0) return { applied: false, changed: 0 };
  const item = {
    voucher: toVoucherState(row, profile.profile),
    devices: devices.map((d) => ({ mac: d.mac, ip: d.ip ?? undefined, connected: Boolean(d.connected) })),
  };
  const wanted = desiredQueues([item], b.deps.clock.now(), b.deps.config.tz).queues;
  if (wanted.length === 0) return { applied: false, changed: 0 };
  // Another site's router not connected in this process: its poll applies the change.
  const target = hotspotOf(b, row);
  if (!target) return { applied: false, changed: 0 };
  const done = { applied: true, changed: 0 };
  try {
    await setQueues(target, wanted, done);
    return done;
  } catch (err) {
    if (!(err instanceof RouterError)) throw err;
    logRouterRefusal(b, err);
    return { applied: false, changed: done.changed };
  }
}

/** A `set` for each wanted queue the router holds otherwise; a queue not there yet leaves `applied` false. */
async function setQueues(
  target: ManagedHotspot,
  wanted: ReturnType<typeof desiredQueues>['queues'],
  done: { applied: boolean; changed: number },
): Promise<void> {
  const rows = await target.queues(wanted.map((q) => q.name));
  const byName = new Map(rows.map((r) => [r.name, r]));
  for (const want of wanted) {
    const current = byName.get(want.name);
    if (!current) {
      done.applied = false; // the poll adds the queue, with these limits
      continue;
    }
    const changes = queueChanges(want, current);
    if (Object.keys(changes).length === 0) continue;
    await target.setQueue(current.id, changes);
    done.changed++;
  }
}

function logRouterRefusal(b: Bw, err: RouterError): void {
  if (err.transient)
    b.log.warn({ err: err.message }, 'router unreachable: bandwidth change saved, applied at the next poll');
  else
    b.log.error(
      { err: err.message, routerMessage: err.routerMessage, command: err.command },
      'router did not take the bandwidth change: saved, the next poll applies it',
    );
}
