import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AppError } from './errors.js';
import { groupBy, loaderFor, type RequestCache } from './request-cache.js';

export const DEFAULT_PAGE_SIZE = 20;
/** The ceiling of any page; the deployed maximum is GRAPHQL_MAX_PAGE_SIZE (default 100), checked before execution. */
export const MAX_PAGE_SIZE = 1000;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: 'Page size, 1 to the maximum page size (100 unless the registry is set otherwise).' })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  first?: number = DEFAULT_PAGE_SIZE;

  @Field({ nullable: true, description: 'The endCursor of the previous page.' })
  @IsOptional() @IsString()
  after?: string;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** A number, or (on a getter) a count that runs only when the field is read: a page nobody counts runs no count. */
  totalCount: number | Promise<number>;
}

/** Builds the Relay connection type `<Name>Connection` with its `<Name>Edge`. */
export function ConnectionType<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field() cursor: string;
    @Field(() => node) node: T;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType]) edges: EdgeType[];
    @Field(() => PageInfo) pageInfo: PageInfo;
    @Field(() => Int, { description: 'Rows in the whole list (all pages); counted only when asked for.' }) totalCount: number;
  }
  return ConnectionClass;
}

// Cursors are opaque to clients; inside they hold the row id (UUIDv7, so newest first is id order).
const CURSOR_PREFIX = 'c1:';
export function encodeCursor(id: string): string {
  return Buffer.from(CURSOR_PREFIX + id).toString('base64url');
}
export function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = raw.startsWith(CURSOR_PREFIX) ? raw.slice(CURSOR_PREFIX.length) : '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw AppError.field('after', 'is not a cursor this API issued');
  return id;
}

/**
 * Keyset pagination on the row id (UUIDv7), newest first, over a query builder that already carries its filters.
 * `map` turns rows into API models in one place.
 */
export async function paginate<E extends ObjectLiteral & { id: string }, M>(
  qb: SelectQueryBuilder<E>,
  args: PageArgs,
  map: (row: E) => M,
): Promise<Connection<M>> {
  const idColumn = `${qb.alias}.id`;
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  let counted: Promise<number> | undefined;
  const page = qb.clone().orderBy(idColumn, 'DESC').take(first + 1);
  if (args.after) page.andWhere(`${idColumn} < :afterId`, { afterId: decodeCursor(args.after) });
  const rows = await page.getMany();
  const hasNextPage = rows.length > first;
  const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(row.id), node: map(row) }));
  return {
    edges,
    pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    get totalCount() {
      return (counted ??= qb.clone().getCount());
    },
  };
}

/** One parent's page of a nested list: the child ids in order, and what the connection says around them. */
export interface ChildPage {
  ids: string[];
  hasNextPage: boolean;
  totalCount: number;
}

export interface ChildPageSpec {
  /** The child table, read as alias `c`. */
  table: string;
  /** The column naming the parent. */
  parentColumn: string;
  /** Order within one parent, over alias `c`, ending in `c.id` so it is total (e.g. `c.occurred_on, c.id`). */
  order: string;
  /** A further condition over alias `c` (the caller's access scope); its parameters are appended to `params`. */
  where?: (params: unknown[]) => string;
}

const PAST_EVERY_ROW = '9223372036854775807';

/**
 * Pages of a nested list (a loan's events, an enterprise's projects) for every parent of one request in one statement
 * per distinct page argument: a window numbers each parent's children and counts them, and the cursor (a child id)
 * is found among its own parent's children. A cursor of another parent yields an empty page.
 */
