import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_JWT_SECRET, createOrgWithAdmin, errorCode, startTestRegistry, unique, type TestRegistry } from './support/test-registry.js';

const ME = `{ me { id email role organization { id kind } } }`;
let t: TestRegistry;

beforeAll(async () => {
  t = await startTestRegistry();
});
afterAll(async () => {
  await t?.close();
});

async function sign(claims: Record<string, unknown>, opts: { secret?: string; exp?: number; alg?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: randomUUID(), ...claims })
    .setProtectedHeader({ alg: opts.alg ?? 'HS256' })
    .setIssuer('green-finance-registry')
    .setAudience('green-finance-registry-api')
    .setIssuedAt(now - 60)
    .setExpirationTime(opts.exp ?? now + 300)
    .sign(new TextEncoder().encode(opts.secret ?? TEST_JWT_SECRET));
}

describe('login', () => {
  it('logs the bootstrap administrator in and `me` names the regulator', async () => {
    const res = await t.gql(ME, {}, t.adminToken);
    expect(res.errors).toBeUndefined();
    expect(res.data!.me).toMatchObject({ email: ADMIN_EMAIL, role: 'ORG_ADMIN', organization: { kind: 'REGULATOR' } });
  });

  it('answers a wrong password and an unknown e-mail identically', async () => {
    const q = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`;
    const wrong = await t.gql(q, { e: ADMIN_EMAIL, p: 'not the password at all' });
    const unknown = await t.gql(q, { e: 'nobody@example.test', p: 'not the password at all' });
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    expect(errorCode(unknown)).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0].message).toBe(unknown.errors![0].message);
    expect(wrong.data).toBeNull();
  });

  it('refuses many logins in one request', async () => {
    const res = await t.gql(`mutation { a: login(email: "x@y.z", password: "p1") { accessToken } b: login(email: "x@y.z", password: "p2") { accessToken } }`);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/only field/);
  });

  it('answers RATE_LIMITED after ten failed logins for one account, even with the right password then', async () => {
    const victim = await createOrgWithAdmin(t, 'ENTERPRISE', 'STAFF');
    const q = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`;
    for (let i = 0; i < 10; i++) expect(errorCode(await t.gql(q, { e: victim.email, p: `guess number ${i}` }))).toBe('UNAUTHENTICATED');
    const blocked = await t.gql(q, { e: victim.email, p: victim.password });
    expect(errorCode(blocked)).toBe('RATE_LIMITED');
    expect(blocked.errors![0].message).toMatch(/try again in \d+ seconds/);
    // Other accounts are not affected.
    expect((await t.gql(q, { e: ADMIN_EMAIL, p: ADMIN_PASSWORD })).errors).toBeUndefined();
  });

  it('accepts the e-mail in any case', async () => {
    const { accessToken } = await t.login(ADMIN_EMAIL.toUpperCase(), ADMIN_PASSWORD);
    expect((await t.gql(ME, {}, accessToken)).data!.me.email).toBe(ADMIN_EMAIL);
  });
});

