import type { DataSource, EntityTarget } from 'typeorm';
import { childPageLoader, connectionOf, type ChildPageSpec, type Connection, type PageArgs } from './pagination.js';
import { loaderFor, type RequestCache } from './request-cache.js';

const selects = new WeakMap<object, Map<string, string>>();

/**
 * How a column is read: dates as `YYYY-MM-DD` text (as the entities have them); instants as ISO 8601 text in UTC,
 * which the DateTime scalar serialises as it does a Date — parsing hundreds of timestamps per page into Dates that
 * are then printed back was a visible share of a list's cost; numerics come as strings (pg's default).
 */
function expression(alias: string, column: string, type: string): string {
  if (type === 'date') return `${alias}.${column}::text`;
  if (type === 'timestamptz' || type === 'timestamp with time zone') return `to_char(${alias}.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `${alias}.${column}`;
}

/**
 * The select list of an entity's columns under `alias`, each named like the entity's property, so a raw row reads
 * like a loaded entity without TypeORM building a query or hydrating objects (see `expression` for the types: a lean
 * row is for answering reads, not for writing back). Built once per entity and alias.
 */
export function leanColumns(dataSource: DataSource, entity: EntityTarget<unknown>, alias: string): string {
  const metadata = dataSource.getMetadata(entity);
  let byAlias = selects.get(metadata);
  if (!byAlias) selects.set(metadata, (byAlias = new Map()));
  let list = byAlias.get(alias);
  if (!list) {
    list = metadata.columns.map((c) => `${expression(alias, c.databaseName, String(c.type))} AS "${c.propertyName}"`).join(', ');
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

/**
 * A nested connection (a loan's events, an enterprise's projects): the pages of every parent of the request in one
 * statement (`childPageLoader`), then the rows of those pages in one more, as lean rows turned into models.
 */
export async function nestedConnection<E extends { id: string }, M>(
  cache: RequestCache,
  dataSource: DataSource,
  list: { name: string; spec: ChildPageSpec; entity: EntityTarget<unknown>; toModel: (row: E) => M },
  parentId: string,
  page: PageArgs,
): Promise<Connection<M>> {
  const childPage = await childPageLoader(cache, `${list.name}:pages`, (sql, params) => dataSource.query(sql, params), list.spec)(parentId, page);
  const rows = await loaderFor<string, E | null>(cache, `${list.name}:rows`, (ids) => leanRowsById<E>(dataSource, list.entity, ids), null).loadMany(childPage.ids);
  return connectionOf(childPage, new Map(rows.flatMap((r) => (r && !(r instanceof Error) ? [[r.id, list.toModel(r)] as const] : []))));
}
