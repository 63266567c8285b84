import type { Knex } from 'knex';

/**
 * What an online checkout pays for: `purpose` `voucher` (a profile for a device on the portal, every row made
 * before this) or `subscriber` (what a subscriber on a monthly plan owed when it started the checkout:
 * `subscriber_id`, with `profile_id`, `mac` and `ip` empty). A subscriber's paid checkout is recorded as one of its
 * payments (`subscriber_payments`, keyed by the gateway's session), never as a voucher.
 *
 * Plain ALTER TABLE statements: knex's portable form of a column with a foreign key rebuilds the table on SQLite.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("ALTER TABLE payments ADD COLUMN purpose VARCHAR(12) NOT NULL DEFAULT 'voucher'");
  await knex.raw('ALTER TABLE payments ADD COLUMN subscriber_id INTEGER REFERENCES subscribers (id)');
  await knex.schema.alterTable('payments', (t) => t.index(['subscriber_id', 'created_at']));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => t.dropIndex(['subscriber_id', 'created_at']));
  for (const column of ['subscriber_id', 'purpose'])
    await knex.raw(`ALTER TABLE payments DROP COLUMN ${column}`);
}
