/**
 * The enterprise and project libraries from the access side: who may act, what bad input looks like, which
 * transitions the inclusion workflow refuses, who sees what, and the audit trail each decision leaves.
 */
import { USCC_ALPHABET } from '../src/enterprises/uscc.js';
import { application, APPLY, projectInput, REMOVE, REVIEW, REVIEW_PROJECT, SUBMIT, validUscc } from './support/library-fixtures.js';
import { createOrgWithAdmin, errorCode, startTestRegistry, type GqlResult, type TestRegistry } from './support/test-registry.js';

type Org = Awaited<ReturnType<typeof createOrgWithAdmin>>;

let t: TestRegistry;
let bank: Org;
let regulatorUserId: string;

beforeAll(async () => {
  t = await startTestRegistry();
  bank = await createOrgWithAdmin(t, 'BANK');
  regulatorUserId = (await t.gql(`{ me { id } }`, {}, t.adminToken)).data!.me.id;
});
afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------------------------

const RESUBMIT = `mutation($id: ID!, $i: ProjectInput!) { resubmitProject(id: $id, input: $i) { id status } }`;
const REMOVE_PROJECT = `mutation($id: ID!, $r: String!) { removeProject(id: $id, reason: $r) { id status } }`;
const ADD_ALLOW = `mutation($i: UsccAllowlistInput!) { addUsccAllowlistEntry(input: $i) { uscc reason addedByUserId addedAt } }`;
const REMOVE_ALLOW = `mutation($u: String!, $r: String!) { removeUsccAllowlistEntry(uscc: $u, reason: $r) { uscc } }`;
const ALLOWLIST = `{ usccAllowlist { uscc reason addedByUserId } }`;
const ENTERPRISE = `query($id: ID!) { enterprise(id: $id) { id status projects { id status } } }`;
const PROJECT = `query($id: ID!) { project(id: $id) { id status enterpriseId } }`;
const PROJECT_WITH_ENTERPRISE = `query($id: ID!) { project(id: $id) { id status enterprise { id status } } }`;
const ENTERPRISES = `query($f: EnterpriseFilter) { enterprises(first: 100, filter: $f) { totalCount edges { node { id status } } } }`;
const PROJECTS = `query($f: ProjectFilter) { projects(first: 100, filter: $f) { totalCount edges { node { id status } } } }`;

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** The same code with a check character that is wrong. */
function withWrongCheck(uscc: string): string {
  const right = uscc[17];
  const wrong = USCC_ALPHABET[(USCC_ALPHABET.indexOf(right) + 1) % 31];
  return uscc.slice(0, 17) + wrong;
}