export function childPageLoader(cache: RequestCache, name: string, query: (sql: string, params: unknown[]) => Promise<unknown[]>, spec: ChildPageSpec) {
  const loader = loaderFor<string, ChildPage>(
    cache,
    name,
    async (keys) => {
      const byArgs = groupBy([...keys], (k) => k.slice(k.indexOf('|') + 1));
      const out = new Map<string, ChildPage>();
      for (const [argsKey, group] of byArgs) {
        const [firstText, after] = argsKey.split('|');
        const first = Number(firstText);
        const params: unknown[] = [group.map((k) => k.slice(0, k.indexOf('|'))), after || null, first];
        const extra = spec.where ? ` AND (${spec.where(params)})` : '';
        const rows = (await query(
          `WITH c AS (
             SELECT c.id, c.${spec.parentColumn} AS parent_id,
                    row_number() OVER (PARTITION BY c.${spec.parentColumn} ORDER BY ${spec.order}) AS rn,
                    count(*) OVER (PARTITION BY c.${spec.parentColumn}) AS total
               FROM ${spec.table} c
              WHERE c.${spec.parentColumn} = ANY($1::uuid[])${extra}
           )
           SELECT c.id, c.parent_id, c.total::int AS total, (c.total - s.start > $3) AS has_next, c.rn
             FROM c CROSS JOIN LATERAL (
               SELECT COALESCE((SELECT k.rn FROM c k WHERE k.id = $2::uuid AND k.parent_id = c.parent_id),
                               CASE WHEN $2::uuid IS NULL THEN 0 ELSE ${PAST_EVERY_ROW} END) AS start
             ) s
            WHERE c.rn > s.start AND c.rn <= s.start + $3
           UNION ALL
           -- Every parent's count, also for a parent whose page is empty.
           SELECT DISTINCT NULL::uuid, c.parent_id, c.total::int, false, 0 FROM c
           ORDER BY 2, 5`,
          params,
        )) as { id: string | null; parent_id: string; total: number; has_next: boolean }[];
        for (const key of group) out.set(key, { ids: [], hasNextPage: false, totalCount: 0 });
        for (const r of rows) {
          const page = out.get(`${r.parent_id}|${argsKey}`)!;
          page.totalCount = r.total;
          if (r.id === null) continue;
          page.ids.push(r.id);
          page.hasNextPage = r.has_next;
        }
      }
      return out;
    },
    { ids: [], hasNextPage: false, totalCount: 0 },
  );
  return (parentId: string, page: PageArgs): Promise<ChildPage> => {
    const first = page.first ?? DEFAULT_PAGE_SIZE;
    // Nested fields resolve without the validation pipe (see lean-fields): the page arguments are checked here.
    if (!Number.isInteger(first) || first < 1) throw AppError.field('first', 'must be a whole number of at least 1');
    const after = page.after ? decodeCursor(page.after) : '';
    return loader.load(`${parentId}|${first}|${after}`);
  };
}

/** A connection from a child page and the models of its ids (in the page's order; an id without a model is dropped). */
export function connectionOf<M>(page: ChildPage, models: Map<string, M>): Connection<M> {
  const edges = page.ids.filter((id) => models.has(id)).map((id) => ({ cursor: encodeCursor(id), node: models.get(id)! }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null }, totalCount: page.totalCount };
}

/** Conditions of a raw-SQL list, each with its positional parameters (`$n` as `bind` hands them out). */
export class SqlWhere {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  /** Binds a value and returns its placeholder. */
  bind = (value: unknown): string => {
    this.params.push(value);
    return `$${this.params.length}`;
  };

  and(condition: string): this {
    this.parts.push(`(${condition})`);
    return this;
  }

  get sql(): string {
    return this.parts.length ? this.parts.join(' AND ') : 'true';
  }
}

/**
 * Keyset pagination over raw SQL, newest first, for the hot lists: rows come back as plain objects named like the
 * entity's properties (see `leanColumns`), no query builder and no entity hydration. `totalCount` is counted only
 * when read.
 */
export async function paginateRows<R extends { id: string }, M>(
  query: (sql: string, params: unknown[]) => Promise<unknown[]>,
  from: { table: string; alias: string; columns: string },
  where: SqlWhere,
  args: PageArgs,
  map: (row: R) => M,
): Promise<Connection<M>> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  const { table, alias } = from;
  const countSql = `SELECT count(*)::int AS n FROM ${table} ${alias} WHERE ${where.sql}`;
  const countParams = [...where.params];
  const page = new SqlWhere();
  page.params.push(...where.params);
  page.and(where.sql);
  if (args.after) page.and(`${alias}.id < ${page.bind(decodeCursor(args.after))}`);
  const rows = (await query(`SELECT ${from.columns} FROM ${table} ${alias} WHERE ${page.sql} ORDER BY ${alias}.id DESC LIMIT ${page.bind(first + 1)}`, page.params)) as R[];
  const hasNextPage = rows.length > first;
  const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(row.id), node: map(row) }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    get totalCount() {
      return (counted ??= query(countSql, countParams).then((r) => (r as { n: number }[])[0].n));
    },
  };
}
