/**
 * The router's log as the default `memory` action keeps it (docs/routeros.md "Log"): the newest 1000 lines,
 * lost at a reboot. Only lines whose topics the default rules send to memory are stored (`info`, `warning`,
 * `error`); a `debug`-only line (`/log debug`) is dropped, and so is a `critical`-only one (its default rule
 * echoes it to the console), as on a router nobody reconfigured.
 */
import { wallClockFormat } from '../lib/clock';
import type { Row } from './query';
import { Table, type Item } from './table';

/** ✔ default `memory-lines` of the memory action. */
const MEMORY_LINES = 1000;

/** ✔ the topics of the default logging rules whose action is `memory`. */
const KEPT_TOPICS = ['info', 'warning', 'error'];

interface LogItem extends Item {
  at: number;
  topics: string;
  message: string;
}

/** `2026-01-05 08:03:11` parts in the router's own time zone. */
function localParts(ms: number, timeZone: string): { date: string; time: string } {
  const parts = wallClockFormat(timeZone).formatToParts(new Date(ms));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '00';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    time: `${get('hour')}:${get('minute')}:${get('second')}`,
  };
}

/**
 * ◐ How RouterOS 7 prints a moment in the log: `hh:mm:ss` for today, `yyyy-mm-dd hh:mm:ss` before today, in the
 * router's time zone.
 */
function formatLogTime(ms: number, now: number, timeZone: string): string {
  const at = localParts(ms, timeZone);
  return at.date === localParts(now, timeZone).date ? at.time : `${at.date} ${at.time}`;
}

/** ◐ `2026-01-05 08:03:11`: a date and time as RouterOS 7 prints them (e.g. `last-link-up-time`). */
export function formatDateTime(ms: number, timeZone: string): string {
  const at = localParts(ms, timeZone);
  return `${at.date} ${at.time}`;
}

export class RouterLog {
  readonly table = new Table<LogItem>('/log');

  constructor(
    private readonly now: () => number,
    readonly timeZone: string,
  ) {}

  /** A line with `topics` (comma-separated, as RouterOS prints them), kept when a default rule keeps it. */
  write(topics: string, message: string): void {
    if (!topics.split(',').some((t) => KEPT_TOPICS.includes(t))) return;
    this.table.insert({ id: this.table.newId(), cfg: {}, at: this.now(), topics, message });
    while (this.table.size > MEMORY_LINES) this.table.remove(this.table.list[0]);
  }

  /** A reboot: the memory action's lines are gone (the `.id`s go on counting). */
  clear(): void {
    this.table.clear();
  }

  render(item: LogItem): Row {
    return {
      '.id': item.id,
      time: formatLogTime(item.at, this.now(), this.timeZone),
      topics: item.topics,
      message: item.message,
    };
  }
}
