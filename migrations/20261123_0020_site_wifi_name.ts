import type { Knex } from 'knex';

/**
 * A site's WiFi name (SSID), printed on the cards of the vouchers made for it instead of WIFI_NAME, for a branch
 * whose router broadcasts another network. NULL: WIFI_NAME (or the shop's name), as before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sites', (t) => {
    t.string('wifi_name', 32).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE sites DROP COLUMN wifi_name');
}
