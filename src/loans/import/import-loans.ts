import { once } from 'node:events';
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { DataSource, EntityManager } from 'typeorm';
import { writeAuditEvent } from '../../audit/audit.service.js';
import { todayIn } from '../../common/clock.js';
import { isIsoDate } from '../../common/date.js';
import { decimalProblem, MONEY } from '../../common/decimal.js';
import { newId } from '../../common/ids.js';
import { normalizeUscc } from '../../enterprises/uscc.js';
import { InclusionStatus } from '../../inclusion/inclusion-status.js';
import { GreenLoanInput } from '../dto/green-loan.inputs.js';
import { disbursementProblem, repaymentProblem, totalsAsOf, type LedgerEvent, type LoanEventKind } from '../loan-ledger.js';
import { checkLoanRules, type LoanLookups } from '../loan-rules.js';
import { CsvError, csvLine, readCsvFile, readCsvHeader, type CsvRecord } from './csv-stream.js';
import { silentProgress, type ImportProgress } from './progress.js';

/**
 * Bulk import of a bank's green loans (and, optionally, their disbursements and repayments) from CSV files. The
 * layout is documented in docs/loan-import.md. Every row meets exactly the API's rules: the fields through
 * GreenLoanInput's class-validator decorators, the references through `checkLoanRules` (on lookups preloaded into
 * memory), events through the ledger's `disbursementProblem`/`repaymentProblem`. Valid rows are written in batches,
 * a transaction and an audit row per batch; a re-run adds nothing twice (loans by contract number, events by the
 * bank's reference). Bad rows go to a rejects file with their line number and the reason.
 */

export const LOAN_COLUMNS = {
  required: ['contract_number', 'borrower_uscc', 'principal', 'interest_rate', 'signed_on', 'maturity_on', 'taxonomy_catalogue', 'taxonomy_code', 'carbon_benefit'],
  optional: ['project_id', 'currency'],
} as const;
export const EVENT_COLUMNS = { required: ['contract_number', 'kind', 'amount', 'on', 'event_ref'], optional: [] } as const;

export const DEFAULT_BATCH_SIZE = 1000;
const MAX_BATCH_SIZE = 10_000;
const MAX_EVENT_REF_LENGTH = 128;
const MAX_HELD_REJECTS = 10_000;

export interface ImportLoansOptions {
  dataSource: DataSource;
  /** The lending bank: its organisation id, or its exact name. */
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

export interface ImportCounts {
  loaded: number;
  /** Already present: a loan with the contract number, an event with the reference. */
  skipped: number;
  rejected: number;
}

export interface ImportResult {
  importId: string;
  bankOrganizationId: string;
  loans: ImportCounts;
  events: ImportCounts | null;
  rejectsFile: string;
  eventsRejectsFile: string | null;
}

/** The import could not run at all (unknown bank, unreadable file, wrong columns): nothing was loaded. */
export class LoanImportError extends Error {}

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
  const progress = options.progress ?? silentProgress;
  const bank = await resolveBank(dataSource, options.bank);
  // Both files' headers are checked before anything is written.
  const loanHeader = await readHeader(options.loansFile, LOAN_COLUMNS);
  const eventHeader = options.eventsFile ? await readHeader(options.eventsFile, EVENT_COLUMNS) : null;
  const importId = newId();
  const ctx: RunContext = { dataSource, bankId: bank.id, importId, batchSize, progress };

  const loans = await importLoanRows(ctx, options.loansFile, loanHeader, options.rejectsFile ?? `${options.loansFile}.rejects.csv`);
  let events: ImportCounts | null = null;
  const eventsRejectsFile = options.eventsFile ? (options.eventsRejectsFile ?? `${options.eventsFile}.rejects.csv`) : null;
  if (options.eventsFile && eventHeader && eventsRejectsFile) {
    // "Today" as the API has it: the registry's calendar, not the machine's.
    const clock = { today: todayIn(options.timeZone), timeZone: options.timeZone };
    events = await importEventRows(ctx, options.eventsFile, eventHeader, eventsRejectsFile, clock);
  }
  return { importId, bankOrganizationId: bank.id, loans: loans.counts, events, rejectsFile: loans.rejectsFile, eventsRejectsFile };
}

