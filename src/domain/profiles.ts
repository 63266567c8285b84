/**
 * Profiles: what a voucher buys. Parsed from profiles.json (human units) into integers; every problem in
 * the file is reported at once, named by profile and field, e.g. `BASIC: fup.rate_up`.
 */
import { ValidationError, ValidationErrors, describeValue } from './errors';
import { ErrorCollector } from './error-collector';
import { parseClockTime, parsePrice } from './units';
import type { CapPolicy, Profile, TimeMode } from './profile-types';
import { BILLING_KEYS, parseBillingFields } from './plan-billing';
import { parseSelfServiceFields, SELF_SERVICE_KEYS } from './self-service';
import { parsePlanFields, PLAN_KEYS } from './plan-sharing';
import {
  checkKeys,
  isObject,
  NAME_RE,
  parseBool,
  parseBurstTime,
  parseDescription,
  parseEnum,
  parseMultiplier,
  parseName,
  parseUsers,
  parseValidity,
  positive,
  rate,
  size,
  subObject,
  type Json,
} from './profile-fields';

export type { Profile } from './profile-types';

const TOP_KEYS = [
  'name',
  'price',
  'validity',
  'users',
  'rate_up',
  'rate_down',
  'fup',
  'data_cap',
  'cap_policy',
  'cap_rate_up',
  'cap_rate_down',
  'burst',
  'offpeak',
  'time_mode',
  'description',
  ...SELF_SERVICE_KEYS,
  ...PLAN_KEYS,
  ...BILLING_KEYS,
];
const FUP_KEYS = ['threshold', 'rate_up', 'rate_down'];
const BURST_KEYS = ['rate_up', 'rate_down', 'threshold_up', 'threshold_down', 'time'];
const OFFPEAK_KEYS = ['start', 'end', 'unlimited', 'speed_multiplier'];

interface Base {
  rateUp?: number;
  rateDown?: number;
}

function parseFup(v: unknown, p: string, base: Base, c: ErrorCollector): Profile['fup'] {
  const o = subObject(v, `${p}fup`, FUP_KEYS, c);
  if (!o) return undefined;
  const thresholdBytes = size(o.threshold, `${p}fup.threshold`, c);
  const rateUp = rate(o.rate_up, `${p}fup.rate_up`, c);
  const rateDown = rate(o.rate_down, `${p}fup.rate_down`, c);
  belowBase(rateUp, base.rateUp, `${p}fup.rate_up`, 'the FUP rate', 'rate_up', c);
  belowBase(rateDown, base.rateDown, `${p}fup.rate_down`, 'the FUP rate', 'rate_down', c);
  if (thresholdBytes === undefined || rateUp === undefined || rateDown === undefined) return undefined;
  return { thresholdBytes, rateUp, rateDown };
}

function belowBase(
  r: number | undefined,
  b: number | undefined,
  f: string,
  what: string,
  baseKey: string,
  c: ErrorCollector,
): void {
  if (r !== undefined && b !== undefined && r >= b)
    c.add(f, `${what} must be below ${baseKey} (it slows a voucher down)`);
}

function parseBurst(v: unknown, p: string, base: Base, c: ErrorCollector): Profile['burst'] {
  const o = subObject(v, `${p}burst`, BURST_KEYS, c);
  if (!o) return undefined;
  const r = {
    rateUp: rate(o.rate_up, `${p}burst.rate_up`, c),
    rateDown: rate(o.rate_down, `${p}burst.rate_down`, c),
    thresholdUp: rate(o.threshold_up, `${p}burst.threshold_up`, c),
    thresholdDown: rate(o.threshold_down, `${p}burst.threshold_down`, c),
    timeSeconds: positive(
      c.field(() => parseBurstTime(o.time, `${p}burst.time`)),
      `${p}burst.time`,
      'use like 10s',
      c,
    ),
  };
  for (const [dir, key] of [
    ['Up', 'up'],
    ['Down', 'down'],
  ] as const) {
    const limit = r[`rate${dir}`];
    const threshold = r[`threshold${dir}`];
    const baseRate = base[`rate${dir}`];
    if (limit !== undefined && baseRate !== undefined && limit <= baseRate) {
      c.add(`${p}burst.rate_${key}`, `the burst rate must be above rate_${key}`);
    }
    // Above the queue's limit the average can never reach the threshold, so the burst would never stop
    // (docs/routeros.md "Burst").
    if (threshold !== undefined && baseRate !== undefined && threshold > baseRate) {
      c.add(`${p}burst.threshold_${key}`, `the burst threshold must not be above rate_${key}`);
    }
  }
  const { rateUp, rateDown, thresholdUp, thresholdDown, timeSeconds } = r;
  if (!rateUp || !rateDown || !thresholdUp || !thresholdDown || !timeSeconds) return undefined;
  return { rateUp, rateDown, thresholdUp, thresholdDown, timeSeconds };
}

