/**
 * A shop on its billing day, written straight to the database (no jest globals: the billing bench uses it too):
 * `count` subscribers on one ₱999 plan, every one billing on the 5th (one in ten suspended), each already
 * invoiced for the cycle that ends on 2027-01-04 (INV-000001 … when `invoiced`), so the run at 00:00 on
 * 2027-01-05 owes each exactly one invoice.
 */
import type { Db } from '../../src/db/knex';

export const SEED_PRICE = 99_900;

export async function seedBillingDay(
  db: Db,
  o: { count: number; now: number; invoiced: boolean },
): Promise<void> {
  const { count, now } = o;
  const [profile] = await db('profiles')
    .insert({
      name: 'HOME10',
      price: SEED_PRICE,
      spec: '{}',
      source: 'admin',
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  const profileId = typeof profile === 'object' ? Number(profile.id) : Number(profile);
  const subs = [];
  for (let i = 1; i <= count; i++)
    subs.push({
      id: i,
      seq: i,
      site_id: 1,
      profile_id: profileId,
      name: `Subscriber ${i}`,
      mobile: `+63917${String(i).padStart(7, '0')}`,
      username: `sub${i}`,
      username_key: `sub${i}`,
      password_enc: 'sealed',
      billing_day: 5,
      billing_anchor: '2026-12-05',
      status: i % 10 === 0 ? 'suspended' : 'active',
      starts_on: '2026-12-05',
      language: 'en',
      created_at: now,
      updated_at: now,
    });
  await db.batchInsert('subscribers', subs, 500);
  await db('subscriber_numbers').where({ id: 1 }).update({ last: count });
  if (o.invoiced) {
    const invoices = subs.map((s) => ({
      id: s.id,
      seq: s.id,
      number: `INV-${String(s.id).padStart(6, '0')}`,
      subscriber_id: s.id,
      issue_key: 'cycle:2026-12-05',
      kind: 'cycle',
      period_start: '2026-12-05',
      period_end: '2027-01-04',
      issued_on: '2026-12-05',
      due_on: '2026-12-12',
      amount: SEED_PRICE,
      created_at: now,
    }));
    await db.batchInsert('invoices', invoices, 500);
    await db.batchInsert(
      'invoice_lines',
      invoices.map((i) => ({ invoice_id: i.id, position: 1, description: 'HOME10', amount: SEED_PRICE })),
      500,
    );
    await db('invoice_numbers').where({ id: 1 }).update({ last: count });
  }
  if (db.client.config.client === 'pg')
    for (const t of ['subscribers', 'invoices'])
      await db.raw(
        `SELECT setval(pg_get_serial_sequence('${t}', 'id'), GREATEST(1, (SELECT MAX(id) FROM ${t})))`,
      );
}
