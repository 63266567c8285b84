import type { Knex } from 'knex';

/**
 * `voucher_devices.counter_queue_id` becomes `source_counter_id`: it holds the id, at the usage source, of the
 * counter the device's baseline was read from: a simple queue's `.id` on a router site, an accounting session's
 * id on a RADIUS site. Values are kept as they are. A backup made before this migration is restored at its own
 * schema and then migrated, so it passes through this rename too.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('voucher_devices', (t) => {
    t.renameColumn('counter_queue_id', 'source_counter_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('voucher_devices', (t) => {
    t.renameColumn('source_counter_id', 'counter_queue_id');
  });
}
