/**
 * The library access specs' shared harness: one registry per spec file, the operations they send, and helpers that
 * check a refusal wrote nothing. `t`, `bank` and `regulatorUserId` are live bindings, set by `useLibraryRegistry()`.
 */
import { USCC_ALPHABET } from '../../src/uscc/uscc.js';
import { application, APPLY, projectInput, REMOVE, REVIEW, REVIEW_PROJECT, SUBMIT } from './library-fixtures.js';
import { createOrgWithAdmin, errorCode, startTestRegistry, type GqlResult, type TestRegistry } from './test-registry.js';

export type Org = Awaited<ReturnType<typeof createOrgWithAdmin>>;

export let t: TestRegistry;
export let bank: Org;
export let regulatorUserId: string;

/** Starts the registry (and a bank) before the file's tests and closes it after. */
export function useLibraryRegistry(): void {
  beforeAll(async () => {
    t = await startTestRegistry();
    bank = await createOrgWithAdmin(t, 'BANK');
    regulatorUserId = (await t.gql(`{ me { id } }`, {}, t.adminToken)).data!.me.id;
  });
  afterAll(async () => {
    await t?.close();
  });
}

export const RESUBMIT = `mutation($id: ID!, $i: ProjectInput!) { resubmitProject(id: $id, input: $i) { id status } }`;
export const REMOVE_PROJECT = `mutation($id: ID!, $r: String!) { removeProject(id: $id, reason: $r) { id status } }`;
export const ADD_ALLOW = `mutation($i: UsccAllowlistInput!) { addUsccAllowlistEntry(input: $i) { uscc reason addedByUserId addedAt } }`;
export const REMOVE_ALLOW = `mutation($u: String!, $r: String!) { removeUsccAllowlistEntry(uscc: $u, reason: $r) { uscc } }`;
export const ALLOWLIST = `{ usccAllowlist { uscc reason addedByUserId } }`;
export const ENTERPRISE = `query($id: ID!) { enterprise(id: $id) { id status projects(first: 100) { edges { node { id status } } } } }`;
/** An enterprise's projects connection as a plain list. */
export const nodes = (connection: { edges: { node: any }[] }) => connection.edges.map((e) => e.node);
export const PROJECT = `query($id: ID!) { project(id: $id) { id status enterpriseId } }`;
export const PROJECT_WITH_ENTERPRISE = `query($id: ID!) { project(id: $id) { id status enterprise { id status } } }`;
export const ENTERPRISES = `query($f: EnterpriseFilter) { enterprises(first: 100, filter: $f) { totalCount edges { node { id status } } } }`;
export const PROJECTS = `query($f: ProjectFilter) { projects(first: 100, filter: $f) { totalCount edges { node { id status } } } }`;


/** The same code with a check character that is wrong. */
export function withWrongCheck(uscc: string): string {
  const right = uscc[17];
  const wrong = USCC_ALPHABET[(USCC_ALPHABET.indexOf(right) + 1) % 31];
  return uscc.slice(0, 17) + wrong;
}


export function ok<T extends Record<string, any>>(res: GqlResult<T>): T {
  if (res.errors?.length || !res.data) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

export const applyAs = (token: string, overrides: Record<string, unknown> = {}) => t.gql(APPLY, { i: application(overrides) }, token);
export const reviewAs = (token: string, id: string, d: 'ADMIT' | 'REJECT', c = 'reviewed against the criteria') => t.gql(REVIEW, { id, d, c }, token);
export const removeAs = (token: string, id: string, r = 'no longer meets the criteria') => t.gql(REMOVE, { id, r }, token);
export const submitProjectAs = (token: string, overrides: Record<string, unknown> = {}) => t.gql(SUBMIT, { i: projectInput(overrides) }, token);
export const reviewProjectAs = (token: string, id: string, d: 'ADMIT' | 'REJECT', c = 'eligible category') => t.gql(REVIEW_PROJECT, { id, d, c }, token);
export const removeProjectAs = (token: string, id: string, r = 'project abandoned') => t.gql(REMOVE_PROJECT, { id, r }, token);

/** A new enterprise organisation that has applied (status SUBMITTED). */
export async function appliedEnterprise(overrides: Record<string, unknown> = {}) {
  const org = await createOrgWithAdmin(t, 'ENTERPRISE');
  const e = ok(await applyAs(org.token, overrides)).applyForEnterpriseInclusion;
  return { ...org, enterpriseId: e.id as string, uscc: e.uscc as string };
}

export async function admit(enterpriseId: string) {
  expect(ok(await reviewAs(t.adminToken, enterpriseId, 'ADMIT')).reviewEnterprise.status).toBe('ADMITTED');
}
export async function reject(enterpriseId: string) {
  expect(ok(await reviewAs(t.adminToken, enterpriseId, 'REJECT')).reviewEnterprise.status).toBe('REJECTED');
}
export async function removeEnterprise(enterpriseId: string) {
  expect(ok(await removeAs(t.adminToken, enterpriseId)).removeEnterprise.status).toBe('REMOVED');
}

/** A new enterprise organisation, applied and admitted. */
export async function admittedEnterprise(overrides: Record<string, unknown> = {}) {
  const e = await appliedEnterprise(overrides);
  await admit(e.enterpriseId);
  return e;
}

/** A project of an admitted enterprise, SUBMITTED. */
export async function submittedProject(token: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const p = ok(await submitProjectAs(token, overrides)).submitProject;
  expect(p.status).toBe('SUBMITTED');
  return p.id;
}
export async function decideProject(id: string, d: 'ADMIT' | 'REJECT') {
  expect(ok(await reviewProjectAs(t.adminToken, id, d)).reviewProject.status).toBe(d === 'ADMIT' ? 'ADMITTED' : 'REJECTED');
}

export const TABLES = ['enterprise', 'project', 'inclusion_event', 'audit_event', 'uscc_allowlist'] as const;
export type Counts = Record<(typeof TABLES)[number], number>;

/** Row counts of every table a library mutation writes to. */
export async function counts(): Promise<Counts> {
  const out = {} as Counts;
  for (const table of TABLES) out[table] = (await t.sql(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  return out;
}

/** Runs a call that must be refused with `code`, and checks it wrote nothing. */
export async function refused(code: string, call: () => Promise<GqlResult>): Promise<GqlResult> {
  const before = await counts();
  const res = await call();
  expect(errorCode(res)).toBe(code);
  expect(res.data ?? null).toBeNull();
  expect(await counts()).toEqual(before);
  return res;
}

/** A BAD_USER_INPUT naming exactly `path` in extensions.fields, with nothing written; returns that field's message. */
export async function badInput(path: string, call: () => Promise<GqlResult>): Promise<string> {
  const res = await refused('BAD_USER_INPUT', call);
  const fields = res.errors![0].extensions.fields;
  expect(fields?.map((f) => f.path)).toEqual([path]);
  expect(fields![0].message).toEqual(expect.any(String));
  expect(fields![0].message.length).toBeGreaterThan(0);
  return fields![0].message;
}

/** The audit rows of one record, oldest first. */
export async function auditOf(entityId: string) {
  return t.sql<{ action: string; entity_type: string; actor_user_id: string | null; organization_id: string | null }>(
    `SELECT action, entity_type, actor_user_id, organization_id FROM audit_event WHERE entity_id = $1 ORDER BY occurred_at, id`,
    [entityId],
  );
}

export const RANDOM_UUID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
