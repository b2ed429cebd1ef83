import type { EntityManager } from 'typeorm';
import { newId } from '../common/ids.js';
import { formatCents, toCents, type LoanEventKind } from './loan-ledger.js';

/** An accepted disbursement or repayment, to be written. */
export interface LedgerEntry {
  loanId: string;
  kind: LoanEventKind;
  /** Decimal string, at most 2 decimals. */
  amount: string;
  /** YYYY-MM-DD. */
  on: string;
  /** The bank's own reference (bulk import), unique per loan. */
  externalRef?: string | null;
}

/** Who recorded the entries (an API call). Without one (the bulk import) they name nobody and carry the database's time. */
export interface LedgerRecorder {
  userId: string | null;
  apiKeyId: string | null;
  at: Date;
}

export interface LoanRunningTotals {
  disbursedTotal: string;
  repaidTotal: string;
  updatedAt: Date;
}

export interface WrittenEntries {
  /** The new events' ids, in the order of the entries. */
  ids: string[];
  /** Each touched loan's running totals after the write. */
  totals: Map<string, LoanRunningTotals>;
}

const INSERT_EVENTS = `
  INSERT INTO loan_event (id, loan_id, kind, amount, occurred_on, external_ref, recorded_by_user_id, recorded_by_api_key_id, recorded_at)
  SELECT u.id, u.loan_id, u.kind, u.amount, u.occurred_on, u.external_ref, $7::uuid, $8::uuid, coalesce($9::timestamptz, now())
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::numeric[], $5::date[], $6::text[]) AS u(id, loan_id, kind, amount, occurred_on, external_ref)`;

// Increments, not absolute values: the caller's row locks make them exact, and the table's checks (disbursed ≤
// principal, repaid ≤ disbursed) stay a last line of defence.
const UPDATE_TOTALS = `
  UPDATE green_loan AS l
  SET disbursed_total = l.disbursed_total + u.disbursed, repaid_total = l.repaid_total + u.repaid, updated_at = coalesce($4::timestamptz, now())
  FROM unnest($1::uuid[], $2::numeric[], $3::numeric[]) AS u(id, disbursed, repaid)
  WHERE l.id = u.id
  RETURNING l.id, l.disbursed_total::text AS disbursed_total, l.repaid_total::text AS repaid_total, l.updated_at`;

/**
 * The one writer of a loan's ledger, for the API (one entry) and the bulk import (a batch over many loans): inserts
 * the events with one statement and moves each loan's running totals (`disbursed_total`, `repaid_total`,
 * `updated_at`) with another. The caller holds the loans' row locks and has checked every entry with the ledger's
 * rules (src/loans/loan-ledger.ts); this only writes.
 */
export async function writeLedgerEntries(m: EntityManager, entries: readonly LedgerEntry[], recorder: LedgerRecorder | null): Promise<WrittenEntries> {
  if (!entries.length) return { ids: [], totals: new Map() };
  const ids = entries.map(() => newId());
  await m.query(INSERT_EVENTS, [
    ids,
    entries.map((e) => e.loanId),
    entries.map((e) => e.kind),
    entries.map((e) => e.amount),
    entries.map((e) => e.on),
    entries.map((e) => e.externalRef ?? null),
    recorder?.userId ?? null,
    recorder?.apiKeyId ?? null,
    recorder?.at ?? null,
  ]);
  const deltas = new Map<string, { disbursed: bigint; repaid: bigint }>();
  for (const e of entries) {
    const d = deltas.get(e.loanId) ?? { disbursed: 0n, repaid: 0n };
    if (e.kind === 'DISBURSEMENT') d.disbursed += toCents(e.amount);
    else d.repaid += toCents(e.amount);
    deltas.set(e.loanId, d);
  }
  const loans = [...deltas.keys()];
  // TypeORM answers an UPDATE with [rows, affected count].
  const [rows]: [{ id: string; disbursed_total: string; repaid_total: string; updated_at: Date }[], number] = await m.query(UPDATE_TOTALS, [
    loans,
    loans.map((id) => formatCents(deltas.get(id)!.disbursed)),
    loans.map((id) => formatCents(deltas.get(id)!.repaid)),
    recorder?.at ?? null,
  ]);
  const totals = new Map(rows.map((r) => [r.id, { disbursedTotal: r.disbursed_total, repaidTotal: r.repaid_total, updatedAt: r.updated_at }]));
  return { ids, totals };
}
