import type { Knex } from 'knex';

/**
 * Accounts with roles: the owner's login table gains a role (owner, cashier, reseller) and a reseller's terms:
 * the profiles it may sell (JSON list of names), its commission in basis points (12.5% = 1250) and its credit
 * limit in centavos (NULL: none). Rows made before are owners.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('admin_users', (t) => {
    t.string('role', 16).notNullable().defaultTo('owner');
    t.text('profiles');
    t.integer('commission_bp').notNullable().defaultTo(0);
    t.bigInteger('credit_limit');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('admin_users', (t) => {
    t.dropColumn('credit_limit');
    t.dropColumn('commission_bp');
    t.dropColumn('profiles');
    t.dropColumn('role');
  });
}
