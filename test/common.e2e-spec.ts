import { ProbeModule } from './support/probe.module.js';
import { createOrgWithAdmin, errorCode, startTestRegistry, type TestRegistry } from './support/test-registry.js';

const RECORD = `mutation($i: ProbeEntryInput!, $k: String, $f: Boolean) {
  probeRecord(input: $i, idempotencyKey: $k, failAfterWrite: $f) { id amount rate memo createdAt }
}`;
let t: TestRegistry;
let bank: Awaited<ReturnType<typeof createOrgWithAdmin>>;

beforeAll(async () => {
  t = await startTestRegistry({ extraModules: [ProbeModule] });
  bank = await createOrgWithAdmin(t, 'BANK');
});
afterAll(async () => {
  await t?.close();
});

const count = async (sql: string, params: unknown[] = []) => (await t.sql(sql, params))[0].n as number;

describe('Decimal scalar', () => {
  it('round-trips the largest NUMERIC(20,2) value exactly', async () => {
    const res = await t.gql(RECORD, { i: { amount: '12345678901234567.89' } }, bank.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.probeRecord.amount).toBe('12345678901234567.89');
    const [row] = await t.sql(`SELECT amount::text AS amount FROM probe_entry WHERE id = $1`, [res.data!.probeRecord.id]);
    expect(row.amount).toBe('12345678901234567.89');
  });

  it.each([
    ['a JSON number', 0.1],
    ['an integer JSON number', 1000],
    ['exponent form', '1e3'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['an empty string', ''],
    ['thousands separators', '1,000.00'],
  ])('rejects %s as BAD_USER_INPUT, writing nothing', async (_label, amount) => {
    const before = await count(`SELECT count(*)::int AS n FROM probe_entry`);
    const res = await t.gql(RECORD, { i: { amount } }, bank.token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.data ?? null).toBeNull();
    expect(await count(`SELECT count(*)::int AS n FROM probe_entry`)).toBe(before);
  });

  it('rejects a JSON number written as a literal in the query', async () => {
    const res = await t.gql(`mutation { probeRecord(input: { amount: 0.1 }) { id } }`, {}, bank.token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
  });

  it('rejects more decimals than the column holds, naming the field', async () => {
    const res = await t.gql(RECORD, { i: { amount: '1.005' } }, bank.token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions.fields).toEqual([{ path: 'input.amount', message: 'must have at most 2 decimal places' }]);
    const rate = await t.gql(RECORD, { i: { amount: '1.00', rate: '0.1234567' } }, bank.token);
    expect(rate.errors![0].extensions.fields).toEqual([{ path: 'input.rate', message: 'must have at most 6 decimal places' }]);
  });

  it('rejects too many integer digits and values out of range', async () => {
    const big = await t.gql(RECORD, { i: { amount: '1234567890123456789.00' } }, bank.token);
    expect(big.errors![0].extensions.fields![0]).toEqual({ path: 'input.amount', message: 'must have at most 18 digits before the decimal point' });
    const zero = await t.gql(RECORD, { i: { amount: '0' } }, bank.token);
    expect(zero.errors![0].extensions.fields![0]).toEqual({ path: 'input.amount', message: 'must be greater than 0' });
  });

  it('checks a plain Decimal argument against its column, naming the argument', async () => {
    const q = `mutation($a: Decimal!) { probeEcho(amount: $a) }`;
    expect((await t.gql(q, { a: '12345678901234567.89' }, bank.token)).data!.probeEcho).toBe('12345678901234567.89');
    const tooFine = await t.gql(q, { a: '1.005' }, bank.token);
    expect(tooFine.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', fields: [{ path: 'amount', message: 'must have at most 2 decimal places' }] });
    const negative = await t.gql(q, { a: '-1' }, bank.token);
    expect(negative.errors![0].extensions.fields![0]).toEqual({ path: 'amount', message: 'must be greater than 0' });
  });

  it('accepts trailing zeros beyond the scale when the value fits', async () => {
    const res = await t.gql(RECORD, { i: { amount: '5.000' } }, bank.token);
    expect(res.data!.probeRecord.amount).toBe('5.00');
  });
});

describe('audit trail', () => {
  it('writes one audit row per mutation, in the same transaction, with actor and request id', async () => {
    const before = await count(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'probe.record'`);
    const res = await t.http().post('/graphql').set('Authorization', `Bearer ${bank.token}`).set('X-Request-Id', 'req-audit-0001').send({
      query: RECORD,
      variables: { i: { amount: '10.00', memo: 'audited' } },
    });
    const id = res.body.data.probeRecord.id;
    expect(await count(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'probe.record'`)).toBe(before + 1);
    const [row] = await t.sql(`SELECT * FROM audit_event WHERE entity_id = $1`, [id]);
    // The request id is the registry's own (a client cannot choose what goes into the trail), echoed in the header.
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(row).toMatchObject({
      actor_user_id: bank.userId,
      organization_id: bank.organizationId,
      entity_type: 'ProbeEntry',
      request_id: res.headers['x-request-id'],
      before: null,
      after: { id, amount: '10.00', memo: 'audited', rate: null },
    });
  });

  it('leaves no audit row (and no change) after a rolled-back mutation', async () => {
    const audits = await count(`SELECT count(*)::int AS n FROM audit_event`);
    const entries = await count(`SELECT count(*)::int AS n FROM probe_entry`);
    const res = await t.gql(RECORD, { i: { amount: '3.00', memo: 'rolled back' }, f: true }, bank.token);
    expect(errorCode(res)).toBe('CONFLICT');
    expect(await count(`SELECT count(*)::int AS n FROM audit_event`)).toBe(audits);
    expect(await count(`SELECT count(*)::int AS n FROM probe_entry`)).toBe(entries);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on audit_event at the database', async () => {
    await expect(t.sql(`UPDATE audit_event SET action = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(t.sql(`DELETE FROM audit_event`)).rejects.toThrow(/append-only/);
    await expect(t.sql(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/);
    expect(await count(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'tampered'`)).toBe(0);
  });

  it('lists events to the regulator only, filtered and paginated', async () => {
    for (const memo of ['p1', 'p2', 'p3']) await t.gql(RECORD, { i: { amount: '1.00', memo } }, bank.token);
    const q = `query($f: AuditEventFilter, $first: Int, $after: String) {
      auditEvents(filter: $f, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id action entityType actor organization after } }
      }
    }`;
    const filter = { entityType: 'ProbeEntry', organizationId: bank.organizationId };
    const total = await count(`SELECT count(*)::int AS n FROM audit_event WHERE entity_type = 'ProbeEntry' AND organization_id = $1`, [bank.organizationId]);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const res: any = await t.gql(q, { f: filter, first: 2, after }, t.adminToken);
      expect(res.errors).toBeUndefined();
      expect(res.data.auditEvents.totalCount).toBe(total);
      seen.push(...res.data.auditEvents.edges.map((e: any) => e.node.id));
      after = res.data.auditEvents.pageInfo.hasNextPage ? res.data.auditEvents.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort().reverse()).toEqual(seen); // newest first

    expect(errorCode(await t.gql(q, {}, bank.token))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(q, { first: 101 }, t.adminToken))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(q, { first: 0 }, t.adminToken))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(q, { after: 'bm90LWEtY3Vyc29y' }, t.adminToken))).toBe('BAD_USER_INPUT');
  });
});

