/**
 * Subscribers' billing in the metrics: invoices issued and subscribers' payments (count and pesos, by method)
 * since this process started, as counters read from the database at the scrape, like the sales (sales.ts): one
 * meaning of "issued" and "paid" (a rolled-back issue or payment never counts), no hook in the services, and
 * counters that start from zero at start like every other counter here. The suspended count is
 * pisonet_subscribers{status="suspended"} (subscribers.ts).
 *
 * Each carries the subscriber's `site`, as every pisonet_ series does, and every site's series is shown from zero.
 * Each is cheap at any size: invoices and payments are read by id above the last one before start (the primary
 * key; neither is ever deleted), grouped by the subscriber's site. Each baseline is found once, at the first
 * scrape. A void's reversal (a negative entry) is counted apart, so the counters never go down.
 */
import type * as Prom from 'prom-client';
import type { Db } from '../db/knex';

const METHODS = ['cash', 'gcash', 'maya', 'bank', 'other'] as const;

export function defineBilling(prom: typeof Prom, registers: Prom.Registry[]) {
  const counter = (name: string, help: string, labelNames: string[]) =>
    new prom.Counter({ name, help, labelNames, registers });
  return {
    invoicesIssued: counter(
      'pisonet_invoices_issued_total',
      "Subscribers' invoices issued (monthly, first, plan change) at the site since the server started.",
      ['site'],
    ),
    payments: counter(
      'pisonet_subscriber_payments_total',
      "Subscribers' payments recorded at the site since the server started, by method (cash, gcash, maya, bank, other).",
      ['site', 'method'],
    ),
    paymentPesos: counter(
      'pisonet_subscriber_payments_pesos_total',
      "Pesos of subscribers' payments recorded at the site since the server started, by method (voids not taken off).",
      ['site', 'method'],
    ),
    paymentVoids: counter(
      'pisonet_subscriber_payment_voids_total',
      "Subscribers' payments voided at the site since the server started, by the method of the payment.",
      ['site', 'method'],
    ),
  };
}

type BillingCounters = ReturnType<typeof defineBilling>;

/** A site as the billing counters label it: its id and the name this process knows it by. */
interface BillingSite {
  id: number;
  name: string;
}

interface PaymentRow {
  site_id: unknown;
  site: string | null;
  method: string;
  n: unknown;
  amount: unknown;
  voids: unknown;
}

/** Where the counting starts: found at the first scrape, kept for the life of the process. */
export class BillingTally {
  private base?: { invoiceId: number; paymentId: number };

  constructor(
    private readonly db: Db,
    private readonly since: number,
  ) {}

  private async baseline(): Promise<{ invoiceId: number; paymentId: number }> {
    if (this.base) return this.base;
    const [inv, pay] = await Promise.all([
      this.db('invoices').where('created_at', '<', this.since).max({ id: 'id' }).first(),
      this.db('subscriber_payments').where('created_at', '<', this.since).max({ id: 'id' }).first(),
    ]);
    this.base = { invoiceId: Number(inv?.id ?? 0), paymentId: Number(pay?.id ?? 0) };
    return this.base;
  }

  private async read(base: { invoiceId: number; paymentId: number }) {
    const db = this.db;
    return Promise.all([
      db('invoices as i')
        .join('subscribers as s', 's.id', 'i.subscriber_id')
        .leftJoin('sites as t', 't.id', 's.site_id')
        .where('i.id', '>', base.invoiceId)
        .groupBy('s.site_id', 't.name')
        .select('s.site_id', 't.name as site')
        .count({ n: '*' }) as Promise<Array<{ site_id: unknown; site: string | null; n: unknown }>>,
      db('subscriber_payments as p')
        .join('subscribers as s', 's.id', 'p.subscriber_id')
        .leftJoin('sites as t', 't.id', 's.site_id')
        .where('p.id', '>', base.paymentId)
        .groupBy('s.site_id', 't.name', 'p.method')
        .select(
          's.site_id',
          't.name as site',
          'p.method',
          db.raw('SUM(CASE WHEN p.amount > 0 THEN 1 ELSE 0 END) AS n'),
          db.raw('SUM(CASE WHEN p.amount > 0 THEN p.amount ELSE 0 END) AS amount'),
          db.raw('SUM(CASE WHEN p.amount < 0 THEN 1 ELSE 0 END) AS voids'),
        ) as Promise<PaymentRow[]>,
    ]);
  }

  /** Every site's series from zero, then what was issued and paid since start, under the subscriber's site. */
  async show(c: BillingCounters, sites: readonly BillingSite[]): Promise<void> {
    const [invoices, payments] = await this.read(await this.baseline());
    // The name this process knows the site by (its other series' label), else the database's.
    const names = new Map(sites.map((s) => [s.id, s.name]));
    const siteOf = (r: { site_id: unknown; site: string | null }) =>
      names.get(Number(r.site_id)) ?? r.site ?? `site-${Number(r.site_id)}`;
    const byMethod = [c.payments, c.paymentPesos, c.paymentVoids];
    c.invoicesIssued.reset();
    for (const m of byMethod) m.reset();
    for (const { name: site } of sites) {
      c.invoicesIssued.inc({ site }, 0);
      for (const method of METHODS) for (const m of byMethod) m.inc({ site, method }, 0);
    }
    for (const r of invoices) c.invoicesIssued.inc({ site: siteOf(r) }, Number(r.n ?? 0));
    for (const r of payments) {
      const labels = { site: siteOf(r), method: r.method };
      c.payments.inc(labels, Number(r.n ?? 0));
      c.paymentPesos.inc(labels, Number(r.amount ?? 0) / 100);
      c.paymentVoids.inc(labels, Number(r.voids ?? 0));
    }
  }
}
