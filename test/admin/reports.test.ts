import { createHarness, Harness } from '../helpers/harness';
import {
  addDays,
  datesBetween,
  isLocalDate,
  isoWeek,
  localDate,
  startOfLocalDay,
} from '../../src/domain/calendar';
import { toCsv } from '../../src/web/admin/pages/reports';
import { recordSamples } from '../../src/services/network/usage/persist';
import { insertedId } from '../../src/db/knex';

describe('shop calendar', () => {
  test('local dates and midnights follow the zone', () => {
    expect(localDate(Date.UTC(2026, 10, 20, 15, 59), 'Asia/Manila')).toBe('2026-11-20');
    expect(localDate(Date.UTC(2026, 10, 20, 16, 0), 'Asia/Manila')).toBe('2026-11-21');
    expect(startOfLocalDay('2026-11-21', 'Asia/Manila')).toBe(Date.UTC(2026, 10, 20, 16, 0));
    expect(startOfLocalDay('2026-11-21', 'UTC')).toBe(Date.UTC(2026, 10, 21));
  });

  test('midnight is found across a DST change (New York, 2026-03-08 and 2026-11-01)', () => {
    expect(startOfLocalDay('2026-03-08', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5));
    expect(startOfLocalDay('2026-03-09', 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 4));
    expect(startOfLocalDay('2026-11-02', 'America/New_York')).toBe(Date.UTC(2026, 10, 2, 5));
    expect(
      datesBetween(
        startOfLocalDay('2026-03-07', 'America/New_York'),
        startOfLocalDay('2026-03-10', 'America/New_York'),
        'America/New_York',
      ),
    ).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
  });

  test('ISO weeks, date checks and day arithmetic', () => {
    expect(isoWeek('2026-11-21')).toBe('2026-W47');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2025-12-29')).toBe('2026-W01');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('<script>')).toBe(false);
  });

  test('CSV cells are quoted and formula-looking text is defused', () => {
    expect(toCsv([['a,b', '=SUM(A1)', 5, 'say "hi"']])).toBe('"a,b",\'=SUM(A1),5,"say ""hi"""\r\n');
  });
});

