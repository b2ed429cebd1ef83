import { registerEnumType } from '@nestjs/graphql';
import { newRequestCache, type RequestCache } from './request-cache.js';

export enum OrganizationKind {
  BANK = 'BANK',
  ENTERPRISE = 'ENTERPRISE',
  REGULATOR = 'REGULATOR',
  VERIFIER = 'VERIFIER',
}
registerEnumType(OrganizationKind, { name: 'OrganizationKind' });

export enum UserRole {
  /** Administers its organisation: users and API keys. */
  ORG_ADMIN = 'ORG_ADMIN',
  STAFF = 'STAFF',
}
registerEnumType(UserRole, { name: 'UserRole' });

/** Who is acting: a user, or an organisation's system through an API key. */
export interface Actor {
  userId: string | null;
  apiKeyId: string | null;
  organizationId: string;
  organizationKind: OrganizationKind;
  role: UserRole;
}

/** Passed first to every service call: the actor, the request it acts in, and that request's loaders. */
export interface RequestContext {
  actor: Actor;
  requestId: string;
  cache: RequestCache;
}

/** A context for work outside an HTTP request (command-line tools, start-up). */
export function systemContext(actor: Actor, requestId: string): RequestContext {
  return { actor, requestId, cache: newRequestCache() };
}
