import { isCurrencyCode } from '../common/currency.js';
import type { FieldError } from '../common/errors.js';
import { InclusionStatus } from '../inclusion/inclusion-status.js';

/** What the loan rules need to know about the records a loan points at; the API reads the database, the importer a cache. */
export interface LoanLookups {
  enterprise(id: string): Promise<{ id: string; organizationId: string; status: string; districtCode: string } | null>;
  project(id: string): Promise<{ id: string; enterpriseId: string; status: string; districtCode: string } | null>;
  taxonomyExists(catalogue: string, code: string): Promise<boolean>;
  contractTaken(bankOrganizationId: string, contractNumber: string): Promise<boolean>;
}

export interface LoanFields {
  contractNumber: string;
  borrowerEnterpriseId: string;
  projectId?: string | null;
  currency: string;
  signedOn: string;
  maturityOn: string;
  taxonomy: { catalogue: string; code: string };
}

export interface LoanRuleResult {
  problems: FieldError[];
  /** The borrower's organisation and the loan's district (the project's, else the borrower's), when valid. */
  borrowerOrganizationId?: string;
  districtCode?: string;
}

/**
 * The rules a loan must meet beyond the shape of its fields (which class-validator checks), shared by the API and the
 * bulk import so both refuse exactly the same loans. Paths are relative to the loan (`principal`, `projectId`, ...).
 */
export async function checkLoanRules(bankOrganizationId: string, loan: LoanFields, lookups: LoanLookups): Promise<LoanRuleResult> {
  const problems: FieldError[] = [];
  if (!isCurrencyCode(loan.currency)) problems.push({ path: 'currency', message: `${loan.currency} is not an ISO 4217 currency` });
  if (loan.maturityOn <= loan.signedOn) problems.push({ path: 'maturityOn', message: 'must be after signedOn' });
  if (!(await lookups.taxonomyExists(loan.taxonomy.catalogue, loan.taxonomy.code))) {
    problems.push({ path: 'taxonomy.code', message: `${loan.taxonomy.code} is not a category of ${loan.taxonomy.catalogue}` });
  }
  if (await lookups.contractTaken(bankOrganizationId, loan.contractNumber)) {
    problems.push({ path: 'contractNumber', message: 'this bank has already registered a loan with this contract number' });
  }
  const borrower = await lookups.enterprise(loan.borrowerEnterpriseId);
  // One answer for missing and not admitted, so a bank learns nothing about applications in progress.
  if (!borrower || borrower.status !== InclusionStatus.ADMITTED) {
    problems.push({ path: 'borrowerEnterpriseId', message: 'is not an admitted enterprise of the library' });
  }
  let districtCode = borrower?.districtCode;
  if (loan.projectId) {
    const project = await lookups.project(loan.projectId);
    if (!project || project.status !== InclusionStatus.ADMITTED) {
      problems.push({ path: 'projectId', message: 'is not an admitted project of the library' });
    } else if (project.enterpriseId !== loan.borrowerEnterpriseId) {
      problems.push({ path: 'projectId', message: "is not the borrower's project" });
    } else {
      districtCode = project.districtCode;
    }
  }
  return { problems, borrowerOrganizationId: borrower?.organizationId, districtCode };
}
