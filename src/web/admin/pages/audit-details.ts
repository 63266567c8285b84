/**
 * An audit entry's details as one line for people: money as ₱ (the services record centavos, profiles record
 * pesos as in profiles.json), speeds in bits/s as `2 Mbps`, download before upload, nested values flattened
 * (`fup.threshold: 1G`). The raw JSON stays in the database and the API.
 */
import { formatLimitHuman, formatMoney } from '../../../domain/units';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Keys whose numbers are centavos (voucher batches, extra data, a reseller's remittances and credit). */
const CENTAVO_KEYS = new Set(['price', 'amount', 'value', 'owed', 'credit', 'creditLimit', 'credit_limit']);
/** Actions whose money is recorded in centavos (a profile's own price is pesos, as profiles.json writes it). */
const CENTAVO_ACTIONS = /^(voucher|account|payment|vendo|charge)\./;
/** Keys whose numbers are bits per second (bandwidth changes); 'unlimited' stays a word. */
const RATE_KEYS = new Set(['up', 'down', 'upload', 'download']);
/** `rate_up` → `rate_down`, `up` → `down`: the download twin an upload key is shown after. */
const downTwin = (key: string) => key.replace(/(^|_)up(load)?($|_)/, '$1down$2$3');

function flatten(value: Json, prefix: string, out: [string, Json][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const done = new Set<string>();
    const emit = (k: string) => {
      done.add(k);
      flatten(value[k], prefix ? `${prefix}.${k}` : k, out);
    };
    for (const k of Object.keys(value)) {
      if (done.has(k)) continue;
      const twin = downTwin(k);
      if (twin !== k && Object.hasOwn(value, twin) && !done.has(twin)) emit(twin);
      emit(k);
    }
    return;
  }
  out.push([prefix, value]);
}

/** `price 5 → 5.5` in a profile diff (pesos, as profiles.json writes them) → `price ₱5.00 → ₱5.50`. */
function pesoDiff(text: string): string {
  const peso = (p: string) => formatMoney(Math.round(Number(p) * 100));
  return text.replace(
    /(\bprice\b[^0-9→;]*)(\d+(?:\.\d+)?)(?:( → )(\d+(?:\.\d+)?))?/g,
    (_all: string, lead: string, a: string, arrow?: string, b?: string) =>
      lead + peso(a) + (b ? `${arrow}${peso(b)}` : ''),
  );
}

function valueText(key: string, value: Json, action: string): string {
  const leaf = key.split('.').pop() ?? key;
  if (typeof value === 'number') {
    // A profile's own price is in pesos (profiles.json); everything else records centavos.
    if (leaf === 'price')
      return action.startsWith('profile.') ? formatMoney(Math.round(value * 100)) : formatMoney(value);
    if (CENTAVO_KEYS.has(leaf) && CENTAVO_ACTIONS.test(action)) return formatMoney(value);
    // Basis points: 1250 is 12.5%.
    if (leaf === 'commissionBp' || leaf === 'commission_bp') return `${value / 100}%`;
    if (RATE_KEYS.has(leaf) && action.startsWith('bandwidth.')) return formatLimitHuman(value);
    return String(value);
  }
  if (typeof value === 'string') return pesoDiff(value);
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? pesoDiff(v) : JSON.stringify(v))).join('; ');
  return value === null ? '—' : String(value);
}

export function auditDetailText(action: string, details: unknown): string {
  if (details === null || details === undefined) return '';
  if (typeof details !== 'object') return String(details);
  const pairs: [string, Json][] = [];
  flatten(details as Json, '', pairs);
  return pairs.map(([k, v]) => `${k}: ${valueText(k, v, action)}`).join(' · ');
}

/** Where a change was made from, in the owner's words (the log records `name (via)`). */
const VIA_WORDS: Record<string, string> = {
  admin: 'web',
  api: 'API',
  cli: 'terminal',
  portal: 'portal',
  system: '',
};

/** The log's `name (via)`. */
const AUDIT_ACTOR = /^(.*) \((admin|api|cli|portal|system)\)$/;

/** Who made a change by name alone (`admin`, `system`), as a page says "by …" beside a time. */
export const auditActorName = (actor: string): string => AUDIT_ACTOR.exec(actor)?.[1] ?? actor;

/**
 * Who made a change, as the Activity page shows it: the account's own name with its role and where it acted
 * (`maria (cashier, web)`), instead of `maria (admin)`, which read as if every web account were the owner's.
 * `roles`: the accounts as they are now, by name; a name no longer there shows without a role.
 */
export function auditActorText(actor: string, roles: ReadonlyMap<string, string>): string {
  const m = AUDIT_ACTOR.exec(actor);
  if (!m) return actor;
  const [, name, via] = m;
  if (via === 'system') return name === 'system' ? 'the controller itself' : `${name} (the controller)`;
  const role = via === 'admin' || via === 'api' ? roles.get(name) : undefined;
  const where = VIA_WORDS[via] ?? via;
  return `${name} (${[role, where].filter(Boolean).join(', ')})`;
}
