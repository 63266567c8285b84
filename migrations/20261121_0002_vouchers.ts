import type { Knex } from 'knex';

/** Voucher batches and vouchers. Money in centavos, rates in bits/s, bytes as integers, times as ms epoch. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('batches', (t) => {
    t.increments('id').primary();
    t.integer('profile_id').notNullable().references('profiles.id').onDelete('RESTRICT');
    t.integer('count').notNullable();
    t.string('prefix', 16).notNullable().defaultTo('');
    t.integer('price').notNullable();
    t.string('created_by', 64).notNullable().defaultTo('system');
    t.string('note', 200);
    t.bigInteger('created_at').notNullable();
  });
  await knex.schema.createTable('vouchers', (t) => {
    t.increments('id').primary();
    t.string('code', 32).notNullable().unique();
    t.integer('profile_id').notNullable().references('profiles.id').onDelete('RESTRICT');
    t.integer('batch_id').references('batches.id').onDelete('SET NULL');
    t.integer('price').notNullable();
    t.integer('rate_limit_up').notNullable();
    t.integer('rate_limit_down').notNullable();
    t.boolean('staff').notNullable().defaultTo(false);
    t.string('status', 16).notNullable().defaultTo('unused'); // unused|active|expired|exhausted|revoked
    t.bigInteger('created_at').notNullable();
    t.bigInteger('activated_at');
    t.bigInteger('expires_at');
    t.bigInteger('ended_at');
    t.string('end_reason', 64);
    t.string('bound_mac', 17);
    // Router side: the hotspot user mirrors the voucher. null router_user_id = not (yet) on the router.
    t.string('router_user_id', 16);
    t.bigInteger('router_synced_at');
    // Usage, cumulative over the voucher's life (customer's point of view).
    t.bigInteger('bytes_up').notNullable().defaultTo(0);
    t.bigInteger('bytes_down').notNullable().defaultTo(0);
    t.bigInteger('counted_bytes').notNullable().defaultTo(0); // toward FUP/cap (off-peak unlimited excluded)
    t.integer('uptime_seconds').notNullable().defaultTo(0); // connected time (uptime mode)
    t.integer('extra_seconds').notNullable().defaultTo(0); // time added by an admin ("extend")
    // Admin "set bandwidth" override, bits/s; null = none.
    t.integer('override_up');
    t.integer('override_down');
    t.bigInteger('updated_at').notNullable();
    t.index(['status']);
    t.index(['batch_id']);
    t.index(['profile_id']);
    t.index(['activated_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('vouchers');
  await knex.schema.dropTable('batches');
}
