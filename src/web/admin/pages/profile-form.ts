/**
 * The profile form is flat (one input per setting) and the profile format is nested (profiles.json). These
 * map one to the other, and map the service's field paths (`fup.rate_up`) back to input names.
 */

import { priorityFromQos } from '../../../domain/plan-sharing';

type Json = Record<string, unknown>;

/** Input name → [group, key] in the profiles.json format ('' = top level). */
export const PROFILE_FIELDS: Record<string, [string, string]> = {
  name: ['', 'name'],
  billing: ['', 'billing'],
  ppp_pool: ['', 'ppp_pool'],
  price: ['', 'price'],
  validity: ['', 'validity'],
  users: ['', 'users'],
  rate_up: ['', 'rate_up'],
  rate_down: ['', 'rate_down'],
  fup_threshold: ['fup', 'threshold'],
  fup_rate_up: ['fup', 'rate_up'],
  fup_rate_down: ['fup', 'rate_down'],
  data_cap: ['', 'data_cap'],
  cap_policy: ['', 'cap_policy'],
  cap_rate_up: ['', 'cap_rate_up'],
  cap_rate_down: ['', 'cap_rate_down'],
  burst_rate_up: ['burst', 'rate_up'],
  burst_rate_down: ['burst', 'rate_down'],
  burst_threshold_up: ['burst', 'threshold_up'],
  burst_threshold_down: ['burst', 'threshold_down'],
  burst_time: ['burst', 'time'],
  offpeak_start: ['offpeak', 'start'],
  offpeak_end: ['offpeak', 'end'],
  offpeak_unlimited: ['offpeak', 'unlimited'],
  offpeak_multiplier: ['offpeak', 'speed_multiplier'],
  time_mode: ['', 'time_mode'],
  description: ['', 'description'],
  topup: ['', 'topup'],
  pause_max: ['', 'pause_max'],
  pauses_per_day: ['', 'pauses_per_day'],
  contention_ratio: ['', 'contention_ratio'],
  priority: ['', 'priority'],
  overage_bytes: ['overage', 'bytes'],
  overage_price: ['overage', 'price'],
};

/** Inputs about a voucher's time, shown for prepaid profiles only (data-billing-only in the form). */
const PREPAID_ONLY_INPUTS = [
  'validity',
  'time_mode',
  'topup',
  'pause_max',
  'pauses_per_day',
  'overage_bytes',
  'overage_price',
];

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** Numbers stay numbers where the format wants numbers; anything else is passed as typed so the error quotes it. */
function numberish(v: string, pattern: RegExp): number | string {
  return pattern.test(v) ? Number(v) : v;
}

/** Form body → the profiles.json form. Empty optional groups are left out; a half-filled group is kept so the missing parts are reported. */
export function formToProfileJson(body: unknown): Json {
  const b = (body && typeof body === 'object' ? body : {}) as Json;
  // A monthly plan's form may still hold the voucher-time fields the page hid (or a browser without scripts
  // showed): they are not part of a monthly plan, so they are not sent.
  const monthly = text(b.billing) === 'monthly';
  const out: Json = {};
  const groups: Record<string, Json> = { fup: {}, burst: {}, offpeak: {}, overage: {} };
  for (const [input, [group, key]] of Object.entries(PROFILE_FIELDS)) {
    const raw = b[input];
    if (input === 'offpeak_unlimited') {
      if (raw === 'on' || raw === 'true') groups.offpeak.unlimited = true;
      continue;
    }
    const v = text(raw);
    if (v === '') continue;
    if (monthly && PREPAID_ONLY_INPUTS.includes(input)) continue;
    if (input === 'billing' && v === 'prepaid') continue;
    let value: unknown = v;
    if (input === 'price') value = numberish(v, /^\d+(\.\d{1,2})?$/);
    if (input === 'users') value = numberish(v, /^\d{1,4}$/);
    if (input === 'offpeak_multiplier') value = numberish(v, /^\d+(\.\d+)?$/);
    if (input === 'pauses_per_day') value = numberish(v, /^\d{1,3}$/);
    if (input === 'priority') value = numberish(v, /^\d{1,3}$/);
    if (input === 'overage_price') value = numberish(v, /^\d+(\.\d{1,2})?$/);
    // "1:1" is the default (not shared): left out, as an empty field.
    if (input === 'contention_ratio' && /^\s*1\s*:\s*1\s*$/.test(v)) continue;
    // The defaults are left out, as profileToJson leaves them out (a second code is added unless "queue").
    if (input === 'time_mode' && v === 'wallclock') continue;
    if (input === 'topup' && v === 'add') continue;
    if (group) groups[group][key] = value;
    else out[key] = value;
  }
  for (const [group, values] of Object.entries(groups)) if (Object.keys(values).length) out[group] = values;
  // A lone "unlimited" box left unticked is not an off-peak window; unlimited with no times still reports.
  return out;
}

/** The profiles.json form → input values for the form. */
export function profileJsonToForm(json: Json): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const [input, [group, key]] of Object.entries(PROFILE_FIELDS)) {
    const src = group ? (json[group] as Json | undefined) : json;
    const v = src?.[key];
    if (v === undefined || v === null) continue;
    values[input] = typeof v === 'boolean' ? v : String(v);
  }
  if (values.offpeak_unlimited === true) values.offpeak_unlimited = 'on';
  // A 0–100 QoS priority (profiles.json, the API) shows as the 1–8 priority it means, and is saved so.
  if (typeof json.qos_priority === 'number' && values.priority === undefined)
    values.priority = String(priorityFromQos(json.qos_priority));
  return values;
}

/** `profiles[0].fup.rate_up` or `fup.rate_up` → `fup_rate_up`; group-level keys (`fup`) stay as they are. */
export function inputForField(path: string): string {
  const bare = path.replace(/^profiles\[\d+\]\./, '').replace(/\s*\(.*\)$/, '');
  for (const [input, [group, key]] of Object.entries(PROFILE_FIELDS)) {
    if ((group ? `${group}.${key}` : key) === bare) return input;
  }
  return bare;
}
