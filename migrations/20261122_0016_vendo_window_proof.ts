import type { Knex } from 'knex';

/**
 * A coin window remembers whether the device it was opened for proved itself (its portal cookie, or asking from
 * the address the hotspot gives that MAC). Only a proven window may spend, or show, the device's saved credit,
 * and only a proven one closes the device's window at another box. Windows from before this migration count as
 * unproven, which is the safe side.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('vendo_sessions', (t) => {
    t.boolean('proven').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE vendo_sessions DROP COLUMN proven');
}
