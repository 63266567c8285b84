/**
 * The billing run on the server's calendar: every hour on the hour, so each site's midnight is met whatever its
 * time zone (a run issues only what is owed by then, so the other 23 find nothing), and once at start: the
 * catch-up after days off. A run issues the invoices owed, then suspends or restores who billing says.
 */
import { CalendarJob } from '../../../jobs/calendar';
import type { Part } from '../../../jobs/parts';
import type { Logger } from '../../../lib/logger';
import type { SuspensionEnforcer } from './suspension';
import type { InvoiceService } from './types';
import type { SubscriberService } from '../subscribers/types';

interface BillingRunDeps {
  /** Scheduled subscribers whose first day has come start first, so their first invoice is this run's. */
  subscribers: Pick<SubscriberService, 'startScheduled'>;
  invoices: Pick<InvoiceService, 'run'>;
  suspensions: Pick<SuspensionEnforcer, 'enforce'>;
  log: Logger;
}

/**
 * One billing run, said in the log when it issued anything: the scheduled subscribers whose first day has come
 * started, the invoices owed by now, then who is suspended for
 * an unpaid one or restored (so at 00:00 shop time, and at start for what the box missed while off).
 */
export async function runBilling(b: BillingRunDeps): Promise<{ issued: string[]; started: number[] }> {
  const started = await b.subscribers.startScheduled();
  if (started.length > 0)
    b.log.info(
      { module: 'billing', started },
      `billing: ${started.length} scheduled subscriber(s) started today`,
    );
  const { issued } = await b.invoices.run();
  await b.suspensions.enforce();
  if (issued.length > 0)
    b.log.info(
      { module: 'billing', issued: issued.length, first: issued[0], last: issued[issued.length - 1] },
      `billing: ${issued.length} invoice(s) issued (${issued[0]}${issued.length > 1 ? ` to ${issued[issued.length - 1]}` : ''})`,
    );
  return { issued, started };
}

/** The hourly run, not started; `after` follows each run (the new invoices' SMS go now, not at the next tick). */
export function billingJob(
  b: BillingRunDeps,
  o: { tz: () => string; now: () => number; after: () => unknown },
): CalendarJob {
  return new CalendarJob('billing', {
    pattern: '0 * * * *',
    tz: o.tz,
    now: o.now,
    log: b.log.child({ module: 'billing' }),
    work: async () => {
      await runBilling(b);
      await o.after();
    },
  });
}

/** The server's billing part: the catch-up run at start (a failure is logged; the next hour tries again), then the job. */
export function billingPart(b: BillingRunDeps, job: Pick<CalendarJob, 'start' | 'stop'>): Part {
  return {
    name: 'billing',
    async start() {
      await runBilling(b).catch((err: Error) =>
        b.log.error(
          { module: 'billing', err: err.message },
          'the billing catch-up failed; the next hour tries again',
        ),
      );
      job.start();
    },
    stop: () => job.stop(),
  };
}
