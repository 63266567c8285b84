import type { Knex } from 'knex';

/**
 * The card design a batch prints with (src/domain/cards.ts), chosen when it is generated and changeable at
 * print time. Plain ALTER TABLE: the table is not rebuilt (see migration 0008); old batches print compact.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("ALTER TABLE batches ADD COLUMN card_design VARCHAR(16) NOT NULL DEFAULT 'compact'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE batches DROP COLUMN card_design');
}
