import {
  admittedEnterprise,
  application,
  APPLY,
  projectInput,
  REMOVE,
  REVIEW,
  REVIEW_PROJECT,
  SUBMIT,
  submittedProject,
  validUscc,
} from './support/library-fixtures.js';
import { countStatements, createOrgWithAdmin, errorCode, startTestRegistry, type TestRegistry } from './support/test-registry.js';

let t: TestRegistry;
beforeAll(async () => {
  t = await startTestRegistry();
});
afterAll(async () => {
  await t?.close();
});

describe('inclusion workflow, end to end', () => {
  it('apply → admit → submit project → admit, with history, scorecard and audit', async () => {
    const org = await createOrgWithAdmin(t, 'ENTERPRISE');
    const uscc = validUscc('350205');
    const applied = await t.gql(
      `mutation($i: EnterpriseApplicationInput!) {
        applyForEnterpriseInclusion(input: $i) {
          id status uscc name greenRevenueShare greenGrade greenScore
          scorecard { score grade greenByRevenue fastTrack lines { indicator points maxPoints } }
          district { code nameZh }
        }
      }`,
      { i: application({ uscc: uscc.toLowerCase(), districtCode: '350205', marine: true, greenRevenueShare: '0.45', environmentalCreditRating: 'BLUE' }) },
      org.token,
    );
    expect(applied.errors).toBeUndefined();
    const e = applied.data!.applyForEnterpriseInclusion;
    expect(e).toMatchObject({
      status: 'SUBMITTED',
      uscc, // normalised to upper case
      name: '厦门蓝海新能源有限公司',
      greenRevenueShare: '0.450000',
      greenScore: 86, // 54 + 22 + 10
      greenGrade: 'A',
      district: { code: '350205', nameZh: '海沧区' },
    });
    expect(e.scorecard).toMatchObject({ greenByRevenue: false, fastTrack: true });
    expect(e.scorecard.lines.map((l: any) => l.points)).toEqual([54, 22, 10]);

    // The regulator sees the advice beside the application and admits it.
    const admitted = await t.gql(REVIEW, { id: e.id, d: 'ADMIT', c: 'green revenue and rating verified' }, t.adminToken);
    expect(admitted.data!.reviewEnterprise.status).toBe('ADMITTED');

    const projectId = await submittedProject(t, org.token, { realm: 'SEA', districtCode: '350205', taxonomy: { catalogue: 'GBEPC_2021', code: '4.2.1.4' } });
    const projectAdmitted = await t.gql(REVIEW_PROJECT, { id: projectId, d: 'ADMIT', c: 'eligible under 4.2.1.4' }, t.adminToken);
    expect(projectAdmitted.data!.reviewProject.status).toBe('ADMITTED');

    const read = await t.gql(
      `query($id: ID!) {
        enterprise(id: $id) {
          status
          reviews { decision comment reviewer { userId displayName } at fromStatus toStatus }
          history { action actor { organizationId } toStatus }
          projects { totalCount edges { node { id status realm totalInvestment startDate taxonomy { code level1Code nameZh } district { nameZh } enterprise { id } } } }
        }
      }`,
      { id: e.id },
      org.token,
    );
    expect(read.errors).toBeUndefined();
    const ent = read.data!.enterprise;
    expect(ent.reviews).toEqual([
      expect.objectContaining({ decision: 'ADMIT', comment: 'green revenue and rating verified', fromStatus: 'SUBMITTED', toStatus: 'ADMITTED' }),
    ]);
    expect(ent.reviews[0].reviewer.displayName).toBe('Administrator');
    expect(ent.history.map((h: any) => h.action)).toEqual(['SUBMIT', 'ADMIT']);
    expect(ent.history[0].actor.organizationId).toBe(org.organizationId);
    expect(ent.projects.totalCount).toBe(1);
    expect(ent.projects.edges.map((e: any) => e.node)).toEqual([
      {
        id: projectId,
        status: 'ADMITTED',
        realm: 'SEA',
        totalInvestment: '12500000.00',
        startDate: '2024-01-01',
        taxonomy: { code: '4.2.1.4', level1Code: '4', nameZh: expect.stringContaining('生态功能区') },
        district: { nameZh: '海沧区' },
        enterprise: { id: e.id },
      },
    ]);

    const actions = await t.sql(`SELECT action FROM audit_event WHERE entity_id = ANY($1) ORDER BY id`, [[e.id, projectId]]);
    expect(actions.map((a: any) => a.action)).toEqual(['enterprise.submit', 'enterprise.admit', 'project.submit', 'project.admit']);
  });

  it('a rejected application is corrected and resubmitted on the same record, keeping its history', async () => {
    const org = await createOrgWithAdmin(t, 'ENTERPRISE');
    const first = await t.gql(APPLY, { i: application({ greenRevenueShare: '0.1', environmentalCreditRating: 'RED' }) }, org.token);
    const id = first.data!.applyForEnterpriseInclusion.id;
    expect(first.data!.applyForEnterpriseInclusion.greenGrade).toBe('D');
    await t.gql(REVIEW, { id, d: 'REJECT', c: 'green revenue too low' }, t.adminToken);
    const second = await t.gql(APPLY, { i: application({ greenRevenueShare: '0.6', environmentalCreditRating: 'GREEN' }) }, org.token);
    expect(second.errors).toBeUndefined();
    expect(second.data!.applyForEnterpriseInclusion).toMatchObject({ id, status: 'SUBMITTED', greenGrade: 'A' });
    const h = await t.gql(`query($id: ID!) { enterprise(id: $id) { history { action fromStatus toStatus comment } } }`, { id }, t.adminToken);
    expect(h.data!.enterprise.history).toEqual([
      { action: 'SUBMIT', fromStatus: null, toStatus: 'SUBMITTED', comment: null },
      { action: 'REJECT', fromStatus: 'SUBMITTED', toStatus: 'REJECTED', comment: 'green revenue too low' },
      { action: 'RESUBMIT', fromStatus: 'REJECTED', toStatus: 'SUBMITTED', comment: null },
    ]);
    const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM enterprise WHERE organization_id = $1`, [org.organizationId]);
    expect(n).toBe(1);
  });

  it('a rejected project is resubmitted, corrected', async () => {
    const ent = await admittedEnterprise(t);
    const id = await submittedProject(t, ent.token, { expectedAnnualCo2ReductionTonnes: '0' });
    await t.gql(REVIEW_PROJECT, { id, d: 'REJECT', c: 'no CO2 benefit stated' }, t.adminToken);
    const res = await t.gql(
      `mutation($id: ID!, $i: ProjectInput!) { resubmitProject(id: $id, input: $i) { id status expectedAnnualCo2ReductionTonnes } }`,
      { id, i: projectInput({ expectedAnnualCo2ReductionTonnes: '5000' }) },
      ent.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.resubmitProject).toEqual({ id, status: 'SUBMITTED', expectedAnnualCo2ReductionTonnes: '5000.000000' });
  });

  it('removing an enterprise keeps its projects in their state, showing the enterprise as removed', async () => {
    const ent = await admittedEnterprise(t);
    const pid = await submittedProject(t, ent.token);
    await t.gql(REVIEW_PROJECT, { id: pid, d: 'ADMIT', c: 'ok' }, t.adminToken);
    const removed = await t.gql(REMOVE, { id: ent.enterpriseId, r: 'environmental violation found by inspection' }, t.adminToken);
    expect(removed.data!.removeEnterprise.status).toBe('REMOVED');
    const bank = await createOrgWithAdmin(t, 'BANK');
    const seen = await t.gql(`query($id: ID!) { project(id: $id) { status enterprise { status reviews { decision comment } } } }`, { id: pid }, bank.token);
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.project).toEqual({
      status: 'ADMITTED',
      enterprise: {
        status: 'REMOVED',
        reviews: [
          { decision: 'ADMIT', comment: 'meets the criteria' },
          { decision: 'REMOVE', comment: 'environmental violation found by inspection' },
        ],
      },
    });
    const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM project WHERE id = $1`, [pid]);
    expect(n).toBe(1);
    // A removed enterprise submits no more projects.
    expect(errorCode(await t.gql(SUBMIT, { i: projectInput() }, ent.token))).toBe('FORBIDDEN');
  });
});

