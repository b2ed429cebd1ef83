import { Dec } from '../common/decimal.js';

/**
 * The arithmetic of a loan's money: events in, balances and verdicts out. Pure, so it is tested against an
 * independent model; the service runs it on the events it loaded under the loan's row lock.
 */
export type LoanEventKind = 'DISBURSEMENT' | 'REPAYMENT';

export interface LedgerEvent {
  kind: LoanEventKind;
  /** Decimal string. */
  amount: string;
  /** YYYY-MM-DD; ISO dates compare correctly as strings. */
  on: string;
}

export interface LedgerTotals {
  disbursed: Dec;
  repaid: Dec;
  outstanding: Dec;
}

/** Σ disbursed on or before `asOf` − Σ repaid on or before `asOf` (all events when `asOf` is omitted). */
export function totalsAsOf(events: readonly LedgerEvent[], asOf?: string): LedgerTotals {
  let disbursed = new Dec(0);
  let repaid = new Dec(0);
  for (const e of events) {
    if (asOf !== undefined && e.on > asOf) continue;
    if (e.kind === 'DISBURSEMENT') disbursed = disbursed.plus(e.amount);
    else repaid = repaid.plus(e.amount);
  }
  return { disbursed, repaid, outstanding: disbursed.minus(repaid) };
}

/** The lowest balance the loan has on any day from `from` on, given its events. */
export function lowestBalanceFrom(events: readonly LedgerEvent[], from: string): Dec {
  // The balance only changes on event dates, so it is enough to look at `from` and every later event date.
  const dates = [...new Set([from, ...events.map((e) => e.on).filter((d) => d > from)])].sort();
  let lowest: Dec | null = null;
  for (const d of dates) {
    const b = totalsAsOf(events, d).outstanding;
    if (lowest === null || b.lt(lowest)) lowest = b;
  }
  return lowest ?? new Dec(0);
}

export type LedgerProblem =
  | { kind: 'BEFORE_SIGNING'; message: string }
  | { kind: 'AFTER_MATURITY'; message: string }
  | { kind: 'OVER_PRINCIPAL'; message: string }
  | { kind: 'OVER_BALANCE'; message: string };

/** Why a disbursement cannot be recorded, or null. Cumulative disbursements never exceed the principal. */
export function disbursementProblem(
  loan: { principal: string; signedOn: string; maturityOn?: string },
  events: readonly LedgerEvent[],
  amount: string,
  on: string,
): LedgerProblem | null {
  if (on < loan.signedOn) return { kind: 'BEFORE_SIGNING', message: `must not be before the signing date ${loan.signedOn}` };
  if (loan.maturityOn && on > loan.maturityOn) return { kind: 'AFTER_MATURITY', message: `must not be after the maturity date ${loan.maturityOn}` };
  const { disbursed } = totalsAsOf(events);
  const undrawn = new Dec(loan.principal).minus(disbursed);
  if (new Dec(amount).gt(undrawn)) {
    return { kind: 'OVER_PRINCIPAL', message: `Disbursing ${amount} would exceed the principal: ${undrawn.toFixed(2)} is left to draw` };
  }
  return null;
}

/**
 * Why a repayment cannot be recorded, or null. A repayment lowers the balance from its date on, so it must fit the
 * lowest balance from that date on: a back-dated repayment is checked against the whole later history.
 */
export function repaymentProblem(loan: { signedOn: string }, events: readonly LedgerEvent[], amount: string, on: string): LedgerProblem | null {
  if (on < loan.signedOn) return { kind: 'BEFORE_SIGNING', message: `must not be before the signing date ${loan.signedOn}` };
  const room = lowestBalanceFrom(events, on);
  if (new Dec(amount).gt(room)) {
    return {
      kind: 'OVER_BALANCE',
      message: `Repaying ${amount} on ${on} would take the balance below zero: at most ${Dec.max(room, 0).toFixed(2)} can be repaid on that date`,
    };
  }
  return null;
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
