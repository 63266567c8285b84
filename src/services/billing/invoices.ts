/**
 * Subscribers' invoices: the one owner of `invoices` and `invoice_lines`. A subscriber's first invoice is issued
 * in the transaction that creates it (prorated from its first day to the day before its next billing day); every
 * later one by `run()`, which issues what each active or suspended subscriber is owed by its own today, oldest
 * billing day first, each dated its billing day: the calendar's run at midnight, the catch-up at start and
 * `pisonet billing run` are the same call, and a repeat issues nothing. Never deleted, never edited: a void is
 * one conditional update with its actor and reason, and keeps the number.
 */
import { EventEmitter } from 'node:events';
import type { Db } from '../../db/knex';
import { billingDayOn, type Cycle } from '../../domain/billing-cycle';
import { cyclesDue } from '../../domain/billing-run';
import { pastDueAmount } from '../../domain/billing-suspension';
import { AppError, ValidationError } from '../../domain/errors';
import { firstInvoice, planChangeLines, share } from '../../domain/invoice-math';
import type { ShopDeps } from '../deps';
import { localDate } from '../reports/calendar';
import { accountNo, loadRows, termsOf, type LoadedRow } from '../subscribers/store';
import { issueInvoice, type NewInvoice } from './issue';
import { issueInvoiceBatch, ISSUE_BATCH } from './issue-batch';
import { balanceOf, paymentsOf, recordPayment } from './payments';
import { voidPaymentAudited } from './payment-void';
import { paymentReceipt } from './receipt';
import type { InvoiceService, PaymentEvent } from './types';
import {
  INVOICE_STATUSES,
  invoiceNotFound,
  loadInvoices,
  type InvoiceStatus,
  type InvoiceView,
} from './view';

export type { InvoiceView } from './view';
export type { FirstInvoiceInput, InvoiceService, PaymentEvent } from './types';
export type { PaymentView } from './payments';
export type { PaymentReceipt } from './payments';
export { invoiceJson } from './view';

type Deps = Pick<ShopDeps, 'db' | 'clock' | 'config' | 'audit'>;

const NUMBER = /^[A-Z0-9][A-Z0-9-]{0,9}\d{6,}$/;

function periodLine(plan: string, c: Cycle, days: number, daysInCycle: number): string {
  const part = days === daysInCycle ? '' : ` (${days} of ${daysInCycle} days)`;
  return `${plan}, ${c.start} to ${c.end}${part}`;
}

