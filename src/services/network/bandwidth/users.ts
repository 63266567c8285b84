import { desiredLimits, type DesiredLimits } from '../../../domain/policy';
import { queueNameForMac } from '../../../domain/queues';
import { RouterError } from '../../../domain/errors';
import { formatRatePairBps } from '../../../domain/units';
import { voucherTiming } from '../../../domain/vouchers';
import type { ProfileRecord, UserTraffic } from '../../types';
import { toVoucherState, type VoucherRow } from '../../shop/vouchers/state';
import { profileMap, type Bw } from './context';
import { planLimits } from './override';

type OnlineRow = VoucherRow & {
  d_id: number;
  d_mac: string;
  d_ip: string | null;
  d_rate_up: number;
  d_rate_down: number;
};

function limitSource(l: DesiredLimits, hasOverride: boolean): UserTraffic['limitSource'] {
  if (hasOverride && l.state === 'normal') return 'override';
  if (l.state === 'fup') return 'fup';
  if (l.state === 'capped-throttle') return 'cap';
  return l.offpeak ? 'offpeak' : 'profile';
}

function fupState(l: DesiredLimits): UserTraffic['fupState'] {
  return l.state === 'normal' || l.state === 'fup' || l.state === 'capped-throttle' ? l.state : 'blocked';
}

/** Who is online now, with usage, the limit the router holds and the plan's. */
export async function onlineUsers(b: Bw): Promise<UserTraffic[]> {
  const now = b.deps.clock.now();
  const profiles = await profileMap(b);
  const rows = (await b
    .db('voucher_devices as d')
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
    )) as OnlineRow[];
  const onRouter = await routerLimits(b);
  const out: UserTraffic[] = [];
  for (const row of rows) {
    const p = profiles.get(row.profile_id);
    if (p) out.push(trafficOf(b, row, p, now, onRouter));
  }
  return out;
}

function trafficOf(
  b: Bw,
  r: OnlineRow,
  p: ProfileRecord,
  now: number,
  onRouter: Map<string, string> | undefined,
): UserTraffic {
  const state = toVoucherState(r, p.profile);
  const limits = desiredLimits(state, now, b.deps.config.tz);
  const plan = state.override === undefined ? limits : planLimits(b, r, p, now);
  return {
    user: r.code,
    site: r.site_id == null ? b.ownSite : Number(r.site_id),
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
  };
}

/** The limit of each pisonet queue as the router has it; undefined when the router cannot be read now. */
async function routerLimits(b: Bw): Promise<Map<string, string> | undefined> {
  try {
    return new Map((await b.deps.hotspot.queues()).map((r) => [r.name, r.maxLimit ?? '0/0']));
  } catch (err) {
    if (err instanceof RouterError) return undefined;
    throw err;
  }
}
