import type { Knex } from 'knex';

/**
 * `voucher_devices.claim_server`: the server that made a redemption's claim still unconfirmed (its name on the
 * database: src/db/site-leases.ts). A claim whose server is no longer running cannot be finished by it, so the
 * poll settles it at once instead of waiting out the grace period. Null for claims made before this column.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('voucher_devices', (t) => {
    t.string('claim_server', 63).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('voucher_devices', (t) => {
    t.dropColumn('claim_server');
  });
}
