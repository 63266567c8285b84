/** Rows counted in one statement, as numbers whatever the driver answers (PostgreSQL's COUNT is a string). */
import type { Knex } from 'knex';

/** The rows of `q` per value of `column`. */
export async function countsBy(db: Knex, q: Knex.QueryBuilder, column: string): Promise<Map<string, number>> {
  const rows = (await q.groupBy(column).select(column, db.raw('COUNT(*) AS n'))) as Array<
    Record<string, unknown>
  >;
  return new Map(rows.map((r) => [String(r[column]), Number(r.n)]));
}

/** How many rows `q` has and the sum of `column` over them (0 over none). */
export async function countAndSum(
  db: Knex,
  q: Knex.QueryBuilder,
  column: string,
): Promise<{ count: number; sum: number }> {
  const r = (await q.first(db.raw('COUNT(*) AS n'), db.raw('COALESCE(SUM(??), 0) AS total', [column]))) as {
    n: unknown;
    total: unknown;
  };
  return { count: Number(r.n), sum: Number(r.total) };
}
