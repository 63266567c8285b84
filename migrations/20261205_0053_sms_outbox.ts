import type { Knex } from 'knex';

/**
 * `sms_outbox`: every SMS to a subscriber (src/services/subscriptions/sms), one row per (subject, kind), unique: the subject is
 * the fact it tells of (`invoice:<id>`, `payment:<id>`, `suspension:<id>`), the kind what it says (`issued`,
 * `reminder`, `suspended`, `payment`). The row is written with an insert that ignores a repeat, so a fact is told
 * once whoever finds it first. `state`: pending (not tried yet), retry (failed for now, tried again at
 * `next_try_at`), sending (handed to Semaphore at `sending_at` by the sender holding `claim`), sent, unsure (the
 * controller stopped during its send: never sent again), given_up (failed too long, or no longer true: an
 * invoice paid before its reminder went). `last_error` is Semaphore's words or ours, never the API key.
 * `message_id` is Semaphore's id for the sent message.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sms_outbox', (t) => {
    t.increments('id').primary();
    t.string('subject', 40).notNullable();
    t.string('kind', 12).notNullable();
    t.integer('subscriber_id').notNullable().references('id').inTable('subscribers');
    t.string('number', 16).notNullable();
    t.string('language', 3).notNullable();
    t.string('text', 480).notNullable();
    t.string('state', 10).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_try_at').notNullable();
    t.bigInteger('expires_at');
    t.string('claim', 40);
    t.bigInteger('sending_at');
    t.string('last_error', 500);
    t.bigInteger('sent_at');
    t.string('message_id', 40);
    t.bigInteger('created_at').notNullable();
    t.unique(['subject', 'kind']);
    t.index(['state', 'next_try_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sms_outbox');
}