function parseOffpeak(v: unknown, p: string, c: ErrorCollector): Profile['offpeak'] {
  const o = subObject(v, `${p}offpeak`, OFFPEAK_KEYS, c);
  if (!o) return undefined;
  const start = c.field(() => parseClockTime(o.start, `${p}offpeak.start`));
  const end = c.field(() => parseClockTime(o.end, `${p}offpeak.end`));
  const unlimited =
    o.unlimited === undefined ? false : c.field(() => parseBool(o.unlimited, `${p}offpeak.unlimited`));
  const speedMultiplier =
    o.speed_multiplier === undefined
      ? 1
      : c.field(() => parseMultiplier(o.speed_multiplier, `${p}offpeak.speed_multiplier`));
  if (start !== undefined && start === end)
    c.add(`${p}offpeak.end`, 'must differ from start, or the window is never active');
  if (unlimited === false && speedMultiplier === 1) {
    c.add(`${p}offpeak`, 'does nothing; set unlimited: true or a speed_multiplier above 1');
  }
  if (start === undefined || end === undefined || unlimited === undefined || speedMultiplier === undefined)
    return undefined;
  return { start, end, unlimited, speedMultiplier };
}

function parseCap(o: Json, p: string, fup: Profile['fup'], base: Base, c: ErrorCollector) {
  const dataCapBytes = o.data_cap === undefined ? undefined : size(o.data_cap, `${p}data_cap`, c);
  const defaultPolicy: CapPolicy = o.data_cap === undefined ? 'none' : 'block';
  const capPolicy =
    o.cap_policy === undefined
      ? defaultPolicy
      : c.field(() => parseEnum(o.cap_policy, `${p}cap_policy`, ['block', 'throttle', 'none'] as const));
  if (capPolicy !== undefined && capPolicy !== 'none' && o.data_cap === undefined) {
    c.add(`${p}cap_policy`, `"${capPolicy}" needs data_cap (the amount of data after which it applies)`);
  }
  if (fup && dataCapBytes !== undefined && fup.thresholdBytes >= dataCapBytes) {
    c.add(`${p}fup.threshold`, 'must be below data_cap, or the FUP never applies');
  }
  let capRate: Profile['capRate'];
  const hasCapRate = o.cap_rate_up !== undefined || o.cap_rate_down !== undefined;
  if (hasCapRate) {
    const rateUp = rate(o.cap_rate_up, `${p}cap_rate_up`, c);
    const rateDown = rate(o.cap_rate_down, `${p}cap_rate_down`, c);
    belowBase(rateUp, base.rateUp, `${p}cap_rate_up`, 'the throttle rate', 'rate_up', c);
    belowBase(rateDown, base.rateDown, `${p}cap_rate_down`, 'the throttle rate', 'rate_down', c);
    if (capPolicy !== undefined && capPolicy !== 'throttle')
      c.add(`${p}cap_rate_up`, 'is only used with cap_policy "throttle"');
    if (rateUp !== undefined && rateDown !== undefined) capRate = { rateUp, rateDown };
  } else if (capPolicy === 'throttle' && o.fup === undefined) {
    c.add(
      `${p}cap_policy`,
      '"throttle" needs slower rates: add cap_rate_up and cap_rate_down, or a fup section',
    );
  }
  return { dataCapBytes, capPolicy, capRate };
}

/**
 * One profile from its JSON form. `index` sets the path prefix (`profiles[2].`); without it fields are
 * named bare (`rate_up`). Throws ValidationErrors with every problem found.
 */
export function parseProfile(json: unknown, index?: number): Profile {
  const c = new ErrorCollector();
  const profile = collectProfile(json, index === undefined ? '' : `profiles[${index}].`, c);
  const name = isObject(json) && typeof json.name === 'string' && NAME_RE.test(json.name) ? json.name : '';
  c.throwIfAny(
    index === undefined ? `Invalid profile${name ? ` ${name}` : ''}` : `Invalid profile #${index + 1}`,
  );
  return profile as Profile;
}

