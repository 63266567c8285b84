/**
 * Reports open on Today, with presets (Today, Yesterday, This week, This month) and a custom range, in the
 * shop's time zone: a fake clock in Asia/Manila, around midnight, a Monday, the first of a month and a year.
 */
import { presetDates, presetOf, REPORT_PRESETS } from '../../src/domain/calendar';
import { parseRange } from '../../src/web/admin/pages/reports';
import { FakeClock } from '../../src/lib/clock';
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from './client';

const TZ = 'Asia/Manila';
/** An instant given as Manila wall time (UTC+8, no DST). */
const manila = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h - 8, mi);
/** Manila midnight starting a local date. */
const midnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

const all = (now: number) => Object.fromEntries(REPORT_PRESETS.map((p) => [p, presetDates(p, now, TZ)]));

test('each preset on an ordinary Sunday morning', () => {
  const clock = new FakeClock(manila(2026, 11, 22, 9, 30)); // Sunday
  expect(all(clock.now())).toEqual({
    today: { fromDate: '2026-11-22', toDate: '2026-11-22' },
    yesterday: { fromDate: '2026-11-21', toDate: '2026-11-21' },
    week: { fromDate: '2026-11-16', toDate: '2026-11-22' }, // from Monday
    month: { fromDate: '2026-11-01', toDate: '2026-11-22' },
  });
});

test('just after midnight in Manila it is already the next day, though UTC is still on the last one', () => {
  const now = manila(2026, 11, 23, 0, 10); // Monday 00:10 in Manila = Sunday 16:10 UTC
  expect(new Date(now).toISOString()).toBe('2026-11-22T16:10:00.000Z');
  expect(all(now)).toEqual({
    today: { fromDate: '2026-11-23', toDate: '2026-11-23' },
    yesterday: { fromDate: '2026-11-22', toDate: '2026-11-22' },
    week: { fromDate: '2026-11-23', toDate: '2026-11-23' }, // a Monday: the week is today
    month: { fromDate: '2026-11-01', toDate: '2026-11-23' },
  });
  // And one minute before midnight it is still Sunday.
  expect(presetDates('today', manila(2026, 11, 22, 23, 59), TZ)).toEqual({
    fromDate: '2026-11-22',
    toDate: '2026-11-22',
  });
});

test('New Year: yesterday is in the old year, the week began in it, the month is one day', () => {
  const now = manila(2026, 1, 1, 0, 5); // Thursday
  expect(all(now)).toEqual({
    today: { fromDate: '2026-01-01', toDate: '2026-01-01' },
    yesterday: { fromDate: '2025-12-31', toDate: '2025-12-31' },
    week: { fromDate: '2025-12-29', toDate: '2026-01-01' },
    month: { fromDate: '2026-01-01', toDate: '2026-01-01' },
  });
  expect(presetDates('yesterday', manila(2026, 3, 1, 12), TZ)).toEqual({
    fromDate: '2026-02-28',
    toDate: '2026-02-28',
  });
});

