/**
 * The shop's time zone changed in Settings ("in effect now, no restart needed"): the dashboard's "Sales, last 7
 * days" shows seven days in the new zone, and back; backups made before and after the change carry their zone in
 * their names, so both still say when they were made.
 */
import path from 'node:path';
import { AdminClient } from './client';
import { Harness, usageHarness } from '../usage/helpers';

let h: Harness;
let c: AdminClient;

beforeAll(async () => {
  h = await usageHarness({ http: true }); // .env: TZ=Asia/Manila
  c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
}, 60000);
afterAll(async () => {
  await h?.close();
});

const setZone = async (tz: string) =>
  expect((await c.post('/admin/settings/shop', { tz }, await c.token('/admin/settings'))).status).toBe(303);

/** The days of the dashboard's "Sales, last 7 days" chart (each bar's title starts with its date). */
async function chartDays(): Promise<string[]> {
  const html = await c.html('/admin');
  const section = html.slice(html.indexOf('Sales, last 7 days'));
  const chart = section.slice(0, section.indexOf('</figure>') > 0 ? section.indexOf('</figure>') : 4000);
  return [...new Set([...chart.matchAll(/(\d{4}-\d{2}-\d{2}): ₱/g)].map((m) => m[1]))];
}

test('"Sales, last 7 days" is seven days after a zone change made in Settings, and back', async () => {
  // 15:30 UTC: 23:30 in Manila, already the next day in Tokyo.
  h.clock.set(Date.UTC(2026, 10, 24, 15, 30));
  expect(await chartDays()).toEqual([
    '2026-11-18',
    '2026-11-19',
    '2026-11-20',
    '2026-11-21',
    '2026-11-22',
    '2026-11-23',
    '2026-11-24',
  ]);
  await setZone('Asia/Tokyo');
  expect(await chartDays()).toEqual([
    '2026-11-19',
    '2026-11-20',
    '2026-11-21',
    '2026-11-22',
    '2026-11-23',
    '2026-11-24',
    '2026-11-25',
  ]);
  await setZone('Asia/Manila');
  expect(await chartDays()).toHaveLength(7);
  expect((await chartDays())[6]).toBe('2026-11-24');
});

test('backups before and after a zone change: each name carries its zone; newest first stays true', async () => {
  await setZone('Asia/Manila');
  h.clock.set(Date.UTC(2026, 10, 24, 15, 30));
  const before = await h.core!.services.backups.backupNow({ format: 'export' });
  await setZone('Asia/Tokyo');
  h.clock.set(Date.UTC(2026, 10, 24, 15, 40));
  const after = await h.core!.services.backups.backupNow({ format: 'export' });
  expect(path.basename(before.file)).toBe('pisonet-20261124-233000+0800.export.backup');
  expect(path.basename(after.file)).toBe('pisonet-20261125-004000+0900.export.backup');
  const listed = await h.core!.services.backups.list();
  expect(listed.map((f) => f.name).slice(0, 2)).toEqual([
    path.basename(after.file),
    path.basename(before.file),
  ]);
  await setZone('Asia/Manila');
});

/** The first column of a sales CSV's rows (its periods), header left out. */
async function csvPeriods(query: string): Promise<string[]> {
  const res = await c.get(`/admin/reports/sales.csv?${query}`);
  expect(res.status).toBe(200);
  return (await res.text())
    .trim()
    .split('\r\n')
    .slice(1)
    .map((line) => line.split(',')[0]);
}

test('Reports "Today" and "This week" (page and CSV) follow a zone changed in Settings at once', async () => {
  // 15:30 UTC on a Sunday: 23:30 Sunday in Manila, already 00:30 Monday in Tokyo (a new day and a new week).
  h.clock.set(Date.UTC(2026, 10, 22, 15, 30));
  await setZone('Asia/Manila');
  expect(await csvPeriods('preset=today')).toEqual(['2026-11-22']);
  await setZone('Asia/Tokyo');
  expect(await csvPeriods('preset=today')).toEqual(['2026-11-23']);
  expect(await csvPeriods('preset=week')).toEqual(['2026-11-23']);
  const page = await c.html('/admin/reports?preset=today');
  expect(page).toContain('value="2026-11-23"');
  expect(page).not.toContain('value="2026-11-22"');
  await setZone('Asia/Manila');
  expect(await csvPeriods('preset=week')).toHaveLength(7);
});
