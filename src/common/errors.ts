import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { LoggerService } from '@nestjs/common';
import { currentRequestId } from './request-scope.js';

/** The error codes of the API contract; clients switch on these. */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  INVALID_STATE_TRANSITION = 'INVALID_STATE_TRANSITION',
  INSUFFICIENT_BALANCE = 'INSUFFICIENT_BALANCE',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  RATE_LIMITED = 'RATE_LIMITED',
  INTERNAL = 'INTERNAL',
}

export interface FieldError {
  /** Dotted path of the offending input field, e.g. `input.principal`. */
  path: string;
  message: string;
}

/** An expected rejection. Its message is written for the client and reaches it unchanged. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badInput(fields: FieldError[], message?: string): AppError {
    return new AppError(ErrorCode.BAD_USER_INPUT, message ?? fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields);
  }
  static field(path: string, message: string): AppError {
    return AppError.badInput([{ path, message }]);
  }
  static notFound(what: string): AppError {
    return new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
  }
  static forbidden(message = 'You are not allowed to do this'): AppError {
    return new AppError(ErrorCode.FORBIDDEN, message);
  }
  static unauthenticated(message = 'Authentication required'): AppError {
    return new AppError(ErrorCode.UNAUTHENTICATED, message);
  }
  static conflict(message: string): AppError {
    return new AppError(ErrorCode.CONFLICT, message);
  }
}

// Codes the GraphQL server itself attaches to malformed requests: all are the client's input.
const CLIENT_INPUT_CODES = new Set(['BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_SUPPORTED']);

interface DatabaseError {
  code?: string;
}

/**
 * Database refusals a service should have caught first: answered with a plain code and message (no SQL, no names),
 * and logged, since each one marks a missing check.
 */
const DATABASE_ANSWERS: Record<string, { code: ErrorCode; message: string }> = {
  '23505': { code: ErrorCode.CONFLICT, message: 'A record with the same identifying values already exists' },
  '23503': { code: ErrorCode.CONFLICT, message: 'The change refers to a record that does not exist, or one that is still referred to' },
  '23514': { code: ErrorCode.BAD_USER_INPUT, message: 'A value is outside its allowed range' },
  '23502': { code: ErrorCode.BAD_USER_INPUT, message: 'A required value is missing' },
  '22003': { code: ErrorCode.BAD_USER_INPUT, message: 'A number is too large for its field' },
  '22P02': { code: ErrorCode.BAD_USER_INPUT, message: 'A value has the wrong form' },
  '22007': { code: ErrorCode.BAD_USER_INPUT, message: 'A date or time has the wrong form' },
  '22008': { code: ErrorCode.BAD_USER_INPUT, message: 'A date or time is out of range' },
  '40001': { code: ErrorCode.CONFLICT, message: 'A concurrent change got in the way; retry' },
  '40P01': { code: ErrorCode.CONFLICT, message: 'A concurrent change got in the way; retry' },
};

// Apollo's message for a variable that its type or scalar refused.
const VARIABLE_ERROR = /^Variable "\$([A-Za-z_]\w*)" got invalid value .*?(?: at "([^"]+)")?; (.*)$/s;

/** Names the offending variable (and its inner path) for type and scalar errors, as far as the message tells. */
function variableFields(message: string): FieldError[] | undefined {
  const m = VARIABLE_ERROR.exec(message);
  if (!m) return undefined;
  return [{ path: m[2] ?? m[1], message: m[3] }];
}

/**
 * The one place errors become client answers. Expected rejections keep their code and message; anything else is
 * logged with the request id and answered as INTERNAL carrying only that id.
 */
export function createErrorFormatter(logger: LoggerService) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

    if (original instanceof AppError) {
      return {
        ...base,
        message: original.message,
        extensions: { code: original.code, ...(original.fields ? { fields: original.fields } : {}) },
      };
    }
    const serverCode = formatted.extensions?.code;
    const clientInput =
      (original instanceof GraphQLError && typeof serverCode === 'string' && CLIENT_INPUT_CODES.has(serverCode)) ||
      // A request-level GraphQL error (parse, validation, a scalar rejecting a literal): the client's input.
      (original instanceof GraphQLError && !original.originalError && !formatted.path);
    if (clientInput) {
      const fields = variableFields(formatted.message);
      return { ...base, extensions: { code: ErrorCode.BAD_USER_INPUT, ...(fields ? { fields } : {}) } };
    }
    const requestId = currentRequestId();
    const dbCode = (original as DatabaseError | undefined)?.code;
    const answer = typeof dbCode === 'string' ? DATABASE_ANSWERS[dbCode] : undefined;
    if (answer) {
      logger.warn({ msg: 'database refused a change a check should have caught', requestId, path: formatted.path, dbCode, error: original }, 'GraphQL');
      return { message: answer.message, path: formatted.path, extensions: { code: answer.code, ...(requestId ? { requestId } : {}) } };
    }
    logger.error({ msg: 'unexpected error', requestId, path: formatted.path, error: original }, 'GraphQL');
    return {
      message: `Internal error${requestId ? ` (reference ${requestId})` : ''}`,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL, ...(requestId ? { requestId } : {}) },
    };
  };
}
