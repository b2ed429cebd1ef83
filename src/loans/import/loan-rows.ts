import type { EntityManager } from 'typeorm';
import { Dec } from '../../common/decimal.js';
import { newId } from '../../common/ids.js';
import { lockAdmittedEnterprises, lockAdmittedProjects } from '../../inclusion/admission.js';
import { columnReader, runCsvImport, type BatchOutcome, type RowReject } from './csv-import.js';
import { listed, writeImportBatch, type ImportCounts, type ImportRun } from './import-run.js';
import { loanRowChecker, preloadLoanCaches, type CheckedLoan } from './loan-row-check.js';

/**
 * Loan rows: each checked with the API's rules (loan-row-check.ts), then inserted a batch at a time with one
 * statement that skips contract numbers the bank already has. A skipped row that says something else than the stored
 * loan is refused instead, naming the differences.
 */

export const LOAN_COLUMNS = {
  required: ['contract_number', 'borrower_uscc', 'principal', 'interest_rate', 'signed_on', 'maturity_on', 'taxonomy_catalogue', 'taxonomy_code', 'carbon_benefit'],
  optional: ['project_id', 'currency'],
} as const;

interface LoanRow extends CheckedLoan {
  line: number;
  fields: string[];
  id: string;
}

const refused = (row: LoanRow, reason: string): RowReject => ({ line: row.line, fields: row.fields, reason });

/** Rows are independent of each other: the next batch is read and checked while one is written. */
const WRITERS = 2;

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

const STORED_LOANS = `
  SELECT l.contract_number, l.borrower_enterprise_id, e.uscc AS borrower_uscc, l.project_id, l.principal::text AS principal, l.currency,
         l.interest_rate::text AS interest_rate, l.signed_on::text AS signed_on, l.maturity_on::text AS maturity_on, l.taxonomy_catalogue,
         l.taxonomy_code, l.carbon_benefit
  FROM green_loan l JOIN enterprise e ON e.id = l.borrower_enterprise_id
  WHERE l.bank_organization_id = $1 AND l.contract_number = ANY($2::text[])`;

interface StoredLoan {
  contract_number: string;
  borrower_enterprise_id: string;
  borrower_uscc: string;
  project_id: string | null;
  principal: string;
  currency: string;
  interest_rate: string;
  signed_on: string;
  maturity_on: string;
  taxonomy_catalogue: string;
  taxonomy_code: string;
  carbon_benefit: string;
}

/** The columns in which a row says something else than the stored loan, each with the stored value. */
function differences(row: LoanRow, stored: StoredLoan): string[] {
  const { input } = row;
  const out: string[] = [];
  const differs = (column: string, same: boolean, storedValue: string) => {
    if (!same) out.push(`${column} (stored ${storedValue})`);
  };
  differs('borrower_uscc', input.borrowerEnterpriseId === stored.borrower_enterprise_id, stored.borrower_uscc);
  differs('project_id', (input.projectId?.toLowerCase() ?? null) === stored.project_id, stored.project_id ?? 'none');
  differs('principal', new Dec(input.principal).eq(stored.principal), stored.principal);
  differs('currency', input.currency === stored.currency, stored.currency);
  differs('interest_rate', new Dec(input.interestRate).eq(stored.interest_rate), stored.interest_rate);
  differs('signed_on', input.signedOn === stored.signed_on, stored.signed_on);
  differs('maturity_on', input.maturityOn === stored.maturity_on, stored.maturity_on);
  differs('taxonomy_catalogue', input.taxonomy.catalogue === stored.taxonomy_catalogue, stored.taxonomy_catalogue);
  differs('taxonomy_code', input.taxonomy.code === stored.taxonomy_code, stored.taxonomy_code);
  differs('carbon_benefit', input.carbonBenefit === stored.carbon_benefit, stored.carbon_benefit);
  return out;
}

export async function importLoanRows(run: ImportRun, file: string, header: string[], rejectsFile: string): Promise<ImportCounts> {
  const { dataSource, bankId } = run;
  const check = loanRowChecker(bankId, await preloadLoanCaches(dataSource));
  const at = columnReader(header);
  /** The first line of each contract number in the file: a later row with it is a duplicate. */
  const firstLineOf = new Map<string, number>();

  const take = async (line: number, fields: string[]): Promise<LoanRow | string> => {
    const contractNumber = at(fields, 'contract_number');
    if (contractNumber) {
      const first = firstLineOf.get(contractNumber);
      if (first !== undefined) return `contract_number: duplicate of line ${first} in this file`;
      firstLineOf.set(contractNumber, line);
    }
    const checked = await check(fields, at);
    return 'reason' in checked ? checked.reason : { line, fields, id: newId(), ...checked };
  };

  /** Inserts what is new; returns the rows refused at write time and how many were already there. */
  const insert = async (m: EntityManager, rows: LoanRow[]) => {
    const rejects: RowReject[] = [];
    // The caches are a snapshot: the rows the batch points at must still be admitted, and stay so until it commits.
    const enterprises = await lockAdmittedEnterprises(m, rows.map((r) => r.input.borrowerEnterpriseId));
    const projects = await lockAdmittedProjects(m, rows.map((r) => r.input.projectId));
    const accepted: LoanRow[] = [];
    for (const row of rows) {
      if (!enterprises.has(row.input.borrowerEnterpriseId)) rejects.push(refused(row, 'borrower_uscc: is not an admitted enterprise of the library'));
      else if (row.input.projectId && !projects.has(row.input.projectId)) rejects.push(refused(row, 'project_id: is not an admitted project of the library'));
      else accepted.push(row);
    }
    if (!accepted.length) return { loaded: 0, skipped: 0, rejects };
    const inserted: { id: string }[] = await m.query(INSERT_LOANS, [
      bankId,
      accepted.map((r) => r.id),
      accepted.map((r) => r.input.contractNumber),
      accepted.map((r) => r.input.borrowerEnterpriseId),
      accepted.map((r) => r.borrowerOrganizationId),
      accepted.map((r) => r.input.projectId ?? null),
      accepted.map((r) => r.input.principal),
      accepted.map((r) => r.input.currency),
      accepted.map((r) => r.input.interestRate),
      accepted.map((r) => r.input.signedOn),
      accepted.map((r) => r.input.maturityOn),
      accepted.map((r) => r.input.taxonomy.catalogue),
      accepted.map((r) => r.input.taxonomy.code),
      accepted.map((r) => r.input.carbonBenefit),
      accepted.map((r) => r.districtCode),
    ]);
    const loaded = new Set(inserted.map((r) => r.id));
    const present = accepted.filter((r) => !loaded.has(r.id));
    let skipped = present.length;
    if (present.length) {
      // A loan is never overwritten from a file; a row that disagrees with it is refused rather than passed over.
      const stored: StoredLoan[] = await m.query(STORED_LOANS, [bankId, present.map((r) => r.input.contractNumber)]);
      const byContract = new Map(stored.map((s) => [s.contract_number, s]));
      for (const row of present) {
        const found = byContract.get(row.input.contractNumber);
        const diff = found ? differences(row, found) : [];
        if (!diff.length) continue;
        skipped--;
        rejects.push(refused(row, `contract_number: already registered by this bank; this row differs in ${listed(diff)}`));
      }
    }
    return { loaded: loaded.size, skipped, rejects };
  };

  const write = (rows: LoanRow[]): Promise<BatchOutcome> =>
    writeImportBatch(run, file, 'greenLoan.import', rows, insert);

  return runCsvImport({ label: 'loans', file, header, rejectsFile, batchSize: run.batchSize, progress: run.progress, writers: WRITERS, take, write });
}
