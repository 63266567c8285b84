/**
 * A plan's place on a shared line, in the words ISPs use: a contention ratio ("1:20", up to twenty customers
 * share one plan's bandwidth), a queue priority (1 goes first, 8 last, as RouterOS's HTB counts), and extra
 * data a customer may buy at the cap (overage). Parsed here from profiles.json (every problem collected); what
 * they become on the router is in plan-queues.ts.
 */
import { ValidationError, describeValue } from './errors';
import type { ErrorCollector } from './error-collector';
import type { Profile } from './profile-types';
import { parseDataSize, parsePrice } from './units';
import { checkKeys } from './profile-fields';

export const PLAN_KEYS = ['contention_ratio', 'priority', 'qos_priority', 'overage'] as const;
const OVERAGE_KEYS = ['bytes', 'price'];

/** The largest N of "1:N": more than a thousand customers on one plan's bandwidth is a typo, not a plan. */
const MAX_CONTENTION = 1000;
/** RouterOS's queue priorities: 1 (first) to 8 (last, the default). */
const MIN_PRIORITY = 1;
const MAX_PRIORITY = 8;

type PlanFields = Pick<Profile, 'contentionRatio' | 'priority' | 'qosPriority' | 'overage'>;

const RATIO_RE = /^\s*(\d{1,7})\s*:\s*(\d{1,7})\s*$/;

/** "1:N" → N. Anything else ("4:1", "1:0", "1:x", 20) is refused with what would be accepted. */
function parseContentionRatio(v: unknown, field: string): number {
  const m = typeof v === 'string' ? RATIO_RE.exec(v) : null;
  const n = m ? Number(m[2]) : NaN;
  if (!m || Number(m[1]) !== 1 || !Number.isInteger(n) || n < 1 || n > MAX_CONTENTION)
    throw ValidationError.invalid(
      field,
      v,
      'a contention ratio',
      `use "1:N" with N a whole number from 1 to ${MAX_CONTENTION}, like "1:20" ("1:1" = not shared)`,
    );
  return n;
}

export function formatContentionRatio(n: number): string {
  return `1:${n}`;
}

/** A queue priority as RouterOS takes it: a whole number, 1 (first) to 8 (last). */
function parsePriority(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_PRIORITY || v > MAX_PRIORITY)
    throw ValidationError.invalid(
      field,
      v,
      'a queue priority',
      `use a whole number from ${MIN_PRIORITY} (served first) to ${MAX_PRIORITY} (served last)`,
    );
  return v;
}

/** The seed's 0–100 priority (higher = more important). */
function parseQosPriority(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100)
    throw ValidationError.invalid(
      field,
      v,
      'a QoS priority',
      'use a whole number from 0 to 100 (higher is served first), or "priority" from 1 to 8',
    );
  return v;
}

/** 0–100 (higher = more important) → RouterOS's 1–8 (lower = first): 100 → 1, 0 → 8. */
export function priorityFromQos(qos: number): number {
  return MAX_PRIORITY - Math.round((qos * 7) / 100);
}

function parseOverage(v: unknown, p: string, c: ErrorCollector): PlanFields['overage'] {
  const field = `${p}overage`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    c.add(
      field,
      `${describeValue(v)} is not a group of settings; use an object like {"bytes": "1G", "price": 10}`,
    );
    return undefined;
  }
  const o = v as Record<string, unknown>;
  checkKeys(o, OVERAGE_KEYS, `${field}.`, c);
  const bytes = c.field(() => parseDataSize(o.bytes, `${field}.bytes`));
  if (bytes !== undefined && bytes <= 0)
    c.add(`${field}.bytes`, 'must be more than zero; use a data size like 500M or 1G');
  const price = c.field(() => parsePrice(o.price, `${field}.price`));
  if (price !== undefined && price <= 0)
    c.add(`${field}.price`, 'must be more than zero (extra data is sold)');
  if (bytes === undefined || price === undefined || bytes <= 0 || price <= 0) return undefined;
  return { bytes, price };
}

/**
 * The plan fields of one profile's JSON. `hasCap`: whether the profile has a data cap (overage is sold at the
 * cap, so it needs one).
 */
export function parsePlanFields(
  json: Record<string, unknown>,
  p: string,
  hasCap: boolean,
  c: ErrorCollector,
): PlanFields {
  const out: PlanFields = {};
  if (json.contention_ratio !== undefined) {
    const n = c.field(() => parseContentionRatio(json.contention_ratio, `${p}contention_ratio`));
    if (n !== undefined) out.contentionRatio = n;
  }
  const given =
    json.priority !== undefined ? c.field(() => parsePriority(json.priority, `${p}priority`)) : undefined;
  if (json.qos_priority !== undefined) {
    const qos = c.field(() => parseQosPriority(json.qos_priority, `${p}qos_priority`));
    if (qos !== undefined) {
      const derived = priorityFromQos(qos);
      if (given !== undefined && given !== derived)
        c.add(
          `${p}qos_priority`,
          `${qos} means priority ${derived}, but priority is ${given}; give one of the two`,
        );
      out.qosPriority = qos;
      out.priority = derived;
    }
  }
  if (given !== undefined) out.priority = given;
  if (json.overage !== undefined) {
    if (!hasCap) c.add(`${p}overage`, 'needs data_cap (extra data is sold when a customer reaches the cap)');
    const overage = parseOverage(json.overage, p, c);
    if (overage) out.overage = overage;
  }
  return out;
}
