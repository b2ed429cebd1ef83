import { parseCsv, parseCsvRecords } from './csv.js';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ]);
  });

  it('keeps empty fields and a last line without newline', () => {
    expect(parseCsv('a,,c\n1,2,')).toEqual([
      ['a', '', 'c'],
      ['1', '2', ''],
    ]);
  });

  it('keeps newlines inside quoted fields', () => {
    expect(parseCsv('a\n"line1\nline2"\n')).toEqual([['a'], ['line1\nline2']]);
  });
});

describe('parseCsvRecords', () => {
  it('keys rows by header and strips a BOM', () => {
    expect(parseCsvRecords('\uFEFFcode,name\n1,节能\n', ['code'])).toEqual([{ code: '1', name: '节能' }]);
  });

  it('names missing columns and ragged lines', () => {
    expect(() => parseCsvRecords('code\n1\n', ['code', 'name'])).toThrow('CSV lacks column(s): name');
    expect(() => parseCsvRecords('a,b\n1\n', [])).toThrow('CSV line 2: 1 fields, expected 2');
  });
});
