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

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError('DateTime must be an ISO 8601 instant with a time zone, e.g. 2026-01-31T08:00:00Z');
  }
  return new Date(value);
}

/**
 * `DateTime`: an instant, written in UTC. Serialises a Date or an ISO string alike, so a result stored as JSON (an
 * idempotent replay) reads exactly as the first answer did.
 */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, ISO 8601 in UTC, e.g. 2026-01-31T08:00:00.000Z.',
  serialize(value: unknown): string {
    const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
    if (!d || Number.isNaN(d.getTime())) throw new GraphQLError('DateTime cannot represent this value');
    return d.toISOString();
  },
  parseValue: parseInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
    return parseInstant(ast.value);
  },
});