describe('idempotency keys', () => {
  it('replays the first result for the same key and input, writing once', async () => {
    const key = 'probe-replay-1';
    const first = await t.gql(RECORD, { i: { amount: '42.00' }, k: key }, bank.token);
    const second = await t.gql(RECORD, { i: { amount: '42.00' }, k: key }, bank.token);
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    expect(second.data).toEqual(first.data); // including the DateTime, read back from the stored JSON
    expect(first.data!.probeRecord.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(await count(`SELECT count(*)::int AS n FROM probe_entry WHERE id = $1`, [first.data!.probeRecord.id])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM audit_event WHERE entity_id = $1`, [first.data!.probeRecord.id])).toBe(1);
  });

  it('fails IDEMPOTENCY_KEY_REUSED for the same key with another input', async () => {
    const key = 'probe-reuse-1';
    await t.gql(RECORD, { i: { amount: '1.00' }, k: key }, bank.token);
    const entries = await count(`SELECT count(*)::int AS n FROM probe_entry`);
    const res = await t.gql(RECORD, { i: { amount: '2.00' }, k: key }, bank.token);
    expect(errorCode(res)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await count(`SELECT count(*)::int AS n FROM probe_entry`)).toBe(entries);
  });

  it('scopes keys by organisation', async () => {
    const other = await createOrgWithAdmin(t, 'BANK');
    const a = await t.gql(RECORD, { i: { amount: '7.00' }, k: 'shared-key' }, bank.token);
    const b = await t.gql(RECORD, { i: { amount: '8.00' }, k: 'shared-key' }, other.token);
    expect(b.errors).toBeUndefined();
    expect(b.data!.probeRecord.id).not.toBe(a.data!.probeRecord.id);
  });

  it('releases the key when the first attempt rolls back', async () => {
    const failed = await t.gql(RECORD, { i: { amount: '9.00' }, k: 'retry-after-failure', f: true }, bank.token);
    expect(errorCode(failed)).toBe('CONFLICT');
    const retried = await t.gql(RECORD, { i: { amount: '9.00' }, k: 'retry-after-failure', f: false }, bank.token);
    expect(retried.errors).toBeUndefined();
  });

  it('rejects a malformed key naming the field', async () => {
    const res = await t.gql(RECORD, { i: { amount: '1.00' }, k: 'has spaces in it' }, bank.token);
    expect(res.errors![0].extensions.fields).toEqual([{ path: 'idempotencyKey', message: expect.any(String) }]);
  });

  it('writes once when 20 identical requests race', async () => {
    const key = 'probe-race-1';
    const results = await Promise.all(Array.from({ length: 20 }, () => t.gql(RECORD, { i: { amount: '20.00', memo: 'race' }, k: key }, bank.token)));
    for (const r of results) expect(r.errors).toBeUndefined();
    const ids = new Set(results.map((r) => r.data!.probeRecord.id));
    expect(ids.size).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM probe_entry WHERE memo = 'race'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM audit_event WHERE entity_id = $1`, [[...ids][0]])).toBe(1);
  });
});

