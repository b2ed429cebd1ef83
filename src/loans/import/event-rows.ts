import type { EntityManager } from 'typeorm';
import { isIsoDate } from '../../common/date.js';
import { decimalProblem, MONEY } from '../../common/decimal.js';
import { writeLedgerEntries, type LedgerEntry } from '../ledger-writer.js';
import { toCents, type LoanEventKind } from '../loan-ledger.js';
import { columnReader, runCsvImport, type BatchOutcome, type RowReject } from './csv-import.js';
import { listed, writeImportBatch, type ImportCounts, type ImportRun } from './import-run.js';
import { LoanPositions, type LoanPosition, type LockedLoan } from './loan-positions.js';

/**
 * Event rows (disbursements and repayments), applied in file order, each checked against the loan's ledger so far
 * exactly as the API checks an event, and written through the ledger writer the API uses. An event whose reference
 * the loan already has is skipped when it says the same, and refused when it says something else.
 */

export const EVENT_COLUMNS = { required: ['contract_number', 'kind', 'amount', 'on', 'event_ref'], optional: [] } as const;

const MAX_EVENT_REF_LENGTH = 128;
/** The API's rule for an event amount (`POSITIVE_MONEY` on the event mutations). */
const EVENT_AMOUNT = { ...MONEY, min: '0', exclusiveMin: true };

interface EventRow {
  line: number;
  fields: string[];
  contractNumber: string;
  kind: LoanEventKind;
  amount: string;
  on: string;
  ref: string;
}

export interface RegistryClock {
  today: string;
  timeZone: string;
}

/** The checks the API's event mutations make on their arguments before looking at the loan. */
function eventFieldProblems(row: EventRow, clock: RegistryClock): string[] {
  const problems: string[] = [];
  if (!row.contractNumber) problems.push('contract_number: is required');
  if (row.kind !== 'DISBURSEMENT' && row.kind !== 'REPAYMENT') problems.push('kind: must be DISBURSEMENT or REPAYMENT');
  const amount = decimalProblem(row.amount, EVENT_AMOUNT);
  if (amount) problems.push(`amount: ${amount}`);
  if (!isIsoDate(row.on)) problems.push('on: must be a date YYYY-MM-DD');
  else if (row.on > clock.today) problems.push(`on: must not be in the future (today is ${clock.today} in ${clock.timeZone})`);
  if (!row.ref) problems.push('event_ref: is required (the bank’s own reference of the event, unique per loan)');
  else if (row.ref.length > MAX_EVENT_REF_LENGTH) problems.push(`event_ref: must be at most ${MAX_EVENT_REF_LENGTH} characters`);
  return problems;
}

// Locked as the API locks a loan for an event, so nothing else moves its balance meanwhile.
const LOCK_LOANS = `
  SELECT id, contract_number, principal::text AS principal, signed_on::text AS signed_on, maturity_on::text AS maturity_on,
         disbursed_total::text AS disbursed_total, repaid_total::text AS repaid_total
  FROM green_loan WHERE bank_organization_id = $1 AND contract_number = ANY($2::text[]) ORDER BY id FOR UPDATE`;

/** The stored events carrying this batch's references (through the unique index on loan and reference). */
const STORED_REFS = `
  SELECT e.loan_id, e.external_ref, e.kind, e.amount::text AS amount, e.occurred_on::text AS "on"
  FROM unnest($1::uuid[], $2::text[]) AS u(loan_id, ref) JOIN loan_event e ON e.loan_id = u.loan_id AND e.external_ref = u.ref
  WHERE e.external_ref IS NOT NULL`;

interface StoredEvent {
  loan_id: string;
  external_ref: string;
  kind: LoanEventKind;
  amount: string;
  on: string;
}

/** Null when the row says what is stored under its reference, else why it is refused. */
function storedDifference(row: EventRow, stored: StoredEvent): string | null {
  const diff: string[] = [];
  if (row.kind !== stored.kind) diff.push('kind');
  if (toCents(row.amount) !== toCents(stored.amount)) diff.push('amount');
  if (row.on !== stored.on) diff.push('on');
  if (!diff.length) return null;
  return `event_ref: already recorded for this loan as ${stored.kind} ${stored.amount} on ${stored.on}; this row differs in ${listed(diff)}`;
}

