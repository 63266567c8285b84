/**
 * Subscribers' invoices: the one owner of `invoices` and `invoice_lines`. A subscriber's first invoice is issued
 * in the transaction that creates (or activates) it when its billing starts today, else by the run on its first
 * billed day (prorated from that day to the day before its next billing day), with its opening balance; every
 * later one by `run()`, which issues what each active or suspended subscriber is owed by its own today, oldest
 * billing day first, each dated its billing day: the calendar's run at midnight, the catch-up at start and
 * `pisonet billing run` are the same call, and a repeat issues nothing. Never deleted, never edited: a void is
 * one conditional update with its actor and reason, and keeps the number.
 */
import { EventEmitter } from 'node:events';
import type { Db } from '../../../db/knex';
import { pastDueAmount } from '../../../domain/billing-suspension';
import { AppError, ValidationError } from '../../../domain/errors';
import { firstInvoice, planChangeLines } from '../../../domain/invoice-math';
import { firstBilledDay } from '../../../domain/billing-start';
import type { ShopDeps } from '../../deps';
import { localDate } from '../../../domain/calendar';
import { noOf } from '../subscribers/store';
import type { Clock } from '../../../lib/clock';
import type { Knex } from 'knex';
import { applyCredit, releaseVoided } from './credit';
import { issueInvoice, type IssueOpts } from './issue';
import { issueOwed, periodLine } from './issue-run';
import { balanceOf, paymentsOf, recordPayment, type PaymentInput } from './payments';
import type { Actor } from '../../business/audit/actor';
import { readVoidReason, voidPaymentAudited } from './payment-void';
import { paymentReceipt } from './receipt';
import type { FirstInvoiceInput, InvoiceService, PaymentEvent, PlanChangeInput } from './types';
import {
  INVOICE_STATUSES,
  invoiceNotFound,
  loadInvoices,
  type InvoiceStatus,
  type InvoiceView,
} from './view';

export type { InvoiceView } from './view';
export { invoiceJson } from './view';

type Deps = Pick<ShopDeps, 'db' | 'clock' | 'config' | 'audit'>;

const NUMBER = /^[A-Z0-9][A-Z0-9-]{0,9}\d{6,}$/;

/**
 * A subscriber's first invoice, when its billing starts today: from its first billed day (its first day, or the
 * day after its paid-until date) to the day before its next billing day, prorated. A first billed day still to
 * come is the billing run's, on that day (issue-run.ts); a scheduled subscriber's waits for its activation.
 */
async function issueFirst(trx: Knex.Transaction, s: FirstInvoiceInput, opts: IssueOpts) {
  if (s.status !== 'active' || firstBilledDay(s.startsOn, s.paidUntil) !== s.today) return null;
  const f = firstInvoice(s.price, s.billingDay, s.today);
  return issueInvoice(
    trx,
    {
      subscriberId: s.subscriberId,
      issueKey: `cycle:${f.period.start}`,
      kind: 'cycle',
      periodStart: f.period.start,
      periodEnd: f.period.end,
      issuedOn: s.today,
      lines: [{ description: periodLine(s.plan, f.period, f.days, f.daysInCycle), amount: f.amount }],
    },
    opts,
  );
}

/** What a subscriber owed when it came over: one invoice, issued today, due on its own date. */
function issueOpening(trx: Knex.Transaction, s: FirstInvoiceInput, opts: IssueOpts) {
  if (!s.opening) return null;
  return issueInvoice(
    trx,
    {
      subscriberId: s.subscriberId,
      issueKey: 'opening',
      kind: 'opening',
      periodStart: s.today,
      periodEnd: s.today,
      issuedOn: s.today,
      dueOn: s.opening.dueOn,
      lines: [{ description: OPENING_LINE, amount: s.opening.amount }],
    },
    opts,
  );
}

/** The line of an opening balance's invoice. */
const OPENING_LINE = 'Balance brought forward';

/** A plan changed mid-cycle: an invoice of the old plan's days credited and the new one's charged, or credit. */
async function planChanged(trx: Knex.Transaction, c: PlanChangeInput, clock: Clock, opts: IssueOpts) {
  const on = c.on > c.cycle.start ? c.on : c.cycle.start;
  const l = planChangeLines(c.from.price, c.to.price, c.billingDay, c.cycle, on);
  const rest = { start: on, end: c.cycle.end };
  if (l.net <= 0) {
    if (l.net < 0)
      await trx('subscriber_credit').insert({
        subscriber_id: c.subscriberId,
        amount: -l.net,
        kind: 'change',
        created_at: clock.now(),
      });
    // The old plan's days not yet paid are owed no more: the credit pays the open invoices at once.
    await applyCredit(trx, c.subscriberId, clock.now());
    return null;
  }
  return issueInvoice(
    trx,
    {
      subscriberId: c.subscriberId,
      issueKey: `change:${clock.now()}`,
      kind: 'change',
      periodStart: on,
      periodEnd: c.cycle.end,
      issuedOn: on,
      lines: [
        {
          description: `${periodLine(c.from.plan, rest, l.days, l.daysInCycle)}, credited`,
          amount: l.credit,
        },
        { description: periodLine(c.to.plan, rest, l.days, l.daysInCycle), amount: l.charge },
      ],
    },
    opts,
  );
}

