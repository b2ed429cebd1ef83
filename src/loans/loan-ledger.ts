import { Dec } from '../common/decimal.js';

/**
 * The arithmetic of a loan's money: events in, balances and verdicts out. Pure, so it is tested against an
 * independent model. Sums are integer cents (bigint): exact, and cheap enough to run over a long history under the
 * loan's row lock. Every check is one pass over the events (plus a sort of those after the date in question).
 */
export type LoanEventKind = 'DISBURSEMENT' | 'REPAYMENT';

export interface LedgerEvent {
  kind: LoanEventKind;
  /** Decimal string, at most 2 decimals. */
  amount: string;
  /** YYYY-MM-DD; ISO dates compare correctly as strings. */
  on: string;
}

export interface LedgerTotals {
  disbursed: Dec;
  repaid: Dec;
  outstanding: Dec;
}

const MONEY_TEXT = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/** A money amount as integer cents. Amounts carry at most 2 decimals (the columns are NUMERIC(20,2)). */
export function toCents(amount: string): bigint {
  const m = MONEY_TEXT.exec(amount.trim());
  if (!m) throw new RangeError(`not an amount with at most 2 decimals: ${amount}`);
  const cents = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

/** Cents back to a decimal string with 2 decimals. */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const digits = (cents < 0n ? -cents : cents).toString().padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

const toDec = (cents: bigint) => new Dec(formatCents(cents));

/** What an event does to the balance, in cents: + disbursed, − repaid. */
export interface Movement {
  on: string;
  net: bigint;
}

export function movementOf(e: LedgerEvent): Movement {
  const cents = toCents(e.amount);
  return { on: e.on, net: e.kind === 'DISBURSEMENT' ? cents : -cents };
}

const byDate = (a: Movement, b: Movement) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0);

/** Σ disbursed on or before `asOf` − Σ repaid on or before `asOf` (all events when `asOf` is omitted). */
export function totalsAsOf(events: readonly LedgerEvent[], asOf?: string): LedgerTotals {
  let disbursed = 0n;
  let repaid = 0n;
  for (const e of events) {
    if (asOf !== undefined && e.on > asOf) continue;
    if (e.kind === 'DISBURSEMENT') disbursed += toCents(e.amount);
    else repaid += toCents(e.amount);
  }
  return { disbursed: toDec(disbursed), repaid: toDec(repaid), outstanding: toDec(disbursed - repaid) };
}

/**
 * The lowest balance on any day from `from` on, knowing the balance after every event (`current`: events are never
 * future-dated, so that is today's) and the movements sorted by date, of which only those dated after `from` are
 * read. The balance on a day d ≥ from is `current` minus the net of the events after d, and it only changes on event
 * dates, so one backward walk over the later movements finds the largest such net.
 */
export function lowestBalanceFromSorted(current: bigint, sorted: readonly Movement[], from: string): bigint {
  // The first movement dated after `from` (binary search: a chronological history is scanned only at its tail).
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].on <= from) lo = mid + 1;
    else hi = mid;
  }
  let after = 0n; // the net of the movements from index i on
  let largest = 0n; // the largest net after some candidate day (0 after the last event date)
  for (let i = sorted.length - 1; i >= lo; i--) {
    after += sorted[i].net;
    // A day's movements all count before its balance is taken: the net after the previous event date (or `from`).
    if (i === lo || sorted[i - 1].on !== sorted[i].on) {
      if (after > largest) largest = after;
    }
  }
  return current - largest;
}

/** One pass over the events (each read once), then a sort of those after `from`. */
function lowestCentsFrom(events: readonly LedgerEvent[], from: string): bigint {
  let current = 0n;
  const later: Movement[] = [];
  for (const e of events) {
    const m = movementOf(e);
    current += m.net;
    if (m.on > from) later.push(m);
  }
  later.sort(byDate);
  return lowestBalanceFromSorted(current, later, from);
}

