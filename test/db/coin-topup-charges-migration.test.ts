/**
 * Coins that top up a running voucher are a sale in every report's money in: the top-up keeps a charge of kind
 * coin_topup (the dashboard's income, sales by profile, "By source"'s Coin top-ups), and migration 0065 gives the
 * top-ups kept before it their charge. On SQLite, and on PostgreSQL with `npm run test:pg`.
 */
import { AdminClient } from '../admin/client';
import { createHarness, Harness } from '../helpers/harness';
import { onPostgres } from '../helpers/test-db';
import { migrateLatest } from '../../src/db/knex';
import { adminApi, coinsForTopUp } from '../vendos/helpers';

const NAME = '20261208_0065_coin_topup_charges';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true });
});
afterEach(() => h.close());

async function adminPage(path: string): Promise<string> {
  const c = new AdminClient(h.app!.url);
  await c.login();
  return (await c.html(path)).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

const charges = async () =>
  ((await h.core!.db('voucher_charges').orderBy('id')) as Record<string, unknown>[]).map((c) => ({
    kind: c.kind,
    amount: Number(c.amount),
    total_seconds: Number(c.total_seconds),
    actor: c.actor,
  }));

describe(`coin top-ups are money in (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('a ₱10 top-up counts in the income and by source once; 0065 gives old top-ups their charge', async () => {
    const { code, id, phone, session } = await coinsForTopUp(h, 10); // on a ₱5 code
    expect((await phone.finish(session)).json).toMatchObject({ success: true, top_up: true });

    const vendo = (await h.core!.db('vendos').where({ id }).first('name')) as { name: string };
    const kept = [
      { kind: 'coin_topup', amount: 1000, total_seconds: 3 * 3600, actor: `vendo ${vendo.name}` },
    ];
    expect(await charges()).toEqual(kept);
    expect((await adminApi(h, 'GET', '/dashboard')).json.today).toMatchObject({
      count: 1,
      charges: 1,
      amount: 1500,
    });
    const span = { from: h.clock.now() - 86_400_000, to: h.clock.now() + 1 };
    const sources = await h.core!.services.vendos.salesBySource(span);
    expect(sources.totals.topup).toEqual({ count: 1, amount: 1000 });
    expect(sources.sources.map((x) => x.key)).not.toContain('charge:coin_topup');
    expect(sources.days.reduce((n, x) => n + x.amount, 0)).toBe(1500);
    // The voucher's page and the charge's receipt name it.
    const page = await adminPage(`/admin/vouchers/${code}`);
    expect(page).toMatch(/Coins: more time: 3h/);
    const charge = (await h.core!.db('voucher_charges').first('id')) as { id: number };
    expect(await adminPage(`/admin/vouchers/${code}/charges/${charge.id}/receipt`)).toContain(
      'Coin top-up receipt',
    );

    // A top-up kept before 0065 had no charge: down takes them away, up gives them back from vendo_topups.
    await h.core!.db.migrate.down({ name: NAME });
    expect(await charges()).toEqual([]);
    await migrateLatest(h.core!.db);
    expect(await charges()).toEqual(kept);
    expect((await adminApi(h, 'GET', '/dashboard')).json.today).toMatchObject({ amount: 1500 });
  });
});
