import type { Knex } from 'knex';

/**
 * How a paid voucher reached a device whose code was still running: `join_mode` `add` (its time and data added to
 * that code) or `queue` (kept for the device, starting when that code ends), and `joined_into` the running code,
 * masked as the customer sees it. NULL: logged in as a code of its own. The status page and the Payments page say so.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.string('join_mode', 8).nullable();
    t.string('joined_into', 32).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const column of ['joined_into', 'join_mode'])
    await knex.raw(`ALTER TABLE payments DROP COLUMN ${column}`);
}
