import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Rows of alias `a` (carrying `taxonomy_catalogue` and a generated `taxonomy_level1`) under a level-1 category of any
 * catalogue: their own catalogue's level 1, or one the crosswalk maps it to (in either direction). `cat` and `code`
 * are placeholders (named or positional) holding the filter's catalogue and code.
 */
export function taxonomyLevel1Sql(a: string, cat: string, code: string): string {
  return `((${a}.taxonomy_catalogue = ${cat} AND ${a}.taxonomy_level1 = ${code}) OR EXISTS (
        SELECT 1 FROM taxonomy_crosswalk x
         WHERE (x.from_catalogue = ${a}.taxonomy_catalogue AND x.from_code = ${a}.taxonomy_level1 AND x.to_catalogue = ${cat} AND x.to_code = ${code})
            OR (x.to_catalogue = ${a}.taxonomy_catalogue AND x.to_code = ${a}.taxonomy_level1 AND x.from_catalogue = ${cat} AND x.from_code = ${code})))`;
}

/** The same condition on a query builder. */
export function whereTaxonomyLevel1<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, filter: { catalogue: string; code: string }): void {
  qb.andWhere(taxonomyLevel1Sql(qb.alias, ':l1Cat', ':l1Code'), { l1Cat: filter.catalogue, l1Code: filter.code });
}
