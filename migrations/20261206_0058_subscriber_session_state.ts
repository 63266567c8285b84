import type { Knex } from 'knex';

/**
 * What the poll last read of each subscriber's PPP session, beside its baseline in `subscriber_sessions`
 * (src/services/network/usage/subscribers.ts writes them in the same statement): the address it was given, its uptime
 * when read (at `seen_at`), the speed it ran at between the last two readings (bits per second each way, from
 * the counters' growth), and `ended` 1 when RADIUS accounting's Stop came (kept only as a baseline, not online). The
 * subscriber pages and the API read them; no page asks the router.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE subscriber_sessions ADD COLUMN address VARCHAR(45)');
  await knex.raw('ALTER TABLE subscriber_sessions ADD COLUMN uptime_seconds BIGINT NOT NULL DEFAULT 0');
  await knex.raw('ALTER TABLE subscriber_sessions ADD COLUMN rate_up BIGINT NOT NULL DEFAULT 0');
  await knex.raw('ALTER TABLE subscriber_sessions ADD COLUMN rate_down BIGINT NOT NULL DEFAULT 0');
  await knex.raw('ALTER TABLE subscriber_sessions ADD COLUMN ended SMALLINT NOT NULL DEFAULT 0');
}

export async function down(knex: Knex): Promise<void> {
  for (const column of ['ended', 'rate_down', 'rate_up', 'uptime_seconds', 'address'])
    await knex.raw(`ALTER TABLE subscriber_sessions DROP COLUMN ${column}`);
}
