/**
 * The SMS each fact is owed, found by a scan: the facts (invoices issued, reminders whose moment came, unpaid
 * suspensions, payments) that have no outbox row of their kind yet (an anti-join on the unique (subject, kind)),
 * each written as a row by an insert that ignores a repeat. A scan needs nothing from the code that records the
 * facts, and a crash between a fact and its message only delays the message to the next scan. Facts from before
 * SMS was turned on (`from`) are not told: turning SMS on sends no history.
 */
import type { Knex } from 'knex';
import { balanceOf } from '../billing/payments';
import { balanceAfter, loadInvoices, type InvoiceView } from '../billing/view';
import { addDays, startOfLocalDay } from '../../../domain/calendar';
import {
  issuedText,
  languageOf,
  paymentText,
  reminderText,
  suspendedText,
  type SmsKind,
  type SmsVoice,
} from './messages';

export interface NewSms {
  subject: string;
  kind: SmsKind;
  subscriberId: number;
  number: string;
  language: string;
  text: string;
  /** When it stops being true: a reminder at its due date's start, an invoice's news when its due date is past. */
  expiresAt?: number;
}

interface ScanContext {
  now: number;
  /** Facts recorded before this instant are not told (SMS on since, bounded by the look-back). */
  from: number;
  /** Reminders whose 09:00 came before this instant are not sent (SMS was off then). */
  since: number;
  /** The shop's time zone where a subscriber's site has none. */
  tz: string;
  remindDays: number;
  voice: (language: string) => SmsVoice;
}

/** A reminder goes from this hour, shop time, on the day BILLING_REMIND_DAYS before the due date. */
const REMIND_HOUR = 9;
const CHUNK = 500;

interface Who {
  subscriber_id: number;
  mobile: string;
  language: string;
  site_tz: string | null;
}

/** Rows of `table` (alias `f`) with no outbox row of `kind` for `f.id` under `prefix`, with their subscriber. */
function missing(db: Knex, table: string, prefix: string, kind: SmsKind): Knex.QueryBuilder {
  return (
    db(`${table} as f`)
      .join('subscribers as s', 's.id', 'f.subscriber_id')
      .join('sites as site', 'site.id', 's.site_id')
      .leftJoin('sms_outbox as o', function () {
        this.on(
          'o.subject',
          '=',
          db.raw('CAST(? AS VARCHAR(20)) || CAST(f.id AS VARCHAR(20))', [prefix]),
        ).andOn('o.kind', '=', db.raw('?', [kind]));
      })
      .whereNull('o.id')
      // A subscriber with no mobile on file gets no text (nothing is queued for it).
      .whereNot('s.mobile', '')
      .select('f.*', 's.mobile', 's.language', 'site.tz as site_tz')
  );
}

/** The invoices of these ids as every face reads them (due = amount less payments and credit), by id. */
async function invoicesById(db: Knex, ids: number[]): Promise<Map<number, InvoiceView>> {
  const out = new Map<number, InvoiceView>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const views = await loadInvoices(db, (q) => q.whereIn('i.id', part));
    const numbers = (await db('invoices').whereIn('id', part).select('id', 'number')) as Array<{
      id: number;
      number: string;
    }>;
    const idOf = new Map(numbers.map((r) => [r.number, Number(r.id)]));
    for (const v of views) out.set(idOf.get(v.number)!, v);
  }
  return out;
}

const factId = (f: { id: number }) => Number(f.id);

const row = (w: Who, subject: string, kind: SmsKind, text: string, expiresAt?: number): NewSms => ({
  subject,
  kind,
  subscriberId: Number(w.subscriber_id),
  number: w.mobile,
  language: languageOf(w.language),
  text,
  expiresAt,
});

async function issued(db: Knex, c: ScanContext): Promise<NewSms[]> {
  const facts = (await missing(db, 'invoices', 'invoice:', 'issued')
    .whereNull('f.voided_at')
    .where('f.created_at', '>=', c.from)) as Array<Who & { id: number }>;
  const views = await invoicesById(db, facts.map(factId));
  const out: NewSms[] = [];
  for (const f of facts) {
    const v = views.get(Number(f.id));
    // Covered by credit when issued: nothing to pay, nothing to say.
    if (!v || v.due <= 0) continue;
    // "Due Jan 27" is still news on Jan 27, not after: the reminder and the suspension's text say the rest.
    const pastDue = startOfLocalDay(addDays(v.dueOn, 1), f.site_tz || c.tz);
    out.push(row(f, `invoice:${f.id}`, 'issued', issuedText(c.voice(f.language), v), pastDue));
  }
  return out;
}

/** When an invoice's reminder may go, and until when, where its subscriber is. */
function reminderWindow(dueOn: string, remindDays: number, tz: string): { at: number; until: number } {
  const day = addDays(dueOn, -remindDays);
  return { at: startOfLocalDay(day, tz) + REMIND_HOUR * 3_600_000, until: startOfLocalDay(dueOn, tz) };
}