export function createInvoiceService(deps: Deps): InvoiceService {
  const { db, clock, audit } = deps;
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const billing = () => deps.config.billing;
  const issueOpts = () => ({ prefix: billing().invoicePrefix, dueDays: billing().dueDays, now: clock.now() });
  const todayOf = (row: LoadedRow) => localDate(clock.now(), row.site_tz || deps.config.tz);

  async function get(number: unknown): Promise<InvoiceView> {
    const n = typeof number === 'string' ? number.trim().toUpperCase() : '';
    if (!NUMBER.test(n)) throw invoiceNotFound();
    const [v] = await loadInvoices(db as Db, (q) => q.where('i.number', n));
    if (!v) throw invoiceNotFound();
    return v;
  }

  return {
    async issueFirst(trx, s) {
      const f = firstInvoice(s.price, s.billingDay, s.startsOn);
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
        issueOpts(),
      );
    },

    async planChanged(trx, c) {
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
        issueOpts(),
      );
    },

    async run() {
      const rows = await loadRows(db, (q) => q.whereIn('s.status', ['active', 'suspended']));
      const last = new Map<number, string>();
      for (const r of (await db('invoices')
        .where({ kind: 'cycle' })
        .groupBy('subscriber_id')
        .select('subscriber_id', db.raw('MAX(period_end) AS last'))) as Array<{
        subscriber_id: number;
        last: string;
      }>)
        last.set(Number(r.subscriber_id), r.last);
      const due: Array<{ row: LoadedRow; cycle: Cycle }> = [];
      for (const row of rows)
        for (const cycle of cyclesDue(termsOf(row), last.get(row.id) ?? null, todayOf(row)))
          due.push({ row, cycle });
      // Numbered in the order of their billing days, then of the subscribers' account numbers.
      due.sort((a, b) =>
        a.cycle.start < b.cycle.start ? -1 : a.cycle.start > b.cycle.start ? 1 : a.row.seq - b.row.seq,
      );
      const issued: string[] = [];
      const batch: NewInvoice[] = [];
      const flush = async () => {
        const part = batch.splice(0);
        issued.push(...(await db.transaction((trx) => issueInvoiceBatch(trx, part, issueOpts()))));
      };
      for (const { row, cycle } of due) {
        const plan = row.profile_row;
        // A cycle cut short by a change of billing day is prorated as any other part of a cycle.
        const a = share(Number(plan.price), billingDayOn(termsOf(row), cycle.start), cycle.start, cycle.end);
        batch.push({
          subscriberId: row.id,
          issueKey: `cycle:${cycle.start}`,
          kind: 'cycle',
          periodStart: cycle.start,
          periodEnd: cycle.end,
          issuedOn: cycle.start,
          lines: [{ description: periodLine(plan.name, cycle, a.days, a.daysInCycle), amount: a.amount }],
        });
        if (batch.length === ISSUE_BATCH) await flush();
      }
      await flush();
      return { issued };
    },

    async list(opts = {}) {
      const status = opts.status;
      if (status !== undefined && !INVOICE_STATUSES.includes(status as InvoiceStatus))
        throw new ValidationError('status', `must be one of ${INVOICE_STATUSES.join(', ')}`);
      const all = await loadInvoices(db as Db, (q) => {
        if (opts.subscriberId !== undefined) void q.where('i.subscriber_id', opts.subscriberId);
      });
      return status === undefined ? all : all.filter((v) => v.status === status);
    },

    get,

    async pay(subscriberId, input, o) {
      const out = await recordPayment(
        db,
        { now: clock.now(), subscriberId, idempotencyKey: o.idempotencyKey, actor: o.actor },
        input,
      );
      if (out.recorded) {
        const seq = (await db('subscribers').where({ id: subscriberId }).first('seq')) as { seq: number };
        await audit.record(o.actor, 'subscriber.payment', accountNo(Number(seq.seq)), {
          amount: out.payment.amount,
          method: out.payment.method,
          reference: out.payment.reference,
          invoices: out.payment.allocations.map((a) => a.invoice).join(' '),
        });
        bus.emit('payment', { subscriberId, kind: 'payment' } satisfies PaymentEvent);
      }
      return out;
    },

    async pastDue(subscriberId) {
      const site = (await db('subscribers as s')
        .join('sites as site', 'site.id', 's.site_id')
        .where('s.id', subscriberId)
        .first('site.tz as tz')) as { tz: string | null } | undefined;
      const today = localDate(clock.now(), site?.tz || deps.config.tz);
      const open = await loadInvoices(db as Db, (q) =>
        q.where('i.subscriber_id', subscriberId).whereNull('i.voided_at'),
      );
      const dues = open.map((v) => ({ number: v.number, dueOn: v.dueOn, due: v.due, voided: false }));
      return pastDueAmount(dues, billing().graceDays, today);
    },

    onPayment(listener) {
      bus.on('payment', listener);
      return () => void bus.off('payment', listener);
    },
    async voidPayment(subscriberId, paymentId, reason, actor) {
      const out = await voidPaymentAudited({ db, clock, audit }, { subscriberId, paymentId, actor }, reason);
      // What it paid is owed again: billing looks at once (past due plus grace suspends as at midnight).
      bus.emit('payment', { subscriberId, kind: 'void' } satisfies PaymentEvent);
      return out;
    },

    receipt: (subscriberId, paymentId) => paymentReceipt(db, subscriberId, paymentId),

    async payments(subscriberId) {
      return { payments: await paymentsOf(db, subscriberId), ...(await balanceOf(db, subscriberId)) };
    },

    async void(number, reason, actor) {
      const inv = await get(number);
      const why = typeof reason === 'string' ? reason.trim() : '';
      if (why.length < 3 || why.length > 200)
        throw new ValidationError('reason', 'say why, in 3 to 200 characters');
      if (inv.status === 'paid' && inv.amount > 0)
        throw new AppError(
          'INVOICE_PAID',
          `${inv.number} is paid; refund or credit the payment instead`,
          409,
          'invoice',
        );
      const n = await db('invoices')
        .where({ number: inv.number })
        .whereNull('voided_at')
        .update({ voided_at: clock.now(), voided_by: actor.name, void_reason: why });
      if (n === 0) throw new AppError('INVOICE_VOIDED', `${inv.number} is void already`, 409, 'invoice');
      await audit.record(actor, 'invoice.void', inv.number, {
        subscriber: accountNo(
          Number((await db('subscribers').where({ id: inv.subscriberId }).first('seq')).seq),
        ),
        amount: inv.amount,
        reason: why,
      });
      bus.emit('payment', { subscriberId: inv.subscriberId, kind: 'void' } satisfies PaymentEvent);
      return get(inv.number);
    },
  };
}
