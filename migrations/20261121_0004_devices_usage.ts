import type { Knex } from 'knex';

/**
 * Devices that used a voucher, with the queue-counter baseline stored beside the usage so one
 * transaction moves both (a crash between polls neither loses nor double-counts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('voucher_devices', (t) => {
    t.increments('id').primary();
    t.integer('voucher_id').notNullable().references('vouchers.id').onDelete('CASCADE');
    t.string('mac', 17).notNullable();
    t.string('ip', 45);
    t.boolean('connected').notNullable().defaultTo(false);
    t.bigInteger('first_seen_at').notNullable();
    t.bigInteger('last_seen_at').notNullable();
    t.bigInteger('bytes_up').notNullable().defaultTo(0);
    t.bigInteger('bytes_down').notNullable().defaultTo(0);
    t.string('counter_queue_id', 16); // the queue .id the baseline belongs to
    t.bigInteger('baseline_up').notNullable().defaultTo(0);
    t.bigInteger('baseline_down').notNullable().defaultTo(0);
    t.integer('rate_up').notNullable().defaultTo(0);
    t.integer('rate_down').notNullable().defaultTo(0);
    t.unique(['voucher_id', 'mac']);
    t.index(['mac']);
  });
  await knex.schema.createTable('usage_samples', (t) => {
    t.increments('id').primary();
    t.integer('device_id').notNullable().references('voucher_devices.id').onDelete('CASCADE');
    t.integer('voucher_id').notNullable().references('vouchers.id').onDelete('CASCADE');
    t.bigInteger('ts').notNullable();
    t.integer('resolution').notNullable().defaultTo(0); // seconds per sample bucket; 0 = one poll
    t.bigInteger('bytes_up').notNullable().defaultTo(0);
    t.bigInteger('bytes_down').notNullable().defaultTo(0);
    t.integer('rate_up').notNullable().defaultTo(0);
    t.integer('rate_down').notNullable().defaultTo(0);
    t.index(['ts']);
    t.index(['voucher_id', 'ts']);
    t.index(['device_id', 'ts']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('usage_samples');
  await knex.schema.dropTable('voucher_devices');
}
