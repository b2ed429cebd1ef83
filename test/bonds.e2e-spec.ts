import { randomUUID } from 'node:crypto';
import { admittedEnterprise, REVIEW_PROJECT, submittedProject } from './support/library-fixtures.js';
import { createOrgWithAdmin, errorCode, startTestRegistry, unique, type GqlResult, type TestRegistry } from './support/test-registry.js';

const REGISTER = `mutation($input: GreenBondInput!, $k: String) {
  registerGreenBond(input: $input, idempotencyKey: $k) {
    id code name issuerEnterpriseId bondType amount currency couponRate issuedOn maturityOn externalReviewer
    registeredByOrganizationId allocatedTotal unallocated createdAt updatedAt
  }
}`;
const ALLOCATE = `mutation($bondId: ID!, $projectId: ID!, $amount: Decimal!, $on: Date!, $k: String) {
  allocateBondProceeds(bondId: $bondId, projectId: $projectId, amount: $amount, on: $on, idempotencyKey: $k) { id bondId projectId amount on recordedAt }
}`;
const READ = `query($id: ID!) {
  greenBond(id: $id) {
    id code amount allocatedTotal unallocated
    allocations(first: 100) { totalCount edges { node { id bondId projectId amount on project { id name status } } } }
    issuer { id status }
    registeredBy { id kind }
  }
}`;
/** A bond as READ answers it, its allocations connection read as the list of its nodes. */
function asList(bond: any) {
  return { ...bond, allocations: bond.allocations.edges.map((e: any) => e.node) };
}
const LIST = `query($filter: GreenBondFilter, $first: Int, $after: String) {
  greenBonds(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { id code } } pageInfo { hasNextPage endCursor } }
}`;

let t: TestRegistry;
let bank: Awaited<ReturnType<typeof createOrgWithAdmin>>;
let otherBank: Awaited<ReturnType<typeof createOrgWithAdmin>>;
let verifier: Awaited<ReturnType<typeof createOrgWithAdmin>>;
let issuer: Awaited<ReturnType<typeof admittedEnterprise>>;
let applicant: Awaited<ReturnType<typeof admittedEnterprise>>;
let projectA: string;
let projectB: string;
let pendingProject: string;
let regulatorKey: string;
let bankKey: string;

beforeAll(async () => {
  t = await startTestRegistry();
  bank = await createOrgWithAdmin(t, 'BANK');
  otherBank = await createOrgWithAdmin(t, 'BANK');
  verifier = await createOrgWithAdmin(t, 'VERIFIER');
  issuer = await admittedEnterprise(t);
  applicant = await admittedEnterprise(t, {}, false);
  projectA = await admittedProject(issuer.token, { name: '集美工业园屋顶分布式光伏' });
  projectB = await admittedProject(issuer.token, { name: '下潭尾红树林生态修复', realm: 'SEA', districtCode: '350213' });
  pendingProject = await submittedProject(t, issuer.token);
  regulatorKey = await apiKey(t.adminToken);
  bankKey = await apiKey(bank.token);
});
afterAll(async () => {
  await t?.close();
});

async function admittedProject(token: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const id = await submittedProject(t, token, overrides);
  const r = await t.gql(REVIEW_PROJECT, { id, d: 'ADMIT', c: 'eligible' }, t.adminToken);
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return id;
}

async function apiKey(token: string): Promise<string> {
  const r = await t.gql(`mutation($n: String!) { createApiKey(name: $n) { key } }`, { n: unique('key') }, token);
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.createApiKey.key;
}

function bondInput(overrides: Record<string, unknown> = {}) {
  return {
    code: unique('G24XM').toUpperCase(),
    name: '厦门蓝海新能源2024年度第一期绿色中期票据',
    issuerEnterpriseId: issuer.enterpriseId,
    bondType: 'DEBT_FINANCING_INSTRUMENT',
    amount: '500000000.00',
    couponRate: '0.0285',
    issuedOn: '2024-03-15',
    maturityOn: '2027-03-15',
    externalReviewer: '联合赤道环境评价有限公司',
    ...overrides,
  };
}

