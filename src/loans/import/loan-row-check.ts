import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { DataSource } from 'typeorm';
import { InclusionStatus } from '../../inclusion/inclusion-status.js';
import { normalizeUscc } from '../../uscc/uscc.js';
import { GreenLoanInput } from '../dto/green-loan.inputs.js';
import { checkLoanRules, type LoanLookups } from '../loan-rules.js';

/**
 * A loan row's checks, exactly the API's: the fields through GreenLoanInput's class-validator decorators (with the
 * API's validation options), the references through `checkLoanRules`, answered from lookups preloaded into memory.
 */

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

export interface LoanCaches {
  enterpriseByUscc: Map<string, CachedEnterprise>;
  enterpriseById: Map<string, CachedEnterprise>;
  projectById: Map<string, CachedProject>;
  taxonomy: Set<string>;
}

const taxonomyKey = (catalogue: string, code: string) => `${catalogue}\u0000${code}`;

/** Every admitted enterprise and project and every taxonomy code, read once: a city's libraries fit in memory. */
export async function preloadLoanCaches(dataSource: DataSource): Promise<LoanCaches> {
  const enterprises: { id: string; uscc: string; organization_id: string; district_code: string }[] = await dataSource.query(
    `SELECT id, uscc, organization_id, district_code FROM enterprise WHERE status = $1`,
    [InclusionStatus.ADMITTED],
  );
  const projects: { id: string; enterprise_id: string; district_code: string }[] = await dataSource.query(
    `SELECT id, enterprise_id, district_code FROM project WHERE status = $1`,
    [InclusionStatus.ADMITTED],
  );
  const taxonomy: { catalogue: string; code: string }[] = await dataSource.query(`SELECT catalogue, code FROM taxonomy_category`);
  const caches: LoanCaches = { enterpriseByUscc: new Map(), enterpriseById: new Map(), projectById: new Map(), taxonomy: new Set() };
  for (const e of enterprises) {
    const cached = { id: e.id, organizationId: e.organization_id, status: InclusionStatus.ADMITTED, districtCode: e.district_code };
    caches.enterpriseByUscc.set(normalizeUscc(e.uscc), cached);
    caches.enterpriseById.set(e.id, cached);
  }
  for (const p of projects) caches.projectById.set(p.id, { id: p.id, enterpriseId: p.enterprise_id, status: InclusionStatus.ADMITTED, districtCode: p.district_code });
  for (const t of taxonomy) caches.taxonomy.add(taxonomyKey(t.catalogue, t.code));
  return caches;
}

/** The loan rules' lookups on the preloaded caches. A contract number already present is no rule failure here: the insert skips it. */
function cachedLookups(caches: LoanCaches): LoanLookups {
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
export const COLUMN_OF: Record<string, string> = {
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

export interface CheckedLoan {
  input: GreenLoanInput;
  borrowerOrganizationId: string;
  districtCode: string;
}

export type LoanRowReader = (fields: readonly string[], name: string) => string;

/** Checks loan rows against the caches: the API's validation and rules, per row, with no query. */
export function loanRowChecker(bankId: string, caches: LoanCaches): (fields: readonly string[], at: LoanRowReader) => Promise<CheckedLoan | { reason: string }> {
  const lookups = cachedLookups(caches);
  return async (fields, at) => {
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
  };
}
