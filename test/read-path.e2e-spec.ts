/**
 * The read path's bounds: what an operation may cost is checked before any SQL runs, validation work is linear, the
 * benchmark's queries run a number of statements that does not grow with the page, `totalCount` is counted only when
 * asked for, and remembered credentials still die with their revocation.
 */
import { admittedEnterprise, loanInput, REGISTER_LOAN } from './support/library-fixtures.js';
import { countStatements, createOrgWithAdmin, errorCode, startTestRegistry, type TestRegistry } from './support/test-registry.js';

let t: TestRegistry;
let bank: Awaited<ReturnType<typeof createOrgWithAdmin>>;
let loanIds: string[];
const enterpriseIds: string[] = [];

beforeAll(async () => {
  t = await startTestRegistry();
  bank = await createOrgWithAdmin(t, 'BANK');
  loanIds = [];
  for (let e = 0; e < 4; e++) {
    const enterprise = await admittedEnterprise(t);
    enterpriseIds.push(enterprise.enterpriseId);
    for (let i = 0; i < 4; i++) {
      const res = await t.gql<{ registerGreenLoan: { id: string } }>(REGISTER_LOAN, { i: loanInput(enterprise.enterpriseId) }, bank.token);
      const id = res.data!.registerGreenLoan.id;
      loanIds.push(id);
      for (const [kind, on, amount] of [['Disbursement', '2024-02-01', '600000.00'], ['Repayment', '2024-06-01', '100000.00']]) {
        const ev = await t.gql(`mutation($l: ID!, $a: Decimal!, $o: Date!) { recordLoan${kind}(loanId: $l, amount: $a, on: $o) { id } }`, { l: id, a: amount, o: on }, bank.token);
        expect(ev.errors).toBeUndefined();
      }
    }
  }
});
afterAll(async () => {
  await t?.close();
});

describe('the cost of an operation is checked before it runs', () => {
  const level = (depth: number): string => (depth === 0 ? 'contractNumber' : `greenLoans(first: 100) { edges { node { contractNumber borrower { loans(first: 100) { edges { node { ${level(depth - 1)} } } } } } } }`);

  it('refuses the 20-alias fan-out with first: 100 at each level, before any SQL, with HTTP 400', async () => {
    const query = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: ${level(1)}`).join(' ')} }`;
    const res = await countStatements(t, () => t.http().post('/graphql').set('Authorization', `Bearer ${t.adminToken}`).send({ query }));
    expect(res.result.status).toBe(400);
    expect(res.result.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.result.body.errors[0].message).toMatch(/too expensive/);
    expect(res.statements).toBe(0);
  });

  it('refuses a nested-alias variant, and one hidden behind fragments, even when the operation is named __schema', async () => {
    const nested = `{ greenLoans(first: 20) { edges { node { borrower { ${Array.from({ length: 20 }, (_, i) => `x${i}: loans(first: 100) { edges { node { contractNumber events(first: 100) { edges { node { amount } } } } } }`).join(' ')} } } } } }`;
    expect((await t.gql(nested, {}, t.adminToken)).errors![0].message).toMatch(/too expensive/);
    const fragments = `query __schema { greenLoans(first: 100) { ...L } }
      fragment L on GreenLoanConnection { edges { node { borrower { loans(first: 100) { ...M } } } } }
      fragment M on GreenLoanConnection { edges { node { events(first: 100) { edges { node { amount } } } } } }`;
    const res = await t.gql(fragments, {}, t.adminToken);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/too expensive/);
  });

  it('takes a page size from a variable, and refuses one above the maximum by name', async () => {
    const q = `query($n: Int) { greenLoans(first: $n) { edges { node { id } } } }`;
    expect((await t.gql(q, { n: 3 }, t.adminToken)).data!.greenLoans.edges).toHaveLength(3);
    const res = await t.gql(q, { n: 1000 }, t.adminToken);
    expect(res.errors![0].extensions.fields).toEqual([{ path: 'first', message: 'must be at most 100' }]);
  });

  it("accepts the ordinary queries of the README and of the registry's own benchmark", async () => {
    const ordinary = [
      `{ greenLoans(first: 50) { edges { node { contractNumber principal borrower { name } } } } }`,
      `{ greenLoan(id: "${loanIds[0]}") { outstandingBalance(asOf: "2024-03-31") disbursedTotal repaidTotal status events(first: 50) { totalCount edges { node { kind amount on } } } } }`,
      `{ enterprises(first: 20) { totalCount edges { node { name loans(first: 5) { edges { node { contractNumber principal } } } } } } }`,
      `{ greenLoans(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id contractNumber principal currency interestRate signedOn maturityOn status outstandingBalance bank { name } borrower { name uscc } project { name } taxonomy { code nameZh } district { nameZh } events(first: 20) { edges { node { kind amount on } } } } } } }`,
    ];
    for (const query of ordinary) expect((await t.gql(query, {}, t.adminToken)).errors).toBeUndefined();
  });
});

