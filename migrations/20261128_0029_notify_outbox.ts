import type { Knex } from 'knex';

/**
 * The notifications' outbox (src/services/business/notify): every message to the owner is written here first, then
 * delivered by the sender on each channel it was meant for. Per channel: `<channel>_state` (NULL: not for this
 * channel; pending, sent or failed), its attempts, when it is next tried, the channel's own words for the last
 * failure and when it was sent or given up. `uid` is the message's id as receivers see it (they deduplicate by it).
 * `subject` says what an alert is about (`site:2`, `vendo:<id>`, `stock:<profile id>`, `daily:<date>`): the
 * latest message of a subject tells a restarted controller what it has already said.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notify_outbox', (t) => {
    t.increments('id').primary();
    t.string('uid', 40).notNullable().unique();
    t.string('kind', 32).notNullable();
    t.string('subject', 80);
    t.string('site', 64);
    t.text('text').notNullable();
    t.text('data');
    t.bigInteger('created_at').notNullable();
    for (const ch of ['telegram', 'webhook']) {
      t.string(`${ch}_state`, 12);
      t.integer(`${ch}_attempts`).notNullable().defaultTo(0);
      t.bigInteger(`${ch}_next_at`);
      t.string(`${ch}_error`, 500);
      t.bigInteger(`${ch}_done_at`);
      t.index([`${ch}_state`, 'id']);
    }
    t.index(['created_at']);
    t.index(['subject', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notify_outbox');
}