interface RunContext {
  dataSource: DataSource;
  bankId: string;
  importId: string;
  batchSize: number;
  progress: ImportProgress;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The bank by organisation id, USCC, or exact name. */
export async function resolveBank(dataSource: DataSource, ref: string): Promise<{ id: string; name: string }> {
  const key = ref.trim();
  if (!key) throw new LoanImportError('--bank is empty: give the bank organisation id, its USCC or its exact name');
  const rows: { id: string; kind: string; name: string }[] = UUID.test(key)
    ? await dataSource.query(`SELECT id, kind, name FROM organization WHERE id = $1`, [key])
    : await dataSource.query(`SELECT id, kind, name FROM organization WHERE uscc = upper($1) OR name = $1 ORDER BY (uscc = upper($1)) DESC LIMIT 1`, [key]);
  if (rows.length === 0) throw new LoanImportError(`no organisation has the id, USCC or name "${key}"`);
  const org = rows[0];
  if (org.kind !== 'BANK') throw new LoanImportError(`"${org.name}" is a ${org.kind} organisation, not a BANK: loans are imported for a bank`);
  return { id: org.id, name: org.name };
}

async function readHeader(file: string, columns: { required: readonly string[]; optional: readonly string[] }): Promise<string[]> {
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

  async add(line: number, reason: string, fields: readonly string[]): Promise<void> {
    if (this.failure) throw this.failure;
    this.count++;
    if (!this.stream.write(csvLine([String(line), reason, ...fields]))) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end((err?: Error | null) => (err ? rej(err) : res())));
    if (this.failure) throw this.failure;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Loans

interface CachedEnterprise {
  id: string;
  organizationId: string;
  status: string;
  districtCode: string;
}
interface CachedProject {
  id: string;
  enterpriseId: string;
  status: string;
  districtCode: string;
}

interface Caches {
  enterpriseByUscc: Map<string, CachedEnterprise>;
  enterpriseById: Map<string, CachedEnterprise>;
  projectById: Map<string, CachedProject>;
  taxonomy: Set<string>;
}

/** Every admitted enterprise and project and every taxonomy code, read once: a city's libraries fit in memory. */
async function preload(dataSource: DataSource): Promise<Caches> {
  const enterprises: { id: string; uscc: string; organization_id: string; district_code: string }[] = await dataSource.query(
    `SELECT id, uscc, organization_id, district_code FROM enterprise WHERE status = $1`,
    [InclusionStatus.ADMITTED],
  );
  const projects: { id: string; enterprise_id: string; district_code: string }[] = await dataSource.query(
    `SELECT id, enterprise_id, district_code FROM project WHERE status = $1`,
    [InclusionStatus.ADMITTED],
  );
  const taxonomy: { catalogue: string; code: string }[] = await dataSource.query(`SELECT catalogue, code FROM taxonomy_category`);
  const caches: Caches = { enterpriseByUscc: new Map(), enterpriseById: new Map(), projectById: new Map(), taxonomy: new Set() };
  for (const e of enterprises) {
    const cached = { id: e.id, organizationId: e.organization_id, status: InclusionStatus.ADMITTED, districtCode: e.district_code };
    caches.enterpriseByUscc.set(normalizeUscc(e.uscc), cached);
    caches.enterpriseById.set(e.id, cached);
  }
  for (const p of projects) caches.projectById.set(p.id, { id: p.id, enterpriseId: p.enterprise_id, status: InclusionStatus.ADMITTED, districtCode: p.district_code });
  for (const t of taxonomy) caches.taxonomy.add(taxonomyKey(t.catalogue, t.code));
  return caches;
}

const taxonomyKey = (catalogue: string, code: string) => `${catalogue}\u0000${code}`;

/** The loan rules' lookups on the preloaded caches. A contract number already present is no rule failure here: the insert skips it. */
function cachedLookups(caches: Caches): LoanLookups {
  return {
    enterprise: async (id) => caches.enterpriseById.get(id) ?? null,
    project: async (id) => caches.projectById.get(id) ?? null,
    taxonomyExists: async (catalogue, code) => caches.taxonomy.has(taxonomyKey(catalogue, code)),
    contractTaken: async () => false,
  };
}

/** The borrower of a row whose USCC names no admitted enterprise: a UUID that no enterprise has, so the rules refuse it as the API would. */
const NO_SUCH_ENTERPRISE = '00000000-0000-4000-8000-000000000000';

/** The API's validation pipe options. */
const VALIDATION = { whitelist: true, forbidUnknownValues: false } as const;

/** GreenLoanInput's (and the rules') field paths, named by the CSV column. */
const COLUMN_OF: Record<string, string> = {
  contractNumber: 'contract_number',
  borrowerEnterpriseId: 'borrower_uscc',
  projectId: 'project_id',
  principal: 'principal',
  currency: 'currency',
  interestRate: 'interest_rate',
  signedOn: 'signed_on',
  maturityOn: 'maturity_on',
  taxonomy: 'taxonomy_code',
  'taxonomy.catalogue': 'taxonomy_catalogue',
  'taxonomy.code': 'taxonomy_code',
  carbonBenefit: 'carbon_benefit',
};

function fieldProblems(errors: ValidationError[], prefix: string, out: string[]): string[] {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const column = COLUMN_OF[path] ?? path;
    for (const message of Object.values(e.constraints ?? {})) {
      // class-validator's default messages start with the property name; the column is named once, in front.
      out.push(`${column}: ${message.startsWith(`${e.property} `) ? message.slice(e.property.length + 1) : message}`);
    }
    if (e.children?.length) fieldProblems(e.children, path, out);
  }
  return out;
}

interface LoanRow {
  line: number;
  fields: string[];
  id: string;
  input: GreenLoanInput;
  borrowerOrganizationId: string;
  districtCode: string;
}

async function importLoanRows(ctx: RunContext, file: string, header: string[], rejectsPath: string): Promise<{ counts: ImportCounts; rejectsFile: string }> {
  const { dataSource, bankId, importId, batchSize, progress } = ctx;
  const caches = await preload(dataSource);
  const lookups = cachedLookups(caches);
  const column = new Map(header.map((h, i) => [h, i]));
  const at = (fields: string[], name: string) => {
    const i = column.get(name);
    return i === undefined ? '' : fields[i].trim();
  };
  const totalBytes = (await stat(file)).size;
  const auditFile = resolve(file);
  const rejects = new RejectsFile(rejectsPath, header);
  const counts: ImportCounts = { loaded: 0, skipped: 0, rejected: 0 };
  /** The first line of each contract number in the file: a later row with it is a duplicate. */
  const firstLineOf = new Map<string, number>();

  const flush = async (rows: LoanRow[]) => {
    const late: { row: LoanRow; reason: string }[] = [];
    let loaded = 0;
    let attempted = 0;
    await dataSource.transaction(async (m) => {
      // The cache is a snapshot: the rows the batch points at must still be admitted, and stay so until it commits
      // (share locks, as the API takes them).
      const stillAdmitted = async (sql: string, ids: (string | null | undefined)[]) => {
        const wanted = [...new Set(ids.filter((x): x is string => !!x))];
        if (!wanted.length) return new Set<string>();
        const found: { id: string }[] = await m.query(sql, [wanted, InclusionStatus.ADMITTED]);
        return new Set(found.map((r) => r.id));
      };
      const enterprises = await stillAdmitted(LOCK_ENTERPRISES, rows.map((r) => r.input.borrowerEnterpriseId));
      const projects = await stillAdmitted(LOCK_PROJECTS, rows.map((r) => r.input.projectId));
      const insert: LoanRow[] = [];
      for (const row of rows) {
        if (!enterprises.has(row.input.borrowerEnterpriseId)) late.push({ row, reason: 'borrower_uscc: is not an admitted enterprise of the library' });
        else if (row.input.projectId && !projects.has(row.input.projectId)) late.push({ row, reason: 'project_id: is not an admitted project of the library' });
        else insert.push(row);
      }
      attempted = insert.length;
      if (!insert.length) return;
      const inserted: { id: string }[] = await m.query(INSERT_LOANS, [
        bankId,
        insert.map((r) => r.id),
        insert.map((r) => r.input.contractNumber),
        insert.map((r) => r.input.borrowerEnterpriseId),
        insert.map((r) => r.borrowerOrganizationId),
        insert.map((r) => r.input.projectId ?? null),
        insert.map((r) => r.input.principal),
        insert.map((r) => r.input.currency),
        insert.map((r) => r.input.interestRate),
        insert.map((r) => r.input.signedOn),
        insert.map((r) => r.input.maturityOn),
        insert.map((r) => r.input.taxonomy.catalogue),
        insert.map((r) => r.input.taxonomy.code),
        insert.map((r) => r.input.carbonBenefit),
        insert.map((r) => r.districtCode),
      ]);
      loaded = inserted.length;
      if (loaded > 0) {
        await writeAuditEvent(m, null, `loan-import:${importId}`, {
          action: 'greenLoan.import',
          entityType: 'GreenLoanImport',
          entityId: importId,
          after: { file: auditFile, firstLine: rows[0].line, lastLine: rows[rows.length - 1].line, loaded, skipped: attempted - loaded, bankOrganizationId: bankId },
        });
      }
    });
    counts.loaded += loaded;
    counts.skipped += attempted - loaded;
    for (const { row, reason } of late) await rejects.add(row.line, reason, row.fields);
  };

  // Batches are written while the next ones are read and validated, up to WRITERS at a time (each on a connection of
  // its own when the pool has them; the embedded database's single connection takes them in turn).
  const writing: Promise<void>[] = [];
  let batch: LoanRow[] = [];
  const startFlush = async () => {
    const rows = batch;
    batch = [];
    if (writing.length >= WRITERS) await writing.shift();
    const next = flush(rows);
    // Awaited later; until then its failure must not count as unhandled.
    next.catch(() => undefined);
    writing.push(next);
  };

  progress.begin('loans', totalBytes);
  let rowsRead = 0;
  let seenHeader = false;
  try {
    for await (const { records, bytesRead } of readCsvFile(file)) {
      for (const record of records) {
        if (!seenHeader) {
          seenHeader = true;
          continue;
        }
        rowsRead++;
        // Validation only awaits resolved promises: let the batch being written get its replies now and then.
        if (rowsRead % YIELD_EVERY === 0) await yieldToEventLoop();
        const { line, fields } = record;
        if (record.error) {
          await rejects.add(line, `malformed row: ${record.error}`, fields);
          continue;
        }
        if (fields.length !== header.length) {
          await rejects.add(line, `malformed row: ${fields.length} field(s), expected ${header.length}`, fields);
          continue;
        }
        const contractNumber = at(fields, 'contract_number');
        if (contractNumber) {
          const first = firstLineOf.get(contractNumber);
          if (first !== undefined) {
            await rejects.add(line, `contract_number: duplicate of line ${first} in this file`, fields);
            continue;
          }
          firstLineOf.set(contractNumber, line);
        }
        const checked = await checkLoanRow(fields, at, bankId, caches, lookups);
        if ('reason' in checked) {
          await rejects.add(line, checked.reason, fields);
          continue;
        }
        batch.push({ line, fields, id: newId(), ...checked });
        if (batch.length >= batchSize) await startFlush();
      }
      progress.update(bytesRead, rowsRead);
    }
    if (batch.length) await startFlush();
    while (writing.length) await writing.shift();
  } catch (err) {
    if (err instanceof CsvError) throw new LoanImportError(`${file}: ${err.message}`);
    throw err;
  } finally {
    await Promise.allSettled(writing);
    await rejects.close();
  }
  progress.update(totalBytes, rowsRead);
  progress.end();
  counts.rejected = rejects.count;
  return { counts, rejectsFile: rejects.path };
}

const YIELD_EVERY = 100;
const WRITERS = 2;
const yieldToEventLoop = () => new Promise<void>((res) => setImmediate(res));

const LOCK_ENTERPRISES = `SELECT id FROM enterprise WHERE id = ANY($1::uuid[]) AND status = $2 ORDER BY id FOR SHARE`;
const LOCK_PROJECTS = `SELECT id FROM project WHERE id = ANY($1::uuid[]) AND status = $2 ORDER BY id FOR SHARE`;

const INSERT_LOANS = `
  INSERT INTO green_loan (id, bank_organization_id, contract_number, borrower_enterprise_id, borrower_organization_id, project_id, principal,
                          currency, interest_rate, signed_on, maturity_on, taxonomy_catalogue, taxonomy_code, carbon_benefit, district_code)
  SELECT u.id, $1::uuid, u.contract_number, u.borrower_enterprise_id, u.borrower_organization_id, u.project_id, u.principal,
         u.currency, u.interest_rate, u.signed_on, u.maturity_on, u.taxonomy_catalogue, u.taxonomy_code, u.carbon_benefit, u.district_code
  FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::uuid[], $7::numeric[], $8::text[], $9::numeric[], $10::date[], $11::date[],
              $12::text[], $13::text[], $14::text[], $15::text[])
    AS u(id, contract_number, borrower_enterprise_id, borrower_organization_id, project_id, principal, currency, interest_rate, signed_on,
         maturity_on, taxonomy_catalogue, taxonomy_code, carbon_benefit, district_code)
  ON CONFLICT (bank_organization_id, contract_number) DO NOTHING
  RETURNING id`;

/** One loan row through GreenLoanInput's validation and the loan rules, as the API runs them. */
async function checkLoanRow(
  fields: string[],
  at: (fields: string[], name: string) => string,
  bankId: string,
  caches: Caches,
  lookups: LoanLookups,
): Promise<{ reason: string } | { input: GreenLoanInput; borrowerOrganizationId: string; districtCode: string }> {
  const uscc = normalizeUscc(at(fields, 'borrower_uscc'));
  const plain: Record<string, unknown> = {
    contractNumber: at(fields, 'contract_number'),
    borrowerEnterpriseId: (uscc && caches.enterpriseByUscc.get(uscc)?.id) || NO_SUCH_ENTERPRISE,
    principal: at(fields, 'principal'),
    interestRate: at(fields, 'interest_rate'),
    signedOn: at(fields, 'signed_on'),
    maturityOn: at(fields, 'maturity_on'),
    taxonomy: { catalogue: at(fields, 'taxonomy_catalogue'), code: at(fields, 'taxonomy_code') },
    carbonBenefit: at(fields, 'carbon_benefit'),
  };
  // Optional columns left empty take the API's defaults (no project; CNY).
  const projectId = at(fields, 'project_id');
  if (projectId) plain.projectId = projectId;
  const currency = at(fields, 'currency');
  if (currency) plain.currency = currency;
  const input = plainToInstance(GreenLoanInput, plain);
  const problems = fieldProblems(await validate(input, VALIDATION), '', []);
  if (!uscc) problems.unshift('borrower_uscc: is required');
  if (problems.length) return { reason: problems.join('; ') };
  const rules = await checkLoanRules(bankId, input, lookups);
  if (rules.problems.length) return { reason: rules.problems.map((p) => `${COLUMN_OF[p.path] ?? p.path}: ${p.message}`).join('; ') };
  return { input, borrowerOrganizationId: rules.borrowerOrganizationId!, districtCode: rules.districtCode! };
}

// ---------------------------------------------------------------------------------------------------------------
// Events

interface EventRow {
  line: number;
  fields: string[];
  contractNumber: string;
  kind: LoanEventKind;
  amount: string;
  on: string;
  ref: string;
}

interface LockedLoan {
  id: string;
  principal: string;
  signedOn: string;
  maturityOn: string;
  history: LedgerEvent[];
  refs: Set<string>;
  changed: boolean;
}

/** The API's rule for an event amount (`POSITIVE_MONEY` on the event mutations). */
const EVENT_AMOUNT = { ...MONEY, min: '0', exclusiveMin: true };

async function importEventRows(
  ctx: RunContext,
  file: string,
  header: string[],
  rejectsPath: string,
  clock: { today: string; timeZone: string },
): Promise<ImportCounts> {
  const { dataSource, bankId, importId, batchSize, progress } = ctx;
  const column = new Map(header.map((h, i) => [h, i]));
  const at = (fields: string[], name: string) => fields[column.get(name)!].trim();
  const totalBytes = (await stat(file)).size;
  const auditFile = resolve(file);
  const rejects = new RejectsFile(rejectsPath, header);
  const counts: ImportCounts = { loaded: 0, skipped: 0, rejected: 0 };
  /** The first line of each (contract number, event reference) in the file. */
  const firstLineOf = new Map<string, number>();
  /** Rows refused since the last batch was written: the rejects file lists events in file order. */
  let held: { line: number; reason: string; fields: string[] }[] = [];
  const reject = (line: number, reason: string, fields: string[]) => {
    held.push({ line, reason, fields });
  };
  const writeHeld = async () => {
    const rows = held.sort((a, b) => a.line - b.line);
    held = [];
    for (const r of rows) await rejects.add(r.line, r.reason, r.fields);
  };

  // Events are applied in file order, each against the loan's history including the events before it, so a batch
  // is written before the next one is read.
  const flush = async (rows: EventRow[]) => {
    let loaded = 0;
    let skipped = 0;
    await dataSource.transaction(async (m: EntityManager) => {
      const contracts = [...new Set(rows.map((r) => r.contractNumber))];
      // Locked as the API locks a loan for an event, so nothing else moves its balance meanwhile.
      const loans: { id: string; contract_number: string; principal: string; signed_on: string; maturity_on: string }[] = await m.query(
        `SELECT id, contract_number, principal::text AS principal, signed_on::text AS signed_on, maturity_on::text AS maturity_on FROM green_loan
         WHERE bank_organization_id = $1 AND contract_number = ANY($2::text[]) ORDER BY id FOR UPDATE`,
        [bankId, contracts],
      );
      const byContract = new Map<string, LockedLoan>();
      const byId = new Map<string, LockedLoan>();
      for (const l of loans) {
        const locked = { id: l.id, principal: l.principal, signedOn: l.signed_on, maturityOn: l.maturity_on, history: [], refs: new Set<string>(), changed: false };
        byContract.set(l.contract_number, locked);
        byId.set(l.id, locked);
      }
      if (loans.length) {
        const history: { loan_id: string; kind: LoanEventKind; amount: string; occurred_on: string; external_ref: string | null }[] = await m.query(
          `SELECT loan_id, kind, amount::text AS amount, occurred_on::text AS occurred_on, external_ref FROM loan_event
           WHERE loan_id = ANY($1::uuid[]) ORDER BY occurred_on, id`,
          [loans.map((l) => l.id)],
        );
        for (const e of history) {
          const loan = byId.get(e.loan_id)!;
          loan.history.push({ kind: e.kind, amount: e.amount, on: e.occurred_on });
          if (e.external_ref !== null) loan.refs.add(e.external_ref);
        }
      }
      const insert: { id: string; loanId: string; row: EventRow }[] = [];
      for (const row of rows) {
        const loan = byContract.get(row.contractNumber);
        if (!loan) {
          reject(row.line, 'contract_number: this bank has no loan with this contract number', row.fields);
          continue;
        }
        if (loan.refs.has(row.ref)) {
          skipped++;
          continue;
        }
        const problem =
          row.kind === 'DISBURSEMENT' ? disbursementProblem(loan, loan.history, row.amount, row.on) : repaymentProblem(loan, loan.history, row.amount, row.on);
        if (problem) {
          reject(row.line, `${problem.kind === 'BEFORE_SIGNING' || problem.kind === 'AFTER_MATURITY' ? 'on' : 'amount'}: ${problem.message}`, row.fields);
          continue;
        }
        loan.history.push({ kind: row.kind, amount: row.amount, on: row.on });
        loan.refs.add(row.ref);
        loan.changed = true;
        insert.push({ id: newId(), loanId: loan.id, row });
      }
      if (!insert.length) return;
      await m.query(
        `INSERT INTO loan_event (id, loan_id, kind, amount, occurred_on, external_ref)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::numeric[], $5::date[], $6::text[])`,
        [
          insert.map((e) => e.id),
          insert.map((e) => e.loanId),
          insert.map((e) => e.row.kind),
          insert.map((e) => e.row.amount),
          insert.map((e) => e.row.on),
          insert.map((e) => e.row.ref),
        ],
      );
      // The running totals move with the events, as the API keeps them.
      const changed = [...byId.values()].filter((l) => l.changed);
      const totals = changed.map((l) => totalsAsOf(l.history));
      await m.query(
        `UPDATE green_loan AS l SET disbursed_total = u.disbursed, repaid_total = u.repaid, updated_at = now()
         FROM unnest($1::uuid[], $2::numeric[], $3::numeric[]) AS u(id, disbursed, repaid) WHERE l.id = u.id`,
        [changed.map((l) => l.id), totals.map((t) => t.disbursed.toFixed(2)), totals.map((t) => t.repaid.toFixed(2))],
      );
      loaded = insert.length;
      await writeAuditEvent(m, null, `loan-import:${importId}`, {
        action: 'greenLoan.importEvents',
        entityType: 'GreenLoanImport',
        entityId: importId,
        after: { file: auditFile, firstLine: rows[0].line, lastLine: rows[rows.length - 1].line, loaded, skipped, bankOrganizationId: bankId },
      });
    });
    counts.loaded += loaded;
    counts.skipped += skipped;
    await writeHeld();
  };

  /** A row's own checks: the row to apply, or null when it was refused. */
  const take = (record: CsvRecord): EventRow | null => {
    const { line, fields } = record;
    if (record.error) {
      reject(line, `malformed row: ${record.error}`, fields);
      return null;
    }
    if (fields.length !== header.length) {
      reject(line, `malformed row: ${fields.length} field(s), expected ${header.length}`, fields);
      return null;
    }
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
      if (first !== undefined) {
        reject(line, `event_ref: duplicate of line ${first} in this file (same contract number and reference)`, fields);
        return null;
      }
      firstLineOf.set(key, line);
    }
    const problems = eventFieldProblems(row, clock);
    if (problems.length) {
      reject(line, problems.join('; '), fields);
      return null;
    }
    return row;
  };

  progress.begin('events', totalBytes);
  let rowsRead = 0;
  let seenHeader = false;
  let batch: EventRow[] = [];
  try {
    for await (const { records, bytesRead } of readCsvFile(file)) {
      for (const record of records) {
        if (!seenHeader) {
          seenHeader = true;
          continue;
        }
        rowsRead++;
        const row = take(record);
        if (row) batch.push(row);
        // A batch is also written early when many refused rows wait for it, so memory stays bounded.
        if (batch.length >= batchSize || held.length >= MAX_HELD_REJECTS) {
          const rows = batch;
          batch = [];
          if (rows.length) await flush(rows);
          else await writeHeld();
        }
      }
      progress.update(bytesRead, rowsRead);
    }
    if (batch.length) await flush(batch);
    await writeHeld();
  } catch (err) {
    if (err instanceof CsvError) throw new LoanImportError(`${file}: ${err.message}`);
    throw err;
  } finally {
    await rejects.close();
  }
  progress.update(totalBytes, rowsRead);
  progress.end();
  counts.rejected = rejects.count;
  return counts;
}

/** The checks the API's event mutations make on their arguments before looking at the loan. */
function eventFieldProblems(row: EventRow, clock: { today: string; timeZone: string }): string[] {
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
