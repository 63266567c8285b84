import type { Knex } from 'knex';

/**
 * Subscribers' invoices (src/services/invoices). `seq` is the invoice's number (`INV-000001`), drawn from the one
 * row of `invoice_numbers` inside the issuing transaction: the row's lock orders every issuer, and a refused or
 * repeated issue gives its number back, so numbers run in issue order with no gap and no repeat. `number` is the
 * number as printed (the prefix at issue time, kept if the prefix changes later). `issue_key` says what the
 * invoice is for (`cycle:2027-02-01`, `change:…`): unique per subscriber, so a billing run repeated after a crash
 * or by a second controller issues nothing twice. Amounts are centavos. An invoice is never deleted or edited:
 * a void sets `voided_*` once and keeps its number; payments and credit are other tables' entries.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('invoice_numbers', (t) => {
    t.integer('id').primary();
    t.integer('last').notNullable();
  });
  await knex('invoice_numbers').insert({ id: 1, last: 0 });
  await knex.schema.createTable('invoices', (t) => {
    t.increments('id').primary();
    t.integer('seq').notNullable().unique();
    t.string('number', 20).notNullable().unique();
    t.integer('subscriber_id').notNullable().references('id').inTable('subscribers');
    t.string('issue_key', 60).notNullable();
    t.string('kind', 10).notNullable();
    t.string('period_start', 10).notNullable();
    t.string('period_end', 10).notNullable();
    t.string('issued_on', 10).notNullable();
    t.string('due_on', 10).notNullable();
    t.bigInteger('amount').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('voided_at');
    t.string('voided_by', 64);
    t.string('void_reason', 200);
    t.unique(['subscriber_id', 'issue_key']);
    t.index(['subscriber_id', 'issued_on']);
  });
  await knex.schema.createTable('invoice_lines', (t) => {
    t.integer('invoice_id').notNullable().references('id').inTable('invoices');
    t.integer('position').notNullable();
    t.string('description', 200).notNullable();
    t.bigInteger('amount').notNullable();
    t.primary(['invoice_id', 'position']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('invoice_lines');
  await knex.schema.dropTable('invoices');
  await knex.schema.dropTable('invoice_numbers');
}