describe("the regulator's API keys", () => {
  it('may read the libraries but not decide', async () => {
    const key = (await t.gql(`mutation { createApiKey(name: "dashboard") { key } }`, {}, t.adminToken)).data!.createApiKey.key;
    const org = await createOrgWithAdmin(t, 'ENTERPRISE');
    const applied = await t.gql(APPLY, { i: application() }, org.token);
    const id = applied.data!.applyForEnterpriseInclusion.id;
    const read = await t.gql(`query($id: ID!) { enterprise(id: $id) { status } }`, { id }, key);
    expect(read.data!.enterprise.status).toBe('SUBMITTED');
    expect(errorCode(await t.gql(REVIEW, { id, d: 'ADMIT', c: 'by a machine' }, key))).toBe('FORBIDDEN');
    expect((await t.sql(`SELECT status FROM enterprise WHERE id = $1`, [id]))[0].status).toBe('SUBMITTED');
  });
});

describe('queries and filters', () => {
  let marine: Awaited<ReturnType<typeof admittedEnterprise>>;
  let plain: Awaited<ReturnType<typeof admittedEnterprise>>;
  let landProject: string;
  let seaProject: string;
  const marineName = '厦门海洋碳汇科技有限公司';

  beforeAll(async () => {
    marine = await admittedEnterprise(t, { name: marineName, nameEn: 'Xiamen Ocean Carbon Sink Tech', marine: true, districtCode: '350213', greenRevenueShare: '0.9' });
    plain = await admittedEnterprise(t, { name: '厦门同安制造有限公司', nameEn: 'Tongan Manufacturing', districtCode: '350212', greenRevenueShare: '0.2', environmentalCreditRating: 'YELLOW' });
    // Solar power: 2021 level 1 "3" (clean energy), mapped to 2024 level 1 "4" and 2019 level 1 "3".
    landProject = await submittedProject(t, plain.token, { districtCode: '350212', taxonomy: { catalogue: 'GBEPC_2021', code: '3.2.2.2' } });
    // Mangrove restoration in the sea: 2021 level 1 "4" (eco-environment), mapped to 2024 level 1 "5".
    seaProject = await submittedProject(t, marine.token, { realm: 'SEA', districtCode: '350213', taxonomy: { catalogue: 'GBEPC_2021', code: '4.2.1.4' } });
    await t.gql(REVIEW_PROJECT, { id: seaProject, d: 'ADMIT', c: 'ok' }, t.adminToken);
  });

  const ENTERPRISES = `query($f: EnterpriseFilter, $first: Int, $after: String) {
    enterprises(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name greenGrade } } }
  }`;
  const PROJECTS = `query($f: ProjectFilter) { projects(filter: $f) { totalCount edges { node { id realm } } } }`;
  const ids = (res: any, key: string) => res.data[key].edges.map((e: any) => e.node.id);

  it('finds enterprises by part of a Chinese name, an English name, or the start of the USCC', async () => {
    expect(ids(await t.gql(ENTERPRISES, { f: { search: '海洋碳汇' } }, t.adminToken), 'enterprises')).toEqual([marine.enterpriseId]);
    expect(ids(await t.gql(ENTERPRISES, { f: { search: 'ocean carbon' } }, t.adminToken), 'enterprises')).toEqual([marine.enterpriseId]);
    const [{ uscc }] = await t.sql(`SELECT uscc FROM enterprise WHERE id = $1`, [plain.enterpriseId]);
    expect(ids(await t.gql(ENTERPRISES, { f: { search: uscc.slice(0, 17).toLowerCase() } }, t.adminToken), 'enterprises')).toEqual([plain.enterpriseId]);
    // Wildcards in the search text are literal.
    expect((await t.gql(ENTERPRISES, { f: { search: '%' } }, t.adminToken)).data!.enterprises.totalCount).toBe(0);
  });

  it('filters enterprises by district, grade, marine and status', async () => {
    const byDistrict = await t.gql(ENTERPRISES, { f: { districtCode: '350213' } }, t.adminToken);
    expect(ids(byDistrict, 'enterprises')).toContain(marine.enterpriseId);
    expect(ids(byDistrict, 'enterprises')).not.toContain(plain.enterpriseId);
    const gradeD = await t.gql(ENTERPRISES, { f: { greenGrade: ['D'] } }, t.adminToken);
    expect(ids(gradeD, 'enterprises')).toContain(plain.enterpriseId);
    expect(ids(gradeD, 'enterprises')).not.toContain(marine.enterpriseId);
    const marineOnly = await t.gql(ENTERPRISES, { f: { marine: true, status: ['ADMITTED'] } }, t.adminToken);
    expect(marineOnly.data!.enterprises.edges.every((e: any) => e.node.id !== plain.enterpriseId)).toBe(true);
    expect(ids(marineOnly, 'enterprises')).toContain(marine.enterpriseId);
  });

  it('filters projects by realm, district, enterprise and status', async () => {
    expect(ids(await t.gql(PROJECTS, { f: { realm: 'SEA', districtCode: '350213' } }, t.adminToken), 'projects')).toEqual([seaProject]);
    expect(ids(await t.gql(PROJECTS, { f: { enterpriseId: plain.enterpriseId } }, t.adminToken), 'projects')).toEqual([landProject]);
    const submitted = ids(await t.gql(PROJECTS, { f: { status: ['SUBMITTED'] } }, t.adminToken), 'projects');
    expect(submitted).toContain(landProject);
    expect(submitted).not.toContain(seaProject);
  });

  it('filters projects by level 1 of any catalogue, through the crosswalk', async () => {
    const under = async (catalogue: string, code: string) => ids(await t.gql(PROJECTS, { f: { taxonomyLevel1: { catalogue, code } } }, t.adminToken), 'projects');
    // The project's own catalogue.
    expect(await under('GBEPC_2021', '3')).toContain(landProject);
    expect(await under('GBEPC_2021', '3')).not.toContain(seaProject);
    // 2024 catalogue: 清洁能源 → 能源绿色低碳转型 (4); 生态环境 → 生态保护修复和利用 (5).
    expect(await under('GLTIGC_2024', '4')).toContain(landProject);
    expect(await under('GLTIGC_2024', '4')).not.toContain(seaProject);
    expect(await under('GLTIGC_2024', '5')).toContain(seaProject);
    // 2019 catalogue, mapped the other way round (2019 → 2021).
    expect(await under('GIGC_2019', '4')).toContain(seaProject);
    expect(await under('GIGC_2019', '4')).not.toContain(landProject);
    expect(await under('GLTIGC_2024', '7')).toEqual(expect.not.arrayContaining([landProject, seaProject]));
  });

  it('pages through enterprises with opaque cursors', async () => {
    const all: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const res: any = await t.gql(ENTERPRISES, { first: 2, after }, t.adminToken);
      total = res.data.enterprises.totalCount;
      all.push(...ids(res, 'enterprises'));
      after = res.data.enterprises.pageInfo.hasNextPage ? res.data.enterprises.pageInfo.endCursor : null;
    } while (after);
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
  });
});

describe('no N+1', () => {
  it('lists 100 projects with their enterprises, districts, taxonomy and reviews in a bounded number of statements', async () => {
    // Ten enterprises with ten projects each.
    const owners = await Promise.all(Array.from({ length: 10 }, () => admittedEnterprise(t, { marine: true })));
    for (const o of owners) {
      for (let i = 0; i < 10; i++) await submittedProject(t, o.token, { name: `project ${i}` });
    }
    const { result: res, statements } = await countStatements(t, () =>
      t.gql(
        `{ projects(first: 100, filter: { status: [SUBMITTED] }) {
            totalCount
            edges { node { id name enterprise { id name district { nameZh } reviews { decision } } district { code } taxonomy { nameZh } reviews { decision } } }
        } }`,
        {},
        t.adminToken,
      ),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.projects.edges.length).toBe(100);
    expect(new Set(res.data!.projects.edges.map((e: any) => e.node.enterprise.id)).size).toBeGreaterThanOrEqual(10);
    // Authentication, count, page, enterprises, districts, taxonomy, two review batches: independent of the 100.
    expect(statements).toBeLessThanOrEqual(10);
  });
});
