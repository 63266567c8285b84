import type { Knex } from 'knex';

/**
 * Usage samples in two tables, so that a poll of 5,000 devices stays cheap after months:
 *
 * - `usage_samples`: one row per device per poll, kept 48 hours, in time order with an index on `ts` only.
 *   Its former per-device and per-voucher indexes put each poll's 5,000 inserts on 5,000 different index
 *   pages (each device's rows sit together), and that cost grew with the table: ~45 ms of SQLite per poll
 *   after a few hundred thousand rows against ~9 ms without them. It has no foreign keys either: they would
 *   need those indexes for every device deleted, and a raw row only lives 48 hours.
 * - `usage_rollup`: the same traffic per device per UTC hour, older than 90 days per UTC day, written by
 *   each poll as an upsert into the current hour (rows next to each other, keyed hour first), and indexed
 *   per device and per voucher for charts and reports, which so read 24 rows a day instead of 2,880.
 *
 * Existing data moves over: raw rows stay raw and are summed into hours; folded rows become rollup rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('usage_rollup', (t) => {
    t.increments('id').primary();
    t.bigInteger('ts').notNullable(); // bucket start, ms since epoch, aligned to the UTC hour or day
    t.integer('resolution').notNullable(); // seconds per bucket: 3600 or 86400
    t.integer('device_id').notNullable().references('voucher_devices.id').onDelete('CASCADE');
    t.integer('voucher_id').notNullable().references('vouchers.id').onDelete('CASCADE');
    t.bigInteger('bytes_up').notNullable().defaultTo(0);
    t.bigInteger('bytes_down').notNullable().defaultTo(0);
    t.integer('rate_up').notNullable().defaultTo(0); // peak of the bucket
    t.integer('rate_down').notNullable().defaultTo(0);
    t.unique(['ts', 'resolution', 'device_id']);
    t.index(['device_id', 'ts']);
    t.index(['voucher_id', 'ts']);
  });
  await knex.raw(
    `INSERT INTO usage_rollup (ts, resolution, device_id, voucher_id, bytes_up, bytes_down, rate_up, rate_down)
     SELECT CASE WHEN resolution = 0 THEN (ts / 3600000) * 3600000 ELSE ts END AS bucket,
            CASE WHEN resolution = 0 THEN 3600 ELSE resolution END AS res,
            device_id, MAX(voucher_id), SUM(bytes_up), SUM(bytes_down), MAX(rate_up), MAX(rate_down)
     FROM usage_samples GROUP BY bucket, res, device_id`,
  );
  await knex.schema.createTable('usage_samples_raw', (t) => {
    t.increments('id').primary();
    t.integer('device_id').notNullable();
    t.integer('voucher_id').notNullable();
    t.bigInteger('ts').notNullable();
    t.bigInteger('bytes_up').notNullable().defaultTo(0);
    t.bigInteger('bytes_down').notNullable().defaultTo(0);
    t.integer('rate_up').notNullable().defaultTo(0);
    t.integer('rate_down').notNullable().defaultTo(0);
  });
  await knex.raw(
    `INSERT INTO usage_samples_raw (device_id, voucher_id, ts, bytes_up, bytes_down, rate_up, rate_down)
     SELECT device_id, voucher_id, ts, bytes_up, bytes_down, rate_up, rate_down
     FROM usage_samples WHERE resolution = 0 ORDER BY ts, id`,
  );
  await knex.schema.dropTable('usage_samples');
  await knex.schema.renameTable('usage_samples_raw', 'usage_samples');
  await knex.schema.alterTable('usage_samples', (t) => t.index(['ts']));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.createTable('usage_samples_old', (t) => {
    t.increments('id').primary();
    t.integer('device_id').notNullable().references('voucher_devices.id').onDelete('CASCADE');
    t.integer('voucher_id').notNullable().references('vouchers.id').onDelete('CASCADE');
    t.bigInteger('ts').notNullable();
    t.integer('resolution').notNullable().defaultTo(0);
    t.bigInteger('bytes_up').notNullable().defaultTo(0);
    t.bigInteger('bytes_down').notNullable().defaultTo(0);
    t.integer('rate_up').notNullable().defaultTo(0);
    t.integer('rate_down').notNullable().defaultTo(0);
  });
  // Raw rows of the last 48 hours as they were; older traffic as the folded rows the old layout kept.
  await knex.raw(
    `INSERT INTO usage_samples_old (device_id, voucher_id, ts, resolution, bytes_up, bytes_down, rate_up, rate_down)
     SELECT s.device_id, s.voucher_id, s.ts, 0, s.bytes_up, s.bytes_down, s.rate_up, s.rate_down
     FROM usage_samples s JOIN voucher_devices d ON d.id = s.device_id`,
  );
  await knex.raw(
    `INSERT INTO usage_samples_old (device_id, voucher_id, ts, resolution, bytes_up, bytes_down, rate_up, rate_down)
     SELECT device_id, voucher_id, ts, resolution, bytes_up, bytes_down, rate_up, rate_down FROM usage_rollup
     WHERE ts + resolution * 1000 <= COALESCE((SELECT MIN(ts) FROM usage_samples), 9e18)`,
  );
  await knex.schema.dropTable('usage_rollup');
  await knex.schema.dropTable('usage_samples');
  await knex.schema.renameTable('usage_samples_old', 'usage_samples');
  await knex.schema.alterTable('usage_samples', (t) => {
    t.index(['ts']);
    t.index(['voucher_id', 'ts']);
    t.index(['device_id', 'ts']);
  });
}
