/**
 * Log output for people. pino writes one JSON object per line (what log collectors and `jq` want); on a
 * terminal that is hard to read (epoch times, every field quoted), so a human destination re-renders each
 * line as
 *
 *   2026-11-22 17:44:05 WARN  [router] router connection dropped host=10.0.0.1 reason="command timed out"
 *
 * Redaction happens inside pino before the line is serialised, so this stream only ever sees censored
 * values. Written here rather than with pino-pretty: ~100 lines, synchronous (nothing is lost when the CLI
 * calls process.exit right after logging) and no worker thread on a small shop box.
 */
import type { DestinationStream } from 'pino';
import { wallClockFormat } from './clock';

type LogFormat = 'auto' | 'json' | 'pretty';

/** Anything with a synchronous string write: process.stdout, a SonicBoom file, a test's collector. */
export interface LineTarget {
  write(text: string): unknown;
}

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every line has (or that the line shape already shows): not repeated as key=value. */
const SHOWN = new Set(['level', 'time', 'msg', 'module', 'app', 'pid', 'hostname']);

/** A value longer than this is cut with `…`: a human line stays a line; the JSON format keeps everything. */
const MAX_VALUE = 120;

const ESC = '\u001b[';
const paint = (code: string, text: string) => `${ESC}${code}m${text}${ESC}0m`;
const LEVEL_COLOUR: Record<string, string> = {
  TRACE: '2',
  DEBUG: '2',
  WARN: '33',
  ERROR: '31',
  FATAL: '1;31',
};

interface HumanFormatOptions {
  /** IANA zone for the timestamp; default the system's. */
  tz?: string;
  /** ANSI colours for the level (only when writing to a colour terminal). */
  colour?: boolean;
}

/** `2026-11-22 17:44:05` in the zone; one Intl formatter per stream, and one formatting per second. */
export function timeFormatter(tz: string | undefined): (ms: number) => string {
  const fmt = wallClockFormat(tz);
  let lastSecond = Number.NaN;
  let lastText = '';
  return (ms) => {
    const second = Math.floor(ms / 1000);
    if (second === lastSecond) return lastText;
    const p: Record<string, string> = {};
    for (const part of fmt.formatToParts(new Date(ms))) p[part.type] = part.value;
    lastSecond = second;
    lastText = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    return lastText;
  };
}

/** The zone's UTC offset at that moment, `+0800` (`+0000` for UTC): what a stored shop time carries beside it. */
export function utcOffset(ms: number, tz: string | undefined): string {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(new Date(ms))
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? `${m[1]}${m[2]}${m[3]}` : '+0000';
}

function cut(text: string): string {
  const one = text.replace(/\s*\r?\n\s*/g, ' ');
  return one.length > MAX_VALUE ? `${one.slice(0, MAX_VALUE - 1)}…` : one;
}

/** key=value with the value bare when it is one plain word, else JSON-quoted so the line stays parseable by eye. */
function formatValue(value: unknown): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') {
    const short = cut(value);
    return short !== '' && /^[^\s"=]+$/.test(short) ? short : JSON.stringify(short);
  }
  // pino's error serializer gives { type, message, stack }: the message is what a person needs here.
  if (typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    const e = value as { type?: string; message: string };
    return JSON.stringify(cut(e.type && e.type !== 'Error' ? `${e.type}: ${e.message}` : e.message));
  }
  return cut(JSON.stringify(value) ?? String(value));
}

/** One pino JSON record as a human line (no trailing newline). */
export function formatRecord(
  rec: Record<string, unknown>,
  opts: HumanFormatOptions = {},
  time = timeFormatter(opts.tz),
): string {
  const label = LEVELS[Number(rec.level)] ?? String(rec.level ?? '?').toUpperCase();
  const when = typeof rec.time === 'number' ? time(rec.time) : '';
  const level = label.padEnd(5);
  const parts = [
    opts.colour ? paint('2', when) : when,
    opts.colour && LEVEL_COLOUR[label] ? paint(LEVEL_COLOUR[label], level) : level,
  ];
  if (typeof rec.module === 'string' && rec.module) parts.push(`[${rec.module}]`);
  if (rec.msg !== undefined) parts.push(String(rec.msg).replace(/\s*\r?\n\s*/g, ' '));
  for (const [k, v] of Object.entries(rec)) {
    if (SHOWN.has(k) || v === undefined) continue;
    parts.push(`${k}=${formatValue(v)}`);
  }
  return parts.join(' ');
}

/**
 * A pino destination that turns each JSON line into a human line on `target`. Lines that are not JSON
 * (never from pino, but cheap to keep) pass through unchanged.
 */
export class HumanLogStream implements DestinationStream {
  private time: (ms: number) => string;
  private timeZone: string | undefined;
  private pending = '';

  /** `zone`: read at each write, so a time zone changed in Settings applies to the next line. */
  constructor(
    private readonly target: LineTarget,
    private readonly opts: HumanFormatOptions = {},
    private readonly zone: () => string | undefined = () => opts.tz,
  ) {
    this.timeZone = zone();
    this.time = timeFormatter(this.timeZone);
  }

  write(chunk: string): void {
    if (this.zone() !== this.timeZone) {
      this.timeZone = this.zone();
      this.time = timeFormatter(this.timeZone);
    }
    // pino writes whole lines, one per record; a partial line is kept until its newline arrives.
    const text = this.pending + chunk;
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    let out = '';
    for (const line of lines) {
      if (!line.trim()) continue;
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch {
        out += `${line}\n`;
        continue;
      }
      out +=
        rec && typeof rec === 'object'
          ? `${formatRecord(rec as Record<string, unknown>, this.opts, this.time)}\n`
          : `${line}\n`;
    }
    if (out) this.target.write(out);
  }
}

/** `auto` becomes human on a terminal and JSON everywhere else (service managers, pipes, files). */
export function resolveFormat(format: LogFormat, isTTY: boolean): 'json' | 'pretty' {
  if (format === 'auto') return isTTY ? 'pretty' : 'json';
  return format;
}

/**
 * Where the server's logs go: stdout, as JSON (undefined = pino's own fast stdout writer) or human lines.
 * Colours only on a colour terminal (NO_COLOR, TERM=dumb and pipes turn them off).
 */
export function stdoutDestination(
  format: LogFormat,
  tz?: string | (() => string),
  out: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): DestinationStream | undefined {
  if (resolveFormat(format, Boolean(out.isTTY)) === 'json') return undefined;
  const colour = Boolean(out.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
  return typeof tz === 'function'
    ? new HumanLogStream(out, { colour }, tz)
    : new HumanLogStream(out, { tz, colour });
}
