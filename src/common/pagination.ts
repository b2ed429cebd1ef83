import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AppError } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
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
  totalCount: number;
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
    @Field(() => Int) totalCount: number;
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
  const totalCount = await qb.clone().getCount();
  const page = qb.clone().orderBy(idColumn, 'DESC').take(first + 1);
  if (args.after) page.andWhere(`${idColumn} < :afterId`, { afterId: decodeCursor(args.after) });
  const rows = await page.getMany();
  const hasNextPage = rows.length > first;
  const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(row.id), node: map(row) }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null }, totalCount };
}
