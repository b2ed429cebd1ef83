/**
 * What the groundwork changed in behaviour: a USCC cannot be squatted, nested lists are pages, and each visibility
 * rule narrows a query exactly as it checks a row.
 */
import { RecordScope } from '../src/access/record-scope.js';
import { LIBRARY_FIELDS, LOAN_FIELDS } from '../src/access/access-policy.js';
import { admittedEnterprise, APPLY, application, loanInput, REGISTER_LOAN, REMOVE, REVIEW, REVIEW_PROJECT, submittedProject, validUscc } from './support/library-fixtures.js';
import { countStatements, createOrgWithAdmin, errorCode, startTestRegistry, unique, type GqlResult, type TestRegistry } from './support/test-registry.js';

let t: TestRegistry;
beforeAll(async () => {
  t = await startTestRegistry();
});
afterAll(async () => {
  await t?.close();
});

function ok<T extends Record<string, any>>(res: GqlResult<T>): T {
  if (res.errors?.length || !res.data) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** A regulator-created enterprise organisation whose USCC is registered, with a logged-in administrator. */
async function registeredOrganization(uscc: string) {
  const org = ok(
    await t.gql(`mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }`, { i: { kind: 'ENTERPRISE', name: unique('owner'), uscc } }, t.adminToken),
  ).createOrganization;
  const email = `${unique('owner')}@example.test`;
  const password = 'a sufficiently long password';
  ok(await t.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { organizationId: org.id, email, displayName: 'Owner', password, role: 'ORG_ADMIN' } }, t.adminToken));
  return { organizationId: org.id as string, token: (await t.login(email, password)).accessToken };
}

const apply = (token: string, uscc: string) => t.gql(APPLY, { i: application({ uscc }) }, token);

function refusedOnUscc(res: GqlResult, message: RegExp) {
  expect(errorCode(res)).toBe('BAD_USER_INPUT');
  expect(res.errors![0].extensions.fields).toEqual([{ path: 'input.uscc', message: expect.stringMatching(message) }]);
}

describe('a USCC belongs to the organisation it is registered to', () => {
  it('refuses an application with a USCC registered to another organisation, and writes nothing', async () => {
    const uscc = validUscc();
    await registeredOrganization(uscc);
    const squatter = await createOrgWithAdmin(t, 'ENTERPRISE');
    const before = await t.sql(`SELECT count(*)::int AS n FROM enterprise`);
    refusedOnUscc(await apply(squatter.token, uscc), /registered to another organisation/);
    expect(await t.sql(`SELECT count(*)::int AS n FROM enterprise`)).toEqual(before);
    expect(await t.sql(`SELECT count(*)::int AS n FROM enterprise WHERE uscc = $1`, [uscc])).toEqual([{ n: 0 }]);
  });

  it('a rejected squatter does not block the organisation the code is later registered to; the squatter cannot take it back', async () => {
    const uscc = validUscc();
    const squatter = await createOrgWithAdmin(t, 'ENTERPRISE');
    const squatted = ok(await apply(squatter.token, uscc)).applyForEnterpriseInclusion;
    ok(await t.gql(REVIEW, { id: squatted.id, d: 'REJECT', c: 'the code belongs to another company' }, t.adminToken));
    const owner = await registeredOrganization(uscc);
    const own = ok(await apply(owner.token, uscc)).applyForEnterpriseInclusion;
    expect(own).toMatchObject({ status: 'SUBMITTED', uscc, organizationId: owner.organizationId });
    // The squatter's resubmission under the same code is refused: the code is registered to the owner now.
    refusedOnUscc(await apply(squatter.token, uscc), /registered to another organisation/);
    expect(await t.sql(`SELECT status FROM enterprise WHERE uscc = $1 ORDER BY status`, [uscc])).toEqual([{ status: 'REJECTED' }, { status: 'SUBMITTED' }]);
  });

  it('a removed record does not block the registered owner either, but still blocks an unregistered claimant', async () => {
    const uscc = validUscc();
    const first = await createOrgWithAdmin(t, 'ENTERPRISE');
    const held = ok(await apply(first.token, uscc)).applyForEnterpriseInclusion;
    ok(await t.gql(REVIEW, { id: held.id, d: 'ADMIT', c: 'meets the criteria' }, t.adminToken));
    ok(await t.gql(REMOVE, { id: held.id, r: 'the code was used by the wrong company' }, t.adminToken));
    const other = await createOrgWithAdmin(t, 'ENTERPRISE');
    refusedOnUscc(await apply(other.token, uscc), /another enterprise is registered with this USCC/);
    const owner = await registeredOrganization(uscc);
    expect(ok(await apply(owner.token, uscc)).applyForEnterpriseInclusion.status).toBe('SUBMITTED');
  });

  it('a live application still holds its code against the registered owner until the regulator rejects it', async () => {
    const uscc = validUscc();
    const squatter = await createOrgWithAdmin(t, 'ENTERPRISE');
    const squatted = ok(await apply(squatter.token, uscc)).applyForEnterpriseInclusion;
    const owner = await registeredOrganization(uscc);
    refusedOnUscc(await apply(owner.token, uscc), /another enterprise is registered with this USCC/);
    ok(await t.gql(REVIEW, { id: squatted.id, d: 'REJECT', c: 'not the holder of this code' }, t.adminToken));
    expect(ok(await apply(owner.token, uscc)).applyForEnterpriseInclusion.status).toBe('SUBMITTED');
  });
});

