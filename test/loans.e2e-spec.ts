import { admittedEnterprise, REVIEW_PROJECT, submittedProject } from './support/library-fixtures.js';
import { countStatements, createOrgWithAdmin, errorCode, startTestRegistry, unique, type GqlResult, type TestRegistry } from './support/test-registry.js';

type Org = Awaited<ReturnType<typeof createOrgWithAdmin>>;
type Ent = Awaited<ReturnType<typeof admittedEnterprise>>;

let t: TestRegistry;
let bank: Org;
let otherBank: Org;
let borrower: Ent;
let projectId: string;

const REGISTER = `mutation($i: GreenLoanInput!, $k: String) {
  registerGreenLoan(input: $i, idempotencyKey: $k) { id contractNumber principal currency interestRate districtCode disbursedTotal repaidTotal status }
}`;
const DISBURSE = `mutation($l: ID!, $a: Decimal!, $on: Date!, $k: String) { recordLoanDisbursement(loanId: $l, amount: $a, on: $on, idempotencyKey: $k) { id kind amount on } }`;
const REPAY = `mutation($l: ID!, $a: Decimal!, $on: Date!, $k: String) { recordLoanRepayment(loanId: $l, amount: $a, on: $on, idempotencyKey: $k) { id kind amount on } }`;
const BALANCE = `query($id: ID!, $d: Date) { greenLoan(id: $id) { outstandingBalance(asOf: $d) status(asOf: $d) disbursedTotal repaidTotal } }`;

beforeAll(async () => {
  t = await startTestRegistry();
  bank = await createOrgWithAdmin(t, 'BANK');
  otherBank = await createOrgWithAdmin(t, 'BANK');
  borrower = await admittedEnterprise(t, { districtCode: '350206' });
  projectId = await submittedProject(t, borrower.token, { districtCode: '350211' });
  await t.gql(REVIEW_PROJECT, { id: projectId, d: 'ADMIT', c: 'ok' }, t.adminToken);
});
afterAll(async () => {
  await t?.close();
});

function loan(overrides: Record<string, unknown> = {}) {
  return {
    contractNumber: unique('XMB-GL'),
    borrowerEnterpriseId: borrower.enterpriseId,
    principal: '1000000.00',
    interestRate: '0.0345',
    signedOn: '2024-01-15',
    maturityOn: '2029-01-15',
    taxonomy: { catalogue: 'GBEPC_2021', code: '3.2.2.2' },
    carbonBenefit: 'DIRECT',
    ...overrides,
  };
}

async function register(overrides: Record<string, unknown> = {}, token = bank.token): Promise<string> {
  const res = await t.gql(REGISTER, { i: loan(overrides) }, token);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.registerGreenLoan.id;
}

const counts = async () => {
  const [row] = await t.sql(`SELECT (SELECT count(*)::int FROM green_loan) AS loans, (SELECT count(*)::int FROM loan_event) AS events,
    (SELECT count(*)::int FROM audit_event) AS audits, (SELECT count(*)::int FROM idempotency_key) AS keys`);
  return row;
};

/** Expects a refusal with `code` (and the named field), and that nothing was written. */
async function refused(code: string, call: () => Promise<GqlResult>, field?: string) {
  const before = await counts();
  const res = await call();
  expect(errorCode(res)).toBe(code);
  if (field) expect(res.errors![0].extensions.fields?.map((f) => f.path)).toEqual([field]);
  expect(await counts()).toEqual(before);
  return res;
}