async function registerBond(overrides: Record<string, unknown> = {}, token = bank.token) {
  const r = await t.gql(REGISTER, { input: bondInput(overrides) }, token);
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.registerGreenBond as Record<string, any>;
}

function allocate(bondId: string, projectId: string, amount: unknown, on = '2024-04-01', token = bank.token) {
  return t.gql(ALLOCATE, { bondId, projectId, amount, on }, token);
}

async function counts() {
  const [row] = await t.sql(
    `SELECT (SELECT count(*)::int FROM green_bond) AS bonds, (SELECT count(*)::int FROM bond_allocation) AS allocations,
            (SELECT count(*)::int FROM audit_event) AS audits`,
  );
  return row as { bonds: number; allocations: number; audits: number };
}

function paths(res: GqlResult): string[] | undefined {
  return res.errors?.[0]?.extensions.fields?.map((f) => f.path);
}

describe('green bonds: registration and use of proceeds', () => {
  it('a bank registers a bond, allocates to two projects, and everyone reads the totals exactly', async () => {
    const input = bondInput({ amount: '1000000000', couponRate: '0.0285' });
    const reg = await t.gql(REGISTER, { input }, bank.token);
    expect(reg.errors).toBeUndefined();
    const bond = reg.data!.registerGreenBond;
    expect(bond).toMatchObject({
      code: input.code,
      name: input.name,
      issuerEnterpriseId: issuer.enterpriseId,
      bondType: 'DEBT_FINANCING_INSTRUMENT',
      amount: '1000000000.00',
      currency: 'CNY', // the default
      couponRate: '0.028500',
      issuedOn: '2024-03-15',
      maturityOn: '2027-03-15',
      externalReviewer: '联合赤道环境评价有限公司',
      registeredByOrganizationId: bank.organizationId,
      allocatedTotal: '0.00',
      unallocated: '1000000000.00',
    });

    // Recorded out of date order: the later allocation first.
    const second = await allocate(bond.id, projectB, '150000000.5', '2024-05-01');
    expect(second.errors).toBeUndefined();
    expect(second.data!.allocateBondProceeds).toMatchObject({ bondId: bond.id, projectId: projectB, amount: '150000000.50', on: '2024-05-01' });
    const first = await allocate(bond.id, projectA, '300000000.00', '2024-03-15');
    expect(first.errors).toBeUndefined();

    for (const reader of [bank.token, otherBank.token, verifier.token, t.adminToken, regulatorKey]) {
      const read = await t.gql(READ, { id: bond.id }, reader);
      expect(read.errors).toBeUndefined();
      expect(asList(read.data!.greenBond)).toEqual({
        id: bond.id,
        code: input.code,
        amount: '1000000000.00',
        allocatedTotal: '450000000.50',
        unallocated: '549999999.50',
        allocations: [
          {
            id: first.data!.allocateBondProceeds.id,
            bondId: bond.id,
            projectId: projectA,
            amount: '300000000.00',
            on: '2024-03-15',
            project: { id: projectA, name: '集美工业园屋顶分布式光伏', status: 'ADMITTED' },
          },
          {
            id: second.data!.allocateBondProceeds.id,
            bondId: bond.id,
            projectId: projectB,
            amount: '150000000.50',
            on: '2024-05-01',
            project: { id: projectB, name: '下潭尾红树林生态修复', status: 'ADMITTED' },
          },
        ],
        issuer: { id: issuer.enterpriseId, status: 'ADMITTED' },
        registeredBy: { id: bank.organizationId, kind: 'BANK' },
      });
    }

    // The issuer reads its own bond in full.
    const own = await t.gql(READ, { id: bond.id }, issuer.token);
    expect(own.errors).toBeUndefined();
    expect(own.data!.greenBond.allocatedTotal).toBe('450000000.50');

    const [row] = await t.sql(`SELECT allocated_total, updated_at > created_at AS touched FROM green_bond WHERE id = $1`, [bond.id]);
    expect(row).toEqual({ allocated_total: '450000000.50', touched: true });
    const [recorded] = await t.sql(`SELECT recorded_by_user_id, recorded_by_api_key_id FROM bond_allocation WHERE id = $1`, [
      first.data!.allocateBondProceeds.id,
    ]);
    expect(recorded).toEqual({ recorded_by_user_id: bank.userId, recorded_by_api_key_id: null });
  });

  it('another enterprise reads the bond, and only the issuer and projects it may not see are hidden', async () => {
    const bond = await registerBond();
    expect((await allocate(bond.id, projectA, '1000.00')).errors).toBeUndefined();
    const other = await admittedEnterprise(t);
    const read = await t.gql(READ, { id: bond.id }, other.token);
    expect(read.data!.greenBond).toMatchObject({ id: bond.id, allocatedTotal: '1000.00', issuer: null, registeredBy: { id: bank.organizationId } });
    expect(asList(read.data!.greenBond).allocations).toEqual([expect.objectContaining({ projectId: projectA, amount: '1000.00', project: null })]);
    expect(read.errors!.map((e) => e.extensions.code)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  });

  it('round-trips the largest amount the column holds, and allocates it to the cent', async () => {
    const bond = await registerBond({ amount: '99999999999999999.99' });
    expect(bond.amount).toBe('99999999999999999.99');
    expect(bond.unallocated).toBe('99999999999999999.99');
    expect((await allocate(bond.id, projectA, '99999999999999999.98')).errors).toBeUndefined();
    expect((await allocate(bond.id, projectB, '0.01')).errors).toBeUndefined();
    const over = await allocate(bond.id, projectB, '0.01');
    expect(errorCode(over)).toBe('INSUFFICIENT_BALANCE');
    const read = await t.gql(READ, { id: bond.id }, bank.token);
    expect(read.data!.greenBond).toMatchObject({ amount: '99999999999999999.99', allocatedTotal: '99999999999999999.99', unallocated: '0.00' });
  });

  it('replays registerGreenBond for the same key and input, and refuses the key with another input', async () => {
    const input = bondInput();
    const k = unique('bond-key');
    const first = await t.gql(REGISTER, { input, k }, bank.token);
    expect(first.errors).toBeUndefined();
    const before = await counts();
    const again = await t.gql(REGISTER, { input, k }, bank.token);
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(first.data);
    expect(await counts()).toEqual(before);
    const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM green_bond WHERE code = $1`, [input.code]);
    expect(n).toBe(1);

    const reused = await t.gql(REGISTER, { input: { ...input, amount: '1.00' }, k }, bank.token);
    expect(errorCode(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await counts()).toEqual(before);
  });

  it('registers through a bank API key and by a regulator user, who may allocate any bond', async () => {
    const byKey = await t.gql(REGISTER, { input: bondInput({ currency: ' usd ', bondType: 'FINANCIAL', externalReviewer: null }) }, bankKey);
    expect(byKey.errors).toBeUndefined();
    expect(byKey.data!.registerGreenBond).toMatchObject({ currency: 'USD', bondType: 'FINANCIAL', externalReviewer: null, registeredByOrganizationId: bank.organizationId });

    const byRegulator = await registerBond({ bondType: 'CARBON_NEUTRAL' }, t.adminToken);
    const [regulator] = await t.sql(`SELECT organization_id FROM app_user WHERE id = (SELECT actor_user_id FROM audit_event WHERE entity_id = $1)`, [
      byRegulator.id,
    ]);
    expect(byRegulator.registeredByOrganizationId).toBe(regulator.organization_id);

    const alloc = await allocate(byKey.data!.registerGreenBond.id, projectA, '10.00', '2024-03-15', t.adminToken);
    expect(alloc.errors).toBeUndefined();
    // A bank cannot allocate the regulator's bond.
    expect(errorCode(await allocate(byRegulator.id, projectA, '10.00'))).toBe('NOT_FOUND');
    // A bank's API key allocates the bank's own bond.
    expect((await allocate(byKey.data!.registerGreenBond.id, projectA, '10.00', '2024-03-15', bankKey)).errors).toBeUndefined();
  });

  it('refuses an over-allocation, saying how much is unallocated, and writes nothing', async () => {
    const bond = await registerBond({ amount: '100.00' });
    expect((await allocate(bond.id, projectA, '60.00')).errors).toBeUndefined();
    const before = await counts();
    const over = await allocate(bond.id, projectB, '40.01');
    expect(errorCode(over)).toBe('INSUFFICIENT_BALANCE');
    expect(over.errors![0].message).toContain('40.00 is unallocated');
    expect(await counts()).toEqual(before);
    expect((await allocate(bond.id, projectB, '40.00')).errors).toBeUndefined();
    expect(errorCode(await allocate(bond.id, projectB, '0.01'))).toBe('INSUFFICIENT_BALANCE');
    const [row] = await t.sql(`SELECT allocated_total FROM green_bond WHERE id = $1`, [bond.id]);
    expect(row.allocated_total).toBe('100.00');
  });

  it('lets exactly as many concurrent allocations through as the amount holds', async () => {
    const bond = await registerBond({ amount: '1000.00' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => allocate(bond.id, i % 2 ? projectA : projectB, '200.00')));
    const codes = results.map((r) => errorCode(r) ?? 'OK');
    expect(codes.filter((c) => c === 'OK')).toHaveLength(5);
    expect(codes.filter((c) => c === 'INSUFFICIENT_BALANCE')).toHaveLength(5);
    const [row] = await t.sql(
      `SELECT b.allocated_total, b.amount, (SELECT sum(a.amount) FROM bond_allocation a WHERE a.bond_id = b.id) AS summed,
              (SELECT count(*)::int FROM bond_allocation a WHERE a.bond_id = b.id) AS n,
              (SELECT count(*)::int FROM audit_event e WHERE e.entity_id = b.id::text AND e.action = 'greenBond.allocate') AS audits
       FROM green_bond b WHERE b.id = $1`,
      [bond.id],
    );
    expect(row).toEqual({ allocated_total: '1000.00', amount: '1000.00', summed: '1000.00', n: 5, audits: 5 });
  });

  it('serialises concurrent registrations of one code: one wins, the rest are told the code is taken', async () => {
    const code = unique('G24RACE').toUpperCase();
    const results = await Promise.all(Array.from({ length: 5 }, () => t.gql(REGISTER, { input: bondInput({ code }) }, bank.token)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of results.filter((x) => x.errors)) {
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
      expect(paths(r)).toEqual(['input.code']);
    }
    const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM green_bond WHERE code = $1`, [code]);
    expect(n).toBe(1);
  });

  it('writes one audit row per registration and allocation, naming the actor', async () => {
    const bond = await registerBond();
    const alloc = await allocate(bond.id, projectA, '123.45');
    const rows = await t.sql(`SELECT action, entity_type, organization_id, actor_user_id, after FROM audit_event WHERE entity_id = $1 ORDER BY id`, [bond.id]);
    expect(rows.map((r: any) => [r.action, r.entity_type, r.organization_id, r.actor_user_id])).toEqual([
      ['greenBond.register', 'GreenBond', bank.organizationId, bank.userId],
      ['greenBond.allocate', 'GreenBond', bank.organizationId, bank.userId],
    ]);
    expect(rows[0].after).toMatchObject({ code: bond.code, amount: '500000000.00', allocatedTotal: '0.00' });
    expect(rows[1].after).toMatchObject({ id: alloc.data!.allocateBondProceeds.id, projectId: projectA, amount: '123.45' });
  });
});

