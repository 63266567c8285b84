import type { Knex } from 'knex';

/**
 * Customer self-service (docs/api.md, "Self-service: top-up, pause and resume, a new WiFi address").
 * On vouchers:
 * - `extra_bytes` / `extra_fup_bytes`: data added by a second code (top-up "add"), on top of the profile's
 *   data cap and fair-use threshold, as `extra_seconds` already is for time;
 * - `topped_up_into`: the voucher a consumed second code was added to;
 * - `queued_mac` / `queued_after` / `queued_at`: a second code kept for a device (top-up "queue"), started
 *   when the device's running voucher ends;
 * - `paused_at` / `paused_mac`: an uptime voucher its customer paused (logged out, remaining time kept).
 * Pauses and moves are counted from the events table (kinds `pause` and `move`). Plain ALTER TABLE: the
 * table is not rebuilt (see migration 0008).
 */
const COLUMNS: Array<[string, string]> = [
  ['extra_bytes', 'BIGINT NOT NULL DEFAULT 0'],
  ['extra_fup_bytes', 'BIGINT NOT NULL DEFAULT 0'],
  ['topped_up_into', 'INTEGER'],
  ['queued_mac', 'VARCHAR(17)'],
  ['queued_after', 'INTEGER'],
  ['queued_at', 'BIGINT'],
  ['paused_at', 'BIGINT'],
  ['paused_mac', 'VARCHAR(17)'],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, type] of COLUMNS) await knex.raw(`ALTER TABLE vouchers ADD COLUMN ${name} ${type}`);
  // The poll looks for queued and paused vouchers every cycle; almost none are, so partial indexes keep it free.
  await knex.raw('CREATE INDEX vouchers_queued ON vouchers (queued_mac) WHERE queued_mac IS NOT NULL');
  await knex.raw('CREATE INDEX vouchers_paused ON vouchers (paused_at) WHERE paused_at IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS vouchers_paused');
  await knex.raw('DROP INDEX IF EXISTS vouchers_queued');
  for (const [name] of [...COLUMNS].reverse()) await knex.raw(`ALTER TABLE vouchers DROP COLUMN ${name}`);
}
