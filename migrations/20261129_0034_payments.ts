import type { Knex } from 'knex';

/**
 * Payments made online through a gateway (src/services/shop/payments): one row per checkout a customer started on the
 * portal, or per paid session the gateway told of that is not ours (kept for the owner). `reference` is the
 * product's own reference sent with the checkout; `session_id` the gateway's checkout session and
 * `gateway_payment_id` its payment: both unique, so a session is credited at most once whichever way it is
 * learned. `voucher_id` is the voucher the payment bought (unique: one voucher per payment); `state` is pending,
 * paid, expired, failed (the checkout never started) or rejected (paid but not creditable: `problem` says why).
 * `online_at` is when the device was logged in with the voucher; `login_error` the last reason it was not.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payments', (t) => {
    t.increments('id').primary();
    t.string('gateway', 20).notNullable();
    t.string('reference', 40).unique();
    t.string('session_id', 100).unique();
    t.string('gateway_payment_id', 100).unique();
    t.string('state', 12).notNullable();
    t.integer('profile_id').references('id').inTable('profiles');
    t.string('mac', 17);
    t.string('ip', 15);
    t.string('site', 64);
    t.string('lang', 3);
    t.integer('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.string('method', 20);
    t.boolean('livemode').notNullable().defaultTo(false);
    t.integer('voucher_id').unique().references('id').inTable('vouchers').onDelete('SET NULL');
    t.string('problem', 300);
    t.string('login_error', 300);
    t.integer('login_attempts').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at');
    t.bigInteger('checked_at');
    t.bigInteger('credited_at');
    t.bigInteger('online_at');
    t.index(['state', 'expires_at']);
    t.index(['created_at']);
    t.index(['mac', 'state']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('payments');
}
