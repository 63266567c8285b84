/** CLOCK_START in `.env` (src/core/clock.ts): when set, the controller's clock starts at that instant. */

/** An ISO 8601 date and time with an explicit offset (`Z` or `±hh:mm`), as ms; undefined when it is not one. */
export function parseClockStart(v: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec] = m.map(Number);
  // A calendar date that does not exist (2027-02-30) or an hour past 23 is refused, not rolled over.
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || h > 23 || mi > 59 || (sec || 0) > 59)
    return undefined;
  const at = Date.parse(v);
  return Number.isFinite(at) ? at : undefined;
}

export function readClockStart(raw: string | undefined, problems: string[]): number | undefined {
  const v = (raw ?? '').trim();
  if (v === '') return undefined;
  const at = parseClockStart(v);
  if (at === undefined)
    problems.push(
      `CLOCK_START must be a date and time with its offset, e.g. 2027-01-31T21:00:00+08:00 (got "${v}")`,
    );
  return at;
}
