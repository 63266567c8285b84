import type { Knex } from 'knex';

/**
 * A subscriber's payment voided (src/services/invoices/payment-void.ts): never an edit. The void is one row here
 * (`payment_id` unique: a payment is voided once) naming its reversal, a `subscriber_payments` entry of the
 * opposite amount whose own `payment_allocations` and `subscriber_credit` entries undo what the payment did.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('subscriber_payment_voids', (t) => {
    t.increments('id').primary();
    t.integer('payment_id').notNullable().unique().references('id').inTable('subscriber_payments');
    t.integer('reversal_id').notNullable().unique().references('id').inTable('subscriber_payments');
    t.string('reason', 200).notNullable();
    t.string('actor', 64).notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('subscriber_payment_voids');
}
