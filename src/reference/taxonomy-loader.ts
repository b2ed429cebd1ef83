import { parseCsvRecords } from './csv.js';

export type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

export interface TaxonomyLoadResult {
  categories: number;
  mappings: number;
  /** Crosswalk rows naming a category the catalogue does not hold (e.g. unverified deeper codes): not loaded. */
  skippedMappings: string[];
}

/**
 * Upserts taxonomy categories and crosswalk mappings from the reference CSV layout
 * (`catalogue,code,level,parent_code,name_zh,name_en` and `from_catalogue,from_code,to_catalogue,to_code,note`).
 * Used by the reference-data migration and again when a catalogue is revised; rows are never deleted, since
 * projects and loans keep pointing at the codes they were classified under.
 */
export async function loadTaxonomy(query: Query, taxonomyCsv: string, crosswalkCsv: string | null, source: string): Promise<TaxonomyLoadResult> {
  const categories = parseCsvRecords(taxonomyCsv, ['catalogue', 'code', 'level', 'parent_code', 'name_zh', 'name_en']);
  // Parents before children, so the parent foreign key holds row by row.
  categories.sort((a, b) => Number(a.level) - Number(b.level));
  for (const [i, c] of categories.entries()) {
    const level = Number(c.level);
    if (!/^\d+(\.\d+){0,3}$/.test(c.code) || c.code.split('.').length !== level) {
      throw new Error(`taxonomy row ${i + 1}: code "${c.code}" does not match level ${c.level}`);
    }
    await query(
      `INSERT INTO taxonomy_category (catalogue, code, level, parent_code, name_zh, name, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (catalogue, code) DO UPDATE
         SET name_zh = COALESCE(EXCLUDED.name_zh, taxonomy_category.name_zh),
             name = COALESCE(EXCLUDED.name, taxonomy_category.name),
             source = EXCLUDED.source`,
      [c.catalogue, c.code, level, c.parent_code || null, c.name_zh || null, c.name_en || null, source],
    );
  }
  let mappings = 0;
  const skippedMappings: string[] = [];
  if (crosswalkCsv) {
    for (const m of parseCsvRecords(crosswalkCsv, ['from_catalogue', 'from_code', 'to_catalogue', 'to_code', 'note'])) {
      const known = (await query(
        `SELECT count(*)::int AS n FROM taxonomy_category WHERE (catalogue, code) IN (($1, $2), ($3, $4))`,
        [m.from_catalogue, m.from_code, m.to_catalogue, m.to_code],
      )) as { n: number }[];
      const endpoints = m.from_catalogue === m.to_catalogue && m.from_code === m.to_code ? 1 : 2;
      if (known[0].n < endpoints) {
        skippedMappings.push(`${m.from_catalogue} ${m.from_code} -> ${m.to_catalogue} ${m.to_code}`);
        continue;
      }
      await query(
        `INSERT INTO taxonomy_crosswalk (from_catalogue, from_code, to_catalogue, to_code, note)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (from_catalogue, from_code, to_catalogue, to_code) DO UPDATE SET note = EXCLUDED.note`,
        [m.from_catalogue, m.from_code, m.to_catalogue, m.to_code, m.note || null],
      );
      mappings++;
    }
  }
  return { categories: categories.length, mappings, skippedMappings };
}