async function reminders(db: Knex, c: ScanContext): Promise<NewSms[]> {
  // Every zone's today is within a day of UTC's: narrow by date in SQL, decide exactly per zone below.
  const utcToday = new Date(c.now).toISOString().slice(0, 10);
  const facts = (await missing(db, 'invoices', 'invoice:', 'reminder')
    .whereNull('f.voided_at')
    .where('f.due_on', '>=', addDays(utcToday, -1))
    .where('f.due_on', '<=', addDays(utcToday, c.remindDays + 1))) as Array<
    Who & { id: number; due_on: string }
  >;
  const ready = facts
    .map((f) => ({ f, w: reminderWindow(f.due_on, c.remindDays, f.site_tz || c.tz) }))
    .filter(({ w }) => w.at <= c.now && c.now < w.until && w.at >= c.since);
  const views = await invoicesById(
    db,
    ready.map(({ f }) => Number(f.id)),
  );
  const out: NewSms[] = [];
  for (const { f, w } of ready) {
    const v = views.get(Number(f.id));
    if (!v || v.due <= 0) continue;
    out.push(row(f, `invoice:${f.id}`, 'reminder', reminderText(c.voice(f.language), v), w.until));
  }
  return out;
}

async function suspensions(db: Knex, c: ScanContext): Promise<NewSms[]> {
  const facts = (await missing(db, 'subscriber_suspensions', 'suspension:', 'suspended')
    .where('f.cause', 'unpaid')
    .whereNull('f.ended_at')
    .where('f.started_at', '>=', c.from)) as Array<Who & { id: number }>;
  const out: NewSms[] = [];
  for (const f of facts) {
    const { owed } = await balanceOf(db, Number(f.subscriber_id));
    out.push(row(f, `suspension:${f.id}`, 'suspended', suspendedText(c.voice(f.language), owed)));
  }
  return out;
}

async function payments(db: Knex, c: ScanContext): Promise<NewSms[]> {
  // A void's reversal (a negative entry) is not money received; a payment voided before it was told is not told.
  const facts = (await missing(db, 'subscriber_payments', 'payment:', 'payment')
    .where('f.created_at', '>=', c.from)
    .where('f.amount', '>', 0)
    .whereNotExists(db('subscriber_payment_voids as v').whereRaw('v.payment_id = f.id'))) as Array<
    Who & { id: number; amount: unknown; created_at: unknown }
  >;
  const out: NewSms[] = [];
  for (const f of facts) {
    const at = Number(f.created_at);
    const after = await balanceAfter(db, { id: f.id, subscriberId: Number(f.subscriber_id), at });
    const text = paymentText(c.voice(f.language), { amount: Number(f.amount), ...after });
    out.push(row(f, `payment:${f.id}`, 'payment', text));
  }
  return out;
}

/** Every SMS owed by now that has no row yet, in the order of the facts' kinds. */
export async function missingSms(db: Knex, c: ScanContext): Promise<NewSms[]> {
  return [
    ...(await issued(db, c)),
    ...(await reminders(db, c)),
    ...(await suspensions(db, c)),
    ...(await payments(db, c)),
  ];
}

/** Why an invoice's queued news ("issued" or "reminder") is no longer true at `now`, or undefined. */
function invoiceNewsStale(
  r: { kind: string; expires_at: unknown },
  v: InvoiceView | undefined,
  now: number,
): string | undefined {
  if (r.expires_at !== null && r.expires_at !== undefined && Number(r.expires_at) <= now)
    return r.kind === 'reminder' ? 'its due date came before it went' : 'its due date passed before it went';
  if (v?.voided) return 'the invoice was voided before it went';
  if (!v || v.due <= 0) return 'the invoice was paid before it went';
  return undefined;
}

/**
 * Whether a queued SMS is still true at `now`: an invoice's "issued" or reminder text is not once the invoice is
 * paid, void or past its due date (a reminder: at its due date), nor a payment's once voided, nor a suspension's
 * once lifted before its message went. Every reason ends "before it went": the admin counts such drops as not
 * needed, apart from failures (outbox.ts, outboxCounts).
 */
export async function noLongerTrue(
  db: Knex,
  rows: Array<{ id: number; subject: string; kind: string; expires_at: unknown }>,
  now: number,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const idOf = (r: { subject: string }) => Number(r.subject.split(':')[1]);
  const news = rows.filter((r) => r.kind === 'reminder' || r.kind === 'issued');
  const views = await invoicesById(db, news.map(idOf));
  for (const r of news) {
    const why = invoiceNewsStale(r, views.get(idOf(r)), now);
    if (why) out.set(r.id, why);
  }
  // A payment's text once the payment was voided, a suspension's once lifted.
  const gone = [
    {
      kind: 'payment',
      find: () => db('subscriber_payment_voids'),
      column: 'payment_id',
      why: 'the payment was voided before it went',
    },
    {
      kind: 'suspended',
      find: () => db('subscriber_suspensions').whereNotNull('ended_at'),
      column: 'id',
      why: 'the suspension was lifted before it went',
    },
  ];
  for (const g of gone) {
    const of = rows.filter((r) => r.kind === g.kind);
    if (!of.length) continue;
    const found = (await g.find().whereIn(g.column, of.map(idOf)).select(g.column)) as Array<
      Record<string, unknown>
    >;
    const hit = new Set(found.map((f) => Number(f[g.column])));
    for (const r of of) if (hit.has(idOf(r))) out.set(r.id, g.why);
  }
  return out;
}
