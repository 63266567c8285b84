import { parseCsv, type CsvResult } from '../../src/domain/csv';

const cells = (r: CsvResult) => (r.ok ? r.records.map((x) => [x.row, ...x.cells]) : r.problem);

describe('parseCsv (RFC 4180 as spreadsheets save it)', () => {
  it('reads plain fields with LF or CRLF, a BOM, and ignores blank lines at the end', () => {
    expect(cells(parseCsv('\ufeffa,b\r\n1,2\n3,4\r\n\r\n\n'))).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
      [3, '3', '4'],
    ]);
    expect(cells(parseCsv('a,b\n1,2'))).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, numbering rows as a spreadsheet', () => {
    const r = parseCsv('name,note\n"Cruz, Ben","say ""hi"""\n"two\r\nlines",x\nlast,""\n');
    expect(cells(r)).toEqual([
      [1, 'name', 'note'],
      [2, 'Cruz, Ben', 'say "hi"'],
      [3, 'two\r\nlines', 'x'],
      [4, 'last', ''],
    ]);
  });

  it('keeps empty fields, a trailing comma and a blank line in the middle (a row of its own)', () => {
    expect(cells(parseCsv('a,b,c\n,,\n\nx,y,\n'))).toEqual([
      [1, 'a', 'b', 'c'],
      [2, '', '', ''],
      [3, ''],
      [4, 'x', 'y', ''],
    ]);
  });

  it('refuses a quote left open, text after a closing quote and a stray quote, with row and column', () => {
    expect(cells(parseCsv('a,b\n1,"open\n2,3\n'))).toMatchObject({ row: 2, column: 2, message: /never closed/ });
    expect(cells(parseCsv('a,b\n1,2\n"x"y,3\n'))).toMatchObject({ row: 3, column: 1, message: /after a closing quote/ });
    expect(cells(parseCsv('a,b\n1,2 "inch"\n'))).toMatchObject({ row: 2, column: 2, message: /does not begin/ });
  });
});
