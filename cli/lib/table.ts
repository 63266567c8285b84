import type { Colours } from './ansi';
import { stripAnsi } from './ansi';

/** One column of a terminal table. */
export interface Column<R> {
  header: string;
  get: (row: R) => string;
  align?: 'left' | 'right';
  /** This column may be shortened with `…` when the table is wider than the terminal. */
  shrink?: boolean;
  /** Narrowest it may get when shrinking (default 6). */
  min?: number;
  /**
   * A column that may be left out whole when the table still does not fit once shrinkable columns are at their
   * narrowest: the lowest number goes first. Columns without it (codes, MACs, IPs, sites) are never cut.
   */
  drop?: number;
  /** Colour applied after truncation and padding is measured (so escapes never count as width). */
  style?: (text: string, row: R) => string;
}

interface TableOptions {
  /** Width to fit; default terminalWidth(). */
  width?: number;
  colours?: Colours;
}

const GAP = 2;

/** Shortens to `width` visible characters, ending in `…` when something was cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  return chars.slice(0, width - 1).join('') + '…';
}

const visibleLength = (s: string) => [...stripAnsi(s)].length;

/**
 * The width output is laid out for: COLUMNS when set (as `ls` reads it), else the terminal's; output that is
 * not a terminal (piped, to a file) is not cut at all.
 */
export function terminalWidth(
  stream: { columns?: number; isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const columns = Number(env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return columns;
  if (!stream.isTTY) return Infinity;
  return stream.columns || 80;
}

/**
 * Natural widths, then the widest shrinkable column loses one character at a time until the table fits; over
 * `width`: shrinking could not make it fit (the caller leaves a column out, or the terminal wraps).
 */
function fitWidths<R>(columns: Column<R>[], cells: string[][], width: number): number[] {
  const widths = columns.map((c, i) =>
    Math.max(visibleLength(c.header), ...cells.map((r) => visibleLength(r[i]))),
  );
  let excess = widths.reduce((a, b) => a + b, 0) + GAP * (columns.length - 1) - width;
  while (excess > 0) {
    let pick = -1;
    columns.forEach((c, i) => {
      if (c.shrink && widths[i] > (c.min ?? 6) && (pick === -1 || widths[i] > widths[pick])) pick = i;
    });
    if (pick === -1) break;
    widths[pick] -= 1;
    excess -= 1;
  }
  return widths;
}

const fits = (widths: number[], width: number) => widths.reduce((a, b) => a + b + GAP, -GAP) <= width;

/**
 * The columns shown and their widths: every column when shrinking makes them fit, else the droppable ones
 * left out, lowest `drop` first, until the rest fits (all of them out, and still too wide: the terminal wraps
 * rather than a code or a MAC being cut).
 */
function layout<R>(columns: Column<R>[], cells: string[][], width: number) {
  const order = columns
    .map((c, i) => ({ drop: c.drop, i }))
    .filter((c) => c.drop !== undefined)
    .sort((a, b) => (a.drop as number) - (b.drop as number));
  let shown = columns.map((_, i) => i);
  for (let k = 0; ; k += 1) {
    const widths = fitWidths(
      shown.map((i) => columns[i]),
      cells.map((r) => shown.map((i) => r[i])),
      width,
    );
    if (fits(widths, width) || k === order.length) return { shown, widths };
    shown = shown.filter((i) => i !== order[k].i);
  }
}

function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Renders rows as an aligned table with a header and a dashed rule (ASCII, safe on any terminal). */
export function table<R>(rows: readonly R[], allColumns: Column<R>[], opts: TableOptions = {}): string {
  const width = opts.width ?? terminalWidth();
  const all = rows.map((r) => allColumns.map((c) => c.get(r)));
  const { shown, widths } = layout(allColumns, all, width);
  const columns = shown.map((i) => allColumns[i]);
  const cells = all.map((r) => shown.map((i) => r[i]));
  const bold = opts.colours?.bold ?? ((s: string) => s);
  const line = (parts: string[]) => parts.join(' '.repeat(GAP)).replace(/\s+$/, '');
  const header = line(columns.map((c, i) => bold(pad(truncate(c.header, widths[i]), widths[i], c.align))));
  const rule = line(widths.map((w) => '-'.repeat(w)));
  const body = cells.map((r, ri) =>
    line(
      columns.map((c, i) => {
        const text = truncate(r[i], widths[i]);
        const padded = pad(text, widths[i], c.align);
        return c.style ? padded.replace(text, c.style(text, rows[ri])) : padded;
      }),
    ),
  );
  const left = allColumns.filter((_, i) => !shown.includes(i)).map((c) => c.header);
  const note = left.length
    ? [(opts.colours?.dim ?? String)(`(${left.join(', ')} left out to fit ${width} columns)`)]
    : [];
  return [header, rule, ...body, ...note].join('\n');
}

/** `key: value` lines with the keys aligned, for one record (voucher details, router info). */
export function keyValues(pairs: ReadonlyArray<readonly [string, string]>, colours?: Colours): string {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  const dim = colours?.dim ?? ((s: string) => s);
  return pairs.map(([k, v]) => `${dim(pad(`${k}:`, w + 1))} ${v}`).join('\n');
}