function collectProfile(json: unknown, p: string, c: ErrorCollector): Profile | undefined {
  if (!isObject(json)) {
    c.add(
      p.replace(/\.$/, '') || 'profile',
      `${describeValue(json)} is not a profile; use an object like {"name": "BASIC", ...}`,
    );
    return undefined;
  }
  checkKeys(json, TOP_KEYS, p, c);
  const name = c.field(() => parseName(json.name, `${p}name`));
  const { monthly, pppPool } = parseBillingFields(json, p, c);
  const price = c.field(() => parsePrice(json.price, `${p}price`));
  const validitySeconds = monthly ? null : c.field(() => parseValidity(json.validity, `${p}validity`));
  const users = monthly && json.users === undefined ? 1 : c.field(() => parseUsers(json.users, `${p}users`));
  const base = {
    rateUp: rate(json.rate_up, `${p}rate_up`, c),
    rateDown: rate(json.rate_down, `${p}rate_down`, c),
  };
  const fup = parseFup(json.fup, p, base, c);
  const cap = parseCap(json, p, fup, base, c);
  const burst = parseBurst(json.burst, p, base, c);
  const offpeak = parseOffpeak(json.offpeak, p, c);
  const timeMode =
    json.time_mode === undefined
      ? 'wallclock'
      : c.field(() => parseEnum(json.time_mode, `${p}time_mode`, ['wallclock', 'uptime'] as const));
  const description =
    json.description === undefined
      ? undefined
      : c.field(() => parseDescription(json.description, `${p}description`));
  const selfService = parseSelfServiceFields(json, p, timeMode, c);
  const plan = parsePlanFields(json, p, json.data_cap !== undefined, c);
  if (!c.ok) return undefined;
  const profile: Profile = {
    name: name as string,
    price: price as number,
    validitySeconds: validitySeconds as number | null,
    users: users as number,
    rateUp: base.rateUp as number,
    rateDown: base.rateDown as number,
    capPolicy: cap.capPolicy as CapPolicy,
    timeMode: timeMode as TimeMode,
  };
  if (fup) profile.fup = fup;
  if (cap.dataCapBytes !== undefined) profile.dataCapBytes = cap.dataCapBytes;
  if (cap.capRate) profile.capRate = cap.capRate;
  if (burst) profile.burst = burst;
  if (offpeak) profile.offpeak = offpeak;
  if (description !== undefined) profile.description = description;
  Object.assign(profile, selfService, plan);
  if (monthly) profile.billing = 'monthly';
  if (pppPool !== undefined) profile.pppPool = pppPool;
  return profile;
}

/**
 * The whole profiles.json array: every profile checked, names unique regardless of case. Problems are named
 * by profile (`BASIC: rate_up "1 Mbit" is not a rate; …`), or `profile #2` when the name itself is bad.
 */
export function parseProfiles(json: unknown): Profile[] {
  const c = new ErrorCollector();
  if (!Array.isArray(json) || json.length === 0) {
    c.add(
      'profiles',
      `${describeValue(json)} is not a list of profiles; use a JSON array with at least one profile`,
    );
    c.throwIfAny('Invalid profiles');
  }
  const list = json as unknown[];
  const seen = new Map<string, number>();
  const names = list.map((item) => (isObject(item) && typeof item.name === 'string' ? item.name : undefined));
  const labels = names.map((name, i) =>
    name !== undefined && NAME_RE.test(name) ? name : `profile #${i + 1}`,
  );
  const profiles = list.map((item, i) => {
    const p = collectProfile(item, `profiles[${i}].`, c);
    const key = names[i]?.toUpperCase();
    if (key !== undefined && seen.has(key)) {
      const first = seen.get(key) as number;
      c.add(
        `profiles[${i}].name`,
        `"${names[i]}" is already used by profile #${first + 1} (${labels[first]}); names must be unique (ignoring case)`,
      );
    } else if (key !== undefined) seen.set(key, i);
    return p;
  });
  if (!c.ok)
    throw new ValidationErrors(
      c.errors.map((e) => nameByProfile(e, labels)),
      'Invalid profiles',
    );
  return profiles as Profile[];
}

/** `profiles[0].fup.rate_up` → field `BASIC.fup.rate_up`, message `BASIC: fup.rate_up …`. */
function nameByProfile(e: ValidationError, labels: readonly string[]): ValidationError {
  const m = /^profiles\[(\d+)\](?:\.(.*))?$/.exec(e.field);
  if (!m) return e;
  const label = labels[Number(m[1])];
  if (m[2] === undefined) return new ValidationError(label, e.problem, `${label}: ${e.problem}`);
  return new ValidationError(`${label}.${m[2]}`, e.problem, `${label}: ${m[2]} ${e.problem}`);
}

/** Finds a profile by name, ignoring case. */
export function findProfile(profiles: readonly Profile[], name: string): Profile | undefined {
  const upper = name.toUpperCase();
  return profiles.find((p) => p.name.toUpperCase() === upper);
}
