/** The one way times are shown: the shop's zone, the Philippine 12-hour clock, the same shapes in the browser. */
import { formatShopTime, isUtcZone, TIME_FORMATS, timeFormatter } from '../../src/domain/clock';
import { formatCountdown } from '../../src/domain/units';
import { formatters } from '../../src/web/admin/pages/common';

// 2026-11-22 07:44:35 in Manila (UTC+8) is 23:44:35 UTC the day before.
const MORNING = Date.UTC(2026, 10, 21, 23, 44, 35);

describe('timeFormatter', () => {
  test('Manila, en-PH: a 12-hour clock with a plain space before AM/PM', () => {
    const f = timeFormatter('Asia/Manila');
    expect(f.locale).toBe('en-PH');
    expect(f.format(MORNING, 'short')).toBe('Nov 22, 7:44 AM');
    expect(f.format(MORNING, 'full')).toBe('Nov 22, 2026, 7:44:35 AM');
    expect(f.format(MORNING, 'clock')).toBe('7:44:35 AM');
    expect(f.format(MORNING, 'time')).toBe('7:44 AM');
    expect(f.format(MORNING + 12 * 3600_000, 'time')).toBe('7:44 PM');
    for (const name of Object.keys(TIME_FORMATS) as (keyof typeof TIME_FORMATS)[])
      expect(f.format(MORNING, name)).not.toMatch(/[\u202f\u00a0]/);
  });

  test('the zone moves the day and the hour: the same instant in UTC', () => {
    expect(timeFormatter('UTC').format(MORNING, 'short')).toBe('Nov 21, 11:44 PM');
  });

  test('midnight and noon read as 12, never 0 or 00', () => {
    const f = timeFormatter('Asia/Manila');
    expect(f.format(Date.UTC(2026, 10, 21, 16, 5), 'short')).toBe('Nov 22, 12:05 AM');
    expect(f.format(Date.UTC(2026, 10, 22, 4, 0), 'time')).toBe('12:00 PM');
  });

  test('the page formatters are these: short for tables, full for the exact moment, clock for "updated"', () => {
    const fmt = formatters('Asia/Manila');
    expect(fmt.time(MORNING)).toBe('Nov 22, 7:44 AM');
    expect(fmt.fullTime(MORNING)).toBe('Nov 22, 2026, 7:44:35 AM');
    expect(fmt.clock(MORNING)).toBe('7:44:35 AM');
    expect(fmt.time(null)).toBe('—');
    expect(fmt.iso(MORNING)).toBe('2026-11-21T23:44:35.000Z');
    // What admin-time.js gets: the very option objects the server used.
    expect(JSON.parse(fmt.formatsJson)).toEqual(TIME_FORMATS);
    expect(fmt.tz).toBe('Asia/Manila');
    expect(fmt.locale).toBe('en-PH');
  });

  test('formatShopTime: today as a time, another day with its date, in the same clock', () => {
    expect(formatShopTime(MORNING, 'Asia/Manila', MORNING + 3600_000)).toBe('7:44 AM');
    expect(formatShopTime(MORNING, 'Asia/Manila', MORNING + 86400_000)).toBe('Nov 22, 7:44 AM');
    expect(formatShopTime(MORNING, 'Asia/Manila')).toBe('7:44 AM');
  });
});

test('UTC by any of its names is flagged; real zones are not', () => {
  for (const z of ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Etc/GMT+0', 'Universal', 'Zulu', 'UCT'])
    expect(isUtcZone(z)).toBe(true);
  for (const z of ['Asia/Manila', 'Europe/London', 'Etc/GMT-8', 'America/New_York'])
    expect(isUtcZone(z)).toBe(false);
});

test('formatCountdown: the status page clock', () => {
  expect(formatCountdown(3600)).toBe('1:00:00');
  expect(formatCountdown(5400)).toBe('1:30:00');
  expect(formatCountdown(3599)).toBe('59:59');
  expect(formatCountdown(59)).toBe('0:59');
  expect(formatCountdown(0)).toBe('0:00');
  expect(formatCountdown(-5)).toBe('0:00');
  expect(formatCountdown(90061)).toBe('1d 1:01:01');
  expect(formatCountdown(59.9)).toBe('0:59');
});
