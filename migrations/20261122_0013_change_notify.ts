import type { Knex } from 'knex';

/**
 * PostgreSQL only: every committed write to the tables a process keeps copies of (the poll's active vouchers)
 * sends `NOTIFY pisonet_changes, '<table>'`, so another process's writes (the terminal menu, a second
 * controller) are noticed as SQLite's `PRAGMA data_version` notices them (src/db/change-watch.ts). One
 * statement-level trigger per table: a poll's 5,000-row update is one notification, and PostgreSQL folds
 * identical notifications of one transaction into one. SQLite needs nothing: a no-op there.
 */
export const CHANGE_CHANNEL = 'pisonet_changes';
export const NOTIFYING_TABLES = ['vouchers', 'voucher_devices', 'profiles'] as const;

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`
    CREATE FUNCTION pisonet_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${CHANGE_CHANNEL}', TG_TABLE_NAME);
      RETURN NULL;
    END $$`);
  for (const t of NOTIFYING_TABLES)
    await knex.raw(
      `CREATE TRIGGER ${t}_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t}
       FOR EACH STATEMENT EXECUTE FUNCTION pisonet_notify_change()`,
    );
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  for (const t of NOTIFYING_TABLES) await knex.raw(`DROP TRIGGER IF EXISTS ${t}_notify_change ON ${t}`);
  await knex.raw('DROP FUNCTION IF EXISTS pisonet_notify_change()');
}
