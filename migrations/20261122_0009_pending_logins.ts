import type { Knex } from 'knex';

/**
 * A redemption claims the voucher (and a device slot) in the database before it logs the device in on the
 * router. If the controller dies in between, the claim must be finished or undone at the next start or poll,
 * never left consumed and offline: `login_pending_at` marks a claim whose login is not confirmed yet, and
 * `claim_activated` says whether that claim is what activated the voucher (so undoing it releases the voucher).
 * Plain ALTER TABLE: the table is not rebuilt (see migration 0008).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE voucher_devices ADD COLUMN login_pending_at BIGINT');
  await knex.raw('ALTER TABLE voucher_devices ADD COLUMN claim_activated BOOLEAN NOT NULL DEFAULT FALSE');
  // Every poll looks for unconfirmed claims; almost no row has one, so a partial index keeps that look free.
  await knex.raw(
    'CREATE INDEX voucher_devices_login_pending ON voucher_devices (login_pending_at) WHERE login_pending_at IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS voucher_devices_login_pending');
  await knex.raw('ALTER TABLE voucher_devices DROP COLUMN claim_activated');
  await knex.raw('ALTER TABLE voucher_devices DROP COLUMN login_pending_at');
}
