/**
 * After every poll each site asks whether it has a paused code or a code kept for a device (selfServiceDue). Almost
 * none ever is, and a shop holds thousands of active and unused codes: the question is answered from the two
 * partial indexes made for it, never by walking the site's active codes or the shop's unused cards.
 */
import { selfServiceDue } from '../../src/services/shop/self-service/queued';
import { isPostgres } from '../../src/db/knex';
import { createHarness, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({});
});
afterAll(async () => {
  await h.close();
});

test('answers from the paused and queued partial indexes (SQLite plan)', async () => {
  const db = h.core!.db;
  const asked: Array<{ sql: string; bindings: unknown[] }> = [];
  const listen = (q: { sql: string; bindings?: unknown[] }) =>
    asked.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', listen);
  try {
    expect(await selfServiceDue(db, 1)).toEqual({ paused: false, queued: false });
  } finally {
    db.removeListener('query', listen);
  }
  expect(asked).toHaveLength(1);
  if (isPostgres(db)) return; // PostgreSQL plans from its own statistics
  const plan = (await db.raw(`EXPLAIN QUERY PLAN ${asked[0].sql}`, asked[0].bindings as never[])) as Array<{
    detail: string;
  }>;
  const details = plan.map((p) => p.detail).join('\n');
  expect(details).toMatch(/USING INDEX vouchers_paused/);
  expect(details).toMatch(/USING INDEX vouchers_queued/);
  expect(details).not.toMatch(/vouchers_site_id_status_index|vouchers_status_index|SCAN vouchers|SCAN q\b/);
});
