import type { Knex } from 'knex';

/**
 * A billing cycle's bytes each way beside its counted bytes (src/services/network/usage/subscribers.ts): `bytes_up` is
 * what the subscriber's CPE sent (the router's receive counter on the PPP interface), `bytes_down` what it
 * received. Both count every byte, free off-peak hours too; `counted_bytes` is what the plan's FUP and cap count.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('subscriber_usage', (t) => {
    t.bigInteger('bytes_up').notNullable().defaultTo(0);
    t.bigInteger('bytes_down').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('subscriber_usage', (t) => {
    t.dropColumn('bytes_up');
    t.dropColumn('bytes_down');
  });
}