describe('register → disburse → repay → balances', () => {
  it('keeps exact balances as of any date, and a derived status', async () => {
    const created = await t.gql(REGISTER, { i: loan({ projectId }) }, bank.token);
    expect(created.errors).toBeUndefined();
    const l = created.data!.registerGreenLoan;
    expect(l).toMatchObject({ principal: '1000000.00', currency: 'CNY', interestRate: '0.034500', districtCode: '350211', disbursedTotal: '0.00', status: 'SIGNED' });

    for (const [q, a, on] of [
      [DISBURSE, '600000.00', '2024-02-01'],
      [DISBURSE, '400000.00', '2024-03-01'],
      [REPAY, '100000.10', '2024-06-30'],
      [REPAY, '0.01', '2024-06-30'],
    ] as const) {
      const r = await t.gql(q, { l: l.id, a, on }, bank.token);
      expect(r.errors).toBeUndefined();
    }
    const at = async (d: string | null) => (await t.gql(BALANCE, { id: l.id, d }, bank.token)).data!.greenLoan;
    expect(await at('2024-01-31')).toMatchObject({ outstandingBalance: '0.00', status: 'SIGNED' });
    expect(await at('2024-02-01')).toMatchObject({ outstandingBalance: '600000.00', status: 'DRAWN' });
    expect(await at('2024-03-15')).toMatchObject({ outstandingBalance: '1000000.00' });
    expect(await at('2024-06-30')).toMatchObject({ outstandingBalance: '899999.89' });
    expect(await at(null)).toEqual({ outstandingBalance: '899999.89', status: 'DRAWN', disbursedTotal: '1000000.00', repaidTotal: '100000.11' });
    expect(await at('2030-01-01')).toMatchObject({ status: 'MATURED' });

    const full = await t.gql(
      `query($id: ID!) { greenLoan(id: $id) { events { totalCount edges { node { kind amount on } } } bank { id kind } borrower { id } project { id } taxonomy { level1Code } district { nameZh } } }`,
      { id: l.id },
      bank.token,
    );
    expect(full.errors).toBeUndefined();
    expect(full.data!.greenLoan.events.edges.map(({ node: e }: any) => `${e.kind} ${e.amount} ${e.on}`)).toEqual([
      'DISBURSEMENT 600000.00 2024-02-01',
      'DISBURSEMENT 400000.00 2024-03-01',
      'REPAYMENT 100000.10 2024-06-30',
      'REPAYMENT 0.01 2024-06-30',
    ]);
    expect(full.data!.greenLoan).toMatchObject({ bank: { id: bank.organizationId, kind: 'BANK' }, borrower: { id: borrower.enterpriseId }, project: { id: projectId }, district: { nameZh: '集美区' } });

    // Repaid in full.
    await t.gql(REPAY, { l: l.id, a: '899999.89', on: '2024-12-31' }, bank.token);
    expect(await at(null)).toMatchObject({ outstandingBalance: '0.00', status: 'REPAID' });

    const actions = await t.sql(`SELECT action FROM audit_event WHERE entity_id = $1 ORDER BY id`, [l.id]);
    expect(actions.map((a: any) => a.action)).toEqual(['greenLoan.register', 'greenLoan.disburse', 'greenLoan.disburse', 'greenLoan.repay', 'greenLoan.repay', 'greenLoan.repay']);
  });

  it('round-trips the largest principal exactly', async () => {
    const id = await register({ principal: '99999999999999999.99' });
    await t.gql(DISBURSE, { l: id, a: '99999999999999999.99', on: '2024-02-01' }, bank.token);
    await t.gql(REPAY, { l: id, a: '0.01', on: '2024-02-02' }, bank.token);
    const res = await t.gql(`query($id: ID!) { greenLoan(id: $id) { principal outstandingBalance } }`, { id }, bank.token);
    expect(res.data!.greenLoan).toEqual({ principal: '99999999999999999.99', outstandingBalance: '99999999999999999.98' });
  });
});

