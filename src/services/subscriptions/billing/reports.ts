/**
 * Subscribers' billing as the owner reads it: each subscriber's usage per billing cycle (every past cycle kept),
 * what is owed by age, money in from subscribers by method and shop day, and the dashboard's counts. Read only:
 * the invoice service owns invoices and payments, the usage work owns `subscriber_usage`. Dates are the shop's,
 * from the clock passed in.
 */
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../../../domain/subscriber-status';
import type { Knex } from 'knex';
import { countsBy } from '../../../db/tally';
import type { AppConfig } from '../../../config/env';
import type { Cycle } from '../../../domain/billing-cycle';
import { ValidationError } from '../../../domain/errors';
import type { Clock } from '../../../lib/clock';
import { PAYMENT_METHODS, balancesOf } from './payments';
import { loadInvoices, money } from './view';
import { addDays, isLocalDate, localDate, startOfLocalDay } from '../../../domain/calendar';

export interface UsageCycle {
  start: string;
  end: string;
  /** Bytes the subscriber's CPE sent and received in the cycle, every byte (free off-peak hours too). */
  bytesUp: number;
  bytesDown: number;
  /** What the plan's FUP and cap counted. */
  countedBytes: number;
}

/**
 * A subscriber's cycles, newest first: every row the meter wrote (never deleted), and the current cycle at zero
 * when nothing was booked in it yet.
 */
async function usageCycles(db: Knex, subscriberId: number, current: Cycle): Promise<UsageCycle[]> {
  const rows = (await db('subscriber_usage')
    .where({ subscriber_id: subscriberId })
    .orderBy('cycle_start', 'desc')
    .select('cycle_start', 'cycle_end', 'bytes_up', 'bytes_down', 'counted_bytes')) as Array<{
    cycle_start: string;
    cycle_end: string;
    bytes_up: unknown;
    bytes_down: unknown;
    counted_bytes: unknown;
  }>;
  const out: UsageCycle[] = rows.map((r) => ({
    start: r.cycle_start,
    end: r.cycle_end,
    bytesUp: Number(r.bytes_up),
    bytesDown: Number(r.bytes_down),
    countedBytes: Number(r.counted_bytes),
  }));
  if (!out.some((c) => c.start === current.start))
    out.unshift({ start: current.start, end: current.end, bytesUp: 0, bytesDown: 0, countedBytes: 0 });
  return out.sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0));
}

export function usageCycleJson(c: UsageCycle) {
  return {
    start: c.start,
    end: c.end,
    bytes_up: c.bytesUp,
    bytes_down: c.bytesDown,
    counted_bytes: c.countedBytes,
  };
}

const AGE_BUCKETS = ['not_yet_due', '0-30', '31-60', '61+'] as const;
type AgeBucket = (typeof AGE_BUCKETS)[number];

/** Days past the due date (0 or less: not yet due, due today included) into its bucket. */
function ageBucket(daysPastDue: number): AgeBucket {
  if (daysPastDue <= 0) return 'not_yet_due';
  if (daysPastDue <= 30) return '0-30';
  if (daysPastDue <= 60) return '31-60';
  return '61+';
}

/** What is owed by age: each subscriber counted once, in the bucket of its oldest unpaid invoice's due date. */
export interface OwedByAge {
  today: string;
  buckets: Array<{ bucket: AgeBucket; subscribers: number; amount: number }>;
  total: { subscribers: number; amount: number };
  /** Each subscriber that owes, the oldest debt first. */
  owing: Array<{
    subscriberId: number;
    accountNo: string;
    name: string;
    owed: number;
    oldestDueOn: string;
    daysPastDue: number;
    bucket: AgeBucket;
  }>;
}

/** Money in from subscribers in a range of shop days: payments, and their voids' reversals (negative). */
export interface SubscriberMoneyIn {
  from: string;
  to: string;
  byMethod: Array<{ method: string; payments: number; reversals: number; amount: number }>;
  byDay: Array<{ date: string; payments: number; reversals: number; amount: number }>;
  total: { payments: number; reversals: number; amount: number };
}

export interface SubscriberCounts {
  /** Added, waiting for their first day (not in service yet). */
  scheduled: number;
  active: number;
  suspended: number;
  ended: number;
  /** What every open invoice still asks (centavos), ended subscribers' too. */
  owed: number;
}

/** The owner's figures of subscribers' billing (src/services/subscriptions/billing/reports.ts). */
export interface BillingReportService {
  /** A subscriber's usage per cycle, newest first (SUBSCRIBER_NOT_FOUND: 404). */
  usage(ref: number | string): Promise<UsageCycle[]>;
  owedByAge(): Promise<OwedByAge>;
  /** `from`, `to`: shop dates, inclusive (400 naming the field when not a date, reversed, or over 366 days). */
  moneyIn(range: { from: unknown; to: unknown }): Promise<SubscriberMoneyIn>;
  counts(): Promise<SubscriberCounts>;
}

const DAY_MS = 86_400_000;
const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);

/** A range of shop dates, inclusive, at most 366 days. */
function readRange(r: { from: unknown; to: unknown }): { from: string; to: string } {
  if (!isLocalDate(r.from)) throw new ValidationError('from', 'use a date like 2027-01-01');
  if (!isLocalDate(r.to)) throw new ValidationError('to', 'use a date like 2027-01-31');
  if (r.to < r.from) throw new ValidationError('to', 'must be on or after the start date');
  if (daysBetween(r.from, r.to) > 365) throw new ValidationError('to', 'choose at most 366 days');
  return { from: r.from, to: r.to };
}