describe('nested lists are pages', () => {
  let enterprise: Awaited<ReturnType<typeof admittedEnterprise>>;
  let projects: string[];
  let loanId: string;
  let bank: Awaited<ReturnType<typeof createOrgWithAdmin>>;

  beforeAll(async () => {
    enterprise = await admittedEnterprise(t);
    projects = [];
    for (let i = 0; i < 5; i++) projects.push(await submittedProject(t, enterprise.token, { name: `project ${i}` }));
    // Three admitted, two still submitted: a bank sees three.
    for (const id of projects.slice(0, 3)) ok(await t.gql(REVIEW_PROJECT, { id, d: 'ADMIT', c: 'meets the criteria' }, t.adminToken));
    bank = await createOrgWithAdmin(t, 'BANK');
    const loan = ok(
      await t.gql(REGISTER_LOAN, { i: loanInput(enterprise.enterpriseId) }, bank.token),
    ).registerGreenLoan;
    loanId = loan.id;
    const days = ['2024-03-01', '2024-01-15', '2024-02-01', '2024-05-01', '2024-04-01'];
    for (const on of days) {
      ok(await t.gql(`mutation($l: ID!, $a: Decimal!, $o: Date!) { recordLoanDisbursement(loanId: $l, amount: $a, on: $o) { id } }`, { l: loanId, a: '1000.00', o: on }, bank.token));
    }
  });

  it('takes ids in upper case as the same ids (a loan to an admitted project)', async () => {
    const res = await t.gql(`mutation($i: GreenLoanInput!) { registerGreenLoan(input: $i) { borrowerEnterpriseId projectId } }`, { i: loanInput(enterprise.enterpriseId.toUpperCase(), { principal: '10.00', projectId: projects[0].toUpperCase() }) }, bank.token);
    expect(ok(res).registerGreenLoan).toEqual({ borrowerEnterpriseId: enterprise.enterpriseId, projectId: projects[0] });
  });

  const EVENTS = `query($id: ID!, $first: Int, $after: String) {
    greenLoan(id: $id) { events(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { on } } } } }`;

  it('GreenLoan.events pages through the events in date order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const events: any = ok(await t.gql(EVENTS, { id: loanId, first: 2, after }, bank.token)).greenLoan.events;
      expect(events.totalCount).toBe(5);
      seen.push(...events.edges.map((e: any) => e.node.on));
      pages++;
      if (!events.pageInfo.hasNextPage) break;
      after = events.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['2024-01-15', '2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01']);
  });

  it('GreenLoan.events defaults to the default page size and refuses more than the maximum', async () => {
    const events: any = ok(await t.gql(EVENTS, { id: loanId }, bank.token)).greenLoan.events;
    expect(events.edges).toHaveLength(5);
    const tooMany = await t.gql(EVENTS, { id: loanId, first: 101 }, bank.token);
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
  });

  it("a cursor of another loan's events yields an empty page, not that loan's rows", async () => {
    const first: any = ok(await t.gql(EVENTS, { id: loanId, first: 1 }, bank.token)).greenLoan.events;
    const other = ok(
      await t.gql(REGISTER_LOAN, { i: loanInput(enterprise.enterpriseId, { principal: '10.00' }) }, bank.token),
    ).registerGreenLoan;
    const page: any = ok(await t.gql(EVENTS, { id: other.id, first: 5, after: first.pageInfo.endCursor }, bank.token)).greenLoan.events;
    expect(page).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
  });

  const ENTERPRISE_PROJECTS = `query($id: ID!, $first: Int, $after: String) {
    enterprise(id: $id) { projects(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } } }`;

  it('Enterprise.projects pages newest first, counting only what the caller may see', async () => {
    const own: any = ok(await t.gql(ENTERPRISE_PROJECTS, { id: enterprise.enterpriseId, first: 2 }, enterprise.token)).enterprise.projects;
    expect(own.totalCount).toBe(5);
    expect(own.edges.map((e: any) => e.node.id)).toEqual([projects[4], projects[3]]);
    const rest: any = ok(await t.gql(ENTERPRISE_PROJECTS, { id: enterprise.enterpriseId, first: 10, after: own.pageInfo.endCursor }, enterprise.token)).enterprise
      .projects;
    expect(rest.edges.map((e: any) => e.node.id)).toEqual([projects[2], projects[1], projects[0]]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const forBank: any = ok(await t.gql(ENTERPRISE_PROJECTS, { id: enterprise.enterpriseId, first: 2 }, bank.token)).enterprise.projects;
    expect(forBank.totalCount).toBe(3);
    expect(forBank.edges.map((e: any) => e.node.status)).toEqual(['ADMITTED', 'ADMITTED']);
    expect(forBank.pageInfo.hasNextPage).toBe(true);
  });

  it('pages of many parents cost the same number of statements as one', async () => {
    // Every loan gets an event, so one page and two pages differ only in how many parents they carry.
    const all: any = ok(await t.gql(`{ greenLoans(first: 10) { edges { node { id events { totalCount } } } } }`, {}, bank.token)).greenLoans;
    for (const { node } of all.edges.filter((e: any) => e.node.events.totalCount === 0)) {
      ok(await t.gql(`mutation($l: ID!) { recordLoanDisbursement(loanId: $l, amount: "1.00", on: "2024-02-02") { id } }`, { l: node.id }, bank.token));
    }
    const q = (first: number) => `{ greenLoans(first: ${first}) { edges { node { id events(first: 2) { totalCount edges { node { amount } } } } } } }`;
    // Each count follows a warm-up of the same query, so the caller's credential is remembered for both (it would
    // otherwise cost one statement the first time).
    const counted = async (query: string, token: string) => {
      await t.gql(query, {}, token);
      return countStatements(t, () => t.gql(query, {}, token));
    };
    const one = await counted(q(1), bank.token);
    const two = await counted(q(2), bank.token);
    expect(one.result.errors).toBeUndefined();
    expect(two.result.data!.greenLoans.edges).toHaveLength(2);
    expect(two.statements).toBe(one.statements);
    const e = `{ enterprises(first: FIRST) { edges { node { projects(first: 2) { totalCount edges { node { id } } } } } } }`;
    const fewer = await counted(e.replace('FIRST', '1'), t.adminToken);
    const more = await counted(e.replace('FIRST', '20'), t.adminToken);
    expect(more.result.errors).toBeUndefined();
    expect(more.statements).toBe(fewer.statements);
  });
});

