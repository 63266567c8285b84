import type { Knex } from 'knex';

/**
 * Fixed addresses: `sites.static_pool` (the addresses a site gives its subscribers as fixed ones: a network or a
 * range, as typed; null: none) and `subscribers.static_ip` (a subscriber's fixed address; null: from the plan's
 * pool). No two subscribers of a site in service hold one address: a unique index over (site_id, static_ip)
 * that leaves ended subscribers out (their record keeps the address they had; it is free again).
 *
 * Plain ALTER TABLE and CREATE INDEX: the same SQL on SQLite and PostgreSQL (knex's portable form rebuilds the
 * table on SQLite, and has no partial unique index).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE sites ADD COLUMN static_pool VARCHAR(64) NULL');
  await knex.raw('ALTER TABLE subscribers ADD COLUMN static_ip VARCHAR(15) NULL');
  await knex.raw(
    "CREATE UNIQUE INDEX subscribers_site_static_ip_unique ON subscribers (site_id, static_ip) WHERE static_ip IS NOT NULL AND status <> 'ended'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX subscribers_site_static_ip_unique');
  await knex.raw('ALTER TABLE subscribers DROP COLUMN static_ip');
  await knex.raw('ALTER TABLE sites DROP COLUMN static_pool');
}
