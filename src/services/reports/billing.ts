/**
 * Subscribers' billing as the owner reads it: each subscriber's usage per billing cycle (every past cycle kept),
 * what is owed by age, money in from subscribers by method and shop day, and the dashboard's counts. Read only:
 * the invoice service owns invoices and payments, the usage work owns `subscriber_usage`. Dates are the shop's,
 * from the clock passed in.
 */
import type { Knex } from 'knex';
import type { AppConfig } from '../../config/env';
import type { Cycle } from '../../domain/billing-cycle';
import type { Clock } from '../../lib/clock';

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
export async function usageCycles(db: Knex, subscriberId: number, current: Cycle): Promise<UsageCycle[]> {
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

/** The owner's figures of subscribers' billing (src/services/reports/billing.ts). */
export interface BillingReportService {
  /** A subscriber's usage per cycle, newest first (SUBSCRIBER_NOT_FOUND: 404). */
  usage(ref: number | string): Promise<UsageCycle[]>;
}

export function createBillingReports(deps: {
  db: Knex;
  clock: Clock;
  config: Pick<AppConfig, 'tz'>;
  subscribers: { get(ref: number | string): Promise<{ id: number; cycle: Cycle }> };
}): BillingReportService {
  const { db } = deps;
  return {
    async usage(ref) {
      const s = await deps.subscribers.get(ref);
      return usageCycles(db, s.id, s.cycle);
    },
  };
}
