import { startTestRegistry, type TestRegistry } from './support/test-registry.js';
import { loadTaxonomy } from '../src/reference/taxonomy-loader.js';
import { TAXONOMY_CROSSWALK_CSV_2026_11, TAXONOMY_CSV_2026_11 } from '../migrations/data/taxonomy-2026-11.js';

let t: TestRegistry;
beforeAll(async () => {
  t = await startTestRegistry();
});
afterAll(async () => {
  await t?.close();
});

// Byte order "C" so the checksum is the same whatever collation the server was created with.
const CATEGORY_DIGEST = (schema: string) => `
  SELECT count(*)::int AS n, md5(string_agg(t::text, E'\\n' ORDER BY t.catalogue COLLATE "C", t.code COLLATE "C")) AS md5
    FROM ${schema}.taxonomy_category t`;
const CROSSWALK_DIGEST = (schema: string) => `
  SELECT count(*)::int AS n,
         md5(string_agg(x::text, E'\\n' ORDER BY x.from_catalogue COLLATE "C", x.from_code COLLATE "C", x.to_catalogue COLLATE "C", x.to_code COLLATE "C")) AS md5
    FROM ${schema}.taxonomy_crosswalk x`;

describe('the reference-data migration', () => {
  it('loads exactly the taxonomy rows it loaded when it landed (counts and checksum of every row)', async () => {
    // Computed from the migration as it was when it still ran the application's CSV loader.
    expect((await t.sql(CATEGORY_DIGEST('public')))[0]).toEqual({ n: 294, md5: '29852e2d1d664c57fe9d3b9643a911f4' });
    expect((await t.sql(CROSSWALK_DIGEST('public')))[0]).toEqual({ n: 24, md5: '2b3cfa953592f2d72460d8ea0488337b' });
    const [{ sources }] = await t.sql(`SELECT array_agg(DISTINCT source) AS sources FROM taxonomy_category`);
    expect(sources).toEqual(['reference data 2026-11']);
  });

  it('holds the same rows the CSV loader makes of the shipped CSV, skipped mappings included', async () => {
    const scratch = 'taxonomy_reload_check';
    // A scratch copy of the two tables, filled by the loader, compared, and rolled back.
    const qr = t.registry.dataSource.createQueryRunner();
    await qr.startTransaction();
    let outcome;
    try {
      await qr.query(`CREATE SCHEMA ${scratch}`);
      await qr.query(`CREATE TABLE ${scratch}.taxonomy_category (LIKE public.taxonomy_category INCLUDING ALL)`);
      await qr.query(`CREATE TABLE ${scratch}.taxonomy_crosswalk (LIKE public.taxonomy_crosswalk INCLUDING ALL)`);
      await qr.query(`SET LOCAL search_path = ${scratch}`);
      const loaded = await loadTaxonomy((s, p) => qr.query(s, p), TAXONOMY_CSV_2026_11, TAXONOMY_CROSSWALK_CSV_2026_11, 'reference data 2026-11');
      outcome = {
        loaded,
        categories: [(await qr.query(CATEGORY_DIGEST('public')))[0], (await qr.query(CATEGORY_DIGEST(scratch)))[0]],
        crosswalk: [(await qr.query(CROSSWALK_DIGEST('public')))[0], (await qr.query(CROSSWALK_DIGEST(scratch)))[0]],
      };
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
    expect(outcome.loaded.skippedMappings).toHaveLength(4);
    expect(outcome.categories[1]).toEqual(outcome.categories[0]);
    expect(outcome.crosswalk[1]).toEqual(outcome.crosswalk[0]);
  });
});
