import { stripAnsi } from '../../cli/lib/ansi';
import { loadConfig } from '../../src/config/env';
import { ConfigError } from '../../src/domain/errors';
import { createLogger, maskCodesInUrl } from '../../src/lib/logger';
import {
  formatRecord,
  HumanLogStream,
  resolveFormat,
  stdoutDestination,
  type LineTarget,
} from '../../src/lib/log-format';

/** 2026-11-22 09:44:05.123 UTC = 17:44:05 in Manila. */
const T = Date.UTC(2026, 10, 22, 9, 44, 5, 123);

function collector(): LineTarget & { text: string; writes: number } {
  const c = {
    text: '',
    writes: 0,
    write(s: string) {
      c.text += s;
      c.writes++;
    },
  };
  return c;
}

describe('human log lines', () => {
  test('local time in the zone, level, module, message, then the other fields as key=value', () => {
    const line = formatRecord(
      {
        level: 40,
        time: T,
        app: 'pisonet',
        module: 'router',
        host: '10.0.0.1',
        reason: 'command timed out: /queue/simple/print',
        attempt: 3,
        tls: false,
        msg: 'router connection dropped',
      },
      { tz: 'Asia/Manila' },
    );
    expect(line).toBe(
      '2026-11-22 17:44:05 WARN  [router] router connection dropped host=10.0.0.1 reason="command timed out: /queue/simple/print" attempt=3 tls=false',
    );
    // Another zone, another local time; no module, no brackets.
    expect(formatRecord({ level: 30, time: T, msg: 'stopped' }, { tz: 'UTC' })).toBe(
      '2026-11-22 09:44:05 INFO  stopped',
    );
    // Midnight is 00, not 24.
    expect(
      formatRecord({ level: 30, time: Date.UTC(2026, 10, 22, 16), msg: 'x' }, { tz: 'Asia/Manila' }),
    ).toBe('2026-11-23 00:00:00 INFO  x');
  });

  test('long values are cut, objects short JSON, errors by their message, one line whatever the message', () => {
    const line = formatRecord(
      {
        level: 50,
        time: T,
        msg: 'request failed\n  at somewhere',
        long: 'x'.repeat(500),
        applied: ['a', 'b'],
        err: { type: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at f (file.ts:1:1)' },
        empty: '',
      },
      { tz: 'UTC' },
    );
    expect(line).not.toContain('\n');
    expect(line).toContain('ERROR request failed at somewhere');
    expect(line).toMatch(/ long=x{119}… /);
    expect(line).toContain('applied=["a","b"]');
    expect(line).toContain('err="TypeError: boom"');
    expect(line).not.toContain('file.ts');
    expect(line).toContain('empty=""');
  });

  test('colours only the time and the level, and only when asked', () => {
    const rec = { level: 40, time: T, msg: 'm' };
    expect(formatRecord(rec, { tz: 'UTC', colour: false })).not.toContain('\u001b[');
    const coloured = formatRecord(rec, { tz: 'UTC', colour: true });
    expect(coloured).toContain('\u001b[33mWARN ');
    expect(stripAnsi(coloured)).toBe('2026-11-22 09:44:05 WARN  m');
  });

  test('through pino: secrets stay redacted, and the stream handles lines split across writes', () => {
    const out = collector();
    const log = createLogger('info', new HumanLogStream(out, { tz: 'Asia/Manila' }));
    log
      .child({ module: 'admin' })
      .warn(
        { password: 'hunter2-secret', router: { password: 'router-pw' }, token: 'tok-123', user: 'admin' },
        'login',
      );
    const line = out.text.trim();
    expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WARN {2}\[admin\] login /);
    expect(line).toContain('password=[redacted]');
    expect(line).toContain('router={"password":"[redacted]"}');
    expect(line).toContain('token=[redacted]');
    expect(line).toContain('user=admin');
    for (const secret of ['hunter2', 'router-pw', 'tok-123']) expect(out.text).not.toContain(secret);
    expect(line).not.toContain('app=');

    const split = collector();
    const s = new HumanLogStream(split, { tz: 'UTC' });
    s.write('{"level":30,"time":');
    expect(split.writes).toBe(0);
    s.write(`${T},"msg":"half"}\nnot json\n`);
    expect(split.text).toBe('2026-11-22 09:44:05 INFO  half\nnot json\n');
  });
});

