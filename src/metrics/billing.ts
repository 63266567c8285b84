/**
 * Subscribers' billing in the metrics: invoices issued and subscribers' payments (count and pesos, by method)
 * since this process started, as counters read from the database at the scrape, like the sales (sales.ts): one
 * meaning of "issued" and "paid" (a rolled-back issue or payment never counts), no hook in the services, and
 * counters that start from zero at start like every other counter here. The suspended count is
 * pisonet_subscribers{status="suspended"} (subscribers.ts).
 *
 * Each is cheap at any size: invoice numbers are gap-free and never deleted, so the invoices issued since start
 * are the highest number less the count at start; payments are read by id above the last one before start (the
 * primary key). Each baseline is found once, at the first scrape. A void's reversal (a negative entry) is counted
 * apart, so the counters never go down.
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
      "Subscribers' invoices issued (monthly, first, plan change) since the server started.",
      [],
    ),
    payments: counter(
      'pisonet_subscriber_payments_total',
      "Subscribers' payments recorded since the server started, by method (cash, gcash, maya, bank, other).",
      ['method'],
    ),
    paymentPesos: counter(
      'pisonet_subscriber_payments_pesos_total',
      "Pesos of subscribers' payments recorded since the server started, by method (voids not taken off).",
      ['method'],
    ),
    paymentVoids: counter(
      'pisonet_subscriber_payment_voids_total',
      "Subscribers' payments voided since the server started, by the method of the payment.",
      ['method'],
    ),
  };
}

export type BillingCounters = ReturnType<typeof defineBilling>;

/** Where the counting starts: found at the first scrape, kept for the life of the process. */
export class BillingTally {
  private base?: { invoices: number; paymentId: number };

  constructor(
    private readonly db: Db,
    private readonly since: number,
  ) {}

  private async baseline(): Promise<{ invoices: number; paymentId: number }> {
    if (this.base) return this.base;
    const [inv, pay] = await Promise.all([
      this.db('invoices').where('created_at', '<', this.since).count({ n: '*' }).first(),
      this.db('subscriber_payments').where('created_at', '<', this.since).max({ id: 'id' }).first(),
    ]);
    this.base = { invoices: Number(inv?.n ?? 0), paymentId: Number(pay?.id ?? 0) };
    return this.base;
  }

  async show(c: BillingCounters): Promise<void> {
    const base = await this.baseline();
    const [last, rows] = await Promise.all([
      this.db('invoice_numbers').where({ id: 1 }).first('last'),
      this.db('subscriber_payments')
        .where('id', '>', base.paymentId)
        .groupBy('method')
        .select(
          'method',
          this.db.raw('SUM(CASE WHEN amount > 0 THEN 1 ELSE 0 END) AS n'),
          this.db.raw('SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END) AS amount'),
          this.db.raw('SUM(CASE WHEN amount < 0 THEN 1 ELSE 0 END) AS voids'),
        ) as Promise<Array<{ method: string; n: unknown; amount: unknown; voids: unknown }>>,
    ]);
    c.invoicesIssued.reset();
    c.payments.reset();
    c.paymentPesos.reset();
    c.paymentVoids.reset();
    c.invoicesIssued.inc(Math.max(0, Number(last?.last ?? 0) - base.invoices));
    for (const method of METHODS) {
      const r = rows.find((x) => x.method === method);
      c.payments.inc({ method }, Number(r?.n ?? 0));
      c.paymentPesos.inc({ method }, Number(r?.amount ?? 0) / 100);
      c.paymentVoids.inc({ method }, Number(r?.voids ?? 0));
    }
  }
}
