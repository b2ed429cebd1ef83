import type { EntityManager } from 'typeorm';
import {
  datingProblem,
  lowestBalanceFromSorted,
  movementOf,
  overBalanceProblem,
  overPrincipalProblem,
  toCents,
  type LedgerEvent,
  type LedgerProblem,
  type LoanEventKind,
  type Movement,
} from '../loan-ledger.js';

/**
 * What an import run knows of each loan's ledger between batches, so an event costs O(1) when the file is in date
 * order: the running totals (cents) and the latest event date. The loan's history is read only when a back-dated
 * repayment needs the later events, and then kept up to date.
 */
export class LoanPosition {
  /** The latest event date; null when the loan has no event. */
  latestOn: string | null = null;
  /** Every movement of the loan, sorted by date; null until a back-dated repayment needs it. */
  history: Movement[] | null = null;

  constructor(
    readonly id: string,
    readonly principal: string,
    readonly signedOn: string,
    readonly maturityOn: string,
    public disbursed: bigint,
    public repaid: bigint,
  ) {}

  /** A repayment dated before the latest event is checked against the events after it. */
  isBackDated(on: string): boolean {
    return this.latestOn !== null && on < this.latestOn;
  }

  /** The API's verdict on the event, given everything recorded so far. */
  problem(kind: LoanEventKind, amount: string, on: string): LedgerProblem | null {
    const dating = datingProblem(this, kind, on);
    if (dating) return dating;
    if (kind === 'DISBURSEMENT') return overPrincipalProblem(this.principal, this.disbursed, amount);
    const current = this.disbursed - this.repaid;
    if (!this.isBackDated(on)) return overBalanceProblem(current, amount, on);
    if (!this.history) throw new Error(`loan ${this.id}: the history of a back-dated repayment was not loaded`);
    return overBalanceProblem(lowestBalanceFromSorted(current, this.history, on), amount, on);
  }

  apply(event: LedgerEvent): void {
    const movement = movementOf(event);
    if (movement.net > 0n) this.disbursed += movement.net;
    else this.repaid -= movement.net;
    if (this.latestOn === null || event.on > this.latestOn) this.latestOn = event.on;
    const history = this.history;
    if (!history) return;
    // After the last event of its date (the order within a date does not change any balance).
    let lo = 0;
    let hi = history.length;
    if (hi === 0 || history[hi - 1].on <= event.on) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (history[mid].on <= event.on) lo = mid + 1;
      else hi = mid;
    }
    history.splice(lo, 0, movement);
  }
}

/** A loan as the importer locks it for a batch. */
export interface LockedLoan {
  id: string;
  contract_number: string;
  principal: string;
  signed_on: string;
  maturity_on: string;
  disbursed_total: string;
  repaid_total: string;
}

export class LoanPositions {
  private readonly byId = new Map<string, LoanPosition>();

  /**
   * The positions of the loans a batch just locked. One is trusted again only while the loan's totals are what the
   * run last saw: every event raises one of them, so an event recorded meanwhile (through the API) shows.
   */
  async refresh(m: EntityManager, locked: readonly LockedLoan[]): Promise<Map<string, LoanPosition>> {
    const byContract = new Map<string, LoanPosition>();
    const fresh: LoanPosition[] = [];
    for (const l of locked) {
      const disbursed = toCents(l.disbursed_total);
      const repaid = toCents(l.repaid_total);
      let position = this.byId.get(l.id);
      if (!position || position.disbursed !== disbursed || position.repaid !== repaid) {
        position = new LoanPosition(l.id, l.principal, l.signed_on, l.maturity_on, disbursed, repaid);
        this.byId.set(l.id, position);
        fresh.push(position);
      }
      byContract.set(l.contract_number, position);
    }
    if (fresh.length) {
      // max() per loan walks the (loan_id, occurred_on) index from its end: one row per loan, however long its history.
      const latest: { id: string; latest: string | null }[] = await m.query(
        `SELECT u.id, (SELECT max(e.occurred_on)::text FROM loan_event e WHERE e.loan_id = u.id) AS latest FROM unnest($1::uuid[]) AS u(id)`,
        [fresh.map((p) => p.id)],
      );
      for (const r of latest) this.byId.get(r.id)!.latestOn = r.latest;
    }
    return byContract;
  }

  /** Reads the histories of these loans (those without one yet), in one query. */
  async loadHistories(m: EntityManager, positions: readonly LoanPosition[]): Promise<void> {
    const missing = positions.filter((p) => !p.history);
    if (!missing.length) return;
    const rows: { loan_id: string; kind: LoanEventKind; amount: string; on: string }[] = await m.query(
      `SELECT loan_id, kind, amount::text AS amount, occurred_on::text AS "on" FROM loan_event WHERE loan_id = ANY($1::uuid[]) ORDER BY occurred_on`,
      [missing.map((p) => p.id)],
    );
    for (const p of missing) p.history = [];
    for (const r of rows) this.byId.get(r.loan_id)!.history!.push(movementOf(r));
  }

  /** After a write: the totals as the database now has them. */
  settle(id: string, disbursedTotal: string, repaidTotal: string): void {
    const position = this.byId.get(id)!;
    position.disbursed = toCents(disbursedTotal);
    position.repaid = toCents(repaidTotal);
  }
}