/** What is past its last day to pay now, in the subscriber's site's today (centavos). */
async function pastDue(d: Deps, subscriberId: number): Promise<number> {
  const site = (await d
    .db('subscribers as s')
    .join('sites as site', 'site.id', 's.site_id')
    .where('s.id', subscriberId)
    .first('site.tz as tz')) as { tz: string | null } | undefined;
  const today = localDate(d.clock.now(), site?.tz || d.config.tz);
  const open = await loadInvoices(d.db as Db, (q) =>
    q.where('i.subscriber_id', subscriberId).whereNull('i.voided_at'),
  );
  const dues = open.map((v) => ({ number: v.number, dueOn: v.dueOn, due: v.due, voided: false }));
  return pastDueAmount(dues, d.config.billing.graceDays, today);
}

/**
 * Voids an open invoice, once (one conditional update), audited; a paid one is refused. What was paid or credited
 * into it comes back as credit and pays the subscriber's other open invoices, in the same transaction.
 */
async function voidInvoice(d: Deps, inv: InvoiceView, reason: unknown, actor: Actor): Promise<void> {
  const why = readVoidReason(reason);
  if (inv.status === 'paid' && inv.amount > 0)
    throw new AppError(
      'INVOICE_PAID',
      `${inv.number} is paid; refund or credit the payment instead`,
      409,
      'invoice',
    );
  const now = d.clock.now();
  const released = await d.db.transaction(async (trx) => {
    await trx('subscribers')
      .where({ id: inv.subscriberId })
      .update({ updated_at: trx.ref('updated_at') });
    const row = (await trx('invoices').where({ number: inv.number }).first('id')) as { id: number };
    const n = await trx('invoices')
      .where({ id: row.id })
      .whereNull('voided_at')
      .update({ voided_at: now, voided_by: actor.name, void_reason: why });
    if (n === 0) throw new AppError('INVOICE_VOIDED', `${inv.number} is void already`, 409, 'invoice');
    const back = await releaseVoided(trx, Number(row.id), inv.subscriberId, now);
    await applyCredit(trx, inv.subscriberId, now);
    return back;
  });
  await d.audit.record(actor, 'invoice.void', inv.number, {
    subscriber: await noOf(d.db, inv.subscriberId),
    amount: inv.amount,
    reason: why,
    ...(released ? { credited: released } : {}),
  });
}

/** Money in at the counter, recorded once, and audited when it was not a repeat. */
async function pay(
  d: Deps,
  subscriberId: number,
  input: PaymentInput,
  o: { idempotencyKey?: string; actor: Actor },
) {
  const out = await recordPayment(
    d.db,
    { now: d.clock.now(), subscriberId, idempotencyKey: o.idempotencyKey, actor: o.actor },
    input,
  );
  if (out.recorded)
    await d.audit.record(o.actor, 'subscriber.payment', await noOf(d.db, subscriberId), {
      amount: out.payment.amount,
      method: out.payment.method,
      reference: out.payment.reference,
      invoices: out.payment.allocations.map((a) => a.invoice).join(' '),
    });
  return out;
}

async function list(db: Db, opts: { status?: unknown; subscriberId?: number }): Promise<InvoiceView[]> {
  const status = opts.status;
  if (status !== undefined && !INVOICE_STATUSES.includes(status as InvoiceStatus))
    throw new ValidationError('status', `must be one of ${INVOICE_STATUSES.join(', ')}`);
  const all = await loadInvoices(db, (q) => {
    if (opts.subscriberId !== undefined) void q.where('i.subscriber_id', opts.subscriberId);
  });
  return status === undefined ? all : all.filter((v) => v.status === status);
}

export function createInvoiceService(deps: Deps): InvoiceService {
  const { db, clock, audit } = deps;
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const told = (subscriberId: number, kind: PaymentEvent['kind']) =>
    void bus.emit('payment', { subscriberId, kind } satisfies PaymentEvent);
  const issueOpts = (): IssueOpts => ({
    prefix: deps.config.billing.invoicePrefix,
    dueDays: deps.config.billing.dueDays,
    now: clock.now(),
  });

  async function get(number: unknown): Promise<InvoiceView> {
    const n = typeof number === 'string' ? number.trim().toUpperCase() : '';
    if (!NUMBER.test(n)) throw invoiceNotFound();
    const [v] = await loadInvoices(db as Db, (q) => q.where('i.number', n));
    if (!v) throw invoiceNotFound();
    return v;
  }

  return {
    async issueFirst(trx, s) {
      // The balance brought first: it is the older debt.
      await issueOpening(trx, s, issueOpts());
      return issueFirst(trx, s, issueOpts());
    },
    planChanged: (trx, c) => planChanged(trx, c, clock, issueOpts()),
    run: () => issueOwed(db as Db, { tz: () => deps.config.tz, now: () => clock.now(), issueOpts }),
    list: (opts = {}) => list(db as Db, opts),
    get,
    async pay(subscriberId, input, o) {
      const out = await pay(deps, subscriberId, input, o);
      if (out.recorded) told(subscriberId, 'payment');
      return out;
    },
    pastDue: (subscriberId) => pastDue(deps, subscriberId),
    onPayment(listener) {
      bus.on('payment', listener);
      return () => void bus.off('payment', listener);
    },
    async voidPayment(subscriberId, paymentId, reason, actor) {
      const out = await voidPaymentAudited({ db, clock, audit }, { subscriberId, paymentId, actor }, reason);
      // What it paid is owed again: billing looks at once (past due plus grace suspends as at midnight).
      told(subscriberId, 'void');
      return out;
    },
    receipt: (subscriberId, paymentId) => paymentReceipt(db, subscriberId, paymentId),
    async payments(subscriberId) {
      return { payments: await paymentsOf(db, subscriberId), ...(await balanceOf(db, subscriberId)) };
    },
    async void(number, reason, actor) {
      const inv = await get(number);
      await voidInvoice(deps, inv, reason, actor);
      told(inv.subscriberId, 'void');
      return get(inv.number);
    },
  };
}
