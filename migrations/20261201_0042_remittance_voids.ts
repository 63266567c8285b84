import type { Knex } from 'knex';

/**
 * A remittance recorded by mistake is voided, never edited nor deleted: when (`voided_at`), by whom
 * (`voided_by`) and why (`void_reason`). A voided remittance no longer counts in the reseller's balance.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('remittances', (t) => {
    t.bigInteger('voided_at').nullable();
    t.string('voided_by', 64).nullable();
    t.string('void_reason', 200).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const column of ['void_reason', 'voided_by', 'voided_at'])
    await knex.raw(`ALTER TABLE remittances DROP COLUMN ${column}`);
}
