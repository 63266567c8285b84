/** A Profile back to its profiles.json form (human units), and the changes between two profile lists. */
import type { Profile } from './profiles';
import { formatContentionRatio } from './plan-sharing';
import { formatClockTime, formatDataSize, formatRate, formatRouterDuration } from './units';

interface ProfileJson {
  name: string;
  /** Absent: prepaid (vouchers). */
  billing?: 'monthly';
  /** Pesos as a number (5, 5.5), as people write them in profiles.json (a monthly plan: the monthly fee). */
  price: number;
  /** Absent on a monthly plan. */
  validity?: string;
  /** Absent on a monthly plan of one device. */
  users?: number;
  ppp_pool?: string;
  rate_up: string;
  rate_down: string;
  fup?: { threshold: string; rate_up: string; rate_down: string };
  data_cap?: string;
  cap_policy?: 'block' | 'throttle' | 'none';
  cap_rate_up?: string;
  cap_rate_down?: string;
  burst?: { rate_up: string; rate_down: string; threshold_up: string; threshold_down: string; time: string };
  offpeak?: { start: string; end: string; unlimited: boolean; speed_multiplier: number };
  time_mode?: 'wallclock' | 'uptime';
  description?: string;
  topup?: 'add' | 'queue';
  pause_max?: string;
  pauses_per_day?: number;
  contention_ratio?: string;
  priority?: number;
  qos_priority?: number;
  overage?: { bytes: string; price: number };
}

/** parseProfile(profileToJson(p)) deep-equals p. Defaults (wallclock, cap policy none) are left out. */
export function profileToJson(p: Profile): ProfileJson {
  const monthly = p.billing === 'monthly';
  const json: ProfileJson = monthly
    ? { name: p.name, billing: 'monthly', price: p.price / 100, rate_up: '', rate_down: '' }
    : {
        name: p.name,
        price: p.price / 100,
        validity: p.validitySeconds === null ? 'unlimited' : formatRouterDuration(p.validitySeconds),
        users: p.users,
        rate_up: '',
        rate_down: '',
      };
  if (monthly && p.users !== 1) json.users = p.users;
  if (p.pppPool !== undefined) json.ppp_pool = p.pppPool;
  json.rate_up = formatRate(p.rateUp);
  json.rate_down = formatRate(p.rateDown);
  if (p.fup) {
    json.fup = {
      threshold: formatDataSize(p.fup.thresholdBytes),
      rate_up: formatRate(p.fup.rateUp),
      rate_down: formatRate(p.fup.rateDown),
    };
  }
  if (p.dataCapBytes !== undefined) json.data_cap = formatDataSize(p.dataCapBytes);
  if (p.capPolicy !== 'none' || p.dataCapBytes !== undefined) json.cap_policy = p.capPolicy;
  if (p.capRate) {
    json.cap_rate_up = formatRate(p.capRate.rateUp);
    json.cap_rate_down = formatRate(p.capRate.rateDown);
  }
  if (p.burst) {
    const b = p.burst;
    json.burst = {
      rate_up: formatRate(b.rateUp),
      rate_down: formatRate(b.rateDown),
      threshold_up: formatRate(b.thresholdUp),
      threshold_down: formatRate(b.thresholdDown),
      time: formatRouterDuration(b.timeSeconds),
    };
  }
  if (p.offpeak) {
    const o = p.offpeak;
    json.offpeak = {
      start: formatClockTime(o.start),
      end: formatClockTime(o.end),
      unlimited: o.unlimited,
      speed_multiplier: o.speedMultiplier,
    };
  }
  if (p.timeMode !== 'wallclock') json.time_mode = p.timeMode;
  if (p.description !== undefined) json.description = p.description;
  if (p.topup === 'queue') json.topup = 'queue';
  if (p.pauseMaxSeconds !== undefined) json.pause_max = formatRouterDuration(p.pauseMaxSeconds);
  if (p.pausesPerDay !== undefined) json.pauses_per_day = p.pausesPerDay;
  if (p.contentionRatio !== undefined) json.contention_ratio = formatContentionRatio(p.contentionRatio);
  // As given: a 0–100 QoS priority reads back as that (its 1–8 meaning is derived again when parsed).
  if (p.qosPriority !== undefined) json.qos_priority = p.qosPriority;
  else if (p.priority !== undefined) json.priority = p.priority;
  if (p.overage) json.overage = { bytes: formatDataSize(p.overage.bytes), price: p.overage.price / 100 };
  return json;
}

/** Flattens the JSON form into `fup.rate_up` → `"256K"` so nested changes are named precisely. */
function flatten(obj: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(obj)) {
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of flatten(value as object, `${prefix}${key}.`)) out.set(k, v);
    } else if (value !== undefined) {
      out.set(`${prefix}${key}`, String(value));
    }
  }
  return out;
}

/**
 * One human-readable line per change, e.g. `profile STANDARD: rate_down 2M → 3M`, `profile VIP added`.
 * Names are matched ignoring case, so renaming only the case shows as a `name` change.
 */
export function diffProfiles(before: readonly Profile[], after: readonly Profile[]): string[] {
  const changes: string[] = [];
  const key = (p: Profile) => p.name.toUpperCase();
  const oldByName = new Map(before.map((p) => [key(p), p]));
  const newByName = new Map(after.map((p) => [key(p), p]));
  for (const p of before) if (!newByName.has(key(p))) changes.push(`profile ${p.name} removed`);
  for (const p of after) {
    const old = oldByName.get(key(p));
    if (!old) {
      changes.push(`profile ${p.name} added`);
      continue;
    }
    const a = flatten(profileToJson(old));
    const b = flatten(profileToJson(p));
    for (const field of new Set([...a.keys(), ...b.keys()])) {
      const from = a.get(field);
      const to = b.get(field);
      if (from === to) continue;
      if (from === undefined) changes.push(`profile ${p.name}: ${field} set to ${to}`);
      else if (to === undefined) changes.push(`profile ${p.name}: ${field} removed (was ${from})`);
      else changes.push(`profile ${p.name}: ${field} ${from} → ${to}`);
    }
  }
  return changes;
}
