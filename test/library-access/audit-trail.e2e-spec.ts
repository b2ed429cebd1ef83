/** The enterprise and project libraries from the access side: audit trail. */
import { projectInput, REMOVE, SUBMIT } from '../support/library-fixtures.js';
import { useLibraryRegistry, t, bank, regulatorUserId, RESUBMIT, ENTERPRISE, ok, applyAs, reviewAs, removeAs, submitProjectAs, reviewProjectAs, removeProjectAs, admit, reject, admittedEnterprise, submittedProject, counts, refused, auditOf } from '../support/library-access.js';
import { createOrgWithAdmin, type GqlResult } from '../support/test-registry.js';

useLibraryRegistry();

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