describe('parsing and validation stay linear', () => {
  it('refuses a document past the token cap at parsing', async () => {
    const huge = `{ greenLoans { edges { node { ${Array.from({ length: 20_000 }, () => 'id').join(' ')} } } } }`;
    const res = await countStatements(t, () => t.http().post('/graphql').send({ query: huge }));
    expect(res.result.status).toBe(400);
    expect(res.result.body.errors[0].message).toMatch(/tokens/);
    expect(res.statements).toBe(0);
  });

  it('refuses a selection set wider than the cap before validation', async () => {
    const wide = `{ greenLoans { edges { node { ${Array.from({ length: 400 }, (_, i) => `f${i}: id`).join(' ')} } } } }`;
    const res = await t.http().post('/graphql').send({ query: wide });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/selection set of 400 fields; at most 250/);
  });

  it('answers the 20-level fragment fan-out (1.2 KB) with a depth refusal, not an expansion', async () => {
    const parts = ['fragment F0 on GreenLoan { id contractNumber }'];
    for (let i = 1; i <= 20; i++) parts.push(`fragment F${i} on GreenLoan { project { enterprise { loans(first: 1) { edges { node { ...F${i - 1} ...F${i - 1} } } } } } }`);
    const query = `{ greenLoans(first: 1) { edges { node { ...F20 } } } } ${parts.join(' ')}`;
    const res = await t.http().post('/graphql').set('Authorization', `Bearer ${t.adminToken}`).send({ query });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { message: string }) => e.message).join(' ')).toMatch(/nested \d+ levels deep/);
  });
});

describe('the statements a read runs', () => {
  const QUERIES: [string, (first: number) => string][] = [
    ['first loans with borrower', (n) => `{ greenLoans(first: ${n}) { edges { node { contractNumber principal borrower { name } } } } }`],
    ["a bank's own book", (n) => `{ greenLoans(first: ${n}) { edges { node { contractNumber principal borrower { name } } } } }`],
    ['one loan with its events', (n) => `{ greenLoan(id: "LOAN") { contractNumber outstandingBalance(asOf: "2024-03-31") events(first: ${n}) { edges { node { kind amount on } } } } }`],
    ['enterprises with their loans', (n) => `{ enterprises(first: ${n}) { edges { node { name loans(first: ${n}) { edges { node { contractNumber principal } } } } } } }`],
  ];

  it.each(QUERIES)('%s: the same number of statements for a page of 1 and a page of 4', async (name, query) => {
    const token = name === "a bank's own book" ? bank.token : t.adminToken;
    // A warm-up first, so the credential is remembered for the counted run (else it costs one statement once).
    const run = async (n: number) => {
      await t.gql(query(n).replace('LOAN', loanIds[0]), {}, token);
      return countStatements(t, () => t.gql(query(n).replace('LOAN', loanIds[0]), {}, token));
    };
    const small = await run(1);
    const large = await run(4);
    expect(small.result.errors).toBeUndefined();
    expect(large.result.errors).toBeUndefined();
    expect(large.statements).toBe(small.statements);
  });

  it('runs no count when totalCount is not asked for, and one when it is', async () => {
    const seen: string[] = [];
    const logger = t.registry.dataSource.logger;
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (query: string, ...rest: unknown[]) => {
      seen.push(query);
      return original(query, ...(rest as []));
    };
    try {
      await t.gql(`{ greenLoans(first: 5) { edges { node { id } } } }`, {}, t.adminToken);
      expect(seen.filter((q) => /count\(/i.test(q))).toEqual([]);
      const res = await t.gql(`{ greenLoans(first: 5) { totalCount edges { node { id } } } }`, {}, t.adminToken);
      expect(res.data!.greenLoans.totalCount).toBe(16);
      expect(seen.filter((q) => /count\(/i.test(q))).toHaveLength(1);
    } finally {
      logger.logQuery = original;
    }
  });
});

describe('remembered credentials', () => {
  it('an API key revoked through this process stops working at once, though it was just remembered', async () => {
    const created = await t.gql(`mutation { createApiKey(name: "core banking") { id key } }`, {}, bank.token);
    const { id, key } = created.data!.createApiKey;
    expect((await t.gql(`{ greenLoans(first: 1) { edges { node { id } } } }`, {}, key)).errors).toBeUndefined();
    await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id }, bank.token);
    expect(errorCode(await t.gql(`{ greenLoans(first: 1) { edges { node { id } } } }`, {}, key))).toBe('UNAUTHENTICATED');
  });

  it('a remembered credential is asked again of the database only after AUTH_CACHE_SECONDS (a revocation made elsewhere)', async () => {
    const other = await startTestRegistry({ env: { AUTH_CACHE_SECONDS: '1' } });
    try {
      const org = await createOrgWithAdmin(other, 'BANK');
      const created = await other.gql(`mutation { createApiKey(name: "elsewhere") { id key } }`, {}, org.token);
      const { key } = created.data!.createApiKey;
      const q = `{ greenLoans(first: 1) { edges { node { id } } } }`;
      expect((await other.gql(q, {}, key)).errors).toBeUndefined();
      // Another process of the registry revokes the key: this one learns of it when its memory of the key runs out.
      await other.sql(`UPDATE api_key SET revoked_at = now() WHERE id = $1`, [created.data!.createApiKey.id]);
      expect((await other.gql(q, {}, key)).errors).toBeUndefined();
      await new Promise((r) => setTimeout(r, 1100));
      expect(errorCode(await other.gql(q, {}, key))).toBe('UNAUTHENTICATED');
    } finally {
      await other.close();
    }
  });
});