/** The lowest balance the loan has on any day from `from` on, given its events (in any order). */
export function lowestBalanceFrom(events: readonly LedgerEvent[], from: string): Dec {
  return toDec(lowestCentsFrom(events, from));
}

export type LedgerProblem =
  | { kind: 'BEFORE_SIGNING'; message: string }
  | { kind: 'AFTER_MATURITY'; message: string }
  | { kind: 'OVER_PRINCIPAL'; message: string }
  | { kind: 'OVER_BALANCE'; message: string };

/** An event's date against the loan's term: not before signing; a disbursement not after maturity. */
export function datingProblem(loan: { signedOn: string; maturityOn?: string }, kind: LoanEventKind, on: string): LedgerProblem | null {
  if (on < loan.signedOn) return { kind: 'BEFORE_SIGNING', message: `must not be before the signing date ${loan.signedOn}` };
  if (kind === 'DISBURSEMENT' && loan.maturityOn && on > loan.maturityOn) {
    return { kind: 'AFTER_MATURITY', message: `must not be after the maturity date ${loan.maturityOn}` };
  }
  return null;
}

/** A disbursement against what was drawn so far (cents): cumulative disbursements never exceed the principal. */
export function overPrincipalProblem(principal: string, disbursed: bigint, amount: string): LedgerProblem | null {
  const undrawn = toCents(principal) - disbursed;
  if (toCents(amount) > undrawn) {
    return { kind: 'OVER_PRINCIPAL', message: `Disbursing ${amount} would exceed the principal: ${formatCents(undrawn)} is left to draw` };
  }
  return null;
}

/** A repayment against the lowest balance from its date on (cents). */
export function overBalanceProblem(room: bigint, amount: string, on: string): LedgerProblem | null {
  if (toCents(amount) > room) {
    return {
      kind: 'OVER_BALANCE',
      message: `Repaying ${amount} on ${on} would take the balance below zero: at most ${formatCents(room > 0n ? room : 0n)} can be repaid on that date`,
    };
  }
  return null;
}

/** Why a disbursement cannot be recorded, or null. Cumulative disbursements never exceed the principal. */
export function disbursementProblem(
  loan: { principal: string; signedOn: string; maturityOn?: string },
  events: readonly LedgerEvent[],
  amount: string,
  on: string,
): LedgerProblem | null {
  const dating = datingProblem(loan, 'DISBURSEMENT', on);
  if (dating) return dating;
  let disbursed = 0n;
  for (const e of events) if (e.kind === 'DISBURSEMENT') disbursed += toCents(e.amount);
  return overPrincipalProblem(loan.principal, disbursed, amount);
}

/**
 * Why a repayment cannot be recorded, or null. A repayment lowers the balance from its date on, so it must fit the
 * lowest balance from that date on: a back-dated repayment is checked against the whole later history.
 */
export function repaymentProblem(loan: { signedOn: string }, events: readonly LedgerEvent[], amount: string, on: string): LedgerProblem | null {
  return datingProblem(loan, 'REPAYMENT', on) ?? overBalanceProblem(lowestCentsFrom(events, on), amount, on);
}

export enum LoanStatusValue {
  SIGNED = 'SIGNED',
  DRAWN = 'DRAWN',
  REPAID = 'REPAID',
  MATURED = 'MATURED',
}

/**
 * Derived status on a date: SIGNED (nothing drawn), REPAID (drawn and repaid in full), MATURED (past maturity with a
 * balance still outstanding), else DRAWN.
 */
export function statusOf(totals: { disbursed: Dec; outstanding: Dec }, maturityOn: string, asOf: string): LoanStatusValue {
  if (totals.disbursed.isZero()) return LoanStatusValue.SIGNED;
  if (totals.outstanding.isZero()) return LoanStatusValue.REPAID;
  if (asOf > maturityOn) return LoanStatusValue.MATURED;
  return LoanStatusValue.DRAWN;
}
