import { errorCode, startTestRegistry, type TestRegistry } from './support/test-registry.js';
import { loadTaxonomy } from '../src/reference/taxonomy-loader.js';
import { MIGRATIONS } from '../migrations/index.js';

let t: TestRegistry;
beforeAll(async () => {
  t = await startTestRegistry();
});
afterAll(async () => {
  await t?.close();
});

describe('divisions', () => {
  it('lists Xiamen and its six districts with Chinese names as data', async () => {
    const res = await t.gql(`{ divisions(parentCode: "350200") { code name nameZh level parentCode } }`, {}, t.adminToken);
    expect(res.errors).toBeUndefined();
    expect(res.data!.divisions.map((d: any) => `${d.code} ${d.nameZh}`)).toEqual([
      '350203 思明区',
      '350205 海沧区',
      '350206 湖里区',
      '350211 集美区',
      '350212 同安区',
      '350213 翔安区',
    ]);
    expect(res.data!.divisions[0]).toMatchObject({ name: 'Siming District', level: 'DISTRICT', parentCode: '350200' });
  });

  it('gives the top of the tree without a parent, and all of a level on request', async () => {
    const top = await t.gql(`{ divisions { code level } }`, {}, t.adminToken);
    expect(top.data!.divisions).toEqual([{ code: '350000', level: 'PROVINCE' }]);
    const cities = await t.gql(`{ divisions(level: CITY) { code nameZh } }`, {}, t.adminToken);
    expect(cities.data!.divisions).toEqual([{ code: '350200', nameZh: '厦门市' }]);
  });

  it('needs authentication', async () => {
    expect(errorCode(await t.gql(`{ divisions { code } }`))).toBe('UNAUTHENTICATED');
  });
});

describe('taxonomy catalogues', () => {
  it('gives the six level-1 categories of the 2021 bond catalogue', async () => {
    const res = await t.gql(`{ taxonomyCategories(catalogue: GBEPC_2021) { code nameZh level level1Code } }`, {}, t.adminToken);
    expect(res.data!.taxonomyCategories.map((c: any) => `${c.code} ${c.nameZh}`)).toEqual([
      '1 节能环保产业',
      '2 清洁生产产业',
      '3 清洁能源产业',
      '4 生态环境产业',
      '5 基础设施绿色升级',
      '6 绿色服务',
    ]);
  });

  it('walks down to level 4 (solar power under 3.2.2) and keeps codes whose names are unknown', async () => {
    const l2 = await t.gql(`{ taxonomyCategories(catalogue: GBEPC_2021, parentCode: "3") { code nameZh level } }`, {}, t.adminToken);
    expect(l2.data!.taxonomyCategories).toEqual([
      { code: '3.1', nameZh: null, level: 2 },
      { code: '3.2', nameZh: null, level: 2 },
    ]);
    const l4 = await t.gql(`{ taxonomyCategories(catalogue: GBEPC_2021, parentCode: "3.2.2") { code level level1Code } }`, {}, t.adminToken);
    const codes = l4.data!.taxonomyCategories.map((c: any) => c.code);
    expect(codes).toEqual(expect.arrayContaining(['3.2.2.1', '3.2.2.2']));
    expect(l4.data!.taxonomyCategories[0]).toMatchObject({ level: 4, level1Code: '3' });
  });

  it('holds every row of the reference file and seven 2024 level-1 categories', async () => {
    const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM taxonomy_category`);
    expect(n).toBe(294);
    const res = await t.gql(`{ taxonomyCategories(catalogue: GLTIGC_2024) { code } taxonomyCatalogues { code nameZh documentNumber } }`, {}, t.adminToken);
    expect(res.data!.taxonomyCategories).toHaveLength(7);
    expect(res.data!.taxonomyCatalogues.map((c: any) => c.code)).toEqual(['GIGC_2019', 'GBEPC_2021', 'GLTIGC_2024']);
  });

  it('maps catalogues through the crosswalk', async () => {
    const res = await t.gql(
      `{ taxonomyCrosswalk(fromCatalogue: GBEPC_2021, toCatalogue: GLTIGC_2024) { fromCode toCode note } }`,
      {},
      t.adminToken,
    );
    const pairs = res.data!.taxonomyCrosswalk.map((m: any) => `${m.fromCode}->${m.toCode}`);
    expect(pairs).toEqual(expect.arrayContaining(['5->6', '6->7', '1->1', '1->2']));
  });

  it('reloads a revised catalogue: adds codes, fills names, deletes nothing, skips unknown mappings', async () => {
    const before = (await t.sql(`SELECT count(*)::int AS n FROM taxonomy_category`))[0].n;
    const csv = 'catalogue,code,level,parent_code,name_zh,name_en\nGBEPC_2021,3.2,2,3,清洁能源,Clean energy\nGLTIGC_2024,4.1,2,4,新增类别,\n';
    const crosswalk = 'from_catalogue,from_code,to_catalogue,to_code,note\nGBEPC_2021,3.2,GLTIGC_2024,4.1,test\nGIGC_2019,9.9,GBEPC_2021,1,unknown\n';
    const result = await t.registry.dataSource.transaction((m) => loadTaxonomy((s, p) => m.query(s, p), csv, crosswalk, 'test revision'));
    expect(result).toEqual({ categories: 2, mappings: 1, skippedMappings: ['GIGC_2019 9.9 -> GBEPC_2021 1'] });
    expect((await t.sql(`SELECT count(*)::int AS n FROM taxonomy_category`))[0].n).toBe(before + 1);
    const res = await t.gql(`{ taxonomyCategories(catalogue: GBEPC_2021, parentCode: "3") { code nameZh } }`, {}, t.adminToken);
    expect(res.data!.taxonomyCategories[1]).toEqual({ code: '3.2', nameZh: '清洁能源' });
  });

  it('rejects a file whose code does not match its level', async () => {
    const csv = 'catalogue,code,level,parent_code,name_zh,name_en\nGBEPC_2021,3.2.1,2,3,x,\n';
    await expect(t.registry.dataSource.transaction((m) => loadTaxonomy((s, p) => m.query(s, p), csv, null, 'bad'))).rejects.toThrow(/does not match level/);
  });
});

describe('migrations', () => {
  it('revert cleanly to an empty schema and apply again', async () => {
    const ds = t.registry.dataSource;
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables = await t.sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migration'`);
    expect(tables).toEqual([]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect((await t.sql(`SELECT count(*)::int AS n FROM division`))[0].n).toBe(8);
  });
});