describe('access tokens', () => {
  it('refuses an unauthenticated call', async () => {
    const res = await t.gql(ME);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await t.http().post('/graphql').set('Authorization', 'Basic abc').send({ query: ME });
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired token', async () => {
    const me = (await t.gql(ME, {}, t.adminToken)).data!.me;
    const expired = await sign({ sub: me.id }, { exp: Math.floor(Date.now() / 1000) - 10 });
    const res = await t.gql(ME, {}, expired);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(res.errors![0].message).toMatch(/expired/);
  });

  it('refuses a token signed with another key', async () => {
    const me = (await t.gql(ME, {}, t.adminToken)).data!.me;
    const forged = await sign({ sub: me.id }, { secret: 'another-secret-' + 'y'.repeat(40) });
    expect(errorCode(await t.gql(ME, {}, forged))).toBe('UNAUTHENTICATED');
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const me = (await t.gql(ME, {}, t.adminToken)).data!.me;
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({
      sub: me.id,
      sid: randomUUID(),
      iss: 'green-finance-registry',
      aud: 'green-finance-registry-api',
      iat: now,
      exp: now + 300,
    })}.`;
    expect(errorCode(await t.gql(ME, {}, unsigned))).toBe('UNAUTHENTICATED');
  });

  it('refuses a token for another audience, and one signed with another HMAC algorithm', async () => {
    const me = (await t.gql(ME, {}, t.adminToken)).data!.me;
    const other = await new SignJWT({ sub: me.id, sid: randomUUID() })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('green-finance-registry')
      .setAudience('some-other-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expect(errorCode(await t.gql(ME, {}, other))).toBe('UNAUTHENTICATED');
    const hs512 = await sign({ sub: me.id }, { alg: 'HS512' });
    expect(errorCode(await t.gql(ME, {}, hs512))).toBe('UNAUTHENTICATED');
  });

  it('accepts a well-signed token only with its session claim', async () => {
    const me = (await t.gql(ME, {}, t.adminToken)).data!.me;
    expect((await t.gql(ME, {}, await sign({ sub: me.id }))).errors).toBeUndefined();
    expect(errorCode(await t.gql(ME, {}, await sign({ sub: me.id, sid: undefined })))).toBe('UNAUTHENTICATED');
  });
});

describe('refresh tokens', () => {
  const REFRESH = `mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken user { email } } }`;

  it('rotates, and a reused token revokes its whole family', async () => {
    const first = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const r1 = await t.gql(REFRESH, { r: first.refreshToken });
    expect(r1.errors).toBeUndefined();
    const second = r1.data!.refreshToken;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await t.gql(ME, {}, second.accessToken)).data!.me.email).toBe(ADMIN_EMAIL);

    // The first token again: a replay. Refused, and the family (including the second token) is revoked.
    const replay = await t.gql(REFRESH, { r: first.refreshToken });
    expect(errorCode(replay)).toBe('UNAUTHENTICATED');
    const afterRevoke = await t.gql(REFRESH, { r: second.refreshToken });
    expect(errorCode(afterRevoke)).toBe('UNAUTHENTICATED');
    // The family's access tokens end with it, before they expire.
    expect(errorCode(await t.gql(ME, {}, second.accessToken))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql(ME, {}, first.accessToken))).toBe('UNAUTHENTICATED');
    // Other logins of the same user are unaffected.
    expect((await t.gql(ME, {}, t.adminToken)).errors).toBeUndefined();

    const [reuse] = await t.sql(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'auth.refreshTokenReuse'`);
    expect(reuse.n).toBeGreaterThanOrEqual(1);
    // Another login starts a new family that works.
    const fresh = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect((await t.gql(REFRESH, { r: fresh.refreshToken })).errors).toBeUndefined();
  });

  it('refuses an unknown and an expired refresh token', async () => {
    expect(errorCode(await t.gql(REFRESH, { r: 'not-a-token' }))).toBe('UNAUTHENTICATED');
    const { refreshToken } = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await t.sql(`UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE used_at IS NULL AND revoked_at IS NULL`);
    const res = await t.gql(REFRESH, { r: refreshToken });
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(res.errors![0].message).toMatch(/expired/);
  });
});