export function createBillingReports(deps: {
  db: Knex;
  clock: Clock;
  config: Pick<AppConfig, 'tz'>;
  subscribers: { get(ref: number | string): Promise<{ id: number; cycle: Cycle }> };
}): BillingReportService {
  const { db } = deps;
  const today = () => localDate(deps.clock.now(), deps.config.tz);
  return {
    async usage(ref) {
      const s = await deps.subscribers.get(ref);
      return usageCycles(db, s.id, s.cycle);
    },

    async owedByAge() {
      const on = today();
      const open = (await loadInvoices(db, (q) => q.whereNull('i.voided_at'))).filter((v) => v.due > 0);
      const bySub = new Map<number, OwedByAge['owing'][number]>();
      for (const v of open) {
        const o = bySub.get(v.subscriberId);
        if (!o)
          bySub.set(v.subscriberId, {
            subscriberId: v.subscriberId,
            accountNo: v.accountNo,
            name: v.subscriberName,
            owed: v.due,
            oldestDueOn: v.dueOn,
            daysPastDue: 0,
            bucket: 'not_yet_due',
          });
        else {
          o.owed += v.due;
          if (v.dueOn < o.oldestDueOn) o.oldestDueOn = v.dueOn;
        }
      }
      const owing = [...bySub.values()];
      for (const o of owing) {
        o.daysPastDue = Math.max(0, daysBetween(o.oldestDueOn, on));
        o.bucket = ageBucket(o.daysPastDue);
      }
      owing.sort((a, b) => b.daysPastDue - a.daysPastDue || a.accountNo.localeCompare(b.accountNo));
      const buckets = AGE_BUCKETS.map((bucket) => {
        const of = owing.filter((o) => o.bucket === bucket);
        return { bucket, subscribers: of.length, amount: of.reduce((n, o) => n + o.owed, 0) };
      });
      return {
        today: on,
        buckets,
        total: { subscribers: owing.length, amount: owing.reduce((n, o) => n + o.owed, 0) },
        owing,
      };
    },

    async moneyIn(range) {
      const { from, to } = readRange(range);
      const tz = deps.config.tz;
      const rows = (await db('subscriber_payments')
        .where('created_at', '>=', startOfLocalDay(from, tz))
        .where('created_at', '<', startOfLocalDay(addDays(from, daysBetween(from, to) + 1), tz))
        .select('method', 'amount', 'created_at')) as Array<{
        method: string;
        amount: unknown;
        created_at: unknown;
      }>;
      const methods = new Map<string, SubscriberMoneyIn['byMethod'][number]>(
        PAYMENT_METHODS.map((m) => [m, { method: m, payments: 0, reversals: 0, amount: 0 }]),
      );
      const days = new Map<string, SubscriberMoneyIn['byDay'][number]>();
      for (let d = from; d <= to; d = addDays(d, 1))
        days.set(d, { date: d, payments: 0, reversals: 0, amount: 0 });
      const total = { payments: 0, reversals: 0, amount: 0 };
      for (const r of rows) {
        const amount = Number(r.amount);
        const date = localDate(Number(r.created_at), tz);
        const m = methods.get(r.method) ?? { method: r.method, payments: 0, reversals: 0, amount: 0 };
        methods.set(r.method, m);
        for (const t of [m, days.get(date), total]) {
          if (!t) continue;
          if (amount < 0) t.reversals++;
          else t.payments++;
          t.amount += amount;
        }
      }
      return { from, to, byMethod: [...methods.values()], byDay: [...days.values()], total };
    },

    async counts() {
      const out: SubscriberCounts = { scheduled: 0, active: 0, suspended: 0, ended: 0, owed: 0 };
      for (const [status, n] of await countsBy(db, db('subscribers'), 'status'))
        if ((SUBSCRIBER_STATUSES as readonly string[]).includes(status)) out[status as SubscriberStatus] = n;
      const ids = ((await db('subscribers').select('id')) as Array<{ id: number }>).map((r) => Number(r.id));
      for (const b of (await balancesOf(db, ids)).values()) out.owed += b.owed;
      return out;
    },
  };
}

export function owedByAgeJson(o: OwedByAge) {
  return {
    today: o.today,
    buckets: o.buckets.map((b) => ({
      bucket: b.bucket,
      subscribers: b.subscribers,
      ...money('amount', b.amount),
    })),
    total: { subscribers: o.total.subscribers, ...money('amount', o.total.amount) },
    owing: o.owing.map((w) => ({
      subscriber_id: w.subscriberId,
      account_no: w.accountNo,
      name: w.name,
      ...money('owed', w.owed),
      oldest_due_on: w.oldestDueOn,
      days_past_due: w.daysPastDue,
      bucket: w.bucket,
    })),
  };
}

export function moneyInJson(m: SubscriberMoneyIn) {
  const row = (r: { payments: number; reversals: number; amount: number }) => ({
    payments: r.payments,
    reversals: r.reversals,
    ...money('amount', r.amount),
  });
  return {
    from: m.from,
    to: m.to,
    by_method: m.byMethod.map((r) => ({ method: r.method, ...row(r) })),
    by_day: m.byDay.map((r) => ({ date: r.date, ...row(r) })),
    total: row(m.total),
  };
}

export function countsJson(c: SubscriberCounts) {
  return {
    scheduled: c.scheduled,
    active: c.active,
    suspended: c.suspended,
    ended: c.ended,
    ...money('owed', c.owed),
  };
}