test('the report range: today by default, presets and custom dates as Manila midnights, bad input named', () => {
  const now = manila(2026, 11, 22, 9, 30);
  const plain = parseRange({}, now, TZ);
  expect(plain.errors).toEqual({});
  expect(plain.range).toEqual({
    fromDate: '2026-11-22',
    toDate: '2026-11-22',
    from: midnight('2026-11-22'),
    to: midnight('2026-11-23'),
    by: 'day',
    preset: 'today',
  });
  expect(plain.range.from).toBe(Date.UTC(2026, 10, 21, 16, 0));

  const week = parseRange({ preset: 'week', from: '2020-01-01' }, now, TZ).range;
  expect(week).toMatchObject({ fromDate: '2026-11-16', toDate: '2026-11-22', preset: 'week' });
  expect([week.from, week.to]).toEqual([midnight('2026-11-16'), midnight('2026-11-23')]);
  const month = parseRange({ preset: 'month', by: 'week' }, now, TZ).range;
  expect(month).toMatchObject({ fromDate: '2026-11-01', toDate: '2026-11-22', by: 'week', preset: 'month' });

  // Typed by hand: a custom range, or a preset when it is the same dates.
  const custom = parseRange({ preset: 'custom', from: '2026-11-03', to: '2026-11-05' }, now, TZ).range;
  expect(custom).toMatchObject({ fromDate: '2026-11-03', toDate: '2026-11-05', preset: null });
  expect(custom.to - custom.from).toBe(3 * 86_400_000);
  expect(parseRange({ from: '2026-11-21', to: '2026-11-21' }, now, TZ).range.preset).toBe('yesterday');
  expect(presetOf('2026-11-01', '2026-11-22', now, TZ)).toBe('month');

  // Over 3 years: refused by name, and the range used (its end date too) is the 3 years from the start.
  const long = parseRange({ preset: 'custom', from: '2020-01-01', to: '2026-11-22' }, now, TZ);
  expect(long.tooLong).toBe('choose at most 3 years: from 2020-01-01, up to 2023-01-02');
  expect(long.range).toMatchObject({ fromDate: '2020-01-01', toDate: '2023-01-02' });
  expect(long.range.to).toBe(midnight('2023-01-03'));
  const most = parseRange({ preset: 'custom', from: '2020-01-01', to: '2023-01-02' }, now, TZ);
  expect([most.tooLong, most.errors]).toEqual([null, {}]);

  const bad = parseRange({ preset: 'fortnight' }, now, TZ);
  expect(bad.errors).toEqual({ preset: expect.stringContaining('Today, Yesterday, This week') });
  expect(bad.range).toMatchObject({ fromDate: '2026-11-22', toDate: '2026-11-22' });
  expect(parseRange({ preset: 'custom', from: '2026-13-01' }, now, TZ).errors).toEqual({
    from: 'use a date like 2026-11-01',
  });
});

describe('the reports page', () => {
  let h: Harness;
  let c: AdminClient;
  beforeAll(async () => {
    h = await createHarness({ http: true }); // its fake clock: 2026-11-21 12:00 in Manila, a Saturday
    c = new AdminClient(h.app!.url);
    expect((await c.login()).status).toBe(303);
  });
  afterAll(async () => {
    await h.close();
  });

  const current = (html: string) =>
    /href="\/admin\/reports\?preset=(\w+)" aria-current="page"/.exec(html)?.[1];
  const range = (html: string) => /data-testid="report-range">([^<]+)</.exec(html)?.[1];

  test('opens on Today, and each preset link shows its own range', async () => {
    const page = await c.html('/admin/reports');
    expect(page).toContain('<h1>Reports: Today</h1>');
    expect(current(page)).toBe('today');
    expect(range(page)).toBe('2026-11-21 (weeks start on Monday)');
    const expected: Record<string, string> = {
      today: '2026-11-21',
      yesterday: '2026-11-20',
      week: '2026-11-16 to 2026-11-21',
      month: '2026-11-01 to 2026-11-21',
    };
    for (const [preset, dates] of Object.entries(expected)) {
      const html = await c.html(`/admin/reports?preset=${preset}`);
      expect(current(html)).toBe(preset);
      expect(range(html)).toBe(`${dates} (weeks start on Monday)`);
    }
    const custom = await c.html('/admin/reports?preset=custom&from=2026-10-01&to=2026-10-31');
    expect(custom).toContain('<h1>Reports</h1>');
    expect(custom).toMatch(/href="#custom-range" aria-current="page"/);
    expect(range(custom)).toBe('2026-10-01 to 2026-10-31 (weeks start on Monday)');
  });

  test('a range over 3 years: the page names the range it shows, the CSVs are refused', async () => {
    const asked = 'from=2020-01-01&to=2026-11-21&by=month';
    const html = await c.html(`/admin/reports?preset=custom&${asked}`);
    expect(range(html)).toBe('2020-01-01 to 2023-01-02 (weeks start on Monday)');
    expect(html).toContain(
      'Range: choose at most 3 years: from 2020-01-01, up to 2023-01-02. The figures below are of 2020-01-01 to 2023-01-02.',
    );
    expect(html).toContain('value="2023-01-02"');
    for (const csv of ['sales', 'profiles', 'usage', 'top-users']) {
      const res = await c.get(`/admin/reports/${csv}.csv?${asked}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(await res.text()).toContain('choose at most 3 years: from 2020-01-01, up to 2023-01-02');
    }
    const most = await c.get('/admin/reports/sales.csv?from=2020-01-01&to=2023-01-02&by=month');
    expect(most.status).toBe(200);
    expect(most.headers.get('content-disposition')).toContain('sales-by-month-2020-01-01-to-2023-01-02.csv');
  });
});