describe('organisations and users', () => {
  const CREATE_ORG = `mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id kind name nameZh } }`;
  const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) { id email role organization { id } } }`;

  it('lets the regulator administrator create a bank, with Chinese name kept as data', async () => {
    const res = await t.gql(CREATE_ORG, { i: { kind: 'BANK', name: unique('Xiamen Bank'), nameZh: '厦门银行' } }, t.adminToken);
    expect(res.errors).toBeUndefined();
    expect(res.data!.createOrganization).toMatchObject({ kind: 'BANK', nameZh: '厦门银行' });
  });

  it('keeps an organisation USCC checked and unique', async () => {
    const bad = await t.gql(CREATE_ORG, { i: { kind: 'BANK', name: unique('Bad USCC Bank'), uscc: '91350211M0000XUF46' } }, t.adminToken);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions.fields![0]).toEqual({ path: 'input.uscc', message: expect.stringMatching(/check character should be R/) });
    const good = '9144030071526726XG';
    expect((await t.gql(CREATE_ORG, { i: { kind: 'BANK', name: unique('USCC Bank'), uscc: good } }, t.adminToken)).errors).toBeUndefined();
    const dup = await t.gql(CREATE_ORG, { i: { kind: 'BANK', name: unique('Twin Bank'), uscc: good.toLowerCase() } }, t.adminToken);
    expect(dup.errors![0].extensions.fields![0].path).toBe('input.uscc');
  });

  it('refuses a duplicate organisation name (any case) naming the field', async () => {
    const name = unique('Dup Bank');
    await t.gql(CREATE_ORG, { i: { kind: 'BANK', name } }, t.adminToken);
    const res = await t.gql(CREATE_ORG, { i: { kind: 'BANK', name: name.toUpperCase() } }, t.adminToken);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions.fields).toEqual([{ path: 'input.name', message: expect.any(String) }]);
  });

  it('forbids a bank staff user to create organisations', async () => {
    const staff = await createOrgWithAdmin(t, 'BANK', 'STAFF');
    const res = await t.gql(CREATE_ORG, { i: { kind: 'BANK', name: unique('Rogue Bank') } }, staff.token);
    expect(errorCode(res)).toBe('FORBIDDEN');
    expect(res.data).toBeNull();
  });

  it('forbids even a bank administrator to create organisations', async () => {
    const bankAdmin = await createOrgWithAdmin(t, 'BANK');
    expect(errorCode(await t.gql(CREATE_ORG, { i: { kind: 'BANK', name: unique('Other') } }, bankAdmin.token))).toBe('FORBIDDEN');
  });

  it('lets an organisation administrator create users in its own organisation only', async () => {
    const bankAdmin = await createOrgWithAdmin(t, 'BANK');
    const other = await createOrgWithAdmin(t, 'ENTERPRISE');
    const own = await t.gql(
      CREATE_USER,
      { i: { email: `${unique('clerk')}@bank.test`, displayName: 'Clerk', password: 'long enough password' } },
      bankAdmin.token,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.createUser).toMatchObject({ role: 'STAFF', organization: { id: bankAdmin.organizationId } });
    const foreign = await t.gql(
      CREATE_USER,
      { i: { organizationId: other.organizationId, email: `${unique('x')}@bank.test`, displayName: 'X', password: 'long enough password' } },
      bankAdmin.token,
    );
    expect(errorCode(foreign)).toBe('FORBIDDEN');
  });

  it('forbids a staff user to create users', async () => {
    const staff = await createOrgWithAdmin(t, 'ENTERPRISE', 'STAFF');
    const res = await t.gql(CREATE_USER, { i: { email: `${unique('y')}@e.test`, displayName: 'Y', password: 'long enough password' } }, staff.token);
    expect(errorCode(res)).toBe('FORBIDDEN');
  });

  it('validates user input and names every bad field, writing nothing', async () => {
    const before = await t.sql(`SELECT count(*)::int AS n FROM app_user`);
    const res = await t.gql(CREATE_USER, { i: { email: 'not-an-email', displayName: '', password: 'short' } }, t.adminToken);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    const paths = res.errors![0].extensions.fields!.map((f) => f.path).sort();
    expect(paths).toEqual(['input.displayName', 'input.email', 'input.password']);
    expect(await t.sql(`SELECT count(*)::int AS n FROM app_user`)).toEqual(before);
  });

  it('refuses a duplicate e-mail', async () => {
    const res = await t.gql(
      CREATE_USER,
      { i: { email: ADMIN_EMAIL.toUpperCase(), displayName: 'Twin', password: 'long enough password' } },
      t.adminToken,
    );
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions.fields![0].path).toBe('input.email');
  });

  it('never stores a password in clear and never returns its hash', async () => {
    const bank = await createOrgWithAdmin(t, 'BANK');
    const [row] = await t.sql(`SELECT password_hash FROM app_user WHERE id = $1`, [bank.userId]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const [audit] = await t.sql(`SELECT after FROM audit_event WHERE action = 'user.create' AND entity_id = $1`, [bank.userId]);
    expect(JSON.stringify(audit.after)).not.toMatch(/argon2|password/i);
  });

  it('hides another organisation (NOT_FOUND) from a non-regulator, and rejects a malformed id', async () => {
    const a = await createOrgWithAdmin(t, 'BANK');
    const b = await createOrgWithAdmin(t, 'BANK');
    const q = `query($id: ID!) { organization(id: $id) { id name } }`;
    expect((await t.gql(q, { id: a.organizationId }, a.token)).data!.organization.id).toBe(a.organizationId);
    expect(errorCode(await t.gql(q, { id: b.organizationId }, a.token))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(q, { id: '00000000-0000-4000-8000-000000000000' }, a.token))).toBe('NOT_FOUND');
    const bad = await t.gql(q, { id: 'nope' }, a.token);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions.fields![0].path).toBe('id');
  });
});

describe('API keys', () => {
  const CREATE = `mutation($n: String!) { createApiKey(name: $n) { id prefix key name } }`;
  const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
  const WHO = `{ organization: me { id } }`;

  it('is shown once, stored hashed, works as a bearer credential for its organisation, and stops when revoked', async () => {
    const bank = await createOrgWithAdmin(t, 'BANK');
    const created = await t.gql(CREATE, { n: 'core banking system' }, bank.token);
    expect(created.errors).toBeUndefined();
    const { id, key, prefix } = created.data!.createApiKey;
    expect(key.startsWith(`gfr_${prefix}_`)).toBe(true);

    const [stored] = await t.sql(`SELECT key_hash FROM api_key WHERE id = $1`, [id]);
    expect(stored.key_hash).not.toContain(key);
    expect(JSON.stringify(await t.sql(`SELECT * FROM audit_event WHERE entity_id = $1`, [id]))).not.toContain(key);

    // Keys act for the organisation: they may read reference data but are not a user (`me`), nor an administrator.
    const ref = await t.gql(`{ divisions(parentCode: "350200") { code } }`, {}, key);
    expect(ref.errors).toBeUndefined();
    expect(errorCode(await t.gql(WHO, {}, key))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(CREATE, { n: 'key minting a key' }, key))).toBe('FORBIDDEN');

    const listed = await t.gql(`{ apiKeys { id prefix revokedAt } }`, {}, bank.token);
    expect(listed.data!.apiKeys).toEqual([{ id, prefix, revokedAt: null }]);

    const revoked = await t.gql(REVOKE, { id }, bank.token);
    expect(revoked.data!.revokeApiKey.revokedAt).toEqual(expect.any(String));
    expect(errorCode(await t.gql(`{ divisions { code } }`, {}, key))).toBe('UNAUTHENTICATED');
  });

  it("refuses a made-up key and hides another organisation's key", async () => {
    expect(errorCode(await t.gql(`{ divisions { code } }`, {}, 'gfr_0123456789_' + 'A'.repeat(43)))).toBe('UNAUTHENTICATED');
    const a = await createOrgWithAdmin(t, 'BANK');
    const b = await createOrgWithAdmin(t, 'BANK');
    const { id } = (await t.gql(CREATE, { n: 'a key' }, a.token)).data!.createApiKey;
    expect(errorCode(await t.gql(REVOKE, { id }, b.token))).toBe('NOT_FOUND');
  });

  it('forbids staff to create keys', async () => {
    const staff = await createOrgWithAdmin(t, 'BANK', 'STAFF');
    expect(errorCode(await t.gql(CREATE, { n: 'x' }, staff.token))).toBe('FORBIDDEN');
  });
});

describe('audit of identity mutations', () => {
  it('writes exactly one audit row per successful mutation, naming actor and entity', async () => {
    const audits = async () => (await t.sql(`SELECT count(*)::int AS n FROM audit_event`))[0].n as number;
    let n = await audits();
    const org = await t.gql(`mutation { createOrganization(input: { kind: VERIFIER, name: "${unique('Verifier')}" }) { id } }`, {}, t.adminToken);
    expect(await audits()).toBe(++n);
    const orgId = org.data!.createOrganization.id;
    const user = await t.gql(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      { i: { organizationId: orgId, email: `${unique('v')}@v.test`, displayName: 'V', password: 'long enough password', role: 'ORG_ADMIN' } },
      t.adminToken,
    );
    expect(await audits()).toBe(++n);
    const [row] = await t.sql(`SELECT action, entity_type, entity_id, actor_user_id FROM audit_event WHERE entity_id = $1`, [user.data!.createUser.id]);
    expect(row).toMatchObject({ action: 'user.create', entity_type: 'User' });
    const me = (await t.gql(`{ me { id } }`, {}, t.adminToken)).data!.me;
    expect(row.actor_user_id).toBe(me.id);

    const { accessToken, refreshToken } = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(await audits()).toBe(++n);
    await t.gql(`mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }`, { r: refreshToken });
    expect(await audits()).toBe(++n);
    const key = await t.gql(`mutation { createApiKey(name: "audited") { id } }`, {}, accessToken);
    expect(await audits()).toBe(++n);
    await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: key.data!.createApiKey.id }, accessToken);
    expect(await audits()).toBe(++n);

    // Refused mutations leave nothing.
    await t.gql(`mutation { login(email: "${ADMIN_EMAIL}", password: "wrong password here") { accessToken } }`);
    await t.gql(`mutation { createOrganization(input: { kind: BANK, name: "" }) { id } }`, {}, t.adminToken);
    expect(await audits()).toBe(n);
  });
});

describe('database session settings', () => {
  // The embedded single-session database has no use for them; on a server they must be set.
  (process.env.DATABASE_URL ? it : it.skip)('sets statement and idle-in-transaction timeouts on a PostgreSQL server', async () => {
    const [row] = await t.sql(`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS it`);
    expect(row).toEqual({ st: '30s', it: '1min' });
  });
});