describe('choosing the format', () => {
  const tty = { isTTY: true, write: () => true } as unknown as NodeJS.WriteStream;
  const pipe = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;

  test('auto: human on a terminal, JSON otherwise; json and pretty force one', () => {
    expect(resolveFormat('auto', true)).toBe('pretty');
    expect(resolveFormat('auto', false)).toBe('json');
    expect(resolveFormat('json', true)).toBe('json');
    expect(resolveFormat('pretty', false)).toBe('pretty');
    // JSON = pino's own stdout writer (undefined destination).
    expect(stdoutDestination('auto', 'UTC', pipe, {})).toBeUndefined();
    expect(stdoutDestination('json', 'UTC', tty, {})).toBeUndefined();
    expect(stdoutDestination('auto', 'UTC', tty, {})).toBeInstanceOf(HumanLogStream);
    expect(stdoutDestination('pretty', 'UTC', pipe, {})).toBeInstanceOf(HumanLogStream);
  });

  test("JSON when asked is pino's line, redaction included", () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (s: string) => void lines.push(s) });
    log.info({ password: 'pw-123', n: 1 }, 'hello');
    const rec = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(rec).toMatchObject({ level: 30, msg: 'hello', n: 1, password: '[redacted]' });
    expect(typeof rec.time).toBe('number');
    expect(lines[0]).not.toContain('pw-123');
  });

  test('pretty on a pipe has no colours; on a terminal it has, unless NO_COLOR or TERM=dumb', () => {
    const written: string[] = [];
    const sink = (isTTY: boolean) =>
      ({ isTTY, write: (s: string) => written.push(s) }) as unknown as NodeJS.WriteStream;
    const line = '{"level":40,"time":1,"msg":"m"}\n';
    stdoutDestination('pretty', 'UTC', sink(false), {})!.write(line);
    stdoutDestination('auto', 'UTC', sink(true), {})!.write(line);
    stdoutDestination('auto', 'UTC', sink(true), { NO_COLOR: '1' })!.write(line);
    stdoutDestination('auto', 'UTC', sink(true), { TERM: 'dumb' })!.write(line);
    expect(written.map((w) => w.includes('\u001b['))).toEqual([false, true, false, false]);
  });
});

describe('LOG_FORMAT in the configuration', () => {
  test('auto by default; json and pretty accepted', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: ' pretty ' }).logFormat).toBe('pretty');
  });

  test('a bad value is reported with every other problem at once', () => {
    let err: unknown;
    try {
      loadConfig({ LOG_FORMAT: 'xml', PORT: 'eighty' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(
      expect.arrayContaining([
        'LOG_FORMAT: must be auto, json or pretty (got "xml")',
        expect.stringContaining('PORT'),
      ]),
    );
  });
});

describe('codes in logged URLs', () => {
  test('a code= parameter is masked like maskCode, the rest of the URL kept', () => {
    expect(maskCodesInUrl('/portal?code=ABCD2345&lang=tl')).toBe(
      `/portal?code=${encodeURIComponent('AB…45')}&lang=tl`,
    );
    expect(maskCodesInUrl('/portal?lang=en&CODE=wxyz9876')).toBe(
      `/portal?lang=en&CODE=${encodeURIComponent('wx…76')}`,
    );
    expect(maskCodesInUrl('/admin/vouchers?status=active')).toBe('/admin/vouchers?status=active');
    expect(maskCodesInUrl('/portal?code=%E0%A4%A')).not.toContain('%E0%A4%A');
  });
});
