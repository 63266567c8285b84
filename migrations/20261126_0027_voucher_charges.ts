import type { Knex } from 'knex';

/**
 * Money a running voucher brings in or gives back besides its own sale (src/services/shop/vouchers/charges.ts): today a
 * change of plan (`kind` plan_change: the price difference prorated by the unused time, src/domain/plan-change.ts).
 * `kind` is plain text so another kind (an overage purchase) needs no migration, and the reports group by it.
 * `amount` is a sale (centavos, counted in the reports on `created_at`); `credit` is what the shop owes the
 * customer (a downgrade), noted and never taken off the sales. A row has one of the two above zero.
 * `site_id` is the voucher's site when it was charged (no foreign key, as on vouchers: a removed site clears it
 * there; here it stays as history); the reports count a site's charges through its vouchers, as its sales.
 * `remaining_seconds`/`total_seconds`: the unused time the amount was prorated by (null for kinds without one).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('voucher_charges', (t) => {
    t.increments('id').primary();
    t.integer('voucher_id').notNullable().references('vouchers.id').onDelete('RESTRICT');
    t.integer('site_id');
    t.string('kind', 32).notNullable();
    t.integer('amount').notNullable().defaultTo(0);
    t.integer('credit').notNullable().defaultTo(0);
    t.integer('from_profile_id').references('profiles.id').onDelete('RESTRICT');
    t.integer('to_profile_id').references('profiles.id').onDelete('RESTRICT');
    t.bigInteger('remaining_seconds');
    t.bigInteger('total_seconds');
    t.string('note', 255);
    t.bigInteger('created_at').notNullable();
    t.string('actor', 64).notNullable();
    t.check('?? >= 0 AND ?? >= 0', ['amount', 'credit'], 'voucher_charges_not_negative');
    t.index(['created_at']);
    t.index(['voucher_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('voucher_charges');
}
