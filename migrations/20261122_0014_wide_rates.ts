import type { Knex } from 'knex';

/**
 * Speeds are bits per second up to 10 Gbit/s (profiles' bound) and measured rates can pass 2.1 Gbit/s: more
 * than PostgreSQL's 32-bit `integer` holds. SQLite's INTEGER is always 64-bit, so this is PostgreSQL only.
 */
const RATE_COLUMNS: Array<[string, string[]]> = [
  ['vouchers', ['rate_limit_up', 'rate_limit_down', 'override_up', 'override_down']],
  ['voucher_devices', ['rate_up', 'rate_down']],
  ['usage_samples', ['rate_up', 'rate_down']],
  ['usage_rollup', ['rate_up', 'rate_down']],
];

async function alter(knex: Knex, type: 'BIGINT' | 'INTEGER'): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  for (const [table, cols] of RATE_COLUMNS)
    await knex.raw(`ALTER TABLE ${table} ${cols.map((c) => `ALTER COLUMN ${c} TYPE ${type}`).join(', ')}`);
}

export async function up(knex: Knex): Promise<void> {
  await alter(knex, 'BIGINT');
}

export async function down(knex: Knex): Promise<void> {
  await alter(knex, 'INTEGER');
}
