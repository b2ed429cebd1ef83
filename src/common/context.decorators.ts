import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { AppError } from './errors.js';
import { newRequestCache, type RequestCache } from './request-cache.js';
import type { Actor, RequestContext } from './actor.js';

export const IS_PUBLIC = 'registry:isPublic';
/** Opens an operation to unauthenticated callers; everything else is denied without credentials. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export type AuthenticatedRequest = Request & { requestId?: string; actor?: Actor | null; cache?: RequestCache };

export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}

/** The acting party and request id, for the service call. */
/** The factory behind `@Ctx()`, named so the lean field installer can recognise the decorator. */
export const ctxFactory = (_data: unknown, context: ExecutionContext): RequestContext => requestContextOf(requestOf(context));
export const Ctx = createParamDecorator(ctxFactory);

/** The request context of an authenticated request (also for resolvers that bypass the decorators: see lean-fields). */
export function requestContextOf(req: AuthenticatedRequest): RequestContext {
  if (!req.actor) throw AppError.unauthenticated();
  return { actor: req.actor, requestId: req.requestId ?? 'unknown', cache: (req.cache ??= newRequestCache()) };
}

/** The request id alone, for public operations. */
export const RequestId = createParamDecorator((_data: unknown, context: ExecutionContext): string => requestOf(context).requestId ?? 'unknown');

/** The caller's network address (the socket's; proxies' headers are not trusted). */
export const ClientAddress = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const req = requestOf(context);
  return req.socket?.remoteAddress ?? 'unknown';
});
