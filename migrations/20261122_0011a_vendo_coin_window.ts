import type { Knex } from 'knex';

/**
 * A coin restarts its window in the same statement that records it (a trigger), so a coin is one write and one
 * commit on the board's hot path: the window of an armed session that has not run out moves to the coin's time
 * plus the vendo's window; a coin for a closed window changes no window (it is the device's saved credit).
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    // PostgreSQL: the same trigger as a function (NEW is the coin row).
    await knex.raw(`
      CREATE FUNCTION vendo_coin_restarts_window() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE vendo_sessions
           SET expires_at = NEW.received_at + 1000 * (SELECT window_seconds FROM vendos WHERE id = NEW.vendo_id)
         WHERE id = NEW.session_id AND state = 'armed' AND expires_at > NEW.received_at;
        RETURN NULL;
      END $$`);
    await knex.raw(`
      CREATE TRIGGER vendo_coin_restarts_window AFTER INSERT ON vendo_coins
      FOR EACH ROW EXECUTE FUNCTION vendo_coin_restarts_window()`);
    return;
  }
  await knex.raw(`
    CREATE TRIGGER vendo_coin_restarts_window AFTER INSERT ON vendo_coins
    BEGIN
      UPDATE vendo_sessions
         SET expires_at = NEW.received_at + 1000 * (SELECT window_seconds FROM vendos WHERE id = NEW.vendo_id)
       WHERE id = NEW.session_id AND state = 'armed' AND expires_at > NEW.received_at;
    END`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS vendo_coin_restarts_window ON vendo_coins');
    await knex.raw('DROP FUNCTION IF EXISTS vendo_coin_restarts_window()');
    return;
  }
  await knex.raw('DROP TRIGGER IF EXISTS vendo_coin_restarts_window');
}
