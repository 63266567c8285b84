import type { Knex } from 'knex';

/**
 * A voucher's separate password (src/domain/code-style.ts), printed on its card and set as its hotspot user's
 * password; NULL: the password is the code, as for every voucher made before. Plain ALTER TABLE: the table is
 * not rebuilt (see migration 0008). The partial index answers "does any code still on sale need a password?"
 * (the portal asks on every page) without reading the vouchers of a shop that never used passwords.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE vouchers ADD COLUMN password VARCHAR(16) NULL');
  await knex.schema.alterTable('vouchers', (t) => {
    t.index(['status'], 'vouchers_with_password', { predicate: knex.whereNotNull('password') });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('vouchers', (t) => {
    t.dropIndex(['status'], 'vouchers_with_password');
  });
  await knex.raw('ALTER TABLE vouchers DROP COLUMN password');
}
