import { Dec } from '../common/decimal.js';

/**
 * The arithmetic of a bond's use of proceeds (ICMA Green Bond Principles): Σ allocations ≤ amount, and what is left
 * is amount − Σ allocations. Pure, so it is unit-tested; the service runs it under the bond's row lock.
 */
export function unallocatedOf(bond: { amount: string; allocatedTotal: string }): Dec {
  return new Dec(bond.amount).minus(bond.allocatedTotal);
}

/** Why `amount` cannot be allocated from the bond, or null. */
export function allocationProblem(bond: { amount: string; allocatedTotal: string }, amount: string): string | null {
  const left = unallocatedOf(bond);
  if (new Dec(amount).gt(left)) {
    return `Allocating ${amount} would exceed the bond's amount of ${new Dec(bond.amount).toFixed(2)}: ${left.toFixed(2)} is unallocated`;
  }
  return null;
}

/** The allocated total after allocating `amount`, as the column holds it. */
export function allocatedTotalAfter(bond: { allocatedTotal: string }, amount: string): string {
  return new Dec(bond.allocatedTotal).plus(amount).toFixed(2);
}
