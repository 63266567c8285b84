/**
 * Comma-separated values as RFC 4180 writes them and spreadsheets save them: fields in double quotes may hold
 * commas, line breaks and doubled quotes (`""` is one `"`); records end in CRLF or LF; a UTF-8 byte order mark
 * at the start and blank lines at the end are ignored. Records are numbered as a spreadsheet numbers its rows
 * (the first record, the header, is row 1; a line break inside quotes does not start a row). A malformed file is
 * refused with the row and column of each problem, never guessed at.
 */

export interface CsvRecord {
  /** As a spreadsheet counts it: the first record is row 1. */
  row: number;
  cells: string[];
}

/** Where a file is malformed: its row and column (1-based), and what is wrong there. */
export interface CsvProblem {
  row: number;
  column: number;
  message: string;
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; problem: CsvProblem };

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/** Every record of `text`, or its first problem (a quote left open, text after a closing quote, a stray quote). */
export function parseCsv(text: string): CsvResult {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let i = 0;
  const problem = (column: number, message: string): CsvResult => ({
    ok: false,
    problem: { row: records.length + 1, column, message },
  });
  while (i < s.length) {
    const column = cells.length + 1;
    let cell: string;
    if (s.charCodeAt(i) === QUOTE) {
      const end = closingQuote(s, i + 1);
      if (end < 0) return problem(column, 'a quoted field is never closed; end it with "');
      cell = s.slice(i + 1, end).replace(/""/g, '"');
      i = end + 1;
      if (i < s.length && !isEnd(s.charCodeAt(i)))
        return problem(
          column,
          'text after a closing quote; put the whole field in quotes, a quote in it as ""',
        );
    } else {
      let j = i;
      while (j < s.length && !isEnd(s.charCodeAt(j))) j++;
      cell = s.slice(i, j);
      if (cell.includes('"'))
        return problem(
          column,
          'a quote inside a field that does not begin with one; quote the field, a quote in it as ""',
        );
      i = j;
    }
    cells.push(cell);
    const c = s.charCodeAt(i);
    if (c === COMMA) {
      i++;
      // A comma as the very last character: one more, empty field.
      if (i === s.length) cells.push('');
      continue;
    }
    // The end of a record: CRLF, LF, a lone CR (old Mac files), or the end of the text.
    if (c === CR && s.charCodeAt(i + 1) === LF) i += 2;
    else if (i < s.length) i++;
    records.push({ row: records.length + 1, cells });
    cells = [];
  }
  if (cells.length) records.push({ row: records.length + 1, cells });
  while (records.length && isBlank(records[records.length - 1])) records.pop();
  return { ok: true, records };
}

/** A record with no text in any field (a blank line, or only commas). */
export function isBlank(r: CsvRecord): boolean {
  return r.cells.every((c) => c.trim() === '');
}

function isEnd(c: number): boolean {
  return c === COMMA || c === CR || c === LF;
}

/** The index of the quote closing a field opened before `from` (doubled quotes skipped), or -1. */
function closingQuote(s: string, from: number): number {
  let j = from;
  for (;;) {
    const q = s.indexOf('"', j);
    if (q < 0) return -1;
    if (s.charCodeAt(q + 1) !== QUOTE) return q;
    j = q + 2;
  }
}
