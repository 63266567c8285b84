import type { Knex } from 'knex';

/**
 * Vouchers and batches belong to a site (docs/sites.md, "Vouchers belong to a site"). `site_id` is the router
 * the voucher's hotspot user lives on; every voucher made before sites existed belongs to `default` (row 1).
 * A roaming voucher (`roaming`) is valid on every site: it is pushed to all of them and has no site until its
 * first use, which gives it the site where it was used (from then on it is that site's voucher, and the other
 * routers drop its user). So a NULL `site_id` on a roaming voucher means "not used yet"; on any other voucher
 * it means its site was removed (a forced removal ends the site's open vouchers first and clears their site;
 * their history stays in the reports).
 */
export async function up(knex: Knex): Promise<void> {
  // Plain ADD COLUMN on both engines. A row written without a site is `default`'s, as every row was before
  // sites. No foreign key: SQLite cannot add one with a default, and knex would rebuild the table for it; the
  // sites service clears `site_id` of a site it removes.
  for (const table of ['vouchers', 'batches']) {
    await knex.raw(`ALTER TABLE ${table} ADD COLUMN site_id integer DEFAULT 1`);
    await knex.schema.alterTable(table, (t) => {
      t.boolean('roaming').notNullable().defaultTo(false);
    });
  }
  await knex('vouchers').update({ site_id: 1 });
  await knex('batches').update({ site_id: 1 });
  await knex.schema.alterTable('vouchers', (t) => {
    t.index(['site_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('vouchers', (t) => {
    t.dropIndex(['site_id', 'status']);
  });
  await knex.raw('ALTER TABLE vouchers DROP COLUMN site_id');
  await knex.raw('ALTER TABLE vouchers DROP COLUMN roaming');
  await knex.raw('ALTER TABLE batches DROP COLUMN site_id');
  await knex.raw('ALTER TABLE batches DROP COLUMN roaming');
}
