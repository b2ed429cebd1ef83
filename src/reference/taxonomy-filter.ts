import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Restricts rows carrying `taxonomy_catalogue` and a generated `taxonomy_level1` to those under a level-1 category of
 * any catalogue: their own catalogue's level 1, or one the crosswalk maps it to (in either direction).
 */
export function whereTaxonomyLevel1<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, filter: { catalogue: string; code: string }): void {
  const a = qb.alias;
  qb.andWhere(
    `((${a}.taxonomy_catalogue = :l1Cat AND ${a}.taxonomy_level1 = :l1Code) OR EXISTS (
        SELECT 1 FROM taxonomy_crosswalk x
         WHERE (x.from_catalogue = ${a}.taxonomy_catalogue AND x.from_code = ${a}.taxonomy_level1 AND x.to_catalogue = :l1Cat AND x.to_code = :l1Code)
            OR (x.to_catalogue = ${a}.taxonomy_catalogue AND x.to_code = ${a}.taxonomy_level1 AND x.from_catalogue = :l1Cat AND x.from_code = :l1Code)))`,
    { l1Cat: filter.catalogue, l1Code: filter.code },
  );
}
