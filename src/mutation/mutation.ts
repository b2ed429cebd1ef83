import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntityTarget } from 'typeorm';
import { writeAuditEvent, type AuditRecord } from '../audit/audit-writer.js';
import type { Actor } from '../common/actor.js';
import { claimIdempotencyKey, storeIdempotentResult } from './idempotency.js';

/** Who acts: a request's actor, or none for the registry's own jobs (start-up, command-line tools, housekeeping). */
export interface MutationContext {
  actor: Actor | null;
  requestId: string;
}

/** Said instead of audit rows by work that changed nothing, with the reason (so no audit row is left out by oversight). */
export interface Unchanged {
  unchanged: string;
}

/** What the work wrote: its answer, and the audit rows that say so (one or more; or `Unchanged` with the reason). */
export interface Written<T> {
  result: T;
  audit: AuditRecord | readonly [AuditRecord, ...AuditRecord[]] | Unchanged;
  /** Who the audit rows name when only the work learns who acts (a refresh token names its user); default: ctx.actor. */
  actor?: Actor;
}

export interface Mutation<T> {
  /** The operation's name: a key reused for another operation counts as another request. */
  operation: string;
  /** The caller's idempotency key, if it sent one. */
  idempotencyKey?: string | null;
  /** What the key stands for: the same key with other input is refused. */
  input?: unknown;
  /** The feature's own writing, inside the transaction; throws to refuse (then nothing is written). */
  work: (m: EntityManager) => Promise<Written<T>>;
  /**
   * For a result that is a live record (a loan, a bond): rebuilds it from the stored first answer, so a replay names
   * the same record but shows its current state. Without it, a replay answers the stored first answer.
   */
  replay?: (m: EntityManager, stored: T) => Promise<T>;
}

/**
 * The one path every writing operation takes: open a transaction, claim the idempotency key (or answer a replay,
 * writing nothing), run the work, write its audit rows, store its answer under the key, commit. A feature supplies
 * only its work; it cannot forget the audit row or the key.
 */
export async function runMutation<T>(dataSource: DataSource, ctx: MutationContext, mutation: Mutation<T>): Promise<T> {
  return dataSource.transaction(async (m) => {
    let claim: Awaited<ReturnType<typeof claimIdempotencyKey<T>>> = { kind: 'NONE' };
    if (mutation.idempotencyKey !== undefined && mutation.idempotencyKey !== null) {
      if (!ctx.actor) throw new Error(`${mutation.operation}: an idempotency key needs an acting organisation`);
      claim = await claimIdempotencyKey<T>(m, ctx.actor.organizationId, mutation.operation, mutation.idempotencyKey, mutation.input);
    }
    if (claim.kind === 'REPLAY') return mutation.replay ? mutation.replay(m, claim.stored) : claim.stored;
    const { result, audit, actor } = await mutation.work(m);
    const rows: readonly AuditRecord[] = 'unchanged' in audit ? [] : Array.isArray(audit) ? audit : [audit as AuditRecord];
    for (const rec of rows) await writeAuditEvent(m, actor ?? ctx.actor, ctx.requestId, rec);
    if (claim.kind === 'CLAIMED') await storeIdempotentResult(m, claim, result);
    return result;
  });
}

/** The mutation path for services: `mutations.run(ctx, { operation, work, ... })`. */
@Injectable()
export class MutationRunner {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(ctx: MutationContext, mutation: Mutation<T>): Promise<T> {
    return runMutation(this.dataSource, ctx, mutation);
  }
}

/** A kind of live record a mutation creates (a loan, a bond, a project): its table, its API model, its audit name. */
export interface RecordKind<E extends { id: string }, M extends { id: string }> {
  entity: EntityTarget<E>;
  entityType: string;
  toModel: (row: E) => M;
}

/** Inserts a new record and answers its model as stored, with the audit row that names it. */
export async function insertRecord<E extends { id: string }, M extends { id: string }>(
  m: EntityManager,
  kind: RecordKind<E, M>,
  row: E,
  action: string,
): Promise<Written<M>> {
  await m.insert(kind.entity, row as never);
  const after = kind.toModel(await m.findOneByOrFail(kind.entity, { id: row.id } as never));
  return { result: after, audit: { action, entityType: kind.entityType, entityId: row.id, after } };
}

/** A replay of a registration names the same record but shows its current state (never a stale balance). */
export function currentStateOf<E extends { id: string }, M extends { id: string }>(kind: RecordKind<E, M>) {
  return async (m: EntityManager, first: M): Promise<M> => kind.toModel(await m.findOneByOrFail(kind.entity, { id: first.id } as never));
}