describe('errors', () => {
  it('never leaks SQL or stack traces: an unexpected failure is INTERNAL with a request id', async () => {
    // Break the fixture table for this one request, so the insert fails in a way no check foresaw.
    await t.sql(`ALTER TABLE probe_entry RENAME COLUMN memo TO memo_hidden`);
    try {
      const res = await t.gql(RECORD, { i: { amount: '13.13' } }, bank.token);
      expect(errorCode(res)).toBe('INTERNAL');
      const text = JSON.stringify(res.errors);
      expect(text).not.toMatch(/probe_entry|memo|column|SELECT|INSERT|at .*\.ts/i);
      expect(res.errors![0].extensions.requestId).toEqual(expect.any(String));
      expect(res.errors![0].message).toContain(res.errors![0].extensions.requestId);
    } finally {
      await t.sql(`ALTER TABLE probe_entry RENAME COLUMN memo_hidden TO memo`);
    }
  });

  it('answers a database constraint a check missed with a plain code, naming nothing internal', async () => {
    await t.sql(`ALTER TABLE probe_entry ADD CONSTRAINT ck_probe_test CHECK (amount <> 13.13)`);
    try {
      const res = await t.gql(RECORD, { i: { amount: '13.13' } }, bank.token);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].message).toBe('A value is outside its allowed range');
      expect(JSON.stringify([res.errors![0].message, res.errors![0].extensions])).not.toMatch(/probe_entry|ck_|constraint|amount/i);
    } finally {
      await t.sql(`ALTER TABLE probe_entry DROP CONSTRAINT ck_probe_test`);
    }
  });

  it('names the variable a scalar refused', async () => {
    const res = await t.gql(RECORD, { i: { amount: 0.1 } }, bank.token);
    expect(res.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', fields: [{ path: 'i.amount', message: expect.stringMatching(/Decimal must be a JSON string/) }] });
  });

  it('answers malformed queries and unknown fields with BAD_USER_INPUT', async () => {
    expect(errorCode(await t.gql(`{ me { nope } }`, {}, bank.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(`{ me { `, {}, bank.token))).toBe('BAD_USER_INPUT');
  });

  it('refuses batched requests and a GET mutation without CSRF protection headers', async () => {
    const batched = await t.http().post('/graphql').set('Authorization', `Bearer ${bank.token}`).send([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(batched.status).toBeGreaterThanOrEqual(400);
    const csrf = await t.http().get('/graphql').query({ query: '{ me { id } }' });
    expect(csrf.status).toBe(400);
  });
});

describe('health', () => {
  it('answers live and ready without credentials', async () => {
    expect((await t.http().get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', database: 'ok' });
  });
});
