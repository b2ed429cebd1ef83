/** The enterprise and project libraries from the access side: transitions. */
import { application, projectInput } from '../support/library-fixtures.js';
import { useLibraryRegistry, t, RESUBMIT, ENTERPRISE, PROJECT, ok, applyAs, reviewAs, removeAs, reviewProjectAs, removeProjectAs, appliedEnterprise, admit, reject, removeEnterprise, admittedEnterprise, submittedProject, decideProject, counts, refused, RANDOM_UUID } from '../support/library-access.js';
import { createOrgWithAdmin, errorCode } from '../support/test-registry.js';

useLibraryRegistry();

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
