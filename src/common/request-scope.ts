import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { LoggerService } from '@nestjs/common';

interface RequestScope {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** The id of the request being served, for logs and error references; undefined outside a request. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

const VALID_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an id of our own (it goes into audit rows, so a client cannot choose it), echoes it in
 * X-Request-Id and logs the outcome. A client's own X-Request-Id is logged beside it for correlation.
 */
export function requestScopeMiddleware(logger: LoggerService) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.header('x-request-id');
    const clientRequestId = incoming && VALID_ID.test(incoming) ? incoming : undefined;
    const requestId = randomUUID();
    (req as Request & { requestId: string }).requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
      logger.log({ msg: 'request', requestId, clientRequestId, method: req.method, path: req.path, status: res.statusCode, durationMs }, 'Http');
    });
    storage.run({ requestId }, () => next());
  };
}
