import fc from 'fast-check';
import { disbursementProblem, lowestBalanceFrom, lowestBalanceFromSorted, movementOf, repaymentProblem, toCents, totalsAsOf, type LedgerEvent } from './loan-ledger.js';

/*
 * An independent model: amounts as integer cents (BigInt), every day of the period walked one by one. The ledger
 * under test uses decimals and looks only at event dates; both must agree on every sequence.
 */
const DAY0 = Date.UTC(2024, 0, 1);
const day = (n: number) => new Date(DAY0 + n * 86_400_000).toISOString().slice(0, 10);
const fmt = (c: bigint) => {
  const neg = c < 0n;
  const a = (neg ? -c : c).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${a.slice(0, -2)}.${a.slice(-2)}`;
};

interface ModelEvent {
  kind: 'DISBURSEMENT' | 'REPAYMENT';
  cents: bigint;
  day: number;
}
function modelBalance(events: ModelEvent[], onDay: number): bigint {
  return events.reduce((b, e) => (e.day <= onDay ? (e.kind === 'DISBURSEMENT' ? b + e.cents : b - e.cents) : b), 0n);
}
const HORIZON = 60;

describe('loan ledger against an independent model', () => {
  const attempt = fc.record({
    kind: fc.constantFrom<'DISBURSEMENT' | 'REPAYMENT'>('DISBURSEMENT', 'REPAYMENT'),
    cents: fc.bigInt({ min: 1n, max: 5_000_00n }),
    day: fc.integer({ min: 0, max: HORIZON }),
  });

  it('accepts exactly the events that keep every day non-negative and drawings within the principal', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1_00n, max: 20_000_00n }), fc.integer({ min: 0, max: 10 }), fc.array(attempt, { maxLength: 40 }), (principalCents, signedDay, attempts) => {
        const loan = { principal: fmt(principalCents), signedOn: day(signedDay) };
        const accepted: ModelEvent[] = [];
        const ledger: LedgerEvent[] = [];
        for (const a of attempts) {
          // The model's verdict: walk every day from the event's date to the horizon.
          let modelOk = a.day >= signedDay;
          if (modelOk && a.kind === 'DISBURSEMENT') {
            const drawn = accepted.filter((e) => e.kind === 'DISBURSEMENT').reduce((s, e) => s + e.cents, 0n);
            modelOk = drawn + a.cents <= principalCents;
          }
          if (modelOk && a.kind === 'REPAYMENT') {
            for (let d = a.day; d <= HORIZON && modelOk; d++) modelOk = modelBalance(accepted, d) - a.cents >= 0n;
          }
          const amount = fmt(a.cents);
          const on = day(a.day);
          const problem = a.kind === 'DISBURSEMENT' ? disbursementProblem(loan, ledger, amount, on) : repaymentProblem(loan, ledger, amount, on);
          expect(problem === null).toBe(modelOk);
          if (modelOk) {
            accepted.push(a);
            ledger.push({ kind: a.kind, amount, on });
          }
        }
        // Balances agree on every day, and are never negative.
        for (let d = 0; d <= HORIZON; d++) {
          const b = totalsAsOf(ledger, day(d)).outstanding;
          expect(b.toFixed(2)).toBe(fmt(modelBalance(accepted, d)));
          expect(b.isNegative()).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('computes the lowest balance from a date on', () => {
    const events: LedgerEvent[] = [
      { kind: 'DISBURSEMENT', amount: '100.00', on: '2024-01-10' },
      { kind: 'REPAYMENT', amount: '80.00', on: '2024-03-01' },
      { kind: 'DISBURSEMENT', amount: '50.00', on: '2024-04-01' },
    ];
    expect(lowestBalanceFrom(events, '2024-01-01').toFixed(2)).toBe('0.00');
    expect(lowestBalanceFrom(events, '2024-02-01').toFixed(2)).toBe('20.00');
    expect(lowestBalanceFrom(events, '2024-05-01').toFixed(2)).toBe('70.00');
    // A back-dated repayment of 30 on 2024-02-01 would leave -10 on 2024-03-01.
    expect(repaymentProblem({ signedOn: '2024-01-01' }, events, '30.00', '2024-02-01')?.kind).toBe('OVER_BALANCE');
    expect(repaymentProblem({ signedOn: '2024-01-01' }, events, '20.00', '2024-02-01')).toBeNull();
  });

  it('is exact with the largest amounts the columns hold', () => {
    const events: LedgerEvent[] = [{ kind: 'DISBURSEMENT', amount: '99999999999999999.99', on: '2024-01-02' }];
    expect(totalsAsOf(events).outstanding.toFixed(2)).toBe('99999999999999999.99');
    expect(repaymentProblem({ signedOn: '2024-01-01' }, events, '99999999999999999.99', '2024-01-03')).toBeNull();
    expect(disbursementProblem({ principal: '99999999999999999.99', signedOn: '2024-01-01' }, events, '0.01', '2024-01-03')?.kind).toBe('OVER_PRINCIPAL');
  });

  it('finds the same lowest balance from today’s balance and only the later events, as the API and the import use it', () => {
    const event = fc.record({
      kind: fc.constantFrom<'DISBURSEMENT' | 'REPAYMENT'>('DISBURSEMENT', 'REPAYMENT'),
      cents: fc.bigInt({ min: 1n, max: 5_000_00n }),
      day: fc.integer({ min: 0, max: HORIZON }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.integer({ min: 0, max: HORIZON }), (drawn, fromDay) => {
        const events: LedgerEvent[] = drawn.map((e) => ({ kind: e.kind, amount: fmt(e.cents), on: day(e.day) }));
        const from = day(fromDay);
        const current = toCents(totalsAsOf(events).outstanding.toFixed(2));
        const later = events.map(movementOf).filter((m) => m.on > from).sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
        // The model: the lowest of the balances on `from` and on every later day.
        let lowest: bigint | null = null;
        for (let d = fromDay; d <= HORIZON; d++) {
          const b = modelBalance(drawn, d);
          if (lowest === null || b < lowest) lowest = b;
        }
        expect(fmt(lowestBalanceFromSorted(current, later, from))).toBe(fmt(lowest!));
        expect(lowestBalanceFrom(events, from).toFixed(2)).toBe(fmt(lowest!));
      }),
      { numRuns: 300 },
    );
  });

  it('reads each event a bounded number of times, however long the history (no re-summing per date)', () => {
    const n = 2000;
    const events: LedgerEvent[] = Array.from({ length: n }, (_, i) => ({
      kind: i < n / 2 ? 'DISBURSEMENT' : 'REPAYMENT',
      amount: i < n / 2 ? '100.00' : '50.00',
      on: day(i),
    }));
    let reads = 0;
    const counted = new Proxy(events, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const loan = { principal: '1000000.00', signedOn: day(0) };
    // Back-dated to the first day, so every later date is a candidate for the lowest balance.
    for (const check of [
      () => repaymentProblem(loan, counted, '1.00', day(0)),
      () => lowestBalanceFrom(counted, day(0)),
      () => disbursementProblem(loan, counted, '1.00', day(n)),
      () => totalsAsOf(counted, day(n / 2)),
    ]) {
      reads = 0;
      check();
      expect(reads).toBeLessThanOrEqual(4 * n);
    }
    // The answers stay right: 100.00 is drawn on the first day; 50,000.00 stays outstanding from the last drawing on.
    expect(repaymentProblem(loan, counted, '100.00', day(0))).toBeNull();
    expect(repaymentProblem(loan, counted, '100.01', day(0))?.kind).toBe('OVER_BALANCE');
    expect(repaymentProblem(loan, counted, '50000.00', day(n / 2 - 1))).toBeNull();
    expect(repaymentProblem(loan, counted, '50000.01', day(n / 2 - 1))?.message).toMatch(/at most 50000.00 can be repaid/);
  });
});
