import type { DataSource } from 'typeorm';
import { todayIn } from '../../common/clock.js';
import { newId } from '../../common/ids.js';
import { readHeader } from './csv-import.js';
import { EVENT_COLUMNS, importEventRows } from './event-rows.js';
import { LoanImportError, type ImportCounts, type ImportRun } from './import-run.js';
import { LOAN_COLUMNS, importLoanRows } from './loan-rows.js';
import { silentProgress, type ImportProgress } from './progress.js';

/**
 * Bulk import of a bank's green loans (and, optionally, their disbursements and repayments) from CSV files; the
 * layout is documented in docs/loan-import.md. This file runs the phases: it names the bank, checks both headers
 * before anything is written, then imports the loan rows (loan-rows.ts) and the event rows (event-rows.ts), each
 * through the shared CSV loop (csv-import.ts). Every row meets exactly the API's rules; a re-run adds nothing twice.
 */

export { EVENT_COLUMNS, LOAN_COLUMNS, LoanImportError, type ImportCounts };

export const DEFAULT_BATCH_SIZE = 1000;
const MAX_BATCH_SIZE = 10_000;

export interface ImportLoansOptions {
  dataSource: DataSource;
  /** The lending bank: its organisation id, its USCC, or its exact name. */
  bank: string;
  loansFile: string;
  eventsFile?: string | null;
  /** Default: `<loansFile>.rejects.csv`. */
  rejectsFile?: string | null;
  /** Default: `<eventsFile>.rejects.csv`. */
  eventsRejectsFile?: string | null;
  /** The registry's time zone (config `timeZone`): it decides "today", after which no event may be dated. */
  timeZone: string;
  progress?: ImportProgress;
  /** Rows per transaction (default 1,000). */
  batchSize?: number;
}

export interface ImportResult {
  importId: string;
  bankOrganizationId: string;
  loans: ImportCounts;
  events: ImportCounts | null;
  rejectsFile: string;
  eventsRejectsFile: string | null;
}

/** `loaded 3, skipped 1, rejected 2` (then the events' counts, when an events file was given). */
export function summaryLine(result: ImportResult): string {
  const c = (x: ImportCounts) => `loaded ${x.loaded}, skipped ${x.skipped}, rejected ${x.rejected}`;
  return result.events ? `${c(result.loans)}; events ${c(result.events)}` : c(result.loans);
}

export async function importLoans(options: ImportLoansOptions): Promise<ImportResult> {
  const { dataSource } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new LoanImportError(`the batch size must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
  }
  const bank = await resolveBank(dataSource, options.bank);
  // Both files' headers are checked before anything is written.
  const loanHeader = await readHeader(options.loansFile, LOAN_COLUMNS);
  const eventHeader = options.eventsFile ? await readHeader(options.eventsFile, EVENT_COLUMNS) : null;
  const importId = newId();
  const run: ImportRun = {
    dataSource,
    bankId: bank.id,
    importId,
    mutation: { actor: null, requestId: `loan-import:${importId}` },
    batchSize,
    progress: options.progress ?? silentProgress,
  };

  const rejectsFile = options.rejectsFile ?? `${options.loansFile}.rejects.csv`;
  const loans = await importLoanRows(run, options.loansFile, loanHeader, rejectsFile);
  let events: ImportCounts | null = null;
  let eventsRejectsFile: string | null = null;
  if (options.eventsFile && eventHeader) {
    eventsRejectsFile = options.eventsRejectsFile ?? `${options.eventsFile}.rejects.csv`;
    // "Today" as the API has it: the registry's calendar, not the machine's.
    const clock = { today: todayIn(options.timeZone), timeZone: options.timeZone };
    events = await importEventRows(run, options.eventsFile, eventHeader, eventsRejectsFile, clock);
  }
  return { importId, bankOrganizationId: bank.id, loans, events, rejectsFile, eventsRejectsFile };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The bank by organisation id, USCC or exact name. An id names one organisation; a USCC or a name that more than
 * one organisation answers to (one has the USCC, another is named like it) is refused with the candidates, since
 * guessing would load the loans into the wrong bank's book.
 */
export async function resolveBank(dataSource: DataSource, ref: string): Promise<{ id: string; name: string }> {
  const key = ref.trim();
  if (!key) throw new LoanImportError('--bank is empty: give the bank organisation id, its USCC or its exact name');
  const rows: { id: string; kind: string; name: string; uscc: string | null }[] = UUID.test(key)
    ? await dataSource.query(`SELECT id, kind, name, uscc FROM organization WHERE id = $1`, [key])
    : await dataSource.query(`SELECT id, kind, name, uscc FROM organization WHERE uscc = upper($1) OR name = $1 ORDER BY name, id`, [key]);
  if (rows.length === 0) throw new LoanImportError(`no organisation has the id, USCC or name "${key}"`);
  if (rows.length > 1) {
    const candidates = rows.map((o) => `  ${o.id}  "${o.name}"  USCC ${o.uscc ?? '(none)'}  ${o.kind}`).join('\n');
    throw new LoanImportError(
      `"${key}" names ${rows.length} organisations (by USCC or by name):\n${candidates}\nPass the organisation id of the bank you mean with --bank.`,
    );
  }
  const org = rows[0];
  if (org.kind !== 'BANK') throw new LoanImportError(`"${org.name}" is a ${org.kind} organisation, not a BANK: loans are imported for a bank`);
  return { id: org.id, name: org.name };
}
