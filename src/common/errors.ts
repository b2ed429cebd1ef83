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
    if (original instanceof GraphQLError && typeof serverCode === 'string' && CLIENT_INPUT_CODES.has(serverCode)) {
      return { ...base, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    if (original instanceof GraphQLError && !original.originalError && !formatted.path) {
      // A request-level GraphQL error (parse, validation, a scalar rejecting a literal): the client's input.
      return { ...base, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    if ((original as DatabaseError)?.code === '23505') {
      return { ...base, message: 'A record with the same identifying values already exists', extensions: { code: ErrorCode.CONFLICT } };
    }
    const requestId = currentRequestId();
    logger.error({ msg: 'unexpected error', requestId, path: formatted.path, error: original }, 'GraphQL');
    return {
      message: `Internal error${requestId ? ` (reference ${requestId})` : ''}`,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL, ...(requestId ? { requestId } : {}) },
    };
  };
}
