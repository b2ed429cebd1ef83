import type { DataSource, EntityTarget } from 'typeorm';

const selects = new WeakMap<object, Map<string, string>>();

/**
 * The select list of an entity's columns under `alias`, each named like the entity's property, so a raw row reads
 * like a loaded entity without TypeORM building a query or hydrating objects. Dates come as `YYYY-MM-DD` text (as
 * the entities have them), numerics as strings (pg's default), timestamps as Dates. Built once per entity and alias.
 */
export function leanColumns(dataSource: DataSource, entity: EntityTarget<unknown>, alias: string): string {
  const metadata = dataSource.getMetadata(entity);
  let byAlias = selects.get(metadata);
  if (!byAlias) selects.set(metadata, (byAlias = new Map()));
  let list = byAlias.get(alias);
  if (!list) {
    list = metadata.columns
      .map((c) => `${alias}.${c.databaseName}${c.type === 'date' ? '::text' : ''} AS "${c.propertyName}"`)
      .join(', ');
    byAlias.set(alias, list);
  }
  return list;
}

/** Rows of `entity` by id, as plain objects named like the entity (one statement). */
export async function leanRowsById<R extends { id: string }>(dataSource: DataSource, entity: EntityTarget<unknown>, ids: readonly string[]): Promise<Map<string, R>> {
  if (!ids.length) return new Map();
  const table = dataSource.getMetadata(entity).tableName;
  const rows = (await dataSource.query(`SELECT ${leanColumns(dataSource, entity, 't')} FROM ${table} t WHERE t.id = ANY($1::uuid[])`, [ids])) as R[];
  return new Map(rows.map((r) => [r.id, r]));
}
