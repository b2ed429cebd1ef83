import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors.js';
import { OrganizationKind, UserRole, type Actor } from './actor.js';

/**
 * The one place that decides what an actor may do. Services call it before acting, because guards do not run on
 * field resolvers. Features add their rules here, so "who may do what" reads in one file.
 */
@Injectable()
export class AccessPolicy {
  isRegulator(actor: Actor): boolean {
    return actor.organizationKind === OrganizationKind.REGULATOR;
  }

  isOrgAdmin(actor: Actor): boolean {
    return actor.role === UserRole.ORG_ADMIN && actor.userId !== null;
  }

  assertRegulator(actor: Actor): void {
    if (!this.isRegulator(actor)) throw AppError.forbidden('Only the regulator may do this');
  }

  /** Organisations are created by the regulator's administrators. */
  assertCanCreateOrganization(actor: Actor): void {
    if (!(this.isRegulator(actor) && this.isOrgAdmin(actor))) {
      throw AppError.forbidden("Only the regulator's administrators may create organisations");
    }
  }

  /** A regulator administrator creates users anywhere; an organisation's administrator, in its own organisation. */
  assertCanCreateUser(actor: Actor, organizationId: string): void {
    if (!this.isOrgAdmin(actor)) throw AppError.forbidden('Only administrators may create users');
    if (!this.isRegulator(actor) && actor.organizationId !== organizationId) {
      throw AppError.forbidden('Administrators may create users in their own organisation only');
    }
  }

  /** API keys belong to an organisation and are managed by a user who administers it (never by another key). */
  assertCanManageApiKeys(actor: Actor): void {
    if (!this.isOrgAdmin(actor)) throw AppError.forbidden("Only an organisation's administrators may manage its API keys");
  }

  /** Whether the actor may see a record owned by `organizationId`; a record it may not see is reported as missing. */
  ownsOrRegulates(actor: Actor, organizationId: string): boolean {
    return this.isRegulator(actor) || actor.organizationId === organizationId;
  }
}
