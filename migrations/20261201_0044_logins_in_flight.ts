import type { Knex } from 'knex';

/**
 * Logins in flight, for every server sharing the database to see: a row per device whose login (a redemption, a
 * login again for a new limit) is touching its session and queue on a site's router, with the server making it
 * (its name on the database: src/db/site-leases.ts). The poll of the site, on whichever server holds its lease,
 * leaves those devices' queues alone. A row lives for one login (a few round trips); rows of a server that is gone
 * are dropped by the next poll.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('logins_in_flight', (t) => {
    t.increments('id').primary();
    t.integer('site_id').notNullable();
    t.string('mac', 17).notNullable();
    t.string('server', 63).notNullable();
    t.bigInteger('started_at').notNullable();
    t.index(['site_id'], 'logins_in_flight_site');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('logins_in_flight');
}
