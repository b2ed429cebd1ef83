import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors.js';
import { OrganizationKind, UserRole, type Actor } from '../common/actor.js';
import { RecordScope, type ScopeFields } from './record-scope.js';

/** Library states a lender or verifier may see: what is, or was, in the library — never an application in progress. */
export const LENDER_VISIBLE_STATUSES = ['ADMITTED', 'REMOVED'] as const;

/** Library records (enterprises, projects): who owns them and where they are in the inclusion workflow. */
export const LIBRARY_FIELDS = {
  owner: { column: 'organization_id', property: 'organizationId' },
  status: { column: 'status', property: 'status' },
} satisfies ScopeFields<string>;
export type LibraryScope = RecordScope<keyof typeof LIBRARY_FIELDS>;

/** Green loans: the lending bank and the borrower's organisation. */
export const LOAN_FIELDS = {
  bank: { column: 'bank_organization_id', property: 'bankOrganizationId' },
  borrower: { column: 'borrower_organization_id', property: 'borrowerOrganizationId' },
} satisfies ScopeFields<string>;
export type LoanScope = RecordScope<keyof typeof LOAN_FIELDS>;

/** Organisations, by their id. */
export const ORGANIZATION_FIELDS = { id: { column: 'id', property: 'id' } } satisfies ScopeFields<string>;
export type OrganizationScope = RecordScope<keyof typeof ORGANIZATION_FIELDS>;

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

  /**
   * Regulatory decisions (admitting, rejecting, removing, allowlisting, issuing) are taken by a person: the
   * regulator's API keys may read, not decide.
   */
  assertRegulatorDecision(actor: Actor): void {
    this.assertRegulator(actor);
    if (actor.userId === null) throw AppError.forbidden("Regulatory decisions are taken by the regulator's users, not by an API key");
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

  /**
   * Library visibility: the regulator sees everything; an enterprise its own records in every state; banks and
   * verifiers what is or was admitted (they lend against it). Lists apply it as a condition, single reads and nested
   * fields as a check (a hidden record answers NOT_FOUND).
   */
  libraryScope(actor: Actor): LibraryScope {
    if (this.isRegulator(actor)) return RecordScope.all(LIBRARY_FIELDS);
    if (actor.organizationKind === OrganizationKind.ENTERPRISE) return RecordScope.where(LIBRARY_FIELDS, 'owner', [actor.organizationId]);
    return RecordScope.where(LIBRARY_FIELDS, 'status', LENDER_VISIBLE_STATUSES);
  }

  /** An enterprise applies for, and submits projects of, its own organisation only. */
  assertActsForOwnEnterprise(actor: Actor, organizationId: string): void {
    if (actor.organizationKind !== OrganizationKind.ENTERPRISE) {
      throw AppError.forbidden('Only an enterprise organisation may apply to the libraries');
    }
    if (actor.organizationId !== organizationId) throw AppError.forbidden('An enterprise may act for its own organisation only');
  }

  /** Banks (users or their systems' API keys) register green loans and record their money. */
  assertBank(actor: Actor): void {
    if (actor.organizationKind !== OrganizationKind.BANK) throw AppError.forbidden('Only a bank may do this');
  }

  /** Loans: the regulator sees all; a bank its own book; an enterprise the loans made to it; anyone else none. */
  loanScope(actor: Actor): LoanScope {
    if (this.isRegulator(actor)) return RecordScope.all(LOAN_FIELDS);
    if (actor.organizationKind === OrganizationKind.BANK) return RecordScope.where(LOAN_FIELDS, 'bank', [actor.organizationId]);
    if (actor.organizationKind === OrganizationKind.ENTERPRISE) return RecordScope.where(LOAN_FIELDS, 'borrower', [actor.organizationId]);
    return RecordScope.none(LOAN_FIELDS);
  }

  /** Organisations: the regulator sees all, every other party its own (a counterparty is shown through its record). */
  organizationScope(actor: Actor): OrganizationScope {
    if (this.isRegulator(actor)) return RecordScope.all(ORGANIZATION_FIELDS);
    return RecordScope.where(ORGANIZATION_FIELDS, 'id', [actor.organizationId]);
  }

  /**
   * Green bonds are registered by the regulator (a person, not its API keys) or by a bank as underwriter; the same
   * parties allocate their proceeds, a bank only on the bonds it registered (see `canAllocateFrom`). Reading needs no
   * rule: green bonds are publicly issued securities, read by every authenticated party.
   */
  assertCanRegisterBond(actor: Actor): void {
    if (actor.organizationKind === OrganizationKind.BANK) return;
    if (this.isRegulator(actor)) return this.assertRegulatorDecision(actor);
    throw AppError.forbidden('Only the regulator or an underwriting bank may register green bonds');
  }

  assertCanAllocateBondProceeds(actor: Actor): void {
    if (actor.organizationKind === OrganizationKind.BANK) return;
    if (this.isRegulator(actor)) return this.assertRegulatorDecision(actor);
    throw AppError.forbidden('Only the regulator or the bank that registered a bond may allocate its proceeds');
  }

  canAllocateFrom(actor: Actor, bond: { registeredByOrganizationId: string }): boolean {
    return this.ownsOrRegulates(actor, bond.registeredByOrganizationId);
  }

  /** Whether the actor may see a record owned by `organizationId`; a record it may not see is reported as missing. */
  ownsOrRegulates(actor: Actor, organizationId: string): boolean {
    return this.isRegulator(actor) || actor.organizationId === organizationId;
  }
}
