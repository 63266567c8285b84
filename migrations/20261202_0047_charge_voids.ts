import type { Knex } from 'knex';

/**
 * A counter sale made by mistake (a wrong price, the wrong code) is voided, never edited nor deleted: when
 * (`voided_at`), by whom (`voided_by`) and why (`void_reason`). A voided charge no longer counts in the reports,
 * the shift slip or the voucher's totals; its row stays as history. Set once: the void is a conditional UPDATE on
 * `voided_at IS NULL`, so of two voids sent at once one wins.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('voucher_charges', (t) => {
    t.bigInteger('voided_at').nullable();
    t.string('voided_by', 64).nullable();
    t.string('void_reason', 200).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const column of ['void_reason', 'voided_by', 'voided_at'])
    await knex.raw(`ALTER TABLE voucher_charges DROP COLUMN ${column}`);
}
