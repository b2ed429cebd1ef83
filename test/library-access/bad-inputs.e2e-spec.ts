/** The enterprise and project libraries from the access side: bad inputs. */
import { validUscc } from '../support/library-fixtures.js';
import { useLibraryRegistry, Org, t, ENTERPRISE, withWrongCheck, ok, applyAs, reviewAs, removeAs, submitProjectAs, reviewProjectAs, removeProjectAs, appliedEnterprise, admit, removeEnterprise, admittedEnterprise, submittedProject, decideProject, counts, refused, badInput } from '../support/library-access.js';
import { createOrgWithAdmin, errorCode } from '../support/test-registry.js';

useLibraryRegistry();

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
