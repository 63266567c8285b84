import type { Knex } from 'knex';

/**
 * Codes unique whatever their case: a customer's phone may type `abcd2345` as `ABCD2345`, and the portal finds a
 * voucher by its code in upper case (normaliseCode), so a lowercase code and a capital one must never differ only
 * in case. The index also serves that lookup. An index on an expression has no builder in knex; the statement
 * is the same in SQLite and PostgreSQL. Every code before code styles was in capitals, so none collide.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE UNIQUE INDEX vouchers_code_key ON vouchers (UPPER(code))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX vouchers_code_key');
}