function ok<T extends Record<string, any>>(res: GqlResult<T>): T {
  if (res.errors?.length || !res.data) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

const applyAs = (token: string, overrides: Record<string, unknown> = {}) => t.gql(APPLY, { i: application(overrides) }, token);
const reviewAs = (token: string, id: string, d: 'ADMIT' | 'REJECT', c = 'reviewed against the criteria') => t.gql(REVIEW, { id, d, c }, token);
const removeAs = (token: string, id: string, r = 'no longer meets the criteria') => t.gql(REMOVE, { id, r }, token);
const submitProjectAs = (token: string, overrides: Record<string, unknown> = {}) => t.gql(SUBMIT, { i: projectInput(overrides) }, token);
const reviewProjectAs = (token: string, id: string, d: 'ADMIT' | 'REJECT', c = 'eligible category') => t.gql(REVIEW_PROJECT, { id, d, c }, token);
const removeProjectAs = (token: string, id: string, r = 'project abandoned') => t.gql(REMOVE_PROJECT, { id, r }, token);

/** A new enterprise organisation that has applied (status SUBMITTED). */
async function appliedEnterprise(overrides: Record<string, unknown> = {}) {
  const org = await createOrgWithAdmin(t, 'ENTERPRISE');
  const e = ok(await applyAs(org.token, overrides)).applyForEnterpriseInclusion;
  return { ...org, enterpriseId: e.id as string, uscc: e.uscc as string };
}

async function admit(enterpriseId: string) {
  expect(ok(await reviewAs(t.adminToken, enterpriseId, 'ADMIT')).reviewEnterprise.status).toBe('ADMITTED');
}
async function reject(enterpriseId: string) {
  expect(ok(await reviewAs(t.adminToken, enterpriseId, 'REJECT')).reviewEnterprise.status).toBe('REJECTED');
}
async function removeEnterprise(enterpriseId: string) {
  expect(ok(await removeAs(t.adminToken, enterpriseId)).removeEnterprise.status).toBe('REMOVED');
}

/** A new enterprise organisation, applied and admitted. */
async function admittedEnterprise(overrides: Record<string, unknown> = {}) {
  const e = await appliedEnterprise(overrides);
  await admit(e.enterpriseId);
  return e;
}

/** A project of an admitted enterprise, SUBMITTED. */
async function submittedProject(token: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const p = ok(await submitProjectAs(token, overrides)).submitProject;
  expect(p.status).toBe('SUBMITTED');
  return p.id;
}
async function decideProject(id: string, d: 'ADMIT' | 'REJECT') {
  expect(ok(await reviewProjectAs(t.adminToken, id, d)).reviewProject.status).toBe(d === 'ADMIT' ? 'ADMITTED' : 'REJECTED');
}

const TABLES = ['enterprise', 'project', 'inclusion_event', 'audit_event', 'uscc_allowlist'] as const;
type Counts = Record<(typeof TABLES)[number], number>;

/** Row counts of every table a library mutation writes to. */
async function counts(): Promise<Counts> {
  const out = {} as Counts;
  for (const table of TABLES) out[table] = (await t.sql(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  return out;
}

/** Runs a call that must be refused with `code`, and checks it wrote nothing. */
async function refused(code: string, call: () => Promise<GqlResult>): Promise<GqlResult> {
  const before = await counts();
  const res = await call();
  expect(errorCode(res)).toBe(code);
  expect(res.data ?? null).toBeNull();
  expect(await counts()).toEqual(before);
  return res;
}

/** A BAD_USER_INPUT naming exactly `path` in extensions.fields, with nothing written; returns that field's message. */
async function badInput(path: string, call: () => Promise<GqlResult>): Promise<string> {
  const res = await refused('BAD_USER_INPUT', call);
  const fields = res.errors![0].extensions.fields;
  expect(fields?.map((f) => f.path)).toEqual([path]);
  expect(fields![0].message).toEqual(expect.any(String));
  expect(fields![0].message.length).toBeGreaterThan(0);
  return fields![0].message;
}

/** The audit rows of one record, oldest first. */
async function auditOf(entityId: string) {
  return t.sql<{ action: string; entity_type: string; actor_user_id: string | null; organization_id: string | null }>(
    `SELECT action, entity_type, actor_user_id, organization_id FROM audit_event WHERE entity_id = $1 ORDER BY occurred_at, id`,
    [entityId],
  );
}

const RANDOM_UUID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

// ---------------------------------------------------------------------------------------------------------------
// 1. Forbidden actors
// ---------------------------------------------------------------------------------------------------------------

describe('forbidden actors', () => {
  it('a bank cannot review an enterprise', async () => {
    const e = await appliedEnterprise();
    await refused('FORBIDDEN', () => reviewAs(bank.token, e.enterpriseId, 'ADMIT'));
    await refused('FORBIDDEN', () => reviewAs(bank.token, e.enterpriseId, 'REJECT'));
    expect(ok(await t.gql(ENTERPRISE, { id: e.enterpriseId }, t.adminToken)).enterprise.status).toBe('SUBMITTED');
  });

  it('an enterprise cannot review (admit) its own application', async () => {
    const e = await appliedEnterprise();
    await refused('FORBIDDEN', () => reviewAs(e.token, e.enterpriseId, 'ADMIT'));
    expect(ok(await t.gql(ENTERPRISE, { id: e.enterpriseId }, e.token)).enterprise.status).toBe('SUBMITTED');
  });

  it('an enterprise cannot apply for another organisation', async () => {
    const me = await createOrgWithAdmin(t, 'ENTERPRISE');
    const other = await createOrgWithAdmin(t, 'ENTERPRISE');
    await refused('FORBIDDEN', () => applyAs(me.token, { organizationId: other.organizationId }));
    // Naming its own organisation explicitly is fine.
    const own = ok(await applyAs(me.token, { organizationId: me.organizationId })).applyForEnterpriseInclusion;
    expect(own).toMatchObject({ status: 'SUBMITTED', organizationId: me.organizationId });
  });

  it('a bank cannot apply, neither for itself nor for an enterprise organisation', async () => {
    const enterpriseOrg = await createOrgWithAdmin(t, 'ENTERPRISE');
    await refused('FORBIDDEN', () => applyAs(bank.token));
    await refused('FORBIDDEN', () => applyAs(bank.token, { organizationId: enterpriseOrg.organizationId }));
  });

  it('the regulator cannot apply either', async () => {
    await refused('FORBIDDEN', () => applyAs(t.adminToken));
  });

  it('an enterprise whose application is still SUBMITTED cannot submit a project', async () => {
    const e = await appliedEnterprise();
    await refused('FORBIDDEN', () => submitProjectAs(e.token));
  });

  it('an enterprise that has not applied at all cannot submit a project', async () => {
    const org = await createOrgWithAdmin(t, 'ENTERPRISE');
    await refused('FORBIDDEN', () => submitProjectAs(org.token));
  });

  it('a REJECTED enterprise cannot submit a project', async () => {
    const e = await appliedEnterprise();
    await reject(e.enterpriseId);
    await refused('FORBIDDEN', () => submitProjectAs(e.token));
  });

  it('an enterprise cannot submit a project any more once it is REMOVED', async () => {
    const e = await admittedEnterprise();
    await submittedProject(e.token); // allowed while admitted
    await removeEnterprise(e.enterpriseId);
    await refused('FORBIDDEN', () => submitProjectAs(e.token));
  });

  it('an enterprise cannot submit a project for another enterprise (hidden like a missing one)', async () => {
    const a = await admittedEnterprise();
    const b = await admittedEnterprise();
    await refused('NOT_FOUND', () => submitProjectAs(b.token, { enterpriseId: a.enterpriseId }));
  });

  it('a bank cannot submit a project, even naming an admitted enterprise', async () => {
    const e = await admittedEnterprise();
    await refused('FORBIDDEN', () => submitProjectAs(bank.token));
    await refused('FORBIDDEN', () => submitProjectAs(bank.token, { enterpriseId: e.enterpriseId }));
  });

  it('only the regulator may remove an enterprise, or review or remove a project', async () => {
    const e = await admittedEnterprise();
    const submitted = await submittedProject(e.token);
    const admitted = await submittedProject(e.token);
    await decideProject(admitted, 'ADMIT');
    for (const actor of [bank, e]) {
      await refused('FORBIDDEN', () => removeAs(actor.token, e.enterpriseId));
      await refused('FORBIDDEN', () => reviewProjectAs(actor.token, submitted, 'ADMIT'));
      await refused('FORBIDDEN', () => reviewProjectAs(actor.token, submitted, 'REJECT'));
      await refused('FORBIDDEN', () => removeProjectAs(actor.token, admitted));
    }
    expect(ok(await t.gql(ENTERPRISE, { id: e.enterpriseId }, t.adminToken)).enterprise.status).toBe('ADMITTED');
    expect(ok(await t.gql(PROJECT, { id: submitted }, t.adminToken)).project.status).toBe('SUBMITTED');
    expect(ok(await t.gql(PROJECT, { id: admitted }, t.adminToken)).project.status).toBe('ADMITTED');
  });

  it('only the regulator may read or change the USCC allowlist', async () => {
    const e = await appliedEnterprise();
    const failing = withWrongCheck(validUscc());
    for (const actor of [bank, e]) {
      await refused('FORBIDDEN', () => t.gql(ADD_ALLOW, { i: { uscc: failing, reason: 'pilot code' } }, actor.token));
      await refused('FORBIDDEN', () => t.gql(ALLOWLIST, {}, actor.token));
    }
    // An entry the regulator added cannot be taken off by anyone else either.
    ok(await t.gql(ADD_ALLOW, { i: { uscc: failing, reason: 'pilot code' } }, t.adminToken));
    for (const actor of [bank, e]) {
      await refused('FORBIDDEN', () => t.gql(REMOVE_ALLOW, { u: failing, r: 'mistake' }, actor.token));
    }
    expect(ok(await t.gql(ALLOWLIST, {}, t.adminToken)).usccAllowlist.map((x: any) => x.uscc)).toContain(failing);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 2. Bad inputs
// ---------------------------------------------------------------------------------------------------------------

describe('bad inputs to applyForEnterpriseInclusion', () => {
  let org: Org;
  beforeAll(async () => {
    org = await createOrgWithAdmin(t, 'ENTERPRISE');
  });

  it.each([
    ['17 characters', () => validUscc().slice(0, 17)],
    ['19 characters', () => validUscc() + '0'],
    ['empty', () => ''],
  ])('refuses a USCC of the wrong length (%s), naming input.uscc', async (_label, make) => {
    await badInput('input.uscc', () => applyAs(org.token, { uscc: make() }));
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('refuses a USCC containing the forbidden letter %s (also in lower case)', async (letter) => {
    const stem = validUscc().slice(0, 17);
    const bad = stem.slice(0, 10) + letter + stem.slice(11) + '0';
    expect(bad).toHaveLength(18);
    const upper = await badInput('input.uscc', () => applyAs(org.token, { uscc: bad }));
    expect(upper).toContain(letter);
    await badInput('input.uscc', () => applyAs(org.token, { uscc: bad.toLowerCase() }));
  });

  it('accepts codes published by real companies (check character computed independently of the helper)', async () => {
    for (const uscc of ['9144030071526726XG', '91110108551385082Q']) {
      const org = await createOrgWithAdmin(t, 'ENTERPRISE');
      expect(ok(await applyAs(org.token, { uscc: uscc.toLowerCase() })).applyForEnterpriseInclusion).toMatchObject({ status: 'SUBMITTED', uscc });
    }
  });

  it('refuses a wrong check character and says which one was expected', async () => {
    const good = validUscc();
    const message = await badInput('input.uscc', () => applyAs(org.token, { uscc: withWrongCheck(good) }));
    expect(message).toMatch(new RegExp(`(should be|expected)\\W*${good[17]}\\b`, 'i'));
  });

  it('refuses a USCC another enterprise already uses, also when given in lower case', async () => {
    const holder = await appliedEnterprise();
    expect(holder.uscc).toMatch(/[A-Z]/); // so that lower case is a real variation
    await badInput('input.uscc', () => applyAs(org.token, { uscc: holder.uscc }));
    await badInput('input.uscc', () => applyAs(org.token, { uscc: holder.uscc.toLowerCase() }));
    await badInput('input.uscc', () => applyAs(org.token, { uscc: `  ${holder.uscc.toLowerCase()} ` }));
  });

  it('refuses a USCC used by an enterprise that was removed from the library', async () => {
    const holder = await admittedEnterprise();
    await removeEnterprise(holder.enterpriseId);
    await badInput('input.uscc', () => applyAs(org.token, { uscc: holder.uscc }));
  });

  it('two organisations racing for the same USCC: one wins, the other is refused, one row', async () => {
    const [x, y] = [await createOrgWithAdmin(t, 'ENTERPRISE'), await createOrgWithAdmin(t, 'ENTERPRISE')];
    const uscc = validUscc();
    const before = await counts();
    const results = await Promise.all([applyAs(x.token, { uscc }), applyAs(y.token, { uscc })]);
    const won = results.filter((r) => r.data?.applyForEnterpriseInclusion);
    const lost = results.filter((r) => r.errors);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    // The applications are serialised on the USCC, so the loser gets the precise answer naming the field.
    expect(errorCode(lost[0])).toBe('BAD_USER_INPUT');
    expect(lost[0].errors![0].extensions.fields![0].path).toBe('input.uscc');
    expect((await t.sql(`SELECT count(*)::int AS n FROM enterprise WHERE uscc = $1`, [uscc]))[0].n).toBe(1);
    const after = await counts();
    expect(after.enterprise).toBe(before.enterprise + 1);
    expect(after.inclusion_event).toBe(before.inclusion_event + 1);
    expect(after.audit_event).toBe(before.audit_event + 1);
  });

  it('refuses an unknown district', async () => {
    const message = await badInput('input.districtCode', () => applyAs(org.token, { districtCode: '350299' }));
    expect(message).toContain('350299');
  });

  it('refuses a district code that is not 6 digits', async () => {
    await badInput('input.districtCode', () => applyAs(org.token, { districtCode: '3502' }));
  });

  it.each(['1.5', '-0.1', '1.0000001'])('refuses greenRevenueShare %s', async (share) => {
    await badInput('input.greenRevenueShare', () => applyAs(org.token, { greenRevenueShare: share }));
  });

  it('refuses greenRevenueShare given as a JSON number', async () => {
    const res = await refused('BAD_USER_INPUT', () => applyAs(org.token, { greenRevenueShare: 0.5 }));
    // The value is refused before validation runs, so the message (not extensions.fields) names the field.
    expect(JSON.stringify(res.errors![0])).toMatch(/greenRevenueShare/);
  });

  it('accepts the bounds "0" and "1" of greenRevenueShare', async () => {
    const zero = await createOrgWithAdmin(t, 'ENTERPRISE');
    const one = await createOrgWithAdmin(t, 'ENTERPRISE');
    expect(ok(await applyAs(zero.token, { greenRevenueShare: '0' })).applyForEnterpriseInclusion.status).toBe('SUBMITTED');
    expect(ok(await applyAs(one.token, { greenRevenueShare: '1' })).applyForEnterpriseInclusion.status).toBe('SUBMITTED');
  });

  it('the organisation can still apply afterwards: nothing of the refused attempts stuck', async () => {
    expect(ok(await t.gql(`{ myEnterprise { id } }`, {}, org.token)).myEnterprise).toBeNull();
    const e = ok(await applyAs(org.token, { uscc: validUscc().toLowerCase() })).applyForEnterpriseInclusion;
    expect(e.status).toBe('SUBMITTED');
    expect(e.uscc).toBe(e.uscc.toUpperCase()); // normalised
  });
});

describe('bad inputs to submitProject', () => {
  let e: Awaited<ReturnType<typeof admittedEnterprise>>;
  beforeAll(async () => {
    e = await admittedEnterprise();
  });

  it('refuses an unknown district', async () => {
    await badInput('input.districtCode', () => submitProjectAs(e.token, { districtCode: '350299' }));
  });

  it('refuses an unknown taxonomy code', async () => {
    const message = await badInput('input.taxonomy.code', () => submitProjectAs(e.token, { taxonomy: { catalogue: 'GBEPC_2021', code: '3.2.2.99' } }));
    expect(message).toContain('3.2.2.99');
  });

  it('refuses a taxonomy code that exists in another catalogue only', async () => {
    // 3.2.2.2 is a GBEPC_2021 category; GIGC_2019 holds level 1 only in the reference data.
    await badInput('input.taxonomy.code', () => submitProjectAs(e.token, { taxonomy: { catalogue: 'GIGC_2019', code: '3.2.2.2' } }));
  });

  it('refuses a negative investment', async () => {
    await badInput('input.totalInvestment', () => submitProjectAs(e.token, { totalInvestment: '-1.00' }));
  });

  it('refuses a zero investment', async () => {
    await badInput('input.totalInvestment', () => submitProjectAs(e.token, { totalInvestment: '0' }));
    await badInput('input.totalInvestment', () => submitProjectAs(e.token, { totalInvestment: '0.00' }));
  });

  it('refuses a negative CO2 reduction', async () => {
    await badInput('input.expectedAnnualCo2ReductionTonnes', () => submitProjectAs(e.token, { expectedAnnualCo2ReductionTonnes: '-0.5' }));
  });

  it('refuses an end date before the start date', async () => {
    await badInput('input.endDate', () => submitProjectAs(e.token, { startDate: '2025-06-01', endDate: '2025-05-31' }));
  });

  it('refuses an end date equal to the start date', async () => {
    await badInput('input.endDate', () => submitProjectAs(e.token, { startDate: '2025-06-01', endDate: '2025-06-01' }));
  });

  it('accepts a zero CO2 reduction and an end date one day after the start', async () => {
    const p = ok(await submitProjectAs(e.token, { expectedAnnualCo2ReductionTonnes: '0', startDate: '2025-06-01', endDate: '2025-06-02' })).submitProject;
    expect(p.status).toBe('SUBMITTED');
  });
});

describe('required comments and reasons', () => {
  it('reviewEnterprise and removeEnterprise need a comment / reason', async () => {
    const e = await appliedEnterprise();
    await badInput('comment', () => reviewAs(t.adminToken, e.enterpriseId, 'ADMIT', ''));
    await badInput('comment', () => reviewAs(t.adminToken, e.enterpriseId, 'REJECT', '   '));
    await admit(e.enterpriseId);
    await badInput('reason', () => removeAs(t.adminToken, e.enterpriseId, ''));
    await badInput('reason', () => removeAs(t.adminToken, e.enterpriseId, ' \t '));
  });

  it('reviewProject and removeProject need a comment / reason', async () => {
    const e = await admittedEnterprise();
    const p = await submittedProject(e.token);
    await badInput('comment', () => reviewProjectAs(t.adminToken, p, 'ADMIT', ''));
    await decideProject(p, 'ADMIT');
    await badInput('reason', () => removeProjectAs(t.adminToken, p, ''));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 3. The USCC allowlist
// ---------------------------------------------------------------------------------------------------------------

describe('USCC allowlist', () => {
  const PILOT = '91350211M0000XUF46';

  it('a pilot code failing the check is refused, then accepted once the regulator allowlists it', async () => {
    const org = await createOrgWithAdmin(t, 'ENTERPRISE');
    await badInput('input.uscc', () => applyAs(org.token, { uscc: PILOT }));

    // Adding needs a reason.
    await badInput('input.reason', () => t.gql(ADD_ALLOW, { i: { uscc: PILOT, reason: '' } }, t.adminToken));

    const before = await counts();
    const added = ok(await t.gql(ADD_ALLOW, { i: { uscc: PILOT.toLowerCase(), reason: 'issued in the 2015 pilot before the check was enforced' } }, t.adminToken));
    expect(added.addUsccAllowlistEntry).toMatchObject({ uscc: PILOT, reason: 'issued in the 2015 pilot before the check was enforced', addedByUserId: regulatorUserId });
    expect((await counts()).uscc_allowlist).toBe(before.uscc_allowlist + 1);
    const [audit] = await t.sql(`SELECT action, actor_user_id FROM audit_event WHERE entity_id = $1`, [PILOT]);
    expect(audit).toEqual({ action: 'usccAllowlist.add', actor_user_id: regulatorUserId });

    const listed = ok(await t.gql(ALLOWLIST, {}, t.adminToken)).usccAllowlist;
    expect(listed).toContainEqual({ uscc: PILOT, reason: 'issued in the 2015 pilot before the check was enforced', addedByUserId: regulatorUserId });

    // Adding it twice is refused.
    await badInput('input.uscc', () => t.gql(ADD_ALLOW, { i: { uscc: PILOT, reason: 'again' } }, t.adminToken));

    const applied = ok(await applyAs(org.token, { uscc: PILOT.toLowerCase() })).applyForEnterpriseInclusion;
    expect(applied).toMatchObject({ status: 'SUBMITTED', uscc: PILOT });

    // Allowlisted, but still unique.
    const second = await createOrgWithAdmin(t, 'ENTERPRISE');
    await badInput('input.uscc', () => applyAs(second.token, { uscc: PILOT }));
  });

  it('a code that is malformed other than by its check character cannot be allowlisted', async () => {
    // Only the check character may be waived: positions 3-8 must still be a 6-digit division code, or the entry
    // could never be used (the application is refused whatever the allowlist says).
    const malformed = '91AB0203MA2Y0AB100';
    await badInput('input.uscc', () => t.gql(ADD_ALLOW, { i: { uscc: malformed, reason: 'pilot code' } }, t.adminToken));
  });

  it('a code that passes the check cannot be allowlisted', async () => {
    await badInput('input.uscc', () => t.gql(ADD_ALLOW, { i: { uscc: validUscc(), reason: 'not needed' } }, t.adminToken));
  });

  it('removing an entry requires a reason; afterwards the code is refused again', async () => {
    const code = withWrongCheck(validUscc('350212'));
    ok(await t.gql(ADD_ALLOW, { i: { uscc: code, reason: 'pilot code' } }, t.adminToken));

    await badInput('reason', () => t.gql(REMOVE_ALLOW, { u: code, r: '' }, t.adminToken));
    await badInput('reason', () => t.gql(REMOVE_ALLOW, { u: code, r: '   ' }, t.adminToken));
    expect(ok(await t.gql(ALLOWLIST, {}, t.adminToken)).usccAllowlist.map((x: any) => x.uscc)).toContain(code);

    const removed = ok(await t.gql(REMOVE_ALLOW, { u: code.toLowerCase(), r: 'added in error' }, t.adminToken));
    expect(removed.removeUsccAllowlistEntry.uscc).toBe(code);
    expect(ok(await t.gql(ALLOWLIST, {}, t.adminToken)).usccAllowlist.map((x: any) => x.uscc)).not.toContain(code);
    expect((await t.sql(`SELECT action FROM audit_event WHERE entity_id = $1 ORDER BY occurred_at, id`, [code])).map((r: any) => r.action)).toEqual([
      'usccAllowlist.add',
      'usccAllowlist.remove',
    ]);

    const org = await createOrgWithAdmin(t, 'ENTERPRISE');
    await badInput('input.uscc', () => applyAs(org.token, { uscc: code }));
    // Removing a code that is not listed is NOT_FOUND.
    await refused('NOT_FOUND', () => t.gql(REMOVE_ALLOW, { u: code, r: 'again' }, t.adminToken));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 4. Invalid transitions
// ---------------------------------------------------------------------------------------------------------------

describe('invalid state transitions', () => {
  it('admitting or rejecting an ADMITTED enterprise', async () => {
    const e = await admittedEnterprise();
    await refused('INVALID_STATE_TRANSITION', () => reviewAs(t.adminToken, e.enterpriseId, 'ADMIT'));
    await refused('INVALID_STATE_TRANSITION', () => reviewAs(t.adminToken, e.enterpriseId, 'REJECT'));
  });

  it('rejecting or admitting a REJECTED enterprise, or removing it', async () => {
    const e = await appliedEnterprise();
    await reject(e.enterpriseId);
    await refused('INVALID_STATE_TRANSITION', () => reviewAs(t.adminToken, e.enterpriseId, 'REJECT'));
    await refused('INVALID_STATE_TRANSITION', () => reviewAs(t.adminToken, e.enterpriseId, 'ADMIT'));
    await refused('INVALID_STATE_TRANSITION', () => removeAs(t.adminToken, e.enterpriseId));
  });

  it('removing a SUBMITTED enterprise', async () => {
    const e = await appliedEnterprise();
    await refused('INVALID_STATE_TRANSITION', () => removeAs(t.adminToken, e.enterpriseId));
  });

  it('anything on a REMOVED enterprise', async () => {
    const e = await admittedEnterprise();
    await removeEnterprise(e.enterpriseId);
    await refused('INVALID_STATE_TRANSITION', () => removeAs(t.adminToken, e.enterpriseId));
    await refused('INVALID_STATE_TRANSITION', () => reviewAs(t.adminToken, e.enterpriseId, 'ADMIT'));
    await refused('INVALID_STATE_TRANSITION', () => applyAs(e.token));
  });

  it('applying again while SUBMITTED or ADMITTED', async () => {
    const e = await appliedEnterprise();
    await refused('INVALID_STATE_TRANSITION', () => applyAs(e.token));
    await refused('INVALID_STATE_TRANSITION', () => applyAs(e.token, { uscc: e.uscc }));
    await admit(e.enterpriseId);
    await refused('INVALID_STATE_TRANSITION', () => applyAs(e.token));
  });

  it('applying twice at once: one application, the other refused', async () => {
    const org = await createOrgWithAdmin(t, 'ENTERPRISE');
    const before = await counts();
    const results = await Promise.all([applyAs(org.token), applyAs(org.token)]);
    expect(results.filter((r) => r.data?.applyForEnterpriseInclusion)).toHaveLength(1);
    const lost = results.find((r) => r.errors)!;
    expect(errorCode(lost)).toBe('INVALID_STATE_TRANSITION');
    const after = await counts();
    expect(after.enterprise).toBe(before.enterprise + 1);
    expect(after.inclusion_event).toBe(before.inclusion_event + 1);
    expect(after.audit_event).toBe(before.audit_event + 1);
  });

  it('reapplying after a rejection is allowed (same record, same USCC)', async () => {
    const e = await appliedEnterprise();
    await reject(e.enterpriseId);
    const again = ok(await applyAs(e.token, { uscc: e.uscc })).applyForEnterpriseInclusion;
    expect(again).toMatchObject({ id: e.enterpriseId, status: 'SUBMITTED', uscc: e.uscc });
  });

  it('reviewing or removing an enterprise that does not exist is NOT_FOUND', async () => {
    await refused('NOT_FOUND', () => reviewAs(t.adminToken, RANDOM_UUID, 'ADMIT'));
    await refused('NOT_FOUND', () => removeAs(t.adminToken, RANDOM_UUID));
  });

  it('project: admitting an ADMITTED one, rejecting a REJECTED one, removing a SUBMITTED or REJECTED one', async () => {
    const e = await admittedEnterprise();
    const admitted = await submittedProject(e.token);
    await decideProject(admitted, 'ADMIT');
    await refused('INVALID_STATE_TRANSITION', () => reviewProjectAs(t.adminToken, admitted, 'ADMIT'));
    await refused('INVALID_STATE_TRANSITION', () => reviewProjectAs(t.adminToken, admitted, 'REJECT'));

    const rejected = await submittedProject(e.token);
    await decideProject(rejected, 'REJECT');
    await refused('INVALID_STATE_TRANSITION', () => reviewProjectAs(t.adminToken, rejected, 'REJECT'));
    await refused('INVALID_STATE_TRANSITION', () => reviewProjectAs(t.adminToken, rejected, 'ADMIT'));
    await refused('INVALID_STATE_TRANSITION', () => removeProjectAs(t.adminToken, rejected));

    const submitted = await submittedProject(e.token);
    await refused('INVALID_STATE_TRANSITION', () => removeProjectAs(t.adminToken, submitted));
  });

  it('project: anything on a REMOVED one', async () => {
    const e = await admittedEnterprise();
    const p = await submittedProject(e.token);
    await decideProject(p, 'ADMIT');
    expect(ok(await removeProjectAs(t.adminToken, p)).removeProject.status).toBe('REMOVED');
    await refused('INVALID_STATE_TRANSITION', () => removeProjectAs(t.adminToken, p));
    await refused('INVALID_STATE_TRANSITION', () => reviewProjectAs(t.adminToken, p, 'ADMIT'));
    await refused('INVALID_STATE_TRANSITION', () => t.gql(RESUBMIT, { id: p, i: projectInput() }, e.token));
  });

  it('project: resubmitting one that is SUBMITTED or ADMITTED', async () => {
    const e = await admittedEnterprise();
    const p = await submittedProject(e.token);
    await refused('INVALID_STATE_TRANSITION', () => t.gql(RESUBMIT, { id: p, i: projectInput() }, e.token));
    await decideProject(p, 'ADMIT');
    await refused('INVALID_STATE_TRANSITION', () => t.gql(RESUBMIT, { id: p, i: projectInput() }, e.token));
  });

  it('project: admitting one whose enterprise was removed meanwhile', async () => {
    const e = await admittedEnterprise();
    const p = await submittedProject(e.token);
    await removeEnterprise(e.enterpriseId);
    await refused('INVALID_STATE_TRANSITION', () => reviewProjectAs(t.adminToken, p, 'ADMIT'));
    expect(ok(await t.gql(PROJECT, { id: p }, t.adminToken)).project.status).toBe('SUBMITTED');
  });

  it('project: reviewing or removing one that does not exist is NOT_FOUND', async () => {
    await refused('NOT_FOUND', () => reviewProjectAs(t.adminToken, RANDOM_UUID, 'ADMIT'));
    await refused('NOT_FOUND', () => removeProjectAs(t.adminToken, RANDOM_UUID));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 5. Cross-party reads
// ---------------------------------------------------------------------------------------------------------------

describe('who sees what', () => {
  /** Enterprise A with a project in every state; enterprises in every state for the bank. */
  let a: Awaited<ReturnType<typeof admittedEnterprise>>;
  let b: Awaited<ReturnType<typeof admittedEnterprise>>;
  let submittedEnt: Awaited<ReturnType<typeof appliedEnterprise>>;
  let rejectedEnt: Awaited<ReturnType<typeof appliedEnterprise>>;
  let removedEnt: Awaited<ReturnType<typeof admittedEnterprise>>;
  const proj = { submitted: '', admitted: '', rejected: '', removed: '' };
  let bProject: string;

  beforeAll(async () => {
    a = await admittedEnterprise({ name: 'A 企业' });
    b = await admittedEnterprise({ name: 'B 企业' });
    submittedEnt = await appliedEnterprise();
    rejectedEnt = await appliedEnterprise();
    await reject(rejectedEnt.enterpriseId);
    removedEnt = await admittedEnterprise();
    await removeEnterprise(removedEnt.enterpriseId);

    proj.submitted = await submittedProject(a.token, { name: 'A submitted' });
    proj.admitted = await submittedProject(a.token, { name: 'A admitted' });
    await decideProject(proj.admitted, 'ADMIT');
    proj.rejected = await submittedProject(a.token, { name: 'A rejected' });
    await decideProject(proj.rejected, 'REJECT');
    proj.removed = await submittedProject(a.token, { name: 'A removed' });
    await decideProject(proj.removed, 'ADMIT');
    ok(await removeProjectAs(t.adminToken, proj.removed));
    bProject = await submittedProject(b.token, { name: 'B submitted' });
  });

  /** The error a caller gets for an id that exists nowhere. */
  async function missingAnswer(query: string, token: string) {
    const res = await t.gql(query, { id: RANDOM_UUID }, token);
    expect(errorCode(res)).toBe('NOT_FOUND');
    return res;
  }

  /** Reading `id` answers exactly like reading a random UUID. */
  async function expectHidden(query: string, id: string, token: string) {
    const missing = await missingAnswer(query, token);
    const hidden = await t.gql(query, { id }, token);
    expect(errorCode(hidden)).toBe('NOT_FOUND');
    expect(hidden.data).toEqual(missing.data);
    expect(hidden.errors).toEqual(missing.errors);
  }

  it('enterprise B cannot read enterprise A, nor A\'s projects in any state', async () => {
    await expectHidden(ENTERPRISE, a.enterpriseId, b.token);
    for (const id of Object.values(proj)) await expectHidden(PROJECT, id, b.token);
  });

  it('an enterprise reads its own enterprise and its projects in every state', async () => {
    const own = ok(await t.gql(ENTERPRISE, { id: a.enterpriseId }, a.token)).enterprise;
    expect(own.status).toBe('ADMITTED');
    expect(own.projects.map((p: any) => p.id).sort()).toEqual(Object.values(proj).sort());
    for (const [status, id] of Object.entries(proj)) {
      expect(ok(await t.gql(PROJECT, { id }, a.token)).project.status).toBe(status.toUpperCase());
    }
    const mine = ok(await t.gql(`{ myEnterprise { id } }`, {}, a.token)).myEnterprise;
    expect(mine.id).toBe(a.enterpriseId);
    // An enterprise that is still SUBMITTED sees itself too.
    expect(ok(await t.gql(ENTERPRISE, { id: submittedEnt.enterpriseId }, submittedEnt.token)).enterprise.status).toBe('SUBMITTED');
  });

  it('a bank cannot read a SUBMITTED or a REJECTED enterprise', async () => {
    await expectHidden(ENTERPRISE, submittedEnt.enterpriseId, bank.token);
    await expectHidden(ENTERPRISE, rejectedEnt.enterpriseId, bank.token);
  });

  it('a bank reads an ADMITTED enterprise, and a REMOVED one with status REMOVED', async () => {
    expect(ok(await t.gql(ENTERPRISE, { id: a.enterpriseId }, bank.token)).enterprise).toMatchObject({ id: a.enterpriseId, status: 'ADMITTED' });
    expect(ok(await t.gql(ENTERPRISE, { id: removedEnt.enterpriseId }, bank.token)).enterprise).toMatchObject({
      id: removedEnt.enterpriseId,
      status: 'REMOVED',
    });
  });

  it('a bank cannot read a SUBMITTED or a REJECTED project, but reads ADMITTED and REMOVED ones', async () => {
    await expectHidden(PROJECT, proj.submitted, bank.token);
    await expectHidden(PROJECT, proj.rejected, bank.token);
    await expectHidden(PROJECT, bProject, bank.token);
    expect(ok(await t.gql(PROJECT, { id: proj.admitted }, bank.token)).project).toEqual({ id: proj.admitted, status: 'ADMITTED', enterpriseId: a.enterpriseId });
    expect(ok(await t.gql(PROJECT, { id: proj.removed }, bank.token)).project).toEqual({ id: proj.removed, status: 'REMOVED', enterpriseId: a.enterpriseId });
    expect(ok(await t.gql(PROJECT_WITH_ENTERPRISE, { id: proj.admitted }, bank.token)).project.enterprise).toEqual({ id: a.enterpriseId, status: 'ADMITTED' });
  });

  it('a verifier sees like a bank', async () => {
    const verifier = await createOrgWithAdmin(t, 'VERIFIER');
    await expectHidden(ENTERPRISE, submittedEnt.enterpriseId, verifier.token);
    await expectHidden(PROJECT, proj.submitted, verifier.token);
    expect(ok(await t.gql(ENTERPRISE, { id: removedEnt.enterpriseId }, verifier.token)).enterprise.status).toBe('REMOVED');
  });

  it('Enterprise.projects seen by a bank omits the SUBMITTED and REJECTED projects', async () => {
    const seen = ok(await t.gql(ENTERPRISE, { id: a.enterpriseId }, bank.token)).enterprise.projects;
    expect(seen.map((p: any) => p.id).sort()).toEqual([proj.admitted, proj.removed].sort());
    expect(ok(await t.gql(ENTERPRISE, { id: b.enterpriseId }, bank.token)).enterprise.projects).toEqual([]);
  });

  it('the regulator reads everything', async () => {
    for (const e of [a, b, submittedEnt, rejectedEnt, removedEnt]) {
      expect(ok(await t.gql(ENTERPRISE, { id: e.enterpriseId }, t.adminToken)).enterprise.id).toBe(e.enterpriseId);
    }
    const all = ok(await t.gql(ENTERPRISE, { id: a.enterpriseId }, t.adminToken)).enterprise.projects;
    expect(all.map((p: any) => p.id).sort()).toEqual(Object.values(proj).sort());
  });

  it('Project.enterprise answers NOT_FOUND at that path when the enterprise is hidden from the caller', async () => {
    // No workflow path leaves a visible project under an invisible enterprise, so the state is set up directly.
    const e = await admittedEnterprise();
    const p = await submittedProject(e.token);
    await decideProject(p, 'ADMIT');
    await t.sql(`UPDATE enterprise SET status = 'SUBMITTED' WHERE id = $1`, [e.enterpriseId]);
    try {
      const res = await t.gql(PROJECT_WITH_ENTERPRISE, { id: p }, bank.token);
      expect(res.data!.project).toEqual({ id: p, status: 'ADMITTED', enterprise: null });
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0].extensions.code).toBe('NOT_FOUND');
      expect(res.errors![0].path).toEqual(['project', 'enterprise']);
    } finally {
      await t.sql(`UPDATE enterprise SET status = 'ADMITTED' WHERE id = $1`, [e.enterpriseId]);
    }
  });

  it('enterprise lists: B sees only itself; the bank only ADMITTED and REMOVED ones; totalCount agrees', async () => {
    const forB = ok(await t.gql(ENTERPRISES, {}, b.token)).enterprises;
    expect(forB.edges.map((x: any) => x.node.id)).toEqual([b.enterpriseId]);
    expect(forB.totalCount).toBe(1);
    // Even asking for A by status or name finds nothing of A.
    const searching = ok(await t.gql(ENTERPRISES, { f: { search: 'A 企业' } }, b.token)).enterprises;
    expect(searching).toEqual({ totalCount: 0, edges: [] });

    const forBank = ok(await t.gql(ENTERPRISES, {}, bank.token)).enterprises;
    const ids = forBank.edges.map((x: any) => x.node.id);
    expect(new Set(forBank.edges.map((x: any) => x.node.status))).toEqual(new Set(['ADMITTED', 'REMOVED']));
    expect(ids).toEqual(expect.arrayContaining([a.enterpriseId, b.enterpriseId, removedEnt.enterpriseId]));
    expect(ids).not.toContain(submittedEnt.enterpriseId);
    expect(ids).not.toContain(rejectedEnt.enterpriseId);
    const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM enterprise WHERE status IN ('ADMITTED', 'REMOVED')`);
    expect(forBank.totalCount).toBe(n);
    expect(ids).toHaveLength(n);
    // Filtering on a hidden status gives nothing, not the hidden records.
    const askHidden = ok(await t.gql(ENTERPRISES, { f: { status: ['SUBMITTED', 'REJECTED'] } }, bank.token)).enterprises;
    expect(askHidden).toEqual({ totalCount: 0, edges: [] });

    const forRegulator = ok(await t.gql(ENTERPRISES, {}, t.adminToken)).enterprises;
    const [{ n: all }] = await t.sql(`SELECT count(*)::int AS n FROM enterprise`);
    expect(forRegulator.totalCount).toBe(all);
  });

  it('project lists: B sees only its own; the bank only ADMITTED and REMOVED ones; totalCount agrees', async () => {
    const forB = ok(await t.gql(PROJECTS, {}, b.token)).projects;
    expect(forB.edges.map((x: any) => x.node.id)).toEqual([bProject]);
    expect(forB.totalCount).toBe(1);
    const byA = ok(await t.gql(PROJECTS, { f: { enterpriseId: a.enterpriseId } }, b.token)).projects;
    expect(byA).toEqual({ totalCount: 0, edges: [] });

    const forA = ok(await t.gql(PROJECTS, {}, a.token)).projects;
    expect(forA.totalCount).toBe(4);
    expect(forA.edges.map((x: any) => x.node.id).sort()).toEqual(Object.values(proj).sort());

    const forBank = ok(await t.gql(PROJECTS, {}, bank.token)).projects;
    const ids = forBank.edges.map((x: any) => x.node.id);
    expect(ids).toEqual(expect.arrayContaining([proj.admitted, proj.removed]));
    expect(ids).not.toContain(proj.submitted);
    expect(ids).not.toContain(proj.rejected);
    expect(ids).not.toContain(bProject);
    const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM project WHERE status IN ('ADMITTED', 'REMOVED')`);
    expect(forBank.totalCount).toBe(n);
    expect(ids).toHaveLength(n);
    const ofA = ok(await t.gql(PROJECTS, { f: { enterpriseId: a.enterpriseId } }, bank.token)).projects;
    expect(ofA.totalCount).toBe(2);
    expect(ofA.edges.map((x: any) => x.node.id).sort()).toEqual([proj.admitted, proj.removed].sort());
  });

  it('a malformed id is BAD_USER_INPUT naming the argument', async () => {
    for (const query of [ENTERPRISE, PROJECT]) {
      for (const token of [t.adminToken, bank.token, a.token]) {
        const res = await t.gql(query, { id: 'not-a-uuid' }, token);
        expect(errorCode(res)).toBe('BAD_USER_INPUT');
        expect(res.errors![0].extensions.fields).toEqual([{ path: 'id', message: expect.any(String) }]);
      }
    }
    await badInput('id', () => reviewAs(t.adminToken, 'not-a-uuid', 'ADMIT'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 6. Audit trail
// ---------------------------------------------------------------------------------------------------------------

describe('audit trail of decisions', () => {
  /** Runs a mutation and checks it added exactly one audit row: `action` on `entityId`, by `actorUserId`. */
  async function auditedOnce(action: string, entityId: () => string, actorUserId: string, call: () => Promise<GqlResult>) {
    const before = (await counts()).audit_event;
    const res = await call();
    expect(res.errors).toBeUndefined();
    expect((await counts()).audit_event).toBe(before + 1);
    const [row] = await t.sql(`SELECT action, entity_type, entity_id, actor_user_id FROM audit_event ORDER BY occurred_at DESC, id DESC LIMIT 1`);
    expect(row).toEqual({ action, entity_type: expect.any(String), entity_id: entityId(), actor_user_id: actorUserId });
    return res;
  }

  it('writes one row per decision, with the action and the record id', async () => {
    const org = await createOrgWithAdmin(t, 'ENTERPRISE');
    let enterpriseId = '';
    const applied = await auditedOnce('enterprise.submit', () => enterpriseId, org.userId, async () => {
      const res = await applyAs(org.token);
      enterpriseId = res.data?.applyForEnterpriseInclusion.id ?? '';
      return res;
    });
    const uscc = applied.data!.applyForEnterpriseInclusion.uscc;
    await auditedOnce('enterprise.reject', () => enterpriseId, regulatorUserId, () => reviewAs(t.adminToken, enterpriseId, 'REJECT', 'share not evidenced'));
    await auditedOnce('enterprise.resubmit', () => enterpriseId, org.userId, () => applyAs(org.token, { uscc }));
    await auditedOnce('enterprise.admit', () => enterpriseId, regulatorUserId, () => reviewAs(t.adminToken, enterpriseId, 'ADMIT', 'evidence received'));

    let p1 = '';
    await auditedOnce('project.submit', () => p1, org.userId, async () => {
      const res = await submitProjectAs(org.token);
      p1 = res.data?.submitProject.id ?? '';
      return res;
    });
    await auditedOnce('project.admit', () => p1, regulatorUserId, () => reviewProjectAs(t.adminToken, p1, 'ADMIT'));
    await auditedOnce('project.remove', () => p1, regulatorUserId, () => removeProjectAs(t.adminToken, p1));

    let p2 = '';
    await auditedOnce('project.submit', () => p2, org.userId, async () => {
      const res = await submitProjectAs(org.token, { name: 'second' });
      p2 = res.data?.submitProject.id ?? '';
      return res;
    });
    await auditedOnce('project.reject', () => p2, regulatorUserId, () => reviewProjectAs(t.adminToken, p2, 'REJECT'));
    await auditedOnce('project.resubmit', () => p2, org.userId, () => t.gql(RESUBMIT, { id: p2, i: projectInput({ name: 'second, corrected' }) }, org.token));

    await auditedOnce('enterprise.remove', () => enterpriseId, regulatorUserId, () => removeAs(t.adminToken, enterpriseId, 'licence revoked'));

    // The whole trail of each record, in order.
    expect((await auditOf(enterpriseId)).map((r) => r.action)).toEqual([
      'enterprise.submit',
      'enterprise.reject',
      'enterprise.resubmit',
      'enterprise.admit',
      'enterprise.remove',
    ]);
    expect((await auditOf(p1)).map((r) => r.action)).toEqual(['project.submit', 'project.admit', 'project.remove']);
    expect((await auditOf(p2)).map((r) => r.action)).toEqual(['project.submit', 'project.reject', 'project.resubmit']);

    // The inclusion history agrees.
    const history = ok(await t.gql(`query($id: ID!) { enterprise(id: $id) { history { action fromStatus toStatus } reviews { decision comment } } }`, { id: enterpriseId }, t.adminToken)).enterprise;
    expect(history.history.map((h: any) => h.action)).toEqual(['SUBMIT', 'REJECT', 'RESUBMIT', 'ADMIT', 'REMOVE']);
    expect(history.reviews).toEqual([
      { decision: 'REJECT', comment: 'share not evidenced' },
      { decision: 'ADMIT', comment: 'evidence received' },
      { decision: 'REMOVE', comment: 'licence revoked' },
    ]);
  });

  it('writes nothing for refused decisions', async () => {
    const e = await admittedEnterprise();
    const p = await submittedProject(e.token);
    const enterpriseTrail = await auditOf(e.enterpriseId);
    const projectTrail = await auditOf(p);

    await refused('INVALID_STATE_TRANSITION', () => reviewAs(t.adminToken, e.enterpriseId, 'ADMIT'));
    await refused('FORBIDDEN', () => reviewAs(bank.token, e.enterpriseId, 'REJECT'));
    await refused('FORBIDDEN', () => removeAs(e.token, e.enterpriseId));
    await refused('BAD_USER_INPUT', () => removeAs(t.adminToken, e.enterpriseId, ''));
    await refused('INVALID_STATE_TRANSITION', () => removeProjectAs(t.adminToken, p));
    await refused('FORBIDDEN', () => reviewProjectAs(bank.token, p, 'ADMIT'));
    await refused('BAD_USER_INPUT', () => reviewProjectAs(t.adminToken, p, 'ADMIT', ''));

    expect(await auditOf(e.enterpriseId)).toEqual(enterpriseTrail);
    expect(await auditOf(p)).toEqual(projectTrail);
    expect((await auditOf(e.enterpriseId)).map((r) => r.action)).toEqual(['enterprise.submit', 'enterprise.admit']);
    expect((await auditOf(p)).map((r) => r.action)).toEqual(['project.submit']);
  });
});

describe('organisation USCC', () => {
  it("an enterprise whose organisation has a registered USCC applies under that code only", async () => {
    const uscc = validUscc('350206');
    const org = await t.gql(
      `mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }`,
      { i: { kind: 'ENTERPRISE', name: `Registered ${uscc}`, uscc } },
      t.adminToken,
    );
    const orgId = org.data!.createOrganization.id;
    const email = `clerk-${uscc.toLowerCase()}@example.test`;
    await t.gql(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      { i: { organizationId: orgId, email, displayName: 'Clerk', password: 'a sufficiently long password' } },
      t.adminToken,
    );
    const { accessToken } = await t.login(email, 'a sufficiently long password');
    const squat = await t.gql(APPLY, { i: application({ uscc: validUscc('350206') }) }, accessToken);
    expect(errorCode(squat)).toBe('BAD_USER_INPUT');
    expect(squat.errors![0].extensions.fields).toEqual([{ path: 'input.uscc', message: "must be your organisation's registered USCC" }]);
    const own = await t.gql(APPLY, { i: application({ uscc }) }, accessToken);
    expect(own.errors).toBeUndefined();
  });
});

describe('what a lender sees of the inclusion history', () => {
  it('only the steps from the latest admission on, without names; the owner and the regulator see everything', async () => {
    const org = await createOrgWithAdmin(t, 'ENTERPRISE');
    const first = await t.gql(APPLY, { i: application() }, org.token);
    const id = first.data!.applyForEnterpriseInclusion.id;
    await t.gql(REVIEW, { id, d: 'REJECT', c: 'internal remark about the first application' }, t.adminToken);
    await t.gql(APPLY, { i: application({ uscc: first.data!.applyForEnterpriseInclusion.uscc }) }, org.token);
    await t.gql(REVIEW, { id, d: 'ADMIT', c: 'admitted' }, t.adminToken);
    const q = `query($id: ID!) { enterprise(id: $id) { history { action comment actor { userId displayName } } reviews { decision reviewer { displayName } } } }`;
    const lender = (await t.gql(q, { id }, bank.token)).data!.enterprise;
    expect(lender.history).toEqual([{ action: 'ADMIT', comment: 'admitted', actor: { userId: null, displayName: null } }]);
    expect(lender.reviews).toEqual([{ decision: 'ADMIT', reviewer: { displayName: null } }]);
    const owner = (await t.gql(q, { id }, org.token)).data!.enterprise;
    expect(owner.history.map((h: any) => h.action)).toEqual(['SUBMIT', 'REJECT', 'RESUBMIT', 'ADMIT']);
    expect(owner.reviews[0].reviewer.displayName).toBe('Administrator');
    expect((await t.gql(q, { id }, t.adminToken)).data!.enterprise.history).toHaveLength(4);
  });
});
