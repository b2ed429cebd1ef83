import { once } from 'node:events';
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvError, csvLine, readCsvFile, readCsvHeader, type CsvRecord } from './csv-stream.js';
import { LoanImportError, type CsvColumns, type ImportCounts } from './import-run.js';
import type { ImportProgress } from './progress.js';

/**
 * The CSV loop every kind of import row shares, whatever the rows mean: the header check, reading the records,
 * refusing malformed ones, holding rows in batches and handing each batch to its writer, the rejects file (in file
 * order) and the progress. What a row means, and how a batch is written, is the caller's.
 */

/** A row refused by its own checks or when its batch was written. */
export interface RowReject {
  line: number;
  reason: string;
  fields: readonly string[];
}

/** What writing one batch did. */
export interface BatchOutcome {
  loaded: number;
  skipped: number;
  rejects: RowReject[];
}

export interface CsvBatchImport<Row> {
  /** The progress label. */
  label: string;
  file: string;
  /** The header row's column names (from `readHeader`). */
  header: readonly string[];
  rejectsFile: string;
  batchSize: number;
  progress: ImportProgress;
  /** Batches written at once: 2 reads and checks the next while one is written; 1 writes them strictly in turn. */
  writers: number;
  /** A well-formed record's own checks, in file order: the row to write, or the reason it is refused. */
  take(line: number, fields: string[]): Promise<Row | string> | Row | string;
  /** Writes one batch (one transaction); batches are written in file order when `writers` is 1. */
  write(rows: Row[]): Promise<BatchOutcome>;
}

/** Past this many refused rows waiting for their batch, the batch is written early, so memory stays bounded. */
const MAX_HELD_REJECTS = 10_000;
/** Checks often only await resolved promises: let a batch being written get its replies now and then. */
const YIELD_EVERY = 100;
const yieldToEventLoop = () => new Promise<void>((res) => setImmediate(res));

/** The header row's column names, once checked: no unknown, missing or repeated column. */
export async function readHeader(file: string, columns: CsvColumns): Promise<string[]> {
  let header: CsvRecord | null;
  try {
    header = await readCsvHeader(file);
  } catch (err) {
    throw new LoanImportError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!header) throw new LoanImportError(`${file} is empty: a header row naming the columns is required`);
  if (header.error) throw new LoanImportError(`${file}, line ${header.line}: the header row is malformed (${header.error})`);
  const names = header.fields.map((f) => f.trim());
  const known = new Set<string>([...columns.required, ...columns.optional]);
  const problems: string[] = [];
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) problems.push(`unknown column(s) ${unknown.map((n) => `"${n}"`).join(', ')}`);
  const missing = columns.required.filter((c) => !names.includes(c));
  if (missing.length) problems.push(`missing column(s) ${missing.join(', ')}`);
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length) problems.push(`repeated column(s) ${[...new Set(repeated)].join(', ')}`);
  if (problems.length) {
    const expected = `${columns.required.join(', ')}${columns.optional.length ? ` (optional: ${columns.optional.join(', ')})` : ''}`;
    throw new LoanImportError(`${file}: ${problems.join('; ')}. Expected a header row with ${expected}; nothing was loaded.`);
  }
  return names;
}

/** A row's value by column name, trimmed; '' for an optional column the file does not have. */
export function columnReader(header: readonly string[]): (fields: readonly string[], name: string) => string {
  const column = new Map(header.map((h, i) => [h, i]));
  return (fields, name) => {
    const i = column.get(name);
    return i === undefined ? '' : fields[i].trim();
  };
}

/** Rejected rows: `line, reason`, then the row's own fields under its own header. */
class RejectsFile {
  private readonly stream: WriteStream;
  private failure: Error | null = null;
  count = 0;

  constructor(
    readonly path: string,
    header: readonly string[],
  ) {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (err) {
      throw new LoanImportError(`cannot write the rejects file ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.stream = createWriteStream('', { fd });
    this.stream.on('error', (err) => (this.failure ??= err));
    this.stream.write(csvLine(['line', 'reason', ...header]));
  }

  async add(r: RowReject): Promise<void> {
    if (this.failure) throw this.failure;
    this.count++;
    if (!this.stream.write(csvLine([String(r.line), r.reason, ...r.fields]))) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end((err?: Error | null) => (err ? rej(err) : res())));
    if (this.failure) throw this.failure;
  }
}

/** Streams the file through `take` and `write`; returns the counts. The rejects file lists refused rows in file order. */
export async function runCsvImport<Row>(spec: CsvBatchImport<Row>): Promise<ImportCounts> {
  const { file, header, batchSize, progress } = spec;
  const totalBytes = (await stat(file)).size;
  const rejects = new RejectsFile(spec.rejectsFile, header);
  const counts: ImportCounts = { loaded: 0, skipped: 0, rejected: 0 };
  /** Batches being written, each with the rows refused while it was read: those go to the file when it is done. */
  const writing: { outcome: Promise<BatchOutcome>; held: RowReject[] }[] = [];
  let batch: Row[] = [];
  let held: RowReject[] = [];

  const finishOldest = async () => {
    const { outcome, held: refused } = writing.shift()!;
    const done = await outcome;
    counts.loaded += done.loaded;
    counts.skipped += done.skipped;
    for (const r of [...refused, ...done.rejects].sort((a, b) => a.line - b.line)) await rejects.add(r);
  };
  const closeBatch = async () => {
    const rows = batch;
    const refused = held;
    batch = [];
    held = [];
    if (writing.length >= spec.writers) await finishOldest();
    const outcome = rows.length ? spec.write(rows) : Promise.resolve({ loaded: 0, skipped: 0, rejects: [] });
    // Awaited in turn later; until then its failure must not count as unhandled.
    outcome.catch(() => undefined);
    writing.push({ outcome, held: refused });
  };

  progress.begin(spec.label, totalBytes);
  let rowsRead = 0;
  let seenHeader = false;
  try {
    for await (const { records, bytesRead } of readCsvFile(file)) {
      for (const { line, fields, error } of records) {
        if (!seenHeader) {
          seenHeader = true;
          continue;
        }
        rowsRead++;
        if (rowsRead % YIELD_EVERY === 0) await yieldToEventLoop();
        let taken: Row | string;
        if (error) taken = `malformed row: ${error}`;
        else if (fields.length !== header.length) taken = `malformed row: ${fields.length} field(s), expected ${header.length}`;
        else taken = await spec.take(line, fields);
        if (typeof taken === 'string') held.push({ line, reason: taken, fields });
        else batch.push(taken);
        if (batch.length >= batchSize || held.length >= MAX_HELD_REJECTS) await closeBatch();
      }
      progress.update(bytesRead, rowsRead);
    }
    if (batch.length || held.length) await closeBatch();
    while (writing.length) await finishOldest();
  } catch (err) {
    if (err instanceof CsvError) throw new LoanImportError(`${file}: ${err.message}`);
    throw err;
  } finally {
    await Promise.allSettled(writing.map((w) => w.outcome));
    await rejects.close();
  }
  progress.update(totalBytes, rowsRead);
  progress.end();
  counts.rejected = rejects.count;
  return counts;
}
