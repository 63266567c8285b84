/** A Profile back to its profiles.json form (human units), and the changes between two profile lists. */
import type { Profile } from './profiles';
import { formatContentionRatio } from './plan-sharing';
import { formatClockTime, formatDataSize, formatRate, formatRouterDuration } from './units';

/** parseProfile(profileToJson(p)) deep-equals p. Defaults (wallclock, cap policy none) are left out. */
export function profileToJson(p: Profile) {
  const monthly = p.billing === 'monthly';
  const { fup, capRate, burst: b, offpeak: o, overage } = p;
  return {
    name: p.name,
    ...(monthly && { billing: 'monthly' as const }),
    // Pesos as a number (5, 5.5), as people write them in profiles.json (a monthly plan: the monthly fee).
    price: p.price / 100,
    // A monthly plan has no validity, and a count of devices only when it is not one.
    ...(!monthly && {
      validity: p.validitySeconds === null ? 'unlimited' : formatRouterDuration(p.validitySeconds),
      users: p.users,
    }),
    rate_up: formatRate(p.rateUp),
    rate_down: formatRate(p.rateDown),
    ...(monthly && p.users !== 1 && { users: p.users }),
    ...(p.pppPool !== undefined && { ppp_pool: p.pppPool }),
    ...(fup && {
      fup: {
        threshold: formatDataSize(fup.thresholdBytes),
        rate_up: formatRate(fup.rateUp),
        rate_down: formatRate(fup.rateDown),
      },
    }),
    ...(p.dataCapBytes !== undefined && { data_cap: formatDataSize(p.dataCapBytes) }),
    ...((p.capPolicy !== 'none' || p.dataCapBytes !== undefined) && { cap_policy: p.capPolicy }),
    ...(capRate && { cap_rate_up: formatRate(capRate.rateUp), cap_rate_down: formatRate(capRate.rateDown) }),
    ...(b && {
      burst: {
        rate_up: formatRate(b.rateUp),
        rate_down: formatRate(b.rateDown),
        threshold_up: formatRate(b.thresholdUp),
        threshold_down: formatRate(b.thresholdDown),
        time: formatRouterDuration(b.timeSeconds),
      },
    }),
    ...(o && {
      offpeak: {
        start: formatClockTime(o.start),
        end: formatClockTime(o.end),
        unlimited: o.unlimited,
        speed_multiplier: o.speedMultiplier,
      },
    }),
    ...(p.timeMode !== 'wallclock' && { time_mode: p.timeMode }),
    ...(p.description !== undefined && { description: p.description }),
    ...(p.topup === 'queue' && { topup: 'queue' as const }),
    ...(p.pauseMaxSeconds !== undefined && { pause_max: formatRouterDuration(p.pauseMaxSeconds) }),
    ...(p.pausesPerDay !== undefined && { pauses_per_day: p.pausesPerDay }),
    ...(p.contentionRatio !== undefined && { contention_ratio: formatContentionRatio(p.contentionRatio) }),
    // As given: a 0–100 QoS priority reads back as that (its 1–8 meaning is derived again when parsed).
    ...(p.qosPriority !== undefined && { qos_priority: p.qosPriority }),
    ...(p.qosPriority === undefined && p.priority !== undefined && { priority: p.priority }),
    ...(overage && { overage: { bytes: formatDataSize(overage.bytes), price: overage.price / 100 } }),
  };
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
