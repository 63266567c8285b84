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
  /** Colour applied after truncation and padding is measured (so escapes never count as width). */
  style?: (text: string, row: R) => string;
}

export interface TableOptions {
  /** Terminal width; default the stdout width, else 80. */
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

export function terminalWidth(stream: { columns?: number; isTTY?: boolean } = process.stdout): number {
  return stream.isTTY && stream.columns ? stream.columns : 80;
}

/** Natural widths, then the widest shrinkable column loses one character at a time until the table fits. */
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
    if (pick === -1) break; // nothing left to shrink: let the terminal wrap rather than hide data
    widths[pick] -= 1;
    excess -= 1;
  }
  return widths;
}

function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Renders rows as an aligned table with a header and a dashed rule (ASCII, safe on any terminal). */
export function table<R>(rows: readonly R[], columns: Column<R>[], opts: TableOptions = {}): string {
  const cells = rows.map((r) => columns.map((c) => c.get(r)));
  const widths = fitWidths(columns, cells, opts.width ?? terminalWidth());
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
  return [header, rule, ...body].join('\n');
}

/** `key: value` lines with the keys aligned, for one record (voucher details, router info). */
export function keyValues(pairs: ReadonlyArray<readonly [string, string]>, colours?: Colours): string {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  const dim = colours?.dim ?? ((s: string) => s);
  return pairs.map(([k, v]) => `${dim(pad(`${k}:`, w + 1))} ${v}`).join('\n');
}
