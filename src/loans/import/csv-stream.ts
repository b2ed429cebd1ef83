import { createReadStream } from 'node:fs';

/**
 * Streaming RFC 4180 CSV: a record parser fed text in chunks of any size (a quote, a CRLF or a multi-byte character may
 * be split across chunks), a reader that streams a UTF-8 file through it, and the quoting for writing records back.
 * `src/reference/csv.ts` parses whole texts; this keeps memory bounded for files of millions of rows.
 */

export interface CsvRecord {
  /** The physical line (1-based) the record starts on; a quoted field may span lines. */
  line: number;
  fields: string[];
  /** Why the record breaks RFC 4180 (a stray or unterminated quote); its fields are then best effort. */
  error?: string;
}

export class CsvError extends Error {}

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/** The longest record accepted: past it the file is refused (most likely an unterminated quote swallowing the rest). */
export const MAX_RECORD_CHARS = 1 << 20;

export class CsvRecordParser {
  private fields: string[] = [];
  private field = '';
  /** Inside a quoted field. */
  private quoted = false;
  /** A quote ended the previous chunk inside a quoted field: closing, or the first of a doubled quote. */
  private quotePending = false;
  /** The current field was quoted and its closing quote has been read. */
  private closed = false;
  /** The current record has any character at all (so an empty line is no record). */
  private started = false;
  /** The current field has had a character outside quotes (a quote then is a stray one). */
  private fieldHasText = false;
  private error: string | undefined;
  private line = 1;
  private recordLine = 1;
  /** A CR ended the previous chunk: a LF starting the next one belongs to it. */
  private skipLF = false;
  private recordChars = 0;

  /** Parses `text`, appending the records it completes to `out`. */
  push(text: string, out: CsvRecord[]): void {
    const n = text.length;
    let i = 0;
    if (this.skipLF) {
      this.skipLF = false;
      if (n > 0 && text.charCodeAt(0) === LF) i = 1;
    }
    if (this.quotePending && i < n) {
      this.quotePending = false;
      if (text.charCodeAt(i) === QUOTE) {
        this.field += '"';
        i++;
      } else {
        this.quoted = false;
        this.closed = true;
      }
    }
    while (i < n) {
      if (this.quoted) {
        const j = text.indexOf('"', i);
        const end = j < 0 ? n : j;
        this.addQuoted(text, i, end);
        if (j < 0) return;
        if (j + 1 === n) {
          this.quotePending = true;
          return;
        }
        if (text.charCodeAt(j + 1) === QUOTE) {
          this.field += '"';
          i = j + 2;
        } else {
          this.quoted = false;
          this.closed = true;
          i = j + 1;
        }
        continue;
      }
      // Outside quotes: scan to the next comma, line break or quote.
      let j = i;
      let c = 0;
      for (; j < n; j++) {
        c = text.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
      }
      if (j > i) {
        if (this.closed && !this.error) this.error = `text after the closing quote of field ${this.fields.length + 1}`;
        this.field += text.slice(i, j);
        this.fieldHasText = true;
        this.started = true;
        this.count(j - i);
      }
      if (j === n) return;
      if (c === COMMA) {
        this.started = true;
        this.endField();
        i = j + 1;
      } else if (c === QUOTE) {
        this.started = true;
        if (this.fieldHasText || this.closed) {
          if (!this.error) this.error = `a quote inside field ${this.fields.length + 1} that does not start with one`;
          this.field += '"';
          this.fieldHasText = true;
        } else {
          this.quoted = true;
        }
        i = j + 1;
      } else {
        // CR, LF or CRLF ends the record.
        this.endRecord(out);
        this.line++;
        i = j + 1;
        if (c === CR) {
          if (i < n) {
            if (text.charCodeAt(i) === LF) i++;
          } else {
            this.skipLF = true;
          }
        }
      }
    }
  }

  /** Completes the last record (a file need not end with a line break). */
  end(out: CsvRecord[]): void {
    if (this.quotePending) {
      this.quotePending = false;
      this.quoted = false;
      this.closed = true;
    }
    if (this.quoted) {
      this.quoted = false;
      if (!this.error) this.error = `field ${this.fields.length + 1} has an opening quote but no closing one`;
    }
    this.endRecord(out);
  }

  private addQuoted(text: string, from: number, to: number): void {
    if (to <= from) return;
    const part = text.slice(from, to);
    this.field += part;
    this.started = true;
    this.count(part.length);
    // Line breaks inside a quoted field still advance the physical line count.
    let k = part.indexOf('\n');
    while (k >= 0) {
      this.line++;
      k = part.indexOf('\n', k + 1);
    }
  }

  private count(chars: number): void {
    this.recordChars += chars;
    if (this.recordChars > MAX_RECORD_CHARS) {
      throw new CsvError(`line ${this.recordLine}: a record longer than ${MAX_RECORD_CHARS} characters (an unterminated quote?)`);
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.closed = false;
    this.fieldHasText = false;
  }

  private endRecord(out: CsvRecord[]): void {
    if (this.started) {
      this.endField();
      const record: CsvRecord = { line: this.recordLine, fields: this.fields };
      if (this.error) record.error = this.error;
      out.push(record);
    }
    this.fields = [];
    this.field = '';
    this.closed = false;
    this.fieldHasText = false;
    this.started = false;
    this.error = undefined;
    this.recordChars = 0;
    // The next record starts after this line break (the caller advances `line` past it).
    this.recordLine = this.line + 1;
  }
}

export interface CsvChunk {
  records: CsvRecord[];
  /** Bytes of the file read so far. */
  bytesRead: number;
}

/**
 * Streams a UTF-8 CSV file (a leading BOM is dropped) as batches of records, a batch per chunk read. Only one chunk
 * and the records it completes are in memory at a time. Leaving the loop early closes the file.
 */
export async function* readCsvFile(path: string, chunkBytes = 256 * 1024): AsyncGenerator<CsvChunk> {
  const stream = createReadStream(path, { highWaterMark: chunkBytes });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parser = new CsvRecordParser();
  let bytesRead = 0;
  const decode = (chunk?: Buffer) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new CsvError(`${path} is not valid UTF-8 (near byte ${bytesRead}); save it as UTF-8`);
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const records: CsvRecord[] = [];
      const text = decode(chunk);
      bytesRead += chunk.length;
      parser.push(text, records);
      if (records.length) yield { records, bytesRead };
    }
    const records: CsvRecord[] = [];
    parser.push(decode(), records);
    parser.end(records);
    if (records.length) yield { records, bytesRead };
  } finally {
    stream.destroy();
  }
}

/** The first record of a file (its header), without reading further. */
export async function readCsvHeader(path: string): Promise<CsvRecord | null> {
  for await (const { records } of readCsvFile(path, 64 * 1024)) return records[0];
  return null;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV record with RFC 4180 quoting, CRLF-terminated. */
export function csvLine(fields: readonly string[]): string {
  let s = '';
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] ?? '';
    if (i > 0) s += ',';
    s += NEEDS_QUOTES.test(f) ? `"${f.replace(/"/g, '""')}"` : f;
  }
  return s + '\r\n';
}