const refKey = (loanId: string, ref: string) => `${loanId}\u0000${ref}`;

export async function importEventRows(run: ImportRun, file: string, header: string[], rejectsFile: string, clock: RegistryClock): Promise<ImportCounts> {
  const { dataSource, bankId } = run;
  const at = columnReader(header);
  const positions = new LoanPositions();
  /** The first line of each (contract number, event reference) in the file. */
  const firstLineOf = new Map<string, number>();

  const take = (line: number, fields: string[]): EventRow | string => {
    const row: EventRow = {
      line,
      fields,
      contractNumber: at(fields, 'contract_number'),
      kind: at(fields, 'kind') as LoanEventKind,
      amount: at(fields, 'amount'),
      on: at(fields, 'on'),
      ref: at(fields, 'event_ref'),
    };
    if (row.contractNumber && row.ref) {
      const key = `${row.contractNumber}\u0000${row.ref}`;
      const first = firstLineOf.get(key);
      if (first !== undefined) return `event_ref: duplicate of line ${first} in this file (same contract number and reference)`;
      firstLineOf.set(key, line);
    }
    const problems = eventFieldProblems(row, clock);
    return problems.length ? problems.join('; ') : row;
  };

  const apply = async (m: EntityManager, rows: EventRow[]) => {
    const locked: LockedLoan[] = await m.query(LOCK_LOANS, [bankId, [...new Set(rows.map((r) => r.contractNumber))]]);
    const loans = await positions.refresh(m, locked);
    const known = rows.filter((r) => loans.has(r.contractNumber));
    const storedRows: StoredEvent[] = await m.query(STORED_REFS, [known.map((r) => loans.get(r.contractNumber)!.id), known.map((r) => r.ref)]);
    const stored = new Map(storedRows.map((s) => [refKey(s.loan_id, s.external_ref), s]));

    // A repayment dated before the loan's latest event (counting the batch's earlier rows) needs the loan's history.
    const latest = new Map<LoanPosition, string | null>();
    const needHistory = new Set<LoanPosition>();
    for (const row of known) {
      const loan = loans.get(row.contractNumber)!;
      const seen = latest.has(loan) ? latest.get(loan)! : loan.latestOn;
      if (row.kind === 'REPAYMENT' && seen !== null && row.on < seen) needHistory.add(loan);
      latest.set(loan, seen === null || row.on > seen ? row.on : seen);
    }
    await positions.loadHistories(m, [...needHistory]);

    const rejects: RowReject[] = [];
    const refuse = (row: EventRow, reason: string) => rejects.push({ line: row.line, fields: row.fields, reason });
    const entries: LedgerEntry[] = [];
    let skipped = 0;
    for (const row of rows) {
      const loan = loans.get(row.contractNumber);
      if (!loan) {
        refuse(row, 'contract_number: this bank has no loan with this contract number');
        continue;
      }
      const already = stored.get(refKey(loan.id, row.ref));
      if (already) {
        const difference = storedDifference(row, already);
        if (difference) refuse(row, difference);
        else skipped++;
        continue;
      }
      const problem = loan.problem(row.kind, row.amount, row.on);
      if (problem) {
        refuse(row, `${problem.kind === 'BEFORE_SIGNING' || problem.kind === 'AFTER_MATURITY' ? 'on' : 'amount'}: ${problem.message}`);
        continue;
      }
      loan.apply(row);
      entries.push({ loanId: loan.id, kind: row.kind, amount: row.amount, on: row.on, externalRef: row.ref });
    }
    const written = await writeLedgerEntries(m, entries, null);
    for (const [id, totals] of written.totals) positions.settle(id, totals.disbursedTotal, totals.repaidTotal);
    return { loaded: entries.length, skipped, rejects };
  };

  // Events are applied in file order, each against the loan's ledger including the events before it, so batches are
  // written strictly in turn (the next one is read and checked meanwhile: those checks do not look at the loans).
  const write = (rows: EventRow[]): Promise<BatchOutcome> =>
    writeImportBatch(run, file, 'greenLoan.importEvents', rows, apply);

  return runCsvImport({ label: 'events', file, header, rejectsFile, batchSize: run.batchSize, progress: run.progress, writers: 1, take, write });
}
