import type { Knex } from 'knex';

/**
 * Sites: one router each (docs/sites.md). Row 1, `default`, is the router configured in .env: its connection
 * fields are NULL and mean "from the environment". Other sites keep their API password encrypted
 * (`password_enc`, AES-256-GCM with CREDENTIALS_KEY, src/services/business/sites/credentials.ts). Names are unique
 * whatever their case. The last read of each router (identity, devices online, error) is kept so the terminal
 * menu, which does not connect to the other routers, shows what the server last saw. Times as ms epoch.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sites', (t) => {
    t.increments('id').primary();
    t.string('name', 32).notNullable();
    t.string('host', 253); // NULL: from ROUTER_HOST
    t.integer('port');
    t.string('username', 64);
    t.text('password_enc');
    t.boolean('tls');
    t.string('hotspot_server', 64);
    t.string('hotspot_user_profile', 64);
    t.string('tz', 64);
    t.string('identity', 128); // last read
    t.integer('online'); // devices in /ip/hotspot/active at the last read
    t.bigInteger('last_poll_at'); // last successful read
    t.string('last_error_code', 32);
    t.string('last_error', 500);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.raw('CREATE UNIQUE INDEX sites_name_lower ON sites (LOWER(name))');
  const now = Date.now();
  await knex('sites').insert({ id: 1, name: 'default', created_at: now, updated_at: now });
  // PostgreSQL's sequence does not see an explicit id: the next site must get 2, not 1.
  if (knex.client.config.client === 'pg')
    await knex.raw("SELECT setval(pg_get_serial_sequence('sites', 'id'), (SELECT MAX(id) FROM sites))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sites');
}
