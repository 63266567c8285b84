import type { Knex } from 'knex';

/**
 * Subscribers on monthly plans (src/services/subscriptions/subscribers). `seq` is the account number (`S-000001`), drawn from
 * the one row of `subscriber_numbers` inside the insert's transaction: a refused insert rolls its number back, so
 * numbers have no gaps. `username_key` is the username in lower case, unique per site (a PPPoE login is matched
 * ignoring case on our side); an ended subscriber keeps its row and its username. `password_enc` is the PPPoE
 * password sealed like the sites' router passwords (credentials key). `billing_anchor`: the date from which
 * `billing_day` counts (the first day of service, or of the first cycle after a change of billing day);
 * `billing_day_next` and `billing_day_from`: a billing day changed mid-cycle, in effect from that date (the next
 * cycle's first day).
 *
 * `subscriber_usage`: the counted bytes of each billing cycle, one row per subscriber and cycle start, filled by
 * the usage work; rows are never deleted (no cascade), so past cycles stay readable.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('subscriber_numbers', (t) => {
    t.integer('id').primary();
    t.integer('last').notNullable();
  });
  await knex('subscriber_numbers').insert({ id: 1, last: 0 });
  await knex.schema.createTable('subscribers', (t) => {
    t.increments('id').primary();
    t.integer('seq').notNullable().unique();
    t.integer('site_id').notNullable().references('id').inTable('sites');
    t.integer('profile_id').notNullable().references('id').inTable('profiles');
    t.string('name', 100).notNullable();
    t.string('mobile', 13).notNullable();
    t.string('username', 32).notNullable();
    t.string('username_key', 32).notNullable();
    t.string('password_enc', 200).notNullable();
    t.integer('billing_day').notNullable();
    t.string('billing_anchor', 10).notNullable();
    t.integer('billing_day_next');
    t.string('billing_day_from', 10);
    t.string('status', 10).notNullable();
    t.string('status_reason', 200);
    t.string('starts_on', 10).notNullable();
    t.string('language', 3).notNullable();
    t.string('address', 200);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('ended_at');
    t.unique(['site_id', 'username_key']);
    t.index(['status']);
  });
  await knex.schema.createTable('subscriber_usage', (t) => {
    t.integer('subscriber_id').notNullable().references('id').inTable('subscribers');
    t.string('cycle_start', 10).notNullable();
    t.string('cycle_end', 10).notNullable();
    t.bigInteger('counted_bytes').notNullable().defaultTo(0);
    t.bigInteger('updated_at').notNullable();
    t.primary(['subscriber_id', 'cycle_start']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('subscriber_usage');
  await knex.schema.dropTable('subscribers');
  await knex.schema.dropTable('subscriber_numbers');
}
