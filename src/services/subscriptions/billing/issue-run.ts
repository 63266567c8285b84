/**
 * The billing run: what each active or suspended subscriber is owed by its own today (never a day on or before
 * its paid-until date, nor before its service started here), oldest billing day first,
 * each invoice dated its billing day, issued a batch at a time (issue-batch.ts). The calendar's run at midnight,
 * the catch-up at start and `pisonet billing run` are the same call, and a repeat issues nothing.
 */
import type { Db } from '../../../db/knex';
import { billingDayOn, type Cycle } from '../../../domain/billing-cycle';
import { cyclesDue } from '../../../domain/billing-run';
import { share } from '../../../domain/invoice-math';
import { localDate } from '../../../domain/calendar';
import { loadRows, termsOf, type LoadedRow } from '../subscribers/store';
import type { IssueOpts, NewInvoice } from './issue';
import { issueInvoiceBatch, ISSUE_BATCH } from './issue-batch';

/** An invoice line's words: the plan and its period, with its share of the cycle when it is a part of one. */
export function periodLine(plan: string, c: Cycle, days: number, daysInCycle: number): string {
  const part = days === daysInCycle ? '' : ` (${days} of ${daysInCycle} days)`;
  return `${plan}, ${c.start} to ${c.end}${part}`;
}

/** Each subscriber's last cycle invoiced (its period's end), by id. */
async function lastInvoiced(db: Db): Promise<Map<number, string>> {
  const last = new Map<number, string>();
  for (const r of (await db('invoices')
    .where({ kind: 'cycle' })
    .groupBy('subscriber_id')
    .select('subscriber_id', db.raw('MAX(period_end) AS last'))) as Array<{
    subscriber_id: number;
    last: string;
  }>)
    last.set(Number(r.subscriber_id), r.last);
  return last;
}

/** The cycles owed by now, in the order of their billing days, then of the subscribers' account numbers. */
async function cyclesOwed(
  db: Db,
  todayOf: (row: LoadedRow) => string,
): Promise<Array<{ row: LoadedRow; cycle: Cycle }>> {
  const rows = await loadRows(db, (q) => q.whereIn('s.status', ['active', 'suspended']));
  const last = await lastInvoiced(db);
  const due: Array<{ row: LoadedRow; cycle: Cycle }> = [];
  for (const row of rows)
    // Not invoiced yet and paid until a day (before it came over): billing starts the day after it, whenever
    // the run comes (a box off over that day still bills from it, never from before).
    for (const cycle of cyclesDue(termsOf(row), last.get(row.id) ?? row.paid_until ?? null, todayOf(row)))
      due.push({ row, cycle });
  due.sort((a, b) =>
    a.cycle.start < b.cycle.start ? -1 : a.cycle.start > b.cycle.start ? 1 : a.row.seq - b.row.seq,
  );
  return due;
}

/** A cycle's invoice; a cycle cut short by a change of billing day is prorated as any other part of a cycle. */
function cycleInvoice(row: LoadedRow, cycle: Cycle): NewInvoice {
  const plan = row.profile_row;
  const a = share(Number(plan.price), billingDayOn(termsOf(row), cycle.start), cycle.start, cycle.end);
  return {
    subscriberId: row.id,
    issueKey: `cycle:${cycle.start}`,
    kind: 'cycle',
    periodStart: cycle.start,
    periodEnd: cycle.end,
    issuedOn: cycle.start,
    lines: [{ description: periodLine(plan.name, cycle, a.days, a.daysInCycle), amount: a.amount }],
  };
}

/** Issues every invoice owed by now, a batch per transaction; returns the numbers issued (none on a repeat). */
export async function issueOwed(
  db: Db,
  o: { tz: () => string; now: () => number; issueOpts: () => IssueOpts },
): Promise<{ issued: string[] }> {
  const due = await cyclesOwed(db, (row) => localDate(o.now(), row.site_tz || o.tz()));
  const issued: string[] = [];
  for (let i = 0; i < due.length; i += ISSUE_BATCH) {
    const part = due.slice(i, i + ISSUE_BATCH).map((d) => cycleInvoice(d.row, d.cycle));
    issued.push(...(await db.transaction((trx) => issueInvoiceBatch(trx, part, o.issueOpts()))));
  }
  return { issued };
}