describe('green bonds: rules, each refused with its code and field, nothing written', () => {
  let takenCode: string;
  beforeAll(async () => {
    takenCode = (await registerBond()).code;
  });

  const registerCases: [string, () => Record<string, unknown>, string][] = [
    ['an empty code', () => ({ code: '   ' }), 'input.code'],
    ['a code over 64 characters', () => ({ code: 'G'.repeat(65) }), 'input.code'],
    ['a code already registered (after trimming)', () => ({ code: ` ${takenCode} ` }), 'input.code'],
    ['an empty name', () => ({ name: ' ' }), 'input.name'],
    ['an issuer that is not a UUID', () => ({ issuerEnterpriseId: 'acme' }), 'input.issuerEnterpriseId'],
    ['an issuer that does not exist', () => ({ issuerEnterpriseId: randomUUID() }), 'input.issuerEnterpriseId'],
    ['an issuer not admitted', () => ({ issuerEnterpriseId: applicant.enterpriseId }), 'input.issuerEnterpriseId'],
    ['an unknown bond type', () => ({ bondType: 'JUNK' }), 'input.bondType'],
    ['a zero amount', () => ({ amount: '0' }), 'input.amount'],
    ['an amount with three decimals', () => ({ amount: '1.005' }), 'input.amount'],
    ['an amount too large for the column', () => ({ amount: '1000000000000000000.00' }), 'input.amount'],
    ['an amount sent as a JSON number', () => ({ amount: 1000 }), 'input.amount'],
    ['an amount in exponent form', () => ({ amount: '1e6' }), 'input.amount'],
    ['a currency that is not ISO 4217', () => ({ currency: 'XYZ' }), 'input.currency'],
    ['a currency that is not three letters', () => ({ currency: 'RMB1' }), 'input.currency'],
    ['a coupon above 1', () => ({ couponRate: '1.5' }), 'input.couponRate'],
    ['a negative coupon', () => ({ couponRate: '-0.01' }), 'input.couponRate'],
    ['a coupon with seven decimals', () => ({ couponRate: '0.0285001' }), 'input.couponRate'],
    ['a maturity on the issue date', () => ({ maturityOn: '2024-03-15' }), 'input.maturityOn'],
    ['a maturity before the issue date', () => ({ maturityOn: '2023-03-15' }), 'input.maturityOn'],
    ['an issue date that is not a calendar date', () => ({ issuedOn: '2024-02-30' }), 'input.issuedOn'],
    ['an external reviewer over 200 characters', () => ({ externalReviewer: 'x'.repeat(201) }), 'input.externalReviewer'],
    ['an empty external reviewer', () => ({ externalReviewer: '  ' }), 'input.externalReviewer'],
  ];

  it.each(registerCases)('registerGreenBond refuses %s', async (_label, overrides, path) => {
    const before = await counts();
    const res = await t.gql(REGISTER, { input: bondInput(overrides()) }, bank.token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(paths(res)).toEqual([path]);
    expect(await counts()).toEqual(before);
  });

  it('gives one answer for a missing issuer and one not admitted', async () => {
    const missing = await t.gql(REGISTER, { input: bondInput({ issuerEnterpriseId: randomUUID() }) }, bank.token);
    const pending = await t.gql(REGISTER, { input: bondInput({ issuerEnterpriseId: applicant.enterpriseId }) }, bank.token);
    expect(missing.errors![0].message).toBe(pending.errors![0].message);
    expect(missing.errors![0].extensions.fields).toEqual(pending.errors![0].extensions.fields);
  });

  it('names every broken rule of one registration together', async () => {
    const res = await t.gql(REGISTER, { input: bondInput({ code: takenCode, currency: 'XYZ', maturityOn: '2020-01-01' }) }, bank.token);
    expect(paths(res)?.sort()).toEqual(['input.code', 'input.currency', 'input.maturityOn']);
  });

  const allocateCases: [string, () => { bondId?: string; projectId?: string; amount?: unknown; on?: string }, string, string | null][] = [
    ['a zero amount', () => ({ amount: '0' }), 'BAD_USER_INPUT', 'amount'],
    ['a negative amount', () => ({ amount: '-5.00' }), 'BAD_USER_INPUT', 'amount'],
    ['an amount with three decimals', () => ({ amount: '1.001' }), 'BAD_USER_INPUT', 'amount'],
    ['an amount sent as a JSON number', () => ({ amount: 5 }), 'BAD_USER_INPUT', 'amount'],
    ['a project not admitted', () => ({ projectId: pendingProject }), 'BAD_USER_INPUT', 'projectId'],
    ['a project that does not exist', () => ({ projectId: randomUUID() }), 'BAD_USER_INPUT', 'projectId'],
    ['a project id that is not a UUID', () => ({ projectId: 'p-1' }), 'BAD_USER_INPUT', 'projectId'],
    ['a date before the issue date', () => ({ on: '2024-03-14' }), 'BAD_USER_INPUT', 'on'],
    ['a date that is not a calendar date', () => ({ on: '2024-13-01' }), 'BAD_USER_INPUT', 'on'],
    ['a bond that does not exist', () => ({ bondId: randomUUID() }), 'NOT_FOUND', null],
    ['a bond id that is not a UUID', () => ({ bondId: 'bond' }), 'BAD_USER_INPUT', 'bondId'],
  ];

  let ruleBond: string;
  beforeAll(async () => {
    ruleBond = (await registerBond({ amount: '1000.00' })).id;
  });

  it.each(allocateCases)('allocateBondProceeds refuses %s', async (_label, overrides, code, path) => {
    const before = await counts();
    const v = { bondId: ruleBond, projectId: projectA, amount: '10.00', on: '2024-04-01', ...overrides() };
    const res = await t.gql(ALLOCATE, v, bank.token);
    expect(errorCode(res)).toBe(code);
    if (path) expect(paths(res)).toEqual([path]);
    expect(await counts()).toEqual(before);
    const [row] = await t.sql(`SELECT allocated_total FROM green_bond WHERE id = $1`, [ruleBond]);
    expect(row.allocated_total).toBe('0.00');
  });
});

describe('green bonds: who may act', () => {
  let bond: Record<string, any>;
  beforeAll(async () => {
    bond = await registerBond({ amount: '1000.00' });
  });

  const refusedRegistrations: [string, () => string | undefined, string][] = [
    ['an enterprise (even the issuer)', () => issuer.token, 'FORBIDDEN'],
    ['a verifier', () => verifier.token, 'FORBIDDEN'],
    ["the regulator's API key", () => regulatorKey, 'FORBIDDEN'],
    ['an anonymous caller', () => undefined, 'UNAUTHENTICATED'],
  ];
  it.each(refusedRegistrations)('registerGreenBond refuses %s', async (_label, token, code) => {
    const before = await counts();
    expect(errorCode(await t.gql(REGISTER, { input: bondInput() }, token()))).toBe(code);
    expect(await counts()).toEqual(before);
  });

  const refusedAllocations: [string, () => string | undefined, string][] = [
    ['an enterprise (even the issuer)', () => issuer.token, 'FORBIDDEN'],
    ['a verifier', () => verifier.token, 'FORBIDDEN'],
    ["the regulator's API key", () => regulatorKey, 'FORBIDDEN'],
    ['another bank, as if the bond did not exist', () => otherBank.token, 'NOT_FOUND'],
    ['an anonymous caller', () => undefined, 'UNAUTHENTICATED'],
  ];
  it.each(refusedAllocations)('allocateBondProceeds refuses %s', async (_label, token, code) => {
    const before = await counts();
    const res = await t.gql(ALLOCATE, { bondId: bond.id, projectId: projectA, amount: '10.00', on: '2024-04-01' }, token());
    expect(errorCode(res)).toBe(code);
    expect(await counts()).toEqual(before);
  });

  it('answers NOT_FOUND for a bond that does not exist, and UNAUTHENTICATED to an anonymous reader', async () => {
    const missing = await t.gql(READ, { id: randomUUID() }, bank.token);
    expect(errorCode(missing)).toBe('NOT_FOUND');
    expect(missing.data).toEqual({ greenBond: null });
    expect(errorCode(await t.gql(READ, { id: bond.id }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql(LIST, {}))).toBe('UNAUTHENTICATED');
  });
});

describe('green bonds: listing', () => {
  let filterIssuer: Awaited<ReturnType<typeof admittedEnterprise>>;
  let a: Record<string, any>;
  let b: Record<string, any>;
  let c: Record<string, any>;
  const codeStem = unique('FLT').toUpperCase();

  beforeAll(async () => {
    filterIssuer = await admittedEnterprise(t);
    const on = (issuedOn: string) => ({ issuedOn, maturityOn: '2030-01-01', issuerEnterpriseId: filterIssuer.enterpriseId });
    a = await registerBond({ ...on('2023-06-01'), code: `${codeStem}-A`, name: 'Alpha 50%_offshore wind', bondType: 'CORPORATE' });
    b = await registerBond({ ...on('2024-01-10'), code: `${codeStem}-B`, name: 'Beta mangrove restoration', bondType: 'CARBON_NEUTRAL' }, otherBank.token);
    c = await registerBond({ ...on('2024-09-30'), code: `${codeStem}-C`, name: 'Gamma rooftop PV', bondType: 'CARBON_NEUTRAL' });
  });

  async function list(filter: Record<string, unknown>, token = verifier.token, first?: number, after?: string) {
    const res = await t.gql(LIST, { filter, first, after }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.greenBonds;
  }
  const ids = (conn: any) => conn.edges.map((e: any) => e.node.id);

  it('filters by issuer, newest first, for every kind of reader', async () => {
    for (const token of [verifier.token, issuer.token, otherBank.token, regulatorKey]) {
      const conn = await list({ issuerEnterpriseId: filterIssuer.enterpriseId }, token);
      expect(conn.totalCount).toBe(3);
      expect(ids(conn)).toEqual([c.id, b.id, a.id]);
    }
  });

  it('filters by bond type, registrar and issue dates', async () => {
    const mine = { issuerEnterpriseId: filterIssuer.enterpriseId };
    expect(ids(await list({ ...mine, bondType: 'CARBON_NEUTRAL' }))).toEqual([c.id, b.id]);
    expect(ids(await list({ ...mine, registeredByOrganizationId: otherBank.organizationId }))).toEqual([b.id]);
    expect(ids(await list({ ...mine, issuedFrom: '2024-01-10', issuedTo: '2024-09-29' }))).toEqual([b.id]);
    expect(ids(await list({ ...mine, issuedFrom: '2024-09-30' }))).toEqual([c.id]);
    expect(ids(await list({ ...mine, issuedTo: '2023-06-01' }))).toEqual([a.id]);
  });

  it('searches the start of the code or part of the name, taking wildcards literally', async () => {
    expect(ids(await list({ search: `${codeStem}-B` }))).toEqual([b.id]);
    expect(ids(await list({ search: codeStem.toLowerCase() }))).toEqual([c.id, b.id, a.id]);
    expect(ids(await list({ search: ' MANGROVE ' }))).toEqual([b.id]);
    const mine = { issuerEnterpriseId: filterIssuer.enterpriseId };
    expect(ids(await list({ ...mine, search: '50%_' }))).toEqual([a.id]);
    expect(ids(await list({ ...mine, search: '%' }))).toEqual([a.id]);
    expect(ids(await list({ ...mine, search: '_' }))).toEqual([a.id]);
  });

  it('pages with first and after', async () => {
    const mine = { issuerEnterpriseId: filterIssuer.enterpriseId };
    const p1 = await list(mine, verifier.token, 2);
    expect(ids(p1)).toEqual([c.id, b.id]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = await list(mine, verifier.token, 2, p1.pageInfo.endCursor);
    expect(ids(p2)).toEqual([a.id]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect(p2.totalCount).toBe(3);
  });

  it('refuses bad filters and page arguments by name', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ filter: { issuerEnterpriseId: 'x' } }, 'filter.issuerEnterpriseId'],
      [{ filter: { search: '' } }, 'filter.search'],
      [{ filter: { issuedFrom: '2024-02-30' } }, 'filter.issuedFrom'],
      [{ first: 101 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
    ];
    for (const [vars, path] of bad) {
      const res = await t.gql(LIST, vars, verifier.token);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(paths(res)).toEqual([path]);
    }
  });
});

describe('review follow-ups', () => {
  it('upper-cases bond codes, so one code cannot be registered in two cases', async () => {
    const code = unique('G24CASE').toUpperCase();
    const first = await t.gql(REGISTER, { input: bondInput({ code: code.toLowerCase() }) }, bank.token);
    expect(first.errors).toBeUndefined();
    expect(first.data!.registerGreenBond.code).toBe(code);
    const again = await t.gql(REGISTER, { input: bondInput({ code }) }, bank.token);
    expect(again.errors![0].extensions.fields![0].path).toBe('input.code');
  });

  async function newBond(): Promise<string> {
    const r = await t.gql(REGISTER, { input: bondInput({ amount: '1000.00' }) }, bank.token);
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.registerGreenBond.id;
  }

  it('replays an allocation for the same key (one row) and refuses the key with another input', async () => {
    const bondId = await newBond();
    const a = await t.gql(ALLOCATE, { bondId, projectId: projectA, amount: '100.00', on: '2024-04-01', k: 'alloc-1' }, bank.token);
    const b = await t.gql(ALLOCATE, { bondId, projectId: projectA, amount: '100.00', on: '2024-04-01', k: 'alloc-1' }, bank.token);
    expect(b.data).toEqual(a.data);
    expect((await t.sql(`SELECT count(*)::int AS n FROM bond_allocation WHERE bond_id = $1`, [bondId]))[0].n).toBe(1);
    const reused = await t.gql(ALLOCATE, { bondId, projectId: projectA, amount: '200.00', on: '2024-04-01', k: 'alloc-1' }, bank.token);
    expect(errorCode(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
    // The replayed registration shows the bond as it is now, not as it was.
    const input = bondInput({ amount: '500.00' });
    const first = await t.gql(REGISTER, { input, k: 'reg-live' }, bank.token);
    await t.gql(ALLOCATE, { bondId: first.data!.registerGreenBond.id, projectId: projectA, amount: '50.00', on: '2024-04-01' }, bank.token);
    const replay = await t.gql(`mutation($input: GreenBondInput!, $k: String) { registerGreenBond(input: $input, idempotencyKey: $k) { id allocatedTotal unallocated } }`, { input, k: 'reg-live' }, bank.token);
    expect(replay.data!.registerGreenBond).toEqual({ id: first.data!.registerGreenBond.id, allocatedTotal: '50.00', unallocated: '450.00' });
  });

  it('refuses allocations dated after maturity or in the future, and to a project whose enterprise was removed', async () => {
    const bondId = await newBond();
    const late = await t.gql(ALLOCATE, { bondId, projectId: projectA, amount: '1.00', on: '2027-03-16' }, bank.token);
    expect(late.errors![0].extensions.fields).toEqual([{ path: 'on', message: expect.stringMatching(/after the maturity date/) }]);
    const future = await t.gql(REGISTER, { input: bondInput({ issuedOn: '2024-01-01', maturityOn: '2999-01-01' }) }, bank.token);
    const early = await t.gql(ALLOCATE, { bondId: future.data!.registerGreenBond.id, projectId: projectA, amount: '1.00', on: '2998-01-01' }, bank.token);
    expect(early.errors![0].extensions.fields).toEqual([{ path: 'on', message: expect.stringMatching(/in the future/) }]);
    const leaving = await admittedEnterprise(t);
    const orphan = await admittedProject(leaving.token);
    await t.gql(`mutation($id: ID!) { removeEnterprise(id: $id, reason: "left the programme") { status } }`, { id: leaving.enterpriseId }, t.adminToken);
    const res = await t.gql(ALLOCATE, { bondId, projectId: orphan, amount: '1.00', on: '2024-04-01' }, bank.token);
    expect(res.errors![0].extensions.fields![0].path).toBe('projectId');
    expect((await t.sql(`SELECT count(*)::int AS n FROM bond_allocation WHERE bond_id = $1`, [bondId]))[0].n).toBe(0);
  });
});
