/** The invoice service's contract (index.ts). */
import type { Knex } from 'knex';
import type { Actor } from '../audit/actor';
import type { IssuedInvoice } from './issue';
import type { InvoiceView } from './view';

export interface FirstInvoiceInput {
  subscriberId: number;
  plan: string;
  /** The plan's monthly fee, centavos. */
  price: number;
  billingDay: number;
  startsOn: string;
  /** The shop date it is issued on (today where the subscriber is). */
  today: string;
}

export interface InvoiceService {
  /** The first invoice of a subscriber being created, inside its creating transaction. */
  issueFirst(trx: Knex.Transaction, s: FirstInvoiceInput): Promise<IssuedInvoice>;
  /** Issues every invoice owed by now, oldest billing day first; returns the numbers issued (none on a repeat). */
  run(): Promise<{ issued: string[] }>;
  list(opts?: { status?: unknown; subscriberId?: number }): Promise<InvoiceView[]>;
  get(number: unknown): Promise<InvoiceView>;
  /** Voids an open invoice (409 INVOICE_VOIDED a second time, INVOICE_PAID once paid); its number stays. */
  void(number: unknown, reason: unknown, actor: Actor): Promise<InvoiceView>;
}
