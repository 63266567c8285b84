/**
 * Billing's suspensions: the one place that decides when a subscriber is suspended for an unpaid invoice and when
 * that suspension is lifted (the decision is src/domain/billing-suspension.ts; the status change itself, with its
 * `subscriber_suspensions` row, audit and event, is the subscriber service's). `enforce()` runs after every
 * billing run (each hour, so at 00:00 shop time, and at start: a subscriber that fell past due while the box was
 * off is suspended at once) and, for one subscriber, right after a payment or a void is committed, so a payment
 * that leaves nothing past due lifts the suspension within the second. Every change is conditional, so a repeat,
 * or two runs at once, change nothing more; a suspension by hand is lifted here only when it was made until paid.
 */
import type { Knex } from 'knex';
import { addDays } from '../../../domain/billing-cycle';
import { suspensionDecision, type InvoiceDue } from '../../../domain/billing-suspension';
import type { SubscriberStatus } from '../../../domain/subscriber-status';
import type { ShopDeps } from '../../deps';
import type { InvoiceService } from './types';
import { loadInvoices } from './view';
import { localDate } from '../../../domain/calendar';
import type { SubscriberService } from '../subscribers/types';

export interface SuspensionRun {
  /** Ids of the subscribers suspended, and of those whose suspension was lifted, by this run. */
  suspended: number[];
  lifted: number[];
}

export interface SuspensionEnforcer {
  /** Every subscriber (or only `subscriberId`) brought to what billing says; a repeat changes nothing. */
  enforce(subscriberId?: number): Promise<SuspensionRun>;
  /** Stops listening to payments, once the looks already begun are done. */
  stop(): Promise<void>;
}

type Deps = Pick<ShopDeps, 'db' | 'clock' | 'config' | 'log'> & {
  subscribers: Pick<SubscriberService, 'suspendUnpaid' | 'liftUnpaid' | 'restateUnpaid'>;
  invoices: Pick<InvoiceService, 'onPayment'>;
};

interface Candidate {
  id: number;
  status: SubscriberStatus;
  tz: string | null;
  cause: 'unpaid' | 'manual' | null;
  untilPaid: boolean;
  reason: string | null;
}

async function candidates(db: Knex, only?: number): Promise<Candidate[]> {
  const rows = (await db('subscribers as s')
    .join('sites as site', 'site.id', 's.site_id')
    .leftJoin('subscriber_suspensions as x', function open() {
      this.on('x.subscriber_id', 's.id').andOnNull('x.ended_at');
    })
    .whereIn('s.status', ['active', 'suspended'])
    .modify((q) => {
      if (only !== undefined) void q.where('s.id', only);
    })
    .orderBy('s.seq')
    .select(
      's.id',
      's.status',
      's.status_reason as reason',
      'site.tz as tz',
      'x.cause as cause',
      'x.until_paid as until_paid',
    )) as Array<Omit<Candidate, 'untilPaid'> & { until_paid: boolean | number | null }>;
  // Two open rows cannot both be billing's; a manual one among them wins (only a hand lifts it, unless until paid).
  const byId = new Map<number, Candidate>();
  for (const r of rows) {
    const id = Number(r.id);
    const had = byId.get(id);
    byId.set(id, had?.cause === 'manual' ? had : { ...r, id, untilPaid: Boolean(r.until_paid) });
  }
  return [...byId.values()];
}

export function createSuspensionEnforcer(deps: Deps): SuspensionEnforcer {
  const { db, clock, log } = deps;

  async function enforce(only?: number): Promise<SuspensionRun> {
    const grace = deps.config.billing.graceDays;
    const now = clock.now();
    const who = await candidates(db, only);
    const out: SuspensionRun = { suspended: [], lifted: [] };
    if (!who.length) return out;
    // Only invoices that can be past due by now: due before the latest today anywhere (a day ahead covers any
    // site's time zone) less the grace days.
    const latest = addDays(localDate(now, deps.config.tz), 1);
    const dues = new Map<number, InvoiceDue[]>();
    const ids = who.map((c) => c.id);
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      for (const v of await loadInvoices(db, (q) =>
        q
          .whereIn('i.subscriber_id', part)
          .whereNull('i.voided_at')
          .where('i.due_on', '<', addDays(latest, -grace)),
      )) {
        const list = dues.get(v.subscriberId) ?? [];
        list.push({ number: v.number, dueOn: v.dueOn, due: v.due, voided: v.voided !== null });
        dues.set(v.subscriberId, list);
      }
    }
    for (const c of who) {
      const today = localDate(now, c.tz || deps.config.tz);
      const d = suspensionDecision(
        { status: c.status, openCause: c.cause, untilPaid: c.untilPaid, reason: c.reason },
        dues.get(c.id) ?? [],
        grace,
        today,
      );
      if (d.action === 'suspend' && (await deps.subscribers.suspendUnpaid(c.id, d.reason)))
        out.suspended.push(c.id);
      if (d.action === 'lift' && (await deps.subscribers.liftUnpaid(c.id))) out.lifted.push(c.id);
      if (d.action === 'restate') await deps.subscribers.restateUnpaid(c.id, d.reason);
    }
    if (out.suspended.length || out.lifted.length)
      log.info(
        { module: 'billing', suspended: out.suspended, lifted: out.lifted },
        `billing: ${out.suspended.length} suspended for unpaid invoices, ${out.lifted.length} restored`,
      );
    return out;
  }

  // A payment or a void, once committed: that subscriber's suspension is looked at now, not at the next hour.
  // Kept until done, so a close waits for it instead of pulling the database from under it.
  const running = new Set<Promise<unknown>>();
  const unlisten = deps.invoices.onPayment((e) => {
    const p = enforce(e.subscriberId)
      .catch((err: Error) =>
        log.error(
          { module: 'billing', err: err.message, subscriber: e.subscriberId },
          'billing: could not restore a subscriber after its payment; the next hour tries again',
        ),
      )
      .finally(() => running.delete(p));
    running.add(p);
  });

  return {
    enforce,
    async stop() {
      unlisten();
      await Promise.allSettled([...running]);
    },
  };
}
