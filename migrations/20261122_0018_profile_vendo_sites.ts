import type { Knex } from 'knex';

/**
 * Profiles and coin vendos may belong to one site (docs/sites.md, "Profiles and vendos per site").
 * `site_id` NULL means shared by every site, which is what every existing row becomes: nothing changes for a
 * shop with one router. A profile tied to a site is sold on that site only (its batches, its portal, its
 * vendos); a vendo tied to a site sells only to phones on that site's router.
 *
 * Plain ADD COLUMN on both engines and no foreign key (as 0017): SQLite cannot add one without knex rebuilding
 * the table, and a rebuild of `profiles` would cascade. The sites service keeps the column honest instead: it
 * refuses to remove a site that still sells a profile or runs an enabled vendo of its own, and makes its
 * archived profiles and switched-off vendos shared when it removes it (src/services/business/sites/index.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE profiles ADD COLUMN site_id integer');
  await knex.raw('ALTER TABLE vendos ADD COLUMN site_id integer');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE profiles DROP COLUMN site_id');
  await knex.raw('ALTER TABLE vendos DROP COLUMN site_id');
}
