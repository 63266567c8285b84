import { colourEnabled, makeColours, stripAnsi } from '../../cli/lib/ansi';
import { startOfDay, startOfMonth, startOfWeek, parseDate } from '../../cli/lib/dates';
import { limitText, rateShort } from '../../cli/lib/render';
import { keyValues, table, terminalWidth, truncate } from '../../cli/lib/table';
import { sessionText, usageText } from '../../cli/commands/subscribers';
import { OFFLINE } from '../../src/services/network/usage/subscriber-online';

describe('table', () => {
  const rows = [
    { code: 'ABCDEFGH', profile: 'A-VERY-LONG-PROFILE-NAME-INDEED', mac: '02:AA:00:00:00:01' },
    { code: 'JKMNPQRS', profile: 'BASIC', mac: '-' },
  ];
  const cols = [
    { header: 'CODE', get: (r: (typeof rows)[0]) => r.code },
    { header: 'PROFILE', get: (r: (typeof rows)[0]) => r.profile, shrink: true },
    { header: 'MAC', get: (r: (typeof rows)[0]) => r.mac },
  ];

  test('aligns columns under a header and a rule', () => {
    const lines = table(rows, cols, { width: 200 }).split('\n');
    expect(lines[0]).toBe('CODE      PROFILE                          MAC');
    expect(lines[1]).toBe('--------  -------------------------------  -----------------');
    expect(lines[3]).toBe('JKMNPQRS  BASIC                            -');
  });

  test('shrinks flexible columns with … to fit the width', () => {
    const lines = table(rows, cols, { width: 40 }).split('\n');
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(40);
    expect(lines[2]).toBe('ABCDEFGH  A-VERY-LON…  02:AA:00:00:00:01');
    expect(lines[2]).toContain('02:AA:00:00:00:01');
  });

  test('colours do not count as width', () => {
    const c = makeColours(true);
    const t = table(rows, [{ ...cols[0], style: (s: string) => c.green(s) }, cols[2]], {
      width: 80,
      colours: c,
    });
    expect(stripAnsi(t).split('\n')[3]).toBe('JKMNPQRS  -');
    expect(t).toContain('\x1b[32mABCDEFGH\x1b[39m');
  });

  test('codes, MACs, IPs and sites are never cut: a droppable column is left out, and the table says so', () => {
    const devices = [
      {
        code: 'PZB6XUMDHE',
        site: 'default',
        mac: '02:50:00:00:00:01',
        ip: '10.5.50.254',
        down: '91.6 MB',
        up: '14.8 MB',
      },
      {
        code: 'Q8PJPYK6AB',
        site: 'branch-x',
        mac: '02:50:00:00:00:02',
        ip: '10.79.1.11',
        down: '1.2 GB',
        up: '300 MB',
      },
    ];
    type D = (typeof devices)[0];
    const columns = [
      { header: 'VOUCHER', get: (d: D) => d.code },
      { header: 'SITE', get: (d: D) => d.site },
      { header: 'MAC', get: (d: D) => d.mac },
      { header: 'IP', get: (d: D) => d.ip },
      { header: 'DOWN', get: (d: D) => d.down, align: 'right' as const, drop: 2 },
      { header: 'UP', get: (d: D) => d.up, align: 'right' as const, drop: 1 },
    ];
    const lines = table(devices, columns, { width: 64 }).split('\n');
    expect(lines[0]).toBe('VOUCHER     SITE      MAC                IP              DOWN');
    expect(lines[3]).toBe('Q8PJPYK6AB  branch-x  02:50:00:00:00:02  10.79.1.11    1.2 GB');
    expect(lines[4]).toBe('(UP left out to fit 64 columns)');
    // Wide enough: every column, no note.
    expect(table(devices, columns, { width: 70 })).not.toContain('left out');
    // Narrower than the key columns: they stay whole (the terminal wraps).
    expect(table(devices, columns, { width: 40 }).split('\n')[2]).toBe(
      'PZB6XUMDHE  default   02:50:00:00:00:01  10.5.50.254',
    );
  });

  test('the width: COLUMNS when set, else the terminal’s; output that is not a terminal is not cut', () => {
    expect(terminalWidth({ isTTY: true, columns: 100 }, {})).toBe(100);
    expect(terminalWidth({ isTTY: true, columns: 100 }, { COLUMNS: '120' })).toBe(120);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '60' })).toBe(60);
    expect(terminalWidth({ isTTY: false }, {})).toBe(Infinity);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: 'wide' })).toBe(Infinity);
  });

  test('truncate and keyValues', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(
      keyValues([
        ['Identity', 'R1'],
        ['Uptime', '1d'],
      ]),
    ).toBe('Identity: R1\nUptime:   1d');
  });
});

describe('colours', () => {
  test('off for NO_COLOR, TERM=dumb and non-terminals; FORCE_COLOR wins', () => {
    expect(colourEnabled({ isTTY: true }, { TERM: 'xterm' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(makeColours(false).red('x')).toBe('x');
  });
});

describe('dates in the shop zone', () => {
  const tz = 'Asia/Manila';
  // 2026-11-21 (Saturday) 10:30 in Manila = 02:30 UTC
  const now = Date.UTC(2026, 10, 21, 2, 30);
  test('today, this week (Monday) and this month start at local midnight', () => {
    expect(new Date(startOfDay(now, tz)).toISOString()).toBe('2026-11-20T16:00:00.000Z');
    expect(new Date(startOfWeek(now, tz)).toISOString()).toBe('2026-11-15T16:00:00.000Z');
    expect(new Date(startOfMonth(now, tz)).toISOString()).toBe('2026-10-31T16:00:00.000Z');
  });
  test('parseDate: inclusive end and validation', () => {
    expect(parseDate('2026-11-21', 'to', tz, true) - parseDate('2026-11-21', 'from', tz)).toBe(86400000);
    expect(() => parseDate('2026-02-30', 'from', tz)).toThrow(
      'from: "2026-02-30" is not a date; use YYYY-MM-DD like 2026-11-21',
    );
  });
});

test('limitText shows RouterOS bits/s pairs compactly', () => {
  expect(limitText('512000/1000000')).toBe('1M/512K'); // download first, like the ↓/↑ headers
  expect(limitText('0/0')).toBe('unlimited');
  expect(limitText('')).toBe('-');
});

test('rateShort keeps live rates narrow', () => {
  expect(rateShort(780780)).toBe('781 kbps');
  expect(rateShort(1350000)).toBe('1.35 Mbps');
  expect(rateShort(12345678)).toBe('12.3 Mbps');
  expect(rateShort(0)).toBe('0 bps');
});

describe("a subscriber's usage and session in the terminal", () => {
  test('both sides of "used of cap" in the same units', () => {
    expect(usageText({ usage: { countedBytes: 162_396_172, capBytes: 200e9, leftBytes: 0 } })).toBe(
      '162.4 MB of 200.0 GB',
    );
    expect(usageText({ usage: { countedBytes: 5e9, capBytes: null, leftBytes: null } })).toBe('5.0 GB');
  });

  test('online with address, uptime and speed; offline', () => {
    const online = {
      online: true,
      address: '10.10.0.2',
      uptimeSeconds: 3_900,
      rate: { up: 400_000, down: 800_000 },
      seenAt: 0,
    };
    expect(sessionText({ session: online })).toBe('online 10.10.0.2, up 1h 5m, 800 kbps down / 400 kbps up');
    expect(sessionText({ session: { ...OFFLINE } })).toBe('offline');
  });
});
