import type { Knex } from 'knex';

/**
 * Coins that topped up a running voucher at a coin box are a sale like time sold at the counter: a
 * `voucher_charges` row of kind `coin_topup` (amount the coins, in centavos), so every report's money in (the
 * dashboard's income, sales by day and by profile, the Sites page, the exports, the metrics) counts them, where
 * before only the "By source" table read them from `vendo_topups`. The top-ups applied before are given their
 * charge here, dated when they were made, under the voucher's profile now, by the coin box.
 *
 * Plain SQL, the same on SQLite and PostgreSQL.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    INSERT INTO voucher_charges
      (voucher_id, site_id, kind, amount, credit, from_profile_id, total_seconds, note, created_at, actor)
    SELECT t.voucher_id, v.site_id, 'coin_topup', t.amount, 0, v.profile_id, t.seconds,
      SUBSTR('Time added with coins at ' || d.name, 1, 255), t.at, SUBSTR('vendo ' || d.name, 1, 64)
    FROM vendo_topups t
      JOIN vouchers v ON v.id = t.voucher_id
      JOIN vendos d ON d.id = t.vendo_id
    WHERE t.applied_at IS NOT NULL AND t.amount > 0
    ORDER BY t.id`);
}

export async function down(knex: Knex): Promise<void> {
  await knex('voucher_charges').where({ kind: 'coin_topup' }).delete();
}
