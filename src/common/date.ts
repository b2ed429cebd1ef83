import { registerDecorator } from 'class-validator';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) throw new GraphQLError('Date must be a calendar date written YYYY-MM-DD');
  return value;
}

/** `Date`: a calendar day with no time zone, `YYYY-MM-DD` (columns of type `date` are read as strings). */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize(value: unknown): string {
    if (typeof value === 'string' && isIsoDate(value)) return value;
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    throw new GraphQLError('Date cannot represent this value');
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Date must be a string YYYY-MM-DD');
    return parseDate(ast.value);
  },
});

/**
 * Marks a `Date` input field for class-validator. The scalar has already checked the value; the decorator is needed
 * because the validation pipe drops every input property that carries none.
 */
export function IsIsoDate() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIsoDate',
      target: target.constructor,
      propertyName,
      validator: { validate: (v: unknown) => typeof v === 'string' && isIsoDate(v), defaultMessage: () => 'must be a date YYYY-MM-DD' },
    });
}
