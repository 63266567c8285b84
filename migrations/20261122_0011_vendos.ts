import type { Knex } from 'knex';

/**
 * Coin vendos (docs/vendo-protocol.md): the boxes, the customer's coin windows, every coin (the ledger an owner
 * reconciles against the cash box), cash-box collections and coin top-ups of active vouchers. Money in centavos,
 * times as ms epoch. Vouchers a vendo sold name it (`vouchers.vendo_id`, plain ALTER TABLE: no table rebuild).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('vendos', (t) => {
    t.string('id', 32).primary(); // shown to the owner and flashed into the board, e.g. "vendo-3f9k2a"
    t.string('name', 64).notNullable().unique();
    t.string('location', 200);
    t.integer('profile_id').notNullable().references('profiles.id').onDelete('RESTRICT');
    t.text('rates').notNullable(); // JSON [{amount (centavos), seconds}]
    t.text('secret_enc').notNullable(); // AES-256-GCM with the data folder's key (services/shop/vendos/secrets.ts)
    t.bigInteger('secret_rotated_at').notNullable();
    t.integer('window_seconds').notNullable().defaultTo(60);
    t.boolean('enabled').notNullable().defaultTo(true);
    t.bigInteger('last_seen_at'); // last authenticated request from the board
    t.string('last_ip', 45);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('vendo_sessions', (t) => {
    t.string('id', 32).primary(); // random, also the board's `session`
    t.string('vendo_id', 32).notNullable().references('vendos.id').onDelete('RESTRICT');
    t.string('mac', 17).notNullable();
    t.string('ip', 45).notNullable();
    t.string('state', 12).notNullable(); // armed | finishing | finished | expired
    t.bigInteger('started_at').notNullable();
    t.bigInteger('expires_at').notNullable(); // end of the coin window (every coin restarts it)
    t.bigInteger('ended_at'); // for `finishing`: when the Done began
    t.integer('voucher_id').references('vouchers.id').onDelete('SET NULL');
    t.index(['vendo_id', 'state']);
    t.index(['mac']);
  });
  // At most one open coin window per vendo: the database refuses a second (two phones racing for one box).
  await knex.raw(
    "CREATE UNIQUE INDEX vendo_sessions_one_open ON vendo_sessions (vendo_id) WHERE state = 'armed'",
  );
  await knex.schema.createTable('vendo_coins', (t) => {
    t.increments('id').primary();
    t.string('vendo_id', 32).notNullable().references('vendos.id').onDelete('RESTRICT');
    t.integer('seq').notNullable();
    t.string('session_id', 32).notNullable().references('vendo_sessions.id').onDelete('RESTRICT');
    t.integer('amount').notNullable();
    t.string('mac', 17).notNullable();
    t.bigInteger('received_at').notNullable();
    t.integer('voucher_id').references('vouchers.id').onDelete('SET NULL'); // what the coin bought
    t.integer('topup_id'); // when it topped up an active voucher
    t.bigInteger('claimed_at');
    t.unique(['vendo_id', 'seq']);
    t.index(['mac', 'claimed_at']);
    t.index(['vendo_id', 'received_at']);
    t.index(['session_id']);
  });
  await knex.schema.createTable('vendo_collections', (t) => {
    t.increments('id').primary();
    t.string('vendo_id', 32).notNullable().references('vendos.id').onDelete('RESTRICT');
    t.bigInteger('collected_at').notNullable();
    t.integer('last_coin_id').notNullable().defaultTo(0); // coins up to this id are in this collection
    t.integer('expected').notNullable();
    t.integer('counted').notNullable();
    t.string('collected_by', 64).notNullable();
    t.string('note', 200);
    t.index(['vendo_id', 'collected_at']);
  });
  await knex.schema.createTable('vendo_topups', (t) => {
    t.increments('id').primary();
    t.integer('voucher_id').notNullable().references('vouchers.id').onDelete('RESTRICT');
    t.string('vendo_id', 32).notNullable().references('vendos.id').onDelete('RESTRICT');
    t.string('session_id', 32).notNullable();
    t.integer('amount').notNullable();
    t.integer('seconds').notNullable();
    t.bigInteger('at').notNullable();
    t.bigInteger('applied_at'); // the voucher's time was extended (null: a Done interrupted before that)
    t.index(['at']);
  });
  await knex.raw('ALTER TABLE vouchers ADD COLUMN vendo_id VARCHAR(32) REFERENCES vendos(id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE vouchers DROP COLUMN vendo_id');
  await knex.schema.dropTable('vendo_topups');
  await knex.schema.dropTable('vendo_collections');
  await knex.schema.dropTable('vendo_coins');
  await knex.raw('DROP INDEX IF EXISTS vendo_sessions_one_open');
  await knex.schema.dropTable('vendo_sessions');
  await knex.schema.dropTable('vendos');
}