describe('report service', () => {
  let h: Harness;
  let ids: Record<string, number>;
  const tz = 'Asia/Manila';

  async function voucher(
    code: string,
    profile: string,
    price: number,
    activatedAt: number | null,
    extra: Record<string, unknown> = {},
  ) {
    const id = insertedId(
      await h
        .core!.db('vouchers')
        .insert({
          code,
          profile_id: ids[profile],
          price,
          rate_limit_up: 1000000,
          rate_limit_down: 2000000,
          status: activatedAt === null ? 'unused' : 'active',
          created_at: Date.UTC(2026, 10, 1),
          activated_at: activatedAt,
          updated_at: Date.UTC(2026, 10, 1),
          ...extra,
        })
        .returning('id'),
    );
    return id as number;
  }

  beforeAll(async () => {
    h = await createHarness();
    const rows: { id: number; name: string }[] = await h.core!.db('profiles').select('id', 'name');
    ids = Object.fromEntries(rows.map((r) => [r.name, r.id]));
    // Nov 20 local: 23:59 (UTC 15:59) counts on the 20th; 00:00 local on the 21st counts on the 21st.
    await voucher('SALE0001', 'BASIC', 500, Date.UTC(2026, 10, 20, 15, 59));
    await voucher('SALE0002', 'STANDARD', 1000, Date.UTC(2026, 10, 20, 16, 0));
    await voucher('SALE0003', 'STANDARD', 1200, Date.UTC(2026, 10, 21, 3, 0)); // price override kept
    await voucher('SALE0004', 'PREMIUM', 2000, Date.UTC(2026, 9, 31, 17, 0)); // Nov 1 local, 01:00
    await voucher('STAFF001', 'PREMIUM', 0, Date.UTC(2026, 10, 21, 3, 0), { staff: true });
    await voucher('STOCK001', 'BASIC', 500, null);
    await voucher('STOCK002', 'BASIC', 500, null);
    await voucher('STOCK003', 'PREMIUM', 2000, null);
    const used = await voucher('USED0001', 'STANDARD', 1000, Date.UTC(2026, 10, 21, 1, 0));
    const dev = insertedId(
      await h
        .core!.db('voucher_devices')
        .insert({ voucher_id: used, mac: 'AA:BB:CC:00:00:01', first_seen_at: 0, last_seen_at: 0 })
        .returning('id'),
    );
    const other = await voucher('USED0002', 'BASIC', 500, Date.UTC(2026, 10, 21, 1, 0));
    const dev2 = insertedId(
      await h
        .core!.db('voucher_devices')
        .insert({ voucher_id: other, mac: 'AA:BB:CC:00:00:02', first_seen_at: 0, last_seen_at: 0 })
        .returning('id'),
    );
    await h.core!.db.transaction((trx) =>
      recordSamples(trx, [
        {
          device_id: dev,
          voucher_id: used,
          ts: Date.UTC(2026, 10, 21, 2),
          bytes_up: 1000,
          bytes_down: 9000,
          rate_up: 0,
          rate_down: 0,
        },
        {
          device_id: dev,
          voucher_id: used,
          ts: Date.UTC(2026, 10, 21, 3),
          bytes_up: 500,
          bytes_down: 500,
          rate_up: 0,
          rate_down: 0,
        },
        {
          device_id: dev2,
          voucher_id: other,
          ts: Date.UTC(2026, 10, 21, 3),
          bytes_up: 100,
          bytes_down: 200,
          rate_up: 0,
          rate_down: 0,
        },
        // outside the reported days
        {
          device_id: dev2,
          voucher_id: other,
          ts: Date.UTC(2026, 9, 1),
          bytes_up: 999999,
          bytes_down: 999999,
          rate_up: 0,
          rate_down: 0,
        },
      ]),
    );
  });
  afterAll(async () => {
    await h.close();
  });

  test('sales by day use activated_at in shop days, with empty days as zero, staff excluded', async () => {
    const rows = await h.core!.services.reports.sales({
      from: startOfLocalDay('2026-11-19', tz),
      to: startOfLocalDay('2026-11-22', tz),
      by: 'day',
    });
    expect(rows).toEqual([
      { period: '2026-11-19', count: 0, amount: 0 },
      { period: '2026-11-20', count: 1, amount: 500 },
      { period: '2026-11-21', count: 4, amount: 1000 + 1200 + 1000 + 500 },
    ]);
  });

  test('sales by week, month and profile', async () => {
    const span = { from: startOfLocalDay('2026-11-01', tz), to: startOfLocalDay('2026-12-01', tz) };
    const month = await h.core!.services.reports.sales({ ...span, by: 'month' });
    expect(month).toEqual([{ period: '2026-11', count: 6, amount: 500 + 1000 + 1200 + 2000 + 1000 + 500 }]);
    const weeks = await h.core!.services.reports.sales({ ...span, by: 'week' });
    expect(weeks.find((w) => w.period === '2026-W44')).toEqual({
      period: '2026-W44',
      count: 1,
      amount: 2000,
    });
    expect(weeks.find((w) => w.period === '2026-W47')).toEqual({
      period: '2026-W47',
      count: 5,
      amount: 4200,
    });
    const byProfile = await h.core!.services.reports.sales({ ...span, by: 'profile' });
    expect(byProfile).toEqual([
      { period: 'STANDARD', profile: 'STANDARD', count: 3, amount: 3200 },
      { period: 'PREMIUM', profile: 'PREMIUM', count: 1, amount: 2000 },
      { period: 'BASIC', profile: 'BASIC', count: 2, amount: 1000 },
    ]);
  });

  test('stock is the unused vouchers and their value', async () => {
    expect(await h.core!.services.reports.stock()).toEqual({
      count: 3,
      value: 3000,
      byProfile: [
        { profile: 'BASIC', count: 2, value: 1000 },
        { profile: 'PREMIUM', count: 1, value: 2000 },
      ],
    });
  });

  test('usage totals and top users over a range', async () => {
    const span = { from: startOfLocalDay('2026-11-21', tz), to: startOfLocalDay('2026-11-22', tz) };
    expect(await h.core!.services.reports.usageTotals(span)).toEqual({
      bytesUp: 1600,
      bytesDown: 9700,
      vouchers: 2,
    });
    expect(await h.core!.services.reports.topUsers({ ...span, limit: 5 })).toEqual([
      { code: 'USED0001', profile: 'STANDARD', bytes: 11000 },
      { code: 'USED0002', profile: 'BASIC', bytes: 300 },
    ]);
  });
});
