import type { Knex } from 'knex';

/**
 * `subscriber_sessions`: the baseline of each subscriber's PPP session the poll has seen (src/services/network/usage/
 * subscribers.ts): the session's cumulative counters when its bytes were last booked into `subscriber_usage`.
 * Written in the same transaction as the bytes, so a controller killed mid-poll, or restarted, measures again
 * from the last booked point: every byte once. `session_key` is the source's id of the session (never reused
 * for another); a row goes when its session is no longer online.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('subscriber_sessions', (t) => {
    t.integer('site_id').notNullable().references('id').inTable('sites');
    t.string('session_key', 100).notNullable();
    t.integer('subscriber_id').notNullable().references('id').inTable('subscribers');
    t.bigInteger('up').notNullable();
    t.bigInteger('down').notNullable();
    t.bigInteger('seen_at').notNullable();
    t.primary(['site_id', 'session_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('subscriber_sessions');
}
