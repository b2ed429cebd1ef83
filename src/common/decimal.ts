import { Decimal } from 'decimal.js';
import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { AppError } from './errors.js';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/** One configured decimal type for all arithmetic: exact up to 60 significant digits, never floats. */
export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -60, toExpPos: 60 });
export type Dec = Decimal;

/** Column shapes of the contract. */
export const MONEY = { precision: 20, scale: 2 } as const;
export const RATE = { precision: 9, scale: 6 } as const;
export const QUANTITY = { precision: 24, scale: 6 } as const;
export interface DecimalShape {
  precision: number;
  scale: number;
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

function parseDecimalString(value: unknown): string {
  if (typeof value !== 'string') {
    throw new GraphQLError('Decimal must be a JSON string such as "1234.56", not a number');
  }
  const s = value.trim();
  if (!PLAIN_DECIMAL.test(s)) {
    throw new GraphQLError(`Decimal "${value.slice(0, 40)}" is not a plain decimal (digits, an optional "." and decimals; no exponent)`);
  }
  return new Dec(s).toFixed();
}

/**
 * `Decimal`: exact numbers travel as JSON strings. JSON numbers, exponent forms and non-finite values are rejected
 * here; the number of decimals a field allows is checked by `@IsDecimalString` on the input field.
 */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number, as a JSON string such as "12345678901234567.89".',
  serialize(value: unknown): string {
    // NUMERIC columns arrive as plain strings; anything else is written out plainly (never in exponent form).
    if (typeof value === 'string') return PLAIN_DECIMAL.test(value) ? value : new Dec(value).toFixed();
    if (Decimal.isDecimal(value)) return (value as Decimal).toFixed();
    if (typeof value === 'bigint') return value.toString();
    throw new GraphQLError('Decimal cannot represent a non-decimal value');
  },
  parseValue: parseDecimalString,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Decimal must be a string literal such as "1234.56"');
    return parseDecimalString(ast.value);
  },
});

export interface DecimalRule extends DecimalShape {
  /** Smallest allowed value (inclusive) unless `exclusiveMin` is set. */
  min?: string;
  exclusiveMin?: boolean;
  max?: string;
}

/** Checks a decimal string fits its column (integer digits and decimals) and lies in range. */
export function decimalProblem(value: unknown, rule: DecimalRule): string | null {
  if (typeof value !== 'string' || !PLAIN_DECIMAL.test(value)) return 'must be a decimal string';
  const d = new Dec(value);
  if (d.decimalPlaces() > rule.scale) return `must have at most ${rule.scale} decimal places`;
  const intDigits = d.abs().truncated().toFixed().replace(/^0$/, '').length;
  if (intDigits > rule.precision - rule.scale) return `must have at most ${rule.precision - rule.scale} digits before the decimal point`;
  if (rule.min !== undefined) {
    const cmp = d.comparedTo(rule.min);
    if (rule.exclusiveMin ? cmp <= 0 : cmp < 0) return `must be ${rule.exclusiveMin ? 'greater than' : 'at least'} ${rule.min}`;
  }
  if (rule.max !== undefined && d.comparedTo(rule.max) > 0) return `must be at most ${rule.max}`;
  return null;
}

export function IsDecimalString(rule: DecimalRule, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isDecimalString',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => decimalProblem(value, rule) === null,
        defaultMessage: (args) => decimalProblem(args?.value, rule) ?? 'is not a valid decimal',
      },
    });
}

/**
 * For a plain `Decimal` argument (not a field of an input class): checks it fits its column and range, naming the
 * argument, e.g. `@Args('amount', { type: () => DecimalScalar }, new DecimalArg({ ...MONEY, min: '0', exclusiveMin: true }))`.
 */
export class DecimalArg implements PipeTransform<unknown, string> {
  constructor(private readonly rule: DecimalRule) {}

  transform(value: unknown, metadata: ArgumentMetadata): string {
    const problem = decimalProblem(value, this.rule);
    if (problem) throw AppError.field(metadata.data ?? 'value', problem);
    return value as string;
  }
}