describe('a record scope narrows a query exactly as it checks a row', () => {
  it('agrees with itself on every row of a table, for every kind of rule', async () => {
    const orgs = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
    const statuses = ['SUBMITTED', 'ADMITTED', 'REJECTED', 'REMOVED'];
    await t.sql(`CREATE TABLE IF NOT EXISTS scope_probe (id int, organization_id uuid, status text, bank_organization_id uuid, borrower_organization_id uuid)`);
    await t.sql(`TRUNCATE scope_probe`);
    const rows: { id: number; organizationId: string; status: string; bankOrganizationId: string; borrowerOrganizationId: string }[] = [];
    let id = 0;
    for (const o of orgs) for (const s of statuses) for (const b of orgs) rows.push({ id: id++, organizationId: o, status: s, bankOrganizationId: b, borrowerOrganizationId: orgs[(id * 7) % 3] });
    for (const r of rows) {
      await t.sql(`INSERT INTO scope_probe VALUES ($1, $2, $3, $4, $5)`, [r.id, r.organizationId, r.status, r.bankOrganizationId, r.borrowerOrganizationId]);
    }
    const scopes = [
      RecordScope.all(LIBRARY_FIELDS),
      RecordScope.none(LIBRARY_FIELDS),
      RecordScope.where(LIBRARY_FIELDS, 'owner', [orgs[1]]),
      RecordScope.where(LIBRARY_FIELDS, 'status', ['ADMITTED', 'REMOVED']),
      RecordScope.where(LOAN_FIELDS, 'bank', [orgs[0]]),
      RecordScope.where(LOAN_FIELDS, 'borrower', [orgs[2]]),
      RecordScope.none(LOAN_FIELDS),
    ];
    for (const scope of scopes) {
      const params: unknown[] = [];
      const sql = `SELECT id FROM scope_probe s WHERE ${scope.positional('s', params)} ORDER BY id`;
      const selected = (await t.sql<{ id: number }>(sql, params)).map((r) => r.id);
      expect(selected).toEqual(rows.filter((r) => scope.allows(r)).map((r) => r.id));
    }
  });
});
