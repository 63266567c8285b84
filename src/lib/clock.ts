/** Time is passed in, never read ambiently, so expiry and off-peak rules are testable (STYLE.md). */
export interface Clock {
  now(): number; // ms since epoch
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that reads `start` at the moment `base` reads `realAt`, and runs on at the real pace from there
 * (CLOCK_START: a demo or a test of the shop's calendar, e.g. the evening before a billing day).
 */
export function startedClock(start: number, realAt: number, base: Clock = systemClock): Clock {
  return { now: () => start + (base.now() - realAt) };
}

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private t: number = Date.UTC(2026, 10, 21, 4, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}

/** Formatters made so far: one is immutable, and making one costs far more than formatting with it. */
const formats = new Map<string, Intl.DateTimeFormat>();

/** A formatter whose parts are a wall clock's in the zone: year, 2-digit month to second, hours 00–23. */
export function wallClockFormat(
  tz: string | undefined,
  extra: Intl.DateTimeFormatOptions = {},
): Intl.DateTimeFormat {
  const key = `${tz ?? ''} ${JSON.stringify(extra)}`;
  let format = formats.get(key);
  if (!format) formats.set(key, (format = newWallClockFormat(tz, extra)));
  return format;
}

function newWallClockFormat(tz: string | undefined, extra: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...extra,
  });
}
