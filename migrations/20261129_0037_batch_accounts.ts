import type { Knex } from 'knex';

/**
 * Whose batch: the account that made it (NULL: the owner, the terminal or the system), and for a reseller's
 * batch the wholesale price of each voucher in centavos (what the reseller owes the shop for it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('batches', (t) => {
    t.integer('account_id');
    t.integer('wholesale');
    t.index(['account_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('batches', (t) => {
    t.dropIndex(['account_id']);
    t.dropColumn('wholesale');
    t.dropColumn('account_id');
  });
}
