/** The enterprise and project libraries from the access side: visibility. */
import { application, APPLY, REVIEW, SUBMIT } from '../support/library-fixtures.js';
import { useLibraryRegistry, t, bank, RESUBMIT, ENTERPRISE, nodes, PROJECT, PROJECT_WITH_ENTERPRISE, ENTERPRISES, PROJECTS, ok, reviewAs, removeProjectAs, appliedEnterprise, reject, removeEnterprise, admittedEnterprise, submittedProject, decideProject, badInput, RANDOM_UUID } from '../support/library-access.js';
import { createOrgWithAdmin, errorCode } from '../support/test-registry.js';

useLibraryRegistry();

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
    expect(nodes(own.projects).map((p: any) => p.id).sort()).toEqual(Object.values(proj).sort());
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
    const seen = nodes(ok(await t.gql(ENTERPRISE, { id: a.enterpriseId }, bank.token)).enterprise.projects);
    expect(seen.map((p: any) => p.id).sort()).toEqual([proj.admitted, proj.removed].sort());
    expect(nodes(ok(await t.gql(ENTERPRISE, { id: b.enterpriseId }, bank.token)).enterprise.projects)).toEqual([]);
  });

  it('the regulator reads everything', async () => {
    for (const e of [a, b, submittedEnt, rejectedEnt, removedEnt]) {
      expect(ok(await t.gql(ENTERPRISE, { id: e.enterpriseId }, t.adminToken)).enterprise.id).toBe(e.enterpriseId);
    }
    const all = nodes(ok(await t.gql(ENTERPRISE, { id: a.enterpriseId }, t.adminToken)).enterprise.projects);
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
