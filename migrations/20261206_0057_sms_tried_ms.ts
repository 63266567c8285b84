import type { Knex } from 'knex';

/**
 * `sms_outbox.tried_ms`: how long the sender has been trying to send the row, counting only the time a running
 * controller spent on it (src/services/subscriptions/sms/sender.ts): a row given up after 2 days of trying is not given up
 * because the controller was off for 4 days. Rows written before this start from zero.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE sms_outbox ADD COLUMN tried_ms BIGINT NOT NULL DEFAULT 0');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE sms_outbox DROP COLUMN tried_ms');
}
