import { allocatedTotalAfter, allocationProblem, unallocatedOf } from './bond-proceeds.js';

describe('bond use of proceeds', () => {
  it('allows allocations up to the amount and refuses a cent more, saying what is left', () => {
    const bond = { amount: '100.00', allocatedTotal: '60.00' };
    expect(unallocatedOf(bond).toFixed(2)).toBe('40.00');
    expect(allocationProblem(bond, '40.00')).toBeNull();
    expect(allocationProblem(bond, '40.01')).toBe("Allocating 40.01 would exceed the bond's amount of 100.00: 40.00 is unallocated");
    expect(allocatedTotalAfter(bond, '40')).toBe('100.00');
  });

  it('is exact with the largest amounts the columns hold', () => {
    const bond = { amount: '99999999999999999.99', allocatedTotal: '99999999999999999.98' };
    expect(unallocatedOf(bond).toFixed(2)).toBe('0.01');
    expect(allocationProblem(bond, '0.01')).toBeNull();
    expect(allocationProblem(bond, '0.02')).not.toBeNull();
    expect(allocatedTotalAfter(bond, '0.01')).toBe('99999999999999999.99');
  });
});
