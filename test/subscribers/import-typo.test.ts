/**
 * A CSV import asks about an opening balance that looks like a typo as a single add does (above six months of the
 * plan's fee): the dry run shows each row's plan and opening balance and flags the row; the import itself writes
 * nothing and answers 409 CONFIRM_REQUIRED naming every flagged row, unless `?confirm=1`.
 */
import { countRows as count, importCsv, ownersHarness, type Json } from './helpers';

// HOME10 is ₱999 a month: ₱5,994 (six months) is taken as it is, ₱99,900 and ₱15,000 are asked about.
const FILE = [
  'name,username,plan,billing_day,opening_balance',
  'Ana Reyes,ana.reyes,HOME10,5,',
  'Ben Cruz,ben.cruz,HOME10,5,5994',
  'Typo Balance,typo.bal,HOME10,5,99900',
  'Cora Lim,cora.lim,HOME25,5,"15,000"',
].join('\r\n');

describe('importing subscribers: an opening balance that looks like a typo', () => {
  const t = ownersHarness();

  it("shows each row's plan and opening balance in the dry run and flags the likely typos", async () => {
    const res = await importCsv(t.h, FILE, '?dry_run=1');
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(4);
    const rows = res.json.rows as Json[];
    expect(rows.map((r) => [r.row, r.username, r.plan, r.opening_balance_centavos ?? null])).toEqual([
      [2, 'ana.reyes', 'HOME10', null],
      [3, 'ben.cruz', 'HOME10', 599_400],
      [4, 'typo.bal', 'HOME10', 9_990_000],
      [5, 'cora.lim', 'HOME25', 1_500_000],
    ]);
    expect(rows[3].opening_balance).toBe(15000);
    expect(rows.map((r) => r.question ?? null)).toEqual([
      null,
      null,
      '₱99,900.00 brought forward is 100 months of HOME10 (₱999.00 a month): a typo?',
      '₱15,000.00 brought forward is 10 months of HOME25 (₱1,499.00 a month): a typo?',
    ]);
    expect(await count(t.h, 'subscribers')).toBe(0);
  });

  it('refuses the whole file naming the flagged rows, then imports it when confirmed', async () => {
    const refused = await importCsv(t.h, FILE);
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('CONFIRM_REQUIRED');
    expect(refused.json.error).toMatch(
      /^Nothing was imported: an opening balance looks like a typo on 2 rows/,
    );
    expect(refused.json.error).toContain(
      'row 4, typo.bal: ₱99,900.00 brought forward is 100 months of HOME10',
    );
    expect(refused.json.error).toContain('row 5, cora.lim: ₱15,000.00 brought forward');
    expect(Object.keys(refused.json.fields)).toEqual(['row 4: opening_balance', 'row 5: opening_balance']);
    expect(await count(t.h, 'subscribers')).toBe(0);
    expect(await count(t.h, 'invoices')).toBe(0);

    const bad = await importCsv(t.h, FILE, '?confirm=maybe');
    expect(bad).toMatchObject({ status: 400, json: { code: 'INVALID_INPUT' } });

    const done = await importCsv(t.h, FILE, '?confirm=1');
    expect(done.status).toBe(201);
    expect(done.json.created).toBe(4);
    const typo = (done.json.rows as Json[]).find((r) => r.username === 'typo.bal')!;
    expect(typo).toMatchObject({ outcome: 'created', opening_balance_centavos: 9_990_000 });
    expect(typo.question).toMatch(/a typo\?$/);
    // Imported again, every row exists: nothing is asked, nothing written.
    const again = await importCsv(t.h, FILE);
    expect(again).toMatchObject({ status: 200, json: { created: 0, exists: 4 } });
    expect((again.json.rows as Json[]).some((r) => r.question !== undefined)).toBe(false);
  });
});
