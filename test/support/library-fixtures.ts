import { randomBytes } from 'node:crypto';
import { usccCheckChar } from '../../src/uscc/uscc.js';
import { createOrgWithAdmin, type TestRegistry } from './test-registry.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
let serial = Math.floor(Math.random() * 1e6);

/** A fresh valid USCC (check character computed), registered in `division`. */
export function validUscc(division = '350203'): string {
  serial += 1;
  let n = serial;
  let tail = '';
  for (let i = 0; i < 8; i++) {
    tail = ALPHABET[n % 31] + tail;
    n = Math.floor(n / 31);
  }
  const stem = `91${division}M${tail}`;
  return stem + usccCheckChar(stem);
}

export const APPLY = `mutation($i: EnterpriseApplicationInput!) {
  applyForEnterpriseInclusion(input: $i) { id status uscc greenGrade greenScore organizationId }
}`;
export const REVIEW = `mutation($id: ID!, $d: ReviewDecision!, $c: String!) { reviewEnterprise(id: $id, decision: $d, comment: $c) { id status } }`;
export const REMOVE = `mutation($id: ID!, $r: String!) { removeEnterprise(id: $id, reason: $r) { id status } }`;
export const SUBMIT = `mutation($i: ProjectInput!) { submitProject(input: $i) { id status enterpriseId } }`;
export const REVIEW_PROJECT = `mutation($id: ID!, $d: ReviewDecision!, $c: String!) { reviewProject(id: $id, decision: $d, comment: $c) { id status } }`;

export function application(overrides: Record<string, unknown> = {}) {
  return {
    name: '厦门蓝海新能源有限公司',
    nameEn: 'Xiamen Blue Sea New Energy Co., Ltd.',
    uscc: validUscc(),
    districtCode: '350203',
    industry: 'solar power generation',
    greenRevenueShare: '0.8',
    environmentalCreditRating: 'GREEN',
    marine: false,
    description: 'Distributed PV on industrial roofs',
    ...overrides,
  };
}

export function projectInput(overrides: Record<string, unknown> = {}) {
  return {
    name: '集美工业园屋顶分布式光伏',
    taxonomy: { catalogue: 'GBEPC_2021', code: '3.2.2.2' },
    districtCode: '350211',
    realm: 'LAND',
    totalInvestment: '12500000.00',
    expectedAnnualCo2ReductionTonnes: '8123.5',
    startDate: '2024-01-01',
    endDate: '2044-12-31',
    description: '20 MW rooftop PV',
    ...overrides,
  };
}

/** An enterprise organisation with its user, applied and (unless told otherwise) admitted. */
export async function admittedEnterprise(t: TestRegistry, overrides: Record<string, unknown> = {}, admit = true) {
  const org = await createOrgWithAdmin(t, 'ENTERPRISE');
  const applied = await t.gql(APPLY, { i: application(overrides) }, org.token);
  if (!applied.data) throw new Error(JSON.stringify(applied.errors));
  const enterpriseId: string = applied.data.applyForEnterpriseInclusion.id;
  if (admit) {
    const r = await t.gql(REVIEW, { id: enterpriseId, d: 'ADMIT', c: 'meets the criteria' }, t.adminToken);
    if (!r.data) throw new Error(JSON.stringify(r.errors));
  }
  return { ...org, enterpriseId };
}

/** A GreenLoanInput to an admitted borrower (a fresh contract number each time). */
export function loanInput(borrowerEnterpriseId: string, overrides: Record<string, unknown> = {}) {
  return {
    contractNumber: `GL-${randomBytes(6).toString('hex')}`,
    borrowerEnterpriseId,
    principal: '1000000.00',
    interestRate: '0.035',
    signedOn: '2024-01-02',
    maturityOn: '2030-01-02',
    taxonomy: { catalogue: 'GBEPC_2021', code: '3.2.2.2' },
    carbonBenefit: 'DIRECT',
    ...overrides,
  };
}

export const REGISTER_LOAN = `mutation($i: GreenLoanInput!) { registerGreenLoan(input: $i) { id } }`;

export async function submittedProject(t: TestRegistry, token: string, overrides: Record<string, unknown> = {}) {
  const res = await t.gql(SUBMIT, { i: projectInput(overrides) }, token);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.submitProject.id as string;
}
