import { DecimalScalar, decimalProblem, MONEY, QUANTITY, RATE } from './decimal.js';
import { Kind } from 'graphql';

describe('Decimal scalar', () => {
  it.each([
    ['12345678901234567.89', '12345678901234567.89'],
    ['0.10', '0.1'],
    ['-5', '-5'],
    ['007.50', '7.5'],
  ])('parses %s as %s', (input, out) => {
    expect(DecimalScalar.parseValue(input)).toBe(out);
  });

  it.each([[0.1], [1000], ['1e3'], ['1E-2'], ['NaN'], ['Infinity'], ['-Infinity'], [''], ['1.'], ['.5'], ['1,5'], [null], [true], [{}]])(
    'rejects %p',
    (input) => {
      expect(() => DecimalScalar.parseValue(input)).toThrow(/Decimal/);
    },
  );

  it('accepts only string literals', () => {
    expect(DecimalScalar.parseLiteral({ kind: Kind.STRING, value: '1.25' }, {})).toBe('1.25');
    expect(() => DecimalScalar.parseLiteral({ kind: Kind.FLOAT, value: '1.25' }, {})).toThrow();
    expect(() => DecimalScalar.parseLiteral({ kind: Kind.INT, value: '1' }, {})).toThrow();
  });

  it('serialises NUMERIC strings unchanged', () => {
    expect(DecimalScalar.serialize('99999999999999999.99')).toBe('99999999999999999.99');
    expect(() => DecimalScalar.serialize(0.1)).toThrow();
  });
});

describe('decimalProblem (column fit and range)', () => {
  it('checks decimals against the column scale', () => {
    expect(decimalProblem('1.005', MONEY)).toBe('must have at most 2 decimal places');
    expect(decimalProblem('1.00', MONEY)).toBeNull();
    expect(decimalProblem('1.000', MONEY)).toBeNull(); // same value, fits
    expect(decimalProblem('0.1234567', RATE)).toBe('must have at most 6 decimal places');
    expect(decimalProblem('0.123456', RATE)).toBeNull();
  });

  it('checks integer digits against precision minus scale', () => {
    expect(decimalProblem('999999999999999999.99', MONEY)).toBeNull();
    expect(decimalProblem('1000000000000000000', MONEY)).toBe('must have at most 18 digits before the decimal point');
    expect(decimalProblem('1000', RATE)).toBe('must have at most 3 digits before the decimal point');
    expect(decimalProblem('123456789012345678.123456', QUANTITY)).toBeNull();
    expect(decimalProblem('0.5', RATE)).toBeNull();
  });

  it('checks ranges exactly', () => {
    const positive = { ...MONEY, min: '0', exclusiveMin: true };
    expect(decimalProblem('0', positive)).toBe('must be greater than 0');
    expect(decimalProblem('0.01', positive)).toBeNull();
    const share = { ...RATE, min: '0', max: '1' };
    expect(decimalProblem('1.000001', share)).toBe('must be at most 1');
    expect(decimalProblem('-0.000001', share)).toBe('must be at least 0');
    expect(decimalProblem('1', share)).toBeNull();
  });
});
