/**
 * One voucher as its admin page and the API show it: its view, its devices, its last events, its own limits
 * (the plan's, raised by codes added to it, as enforcement counts them) with its usage against them, the extra
 * data its plan sells at the cap (and what was bought), and the charges and credits kept on it.
 */
import type { Knex } from 'knex';
import type { Profile } from '../../../domain/profile-types';
import { overageOfferNow } from '../../../domain/overage';
import { desiredLimits } from '../../../domain/policy';
import { summariseUsage } from '../../../domain/usage-summary';
import { toVoucherState, voucherProfile, type VoucherRow } from './state';
import { chargesOf } from './charges';
import { OVERAGE } from './overage';
import type { DeviceView, VoucherDetail, VoucherView } from './types';
import { isOnline } from './online';
import { holdState, pausedView } from './hold';

async function devicesOf(db: Knex, voucherId: number): Promise<DeviceView[]> {
  const rows = await db('voucher_devices').where({ voucher_id: voucherId }).orderBy('first_seen_at');
  return rows.map((r) => ({
    mac: r.mac,
    ip: r.ip,
    connected: isOnline(r),
    firstSeenAt: Number(r.first_seen_at),
    lastSeenAt: Number(r.last_seen_at),
    bytesUp: Number(r.bytes_up),
    bytesDown: Number(r.bytes_down),
    rateUp: r.rate_up,
    rateDown: r.rate_down,
  }));
}

/** The name of the plan a used voucher was sold as, when it has moved to another since; else null. */
async function saleProfileOf(db: Knex, row: VoucherRow): Promise<string | null> {
  if (row.sale_profile_id == null || Number(row.sale_profile_id) === Number(row.profile_id)) return null;
  const sold = (await db('profiles').where({ id: row.sale_profile_id }).first('name')) as
    { name: string } | undefined;
  return sold?.name ?? null;
}

export async function voucherDetail(
  db: Knex,
  row: VoucherRow,
  profile: Profile,
  view: VoucherView,
  now: number,
  tz: string,
): Promise<VoucherDetail> {
  const own = voucherProfile(row, profile);
  const state = toVoucherState(row, profile);
  const limits = desiredLimits(state, now, tz);
  // Queued on a device, or paused by its customer: what the counter must say of it rather than the policy's state.
  const paused = await pausedView(db, row, profile, now);
  const held = holdState({ queued: view.queued, paused }, now, tz);
  const charges = await chargesOf(db, row.id);
  const bought = charges.filter((c) => c.kind === OVERAGE && c.voided === null);
  const events = await db('events').where({ voucher_id: row.id }).orderBy('id', 'desc').limit(50);
  // A code consumed as a top-up: its time and data went to another voucher, which is what its page says.
  const into = row.topped_up_into
    ? ((await db('vouchers').where({ id: row.topped_up_into }).first('code')) as { code: string } | undefined)
    : undefined;
  return {
    ...view,
    profilePrice: profile.price,
    saleProfile: await saleProfileOf(db, row),
    toppedUpInto: into ? { code: into.code, at: row.ended_at == null ? null : Number(row.ended_at) } : null,
    devices: await devicesOf(db, row.id),
    events: events.map((e) => ({
      id: e.id,
      ts: Number(e.ts),
      voucherCode: row.code,
      kind: e.kind,
      level: e.level,
      message: e.message,
    })),
    fupThresholdBytes: own.fup?.thresholdBytes ?? null,
    capBytes: own.dataCapBytes ?? null,
    addedBytes: own.dataCapBytes === undefined ? 0 : Number(row.extra_bytes ?? 0),
    addedFupBytes: own.fup === undefined ? 0 : Number(row.extra_fup_bytes ?? 0),
    usage: summariseUsage(
      { bytesUp: row.bytes_up, bytesDown: row.bytes_down, countedBytes: row.counted_bytes },
      { capBytes: own.dataCapBytes, fupThresholdBytes: own.fup?.thresholdBytes },
    ),
    state: held?.state ?? limits.state,
    stateReason: held?.reason ?? limits.reason,
    paused,
    overage: profile.overage
      ? { ...profile.overage, availableNow: overageOfferNow(state, now, tz) !== null }
      : null,
    overageBought: {
      bytes: bought.reduce((s, c) => s + (c.bytes ?? 0), 0),
      amount: bought.reduce((s, c) => s + c.amount, 0),
      count: bought.length,
    },
    charges,
  };
}
