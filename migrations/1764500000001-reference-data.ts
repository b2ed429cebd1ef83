import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TAXONOMY_CATEGORIES_2026_11, TAXONOMY_CROSSWALK_2026_11 } from './data/taxonomy-rows-2026-11.js';

/** Administrative divisions (GB/T 2260) and the green taxonomy catalogues with their crosswalk. */
export class ReferenceData1764500000001 implements MigrationInterface {
  name = 'ReferenceData1764500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE division (
        code varchar(6) PRIMARY KEY CONSTRAINT ck_division_code CHECK (code ~ '^[0-9]{6}$'),
        name text NOT NULL,
        name_zh text NOT NULL,
        level text NOT NULL CONSTRAINT ck_division_level CHECK (level IN ('PROVINCE', 'CITY', 'DISTRICT')),
        parent_code varchar(6) CONSTRAINT fk_division_parent REFERENCES division (code),
        source text
      )`);
    await q.query(`CREATE INDEX ix_division_parent ON division (parent_code)`);
    const gb2260 = 'GB/T 2260 administrative division codes';
    const divisions: [string, string, string, string, string | null][] = [
      ['350000', 'Fujian Province', '福建省', 'PROVINCE', null],
      ['350200', 'Xiamen', '厦门市', 'CITY', '350000'],
      ['350203', 'Siming District', '思明区', 'DISTRICT', '350200'],
      ['350205', 'Haicang District', '海沧区', 'DISTRICT', '350200'],
      ['350206', 'Huli District', '湖里区', 'DISTRICT', '350200'],
      ['350211', 'Jimei District', '集美区', 'DISTRICT', '350200'],
      ['350212', "Tong'an District", '同安区', 'DISTRICT', '350200'],
      ['350213', "Xiang'an District", '翔安区', 'DISTRICT', '350200'],
    ];
    for (const [code, name, nameZh, level, parent] of divisions) {
      await q.query(`INSERT INTO division (code, name, name_zh, level, parent_code, source) VALUES ($1, $2, $3, $4, $5, $6)`, [
        code, name, nameZh, level, parent, gb2260,
      ]);
    }

    await q.query(`
      CREATE TABLE taxonomy_catalogue (
        code text PRIMARY KEY,
        name text NOT NULL,
        name_zh text NOT NULL,
        document_number text,
        year int NOT NULL
      )`);
    await q.query(`
      INSERT INTO taxonomy_catalogue (code, name, name_zh, document_number, year) VALUES
        ('GIGC_2019', 'Green Industry Guidance Catalogue (2019)', '绿色产业指导目录（2019年版）', '发改环资〔2019〕293号', 2019),
        ('GBEPC_2021', 'Green Bond Endorsed Projects Catalogue (2021)', '绿色债券支持项目目录（2021年版）', '银发〔2021〕96号', 2021),
        ('GLTIGC_2024', 'Green and Low-Carbon Transition Industry Guidance Catalogue (2024)', '绿色低碳转型产业指导目录（2024年版）', '发改环资〔2024〕165号', 2024)`);
    await q.query(`
      CREATE TABLE taxonomy_category (
        catalogue text NOT NULL CONSTRAINT fk_taxonomy_category_catalogue REFERENCES taxonomy_catalogue (code),
        code text NOT NULL CONSTRAINT ck_taxonomy_category_code CHECK (code ~ '^[0-9]+(\\.[0-9]+){0,3}$'),
        level smallint NOT NULL CONSTRAINT ck_taxonomy_category_level CHECK (level BETWEEN 1 AND 4),
        parent_code text,
        name_zh text,
        name text,
        source text,
        CONSTRAINT pk_taxonomy_category PRIMARY KEY (catalogue, code),
        CONSTRAINT fk_taxonomy_category_parent FOREIGN KEY (catalogue, parent_code) REFERENCES taxonomy_category (catalogue, code),
        CONSTRAINT ck_taxonomy_category_parent CHECK ((level = 1) = (parent_code IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_taxonomy_category_parent ON taxonomy_category (catalogue, parent_code)`);
    await q.query(`
      CREATE TABLE taxonomy_crosswalk (
        from_catalogue text NOT NULL,
        from_code text NOT NULL,
        to_catalogue text NOT NULL,
        to_code text NOT NULL,
        note text,
        CONSTRAINT pk_taxonomy_crosswalk PRIMARY KEY (from_catalogue, from_code, to_catalogue, to_code),
        CONSTRAINT fk_taxonomy_crosswalk_from FOREIGN KEY (from_catalogue, from_code) REFERENCES taxonomy_category (catalogue, code),
        CONSTRAINT fk_taxonomy_crosswalk_to FOREIGN KEY (to_catalogue, to_code) REFERENCES taxonomy_category (catalogue, code)
      )`);
    // Frozen rows in one statement each (no application code, so this migration loads the same rows forever).
    const source = 'reference data 2026-11';
    const cats = TAXONOMY_CATEGORIES_2026_11;
    await q.query(
      `INSERT INTO taxonomy_category (catalogue, code, level, parent_code, name_zh, name, source)
       SELECT catalogue, code, level, parent_code, name_zh, name, $7
         FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::text[])
              AS r (catalogue, code, level, parent_code, name_zh, name)`,
      [cats.map((c) => c[0]), cats.map((c) => c[1]), cats.map((c) => c[2]), cats.map((c) => c[3]), cats.map((c) => c[4]), cats.map((c) => c[5]), source],
    );
    // As first loaded: a mapping naming a category the catalogue does not hold (an unverified deeper code) is skipped.
    const maps = TAXONOMY_CROSSWALK_2026_11;
    await q.query(
      `INSERT INTO taxonomy_crosswalk (from_catalogue, from_code, to_catalogue, to_code, note)
       SELECT r.from_catalogue, r.from_code, r.to_catalogue, r.to_code, r.note
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r (from_catalogue, from_code, to_catalogue, to_code, note)
        WHERE EXISTS (SELECT 1 FROM taxonomy_category c WHERE c.catalogue = r.from_catalogue AND c.code = r.from_code)
          AND EXISTS (SELECT 1 FROM taxonomy_category c WHERE c.catalogue = r.to_catalogue AND c.code = r.to_code)`,
      [maps.map((m) => m[0]), maps.map((m) => m[1]), maps.map((m) => m[2]), maps.map((m) => m[3]), maps.map((m) => m[4])],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE taxonomy_crosswalk`);
    await q.query(`DROP TABLE taxonomy_category`);
    await q.query(`DROP TABLE taxonomy_catalogue`);
    await q.query(`DROP TABLE division`);
  }
}
