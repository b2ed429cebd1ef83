/** The enterprise and project libraries from the access side: forbidden actors. */
import { application, validUscc } from '../support/library-fixtures.js';
import { useLibraryRegistry, t, bank, ADD_ALLOW, REMOVE_ALLOW, ALLOWLIST, ENTERPRISE, PROJECT, withWrongCheck, ok, applyAs, reviewAs, removeAs, submitProjectAs, reviewProjectAs, removeProjectAs, appliedEnterprise, admit, reject, removeEnterprise, admittedEnterprise, submittedProject, decideProject, refused } from '../support/library-access.js';
import { createOrgWithAdmin } from '../support/test-registry.js';

useLibraryRegistry();

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
