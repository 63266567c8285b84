import type { Knex } from 'knex';

/**
 * Subscribers' payments (src/services/invoices/payments.ts). A payment is one row, never edited; what it paid is
 * `payment_allocations` (oldest open invoices first) and what was left over a `subscriber_credit` entry. Credit is
 * a ledger: a payment's surplus or a cheaper plan's remaining days add to it, an invoice issued while there is
 * credit takes from it (`applied`, negative, naming the invoice). `idempotency_key` (the request's
 * Idempotency-Key header) is unique shop-wide: a retried request records nothing new.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('subscriber_payments', (t) => {
    t.increments('id').primary();
    t.integer('subscriber_id').notNullable().references('id').inTable('subscribers');
    t.bigInteger('amount').notNullable();
    t.string('method', 10).notNullable();
    t.string('reference', 100);
    t.string('idempotency_key', 100).unique();
    t.string('actor', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['subscriber_id']);
  });
  await knex.schema.createTable('payment_allocations', (t) => {
    t.integer('payment_id').notNullable().references('id').inTable('subscriber_payments');
    t.integer('invoice_id').notNullable().references('id').inTable('invoices');
    t.bigInteger('amount').notNullable();
    t.primary(['payment_id', 'invoice_id']);
    t.index(['invoice_id']);
  });
  await knex.schema.createTable('subscriber_credit', (t) => {
    t.increments('id').primary();
    t.integer('subscriber_id').notNullable().references('id').inTable('subscribers');
    t.bigInteger('amount').notNullable();
    t.string('kind', 12).notNullable();
    t.integer('payment_id').references('id').inTable('subscriber_payments');
    t.integer('invoice_id').references('id').inTable('invoices');
    t.bigInteger('created_at').notNullable();
    t.index(['subscriber_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('subscriber_credit');
  await knex.schema.dropTable('payment_allocations');
  await knex.schema.dropTable('subscriber_payments');
}