describe('rules, each refused once with nothing written', () => {
  it('registration by anyone but a bank is FORBIDDEN', async () => {
    await refused('FORBIDDEN', () => t.gql(REGISTER, { i: loan() }, borrower.token));
    await refused('FORBIDDEN', () => t.gql(REGISTER, { i: loan() }, t.adminToken));
  });

  it.each([
    ['input.principal', { principal: '1.005' }],
    ['input.principal', { principal: '0' }],
    ['input.interestRate', { interestRate: '1.5' }],
    ['input.currency', { currency: 'XYZ' }],
    ['input.maturityOn', { maturityOn: '2024-01-15' }],
    ['input.taxonomy.code', { taxonomy: { catalogue: 'GBEPC_2021', code: '9.9.9' } }],
    ['input.borrowerEnterpriseId', { borrowerEnterpriseId: '00000000-0000-4000-8000-000000000000' }],
  ])('refuses a bad %s', async (field, overrides) => {
    await refused('BAD_USER_INPUT', () => t.gql(REGISTER, { i: loan(overrides) }, bank.token), field);
  });

  it('refuses a borrower that is not admitted, and a project that is not admitted or not the borrower’s', async () => {
    const pending = await admittedEnterprise(t, {}, false);
    await refused('BAD_USER_INPUT', () => t.gql(REGISTER, { i: loan({ borrowerEnterpriseId: pending.enterpriseId }) }, bank.token), 'input.borrowerEnterpriseId');
    const submitted = await submittedProject(t, borrower.token);
    await refused('BAD_USER_INPUT', () => t.gql(REGISTER, { i: loan({ projectId: submitted }) }, bank.token), 'input.projectId');
    const stranger = await admittedEnterprise(t);
    const strangerProject = await submittedProject(t, stranger.token);
    await t.gql(REVIEW_PROJECT, { id: strangerProject, d: 'ADMIT', c: 'ok' }, t.adminToken);
    const res = await refused('BAD_USER_INPUT', () => t.gql(REGISTER, { i: loan({ projectId: strangerProject }) }, bank.token), 'input.projectId');
    expect(res.errors![0].extensions.fields![0].message).toMatch(/not the borrower's project/);
  });

  it('refuses a contract number the bank already used, but not one another bank used', async () => {
    const contractNumber = unique('DUP');
    await register({ contractNumber });
    await refused('BAD_USER_INPUT', () => t.gql(REGISTER, { i: loan({ contractNumber }) }, bank.token), 'input.contractNumber');
    expect(await register({ contractNumber }, otherBank.token)).toEqual(expect.any(String));
  });

  it('refuses events that break the money rules', async () => {
    const id = await register({ principal: '1000.00', signedOn: '2024-01-15' });
    await refused('BAD_USER_INPUT', () => t.gql(DISBURSE, { l: id, a: '0', on: '2024-02-01' }, bank.token), 'amount');
    await refused('BAD_USER_INPUT', () => t.gql(DISBURSE, { l: id, a: '-5.00', on: '2024-02-01' }, bank.token), 'amount');
    await refused('BAD_USER_INPUT', () => t.gql(DISBURSE, { l: id, a: '1.001', on: '2024-02-01' }, bank.token), 'amount');
    await refused('BAD_USER_INPUT', () => t.gql(DISBURSE, { l: id, a: '10.00', on: '2024-01-14' }, bank.token), 'on');
    await refused('BAD_USER_INPUT', () => t.gql(DISBURSE, { l: id, a: '10.00', on: '2999-01-01' }, bank.token), 'on');
    await refused('INSUFFICIENT_BALANCE', () => t.gql(DISBURSE, { l: id, a: '1000.01', on: '2024-02-01' }, bank.token));
    await refused('INSUFFICIENT_BALANCE', () => t.gql(REPAY, { l: id, a: '0.01', on: '2024-02-01' }, bank.token));

    await t.gql(DISBURSE, { l: id, a: '1000.00', on: '2024-03-01' }, bank.token);
    await t.gql(REPAY, { l: id, a: '600.00', on: '2024-05-01' }, bank.token);
    // Today 400 is outstanding, but a repayment back-dated to before the drawing would make the balance negative then.
    await refused('INSUFFICIENT_BALANCE', () => t.gql(REPAY, { l: id, a: '100.00', on: '2024-02-15' }, bank.token));
    // Back-dated to 2024-04-01 (balance 1000 then) it must still leave the later balance non-negative: 400 fits, 400.01 not.
    await refused('INSUFFICIENT_BALANCE', () => t.gql(REPAY, { l: id, a: '400.01', on: '2024-04-01' }, bank.token));
    expect((await t.gql(REPAY, { l: id, a: '400.00', on: '2024-04-01' }, bank.token)).errors).toBeUndefined();
    await refused('INSUFFICIENT_BALANCE', () => t.gql(DISBURSE, { l: id, a: '0.01', on: '2024-06-01' }, bank.token));
  });

  it('refuses a disbursement after maturity (a repayment then is fine)', async () => {
    const id = await register({ signedOn: '2023-01-01', maturityOn: '2024-01-01' });
    await t.gql(DISBURSE, { l: id, a: '100.00', on: '2023-06-01' }, bank.token);
    await refused('BAD_USER_INPUT', () => t.gql(DISBURSE, { l: id, a: '10.00', on: '2024-01-02' }, bank.token), 'on');
    expect((await t.gql(REPAY, { l: id, a: '100.00', on: '2024-03-01' }, bank.token)).errors).toBeUndefined();
  });
});

describe('who sees and who records', () => {
  let id: string;
  beforeAll(async () => {
    id = await register();
  });
  const READ = `query($id: ID!) { greenLoan(id: $id) { id contractNumber } }`;

  it('the lending bank, the borrower and the regulator see the loan; others get NOT_FOUND like a missing id', async () => {
    for (const token of [bank.token, borrower.token, t.adminToken]) expect((await t.gql(READ, { id }, token)).data!.greenLoan.id).toBe(id);
    const stranger = await admittedEnterprise(t);
    const verifier = await createOrgWithAdmin(t, 'VERIFIER');
    const missing = await t.gql(READ, { id: '00000000-0000-4000-8000-000000000000' }, otherBank.token);
    for (const token of [otherBank.token, stranger.token, verifier.token]) {
      const res = await t.gql(READ, { id }, token);
      expect(errorCode(res)).toBe('NOT_FOUND');
      expect(res.errors![0].message).toBe(missing.errors![0].message);
    }
  });

  it('another bank recording on the loan gets NOT_FOUND; the borrower and the regulator FORBIDDEN', async () => {
    await refused('NOT_FOUND', () => t.gql(DISBURSE, { l: id, a: '10.00', on: '2024-02-01' }, otherBank.token));
    await refused('FORBIDDEN', () => t.gql(DISBURSE, { l: id, a: '10.00', on: '2024-02-01' }, borrower.token));
    await refused('FORBIDDEN', () => t.gql(REPAY, { l: id, a: '10.00', on: '2024-02-01' }, t.adminToken));
  });

  it('lists each party’s own book only', async () => {
    const otherId = await register({}, otherBank.token);
    const LIST = `{ greenLoans(first: 100) { totalCount edges { node { id bankOrganizationId } } } }`;
    const mine = (await t.gql(LIST, {}, bank.token)).data!.greenLoans;
    expect(mine.edges.every((e: any) => e.node.bankOrganizationId === bank.organizationId)).toBe(true);
    expect(mine.edges.map((e: any) => e.node.id)).not.toContain(otherId);
    const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM green_loan WHERE bank_organization_id = $1`, [bank.organizationId]);
    expect(mine.totalCount).toBe(n);
    const all = (await t.gql(LIST, {}, t.adminToken)).data!.greenLoans;
    expect(all.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining([id, otherId]));
    const borrowed = (await t.gql(`query($e: ID!) { enterprise(id: $e) { loans { totalCount } } }`, { e: borrower.enterpriseId }, borrower.token)).data!;
    const [{ b }] = await t.sql(`SELECT count(*)::int AS b FROM green_loan WHERE borrower_enterprise_id = $1`, [borrower.enterpriseId]);
    expect(borrowed.enterprise.loans.totalCount).toBe(b);
    const verifier = await createOrgWithAdmin(t, 'VERIFIER');
    expect((await t.gql(LIST, {}, verifier.token)).data!.greenLoans.totalCount).toBe(0);
  });

  it('works for a bank system through its API key', async () => {
    const key = (await t.gql(`mutation { createApiKey(name: "core banking") { key } }`, {}, bank.token)).data!.createApiKey.key;
    const res = await t.gql(REGISTER, { i: loan() }, key);
    expect(res.errors).toBeUndefined();
    const [row] = await t.sql(`SELECT actor_api_key_id, organization_id FROM audit_event WHERE entity_id = $1`, [res.data!.registerGreenLoan.id]);
    expect(row).toMatchObject({ organization_id: bank.organizationId, actor_api_key_id: expect.any(String) });
  });
});

describe('idempotency', () => {
  it('replays a registration and an event for the same key and input, and refuses the key with another input', async () => {
    const input = loan();
    const a = await t.gql(REGISTER, { i: input, k: 'reg-1' }, bank.token);
    const b = await t.gql(REGISTER, { i: input, k: 'reg-1' }, bank.token);
    expect(b.data).toEqual(a.data);
    expect((await t.sql(`SELECT count(*)::int AS n FROM green_loan WHERE contract_number = $1`, [input.contractNumber]))[0].n).toBe(1);
    await refused('IDEMPOTENCY_KEY_REUSED', () => t.gql(REGISTER, { i: { ...input, principal: '2.00' }, k: 'reg-1' }, bank.token));

    const id = a.data!.registerGreenLoan.id;
    const e1 = await t.gql(DISBURSE, { l: id, a: '5.00', on: '2024-02-01', k: 'ev-1' }, bank.token);
    // A replayed registration names the same loan and shows it as it is now, not a stale balance.
    const live = await t.gql(REGISTER, { i: input, k: 'reg-1' }, bank.token);
    expect(live.data!.registerGreenLoan).toMatchObject({ id, disbursedTotal: '5.00', status: 'DRAWN' });
    const e2 = await t.gql(DISBURSE, { l: id, a: '5.00', on: '2024-02-01', k: 'ev-1' }, bank.token);
    expect(e2.data).toEqual(e1.data);
    expect((await t.sql(`SELECT count(*)::int AS n FROM loan_event WHERE loan_id = $1`, [id]))[0].n).toBe(1);
    await refused('IDEMPOTENCY_KEY_REUSED', () => t.gql(REPAY, { l: id, a: '5.00', on: '2024-02-01', k: 'ev-1' }, bank.token));
  });
});

describe('concurrency', () => {
  it('50 concurrent repayments: no lost update, never a negative balance', async () => {
    const id = await register({ principal: '1000.00' });
    await t.gql(DISBURSE, { l: id, a: '1000.00', on: '2024-02-01' }, bank.token);
    // 50 repayments of 30.00 against 1000.00: exactly 33 fit (990.00), 17 must be refused.
    const results = await Promise.all(Array.from({ length: 50 }, () => t.gql(REPAY, { l: id, a: '30.00', on: '2024-03-01' }, bank.token)));
    const ok = results.filter((r) => !r.errors);
    const refusedOnes = results.filter((r) => r.errors);
    expect(ok).toHaveLength(33);
    expect(refusedOnes.every((r) => errorCode(r) === 'INSUFFICIENT_BALANCE')).toBe(true);
    const [row] = await t.sql(
      `SELECT l.repaid_total::text AS repaid, (SELECT sum(amount)::text FROM loan_event WHERE loan_id = l.id AND kind = 'REPAYMENT') AS summed
         FROM green_loan l WHERE l.id = $1`,
      [id],
    );
    expect(row).toEqual({ repaid: '990.00', summed: '990.00' });
    expect((await t.gql(BALANCE, { id, d: null }, bank.token)).data!.greenLoan.outstandingBalance).toBe('10.00');
  });
});

describe('filters', () => {
  it('filters by borrower, project, district, taxonomy level 1, signing dates, status and contract', async () => {
    const special = await admittedEnterprise(t, { districtCode: '350213' });
    const a = await register({ borrowerEnterpriseId: special.enterpriseId, signedOn: '2023-03-01', maturityOn: '2024-03-01', taxonomy: { catalogue: 'GBEPC_2021', code: '4.2.1.4' } });
    const b = await register({ borrowerEnterpriseId: special.enterpriseId, signedOn: '2025-06-01', maturityOn: '2030-06-01' });
    await t.gql(DISBURSE, { l: a, a: '10.00', on: '2023-04-01' }, bank.token);
    const q = `query($f: GreenLoanFilter) { greenLoans(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
    const ids = async (f: Record<string, unknown>) => (await t.gql(q, { f }, t.adminToken)).data!.greenLoans.edges.map((e: any) => e.node.id).sort();
    expect(await ids({ borrowerEnterpriseId: special.enterpriseId })).toEqual([a, b].sort());
    expect(await ids({ districtCode: '350213' })).toEqual([a, b].sort());
    expect(await ids({ borrowerEnterpriseId: special.enterpriseId, signedTo: '2023-12-31' })).toEqual([a]);
    expect(await ids({ borrowerEnterpriseId: special.enterpriseId, signedFrom: '2025-01-01' })).toEqual([b]);
    expect(await ids({ borrowerEnterpriseId: special.enterpriseId, taxonomyLevel1: { catalogue: 'GLTIGC_2024', code: '5' } })).toEqual([a]);
    expect(await ids({ borrowerEnterpriseId: special.enterpriseId, status: ['MATURED'] })).toEqual([a]);
    expect(await ids({ borrowerEnterpriseId: special.enterpriseId, status: ['SIGNED'] })).toEqual([b]);
    const [{ contract_number }] = await t.sql(`SELECT contract_number FROM green_loan WHERE id = $1`, [b]);
    expect(await ids({ contractNumber: contract_number })).toEqual([b]);
    const c = await register({ projectId });
    const withProject = (await t.sql(`SELECT id FROM green_loan WHERE project_id = $1`, [projectId])).map((r: any) => r.id).sort();
    expect(withProject).toContain(c);
    expect(await ids({ projectId })).toEqual(withProject);
  });
});

describe('no N+1', () => {
  it('lists 50 loans with borrower, bank, project, events and balances in a bounded number of statements', async () => {
    for (let i = 0; i < 50; i++) {
      const id = await register({ projectId });
      if (i % 5 === 0) await t.gql(DISBURSE, { l: id, a: '100.00', on: '2024-02-01' }, bank.token);
    }
    const { result: res, statements } = await countStatements(t, () =>
      t.gql(
        `{ greenLoans(first: 50) { edges { node { id outstandingBalance(asOf: "2024-06-01") status
            borrower { name } bank { name } project { name } events { edges { node { amount } } } taxonomy { nameZh } district { nameZh } } } } }`,
        {},
        bank.token,
      ),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.greenLoans.edges).toHaveLength(50);
    // Authentication, count, page, and per nested field one batch (events: a page of ids, then the rows).
    expect(statements).toBeLessThanOrEqual(11);
  });
});

describe('the ledger on a longer history', () => {
  it('checks a back-dated repayment against the later events to the cent, and a repayment on the latest date against today’s balance', async () => {
    const id = await register({ principal: '10000.00', signedOn: '2024-01-15' });
    // Ten drawings of 100 (2024-02-01 … 02-10), then ten repayments of 50 (03-01 … 03-10): 500 outstanding today.
    for (let d = 1; d <= 10; d++) expect((await t.gql(DISBURSE, { l: id, a: '100.00', on: `2024-02-${String(d).padStart(2, '0')}` }, bank.token)).errors).toBeUndefined();
    for (let d = 1; d <= 10; d++) expect((await t.gql(REPAY, { l: id, a: '50', on: `2024-03-${String(d).padStart(2, '0')}` }, bank.token)).errors).toBeUndefined();
    // On 2024-02-05 the balance is 500 and never lower afterwards (it rises to 1000, then falls back to 500).
    const res = await refused('INSUFFICIENT_BALANCE', () => t.gql(REPAY, { l: id, a: '500.01', on: '2024-02-05' }, bank.token));
    expect(res.errors![0].message).toBe('Repaying 500.01 on 2024-02-05 would take the balance below zero: at most 500.00 can be repaid on that date');
    // On 2024-02-03 only 300 is out.
    await refused('INSUFFICIENT_BALANCE', () => t.gql(REPAY, { l: id, a: '300.01', on: '2024-02-03' }, bank.token));
    expect((await t.gql(REPAY, { l: id, a: '300.00', on: '2024-02-03' }, bank.token)).errors).toBeUndefined();
    // 200 left; on the latest event date, as on any later one, today's balance is the limit.
    await refused('INSUFFICIENT_BALANCE', () => t.gql(REPAY, { l: id, a: '200.01', on: '2024-03-10' }, bank.token));
    expect((await t.gql(REPAY, { l: id, a: '200.00', on: '2024-03-10' }, bank.token)).errors).toBeUndefined();
    await refused('INSUFFICIENT_BALANCE', () => t.gql(REPAY, { l: id, a: '0.01', on: '2024-12-31' }, bank.token));
    // Drawing is limited by what is drawn, whatever was repaid: 9000 left of the principal.
    await refused('INSUFFICIENT_BALANCE', () => t.gql(DISBURSE, { l: id, a: '9000.01', on: '2024-04-01' }, bank.token));
    expect((await t.gql(BALANCE, { id, d: null }, bank.token)).data!.greenLoan).toMatchObject({ outstandingBalance: '0.00', disbursedTotal: '1000.00', repaidTotal: '1000.00' });
  });

  it('records who recorded each event and when, and moves the loan’s totals and updated_at with it', async () => {
    const id = await register({ principal: '1000.00' });
    await t.gql(DISBURSE, { l: id, a: '300', on: '2024-02-01' }, bank.token);
    const key = (await t.gql(`mutation { createApiKey(name: "ledger writer") { id key } }`, {}, bank.token)).data!.createApiKey;
    await t.gql(REPAY, { l: id, a: '100.00', on: '2024-03-01' }, key.key);
    const events = await t.sql(
      `SELECT kind, amount, recorded_by_user_id, recorded_by_api_key_id, recorded_at, external_ref FROM loan_event WHERE loan_id = $1 ORDER BY occurred_on`,
      [id],
    );
    expect(events).toEqual([
      { kind: 'DISBURSEMENT', amount: '300.00', recorded_by_user_id: bank.userId, recorded_by_api_key_id: null, recorded_at: expect.any(Date), external_ref: null },
      { kind: 'REPAYMENT', amount: '100.00', recorded_by_user_id: null, recorded_by_api_key_id: key.id, recorded_at: expect.any(Date), external_ref: null },
    ]);
    const [loan] = await t.sql(`SELECT disbursed_total, repaid_total, updated_at FROM green_loan WHERE id = $1`, [id]);
    expect(loan).toEqual({ disbursed_total: '300.00', repaid_total: '100.00', updated_at: events[1].recorded_at });
  });
});
