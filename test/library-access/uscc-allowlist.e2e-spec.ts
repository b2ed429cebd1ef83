/** The enterprise and project libraries from the access side: uscc allowlist. */
import { application, APPLY, validUscc } from '../support/library-fixtures.js';
import { useLibraryRegistry, t, regulatorUserId, ADD_ALLOW, REMOVE_ALLOW, ALLOWLIST, ENTERPRISE, withWrongCheck, ok, applyAs, counts, refused, badInput } from '../support/library-access.js';
import { createOrgWithAdmin, errorCode, unique } from '../support/test-registry.js';

useLibraryRegistry();

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
