import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../common/actor.js';
import { IdentityService } from '../auth/identity.service.js';
import { OrganizationModel } from '../auth/models.js';
import { Ctx } from '../common/context.decorators.js';
import { LeanField } from '../common/lean-fields.js';
import { DateScalar } from '../common/date.js';
import { DecimalArg, DecimalScalar, MONEY } from '../common/decimal.js';
import { PageArgs } from '../common/pagination.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { EnterpriseModel } from '../enterprises/enterprise.model.js';
import { EnterprisesService } from '../enterprises/enterprises.service.js';
import { ProjectModel } from '../projects/project.model.js';
import { ProjectsService } from '../projects/projects.service.js';
import { DivisionModel, TaxonomyCategoryModel } from '../reference/reference.models.js';
import { ReferenceService } from '../reference/reference.service.js';
import { GreenLoanFilter, GreenLoanInput } from './dto/green-loan.inputs.js';
import { GreenLoanConnection, GreenLoanModel, LoanEventConnection, LoanEventModel } from './green-loan.model.js';
import { LoanStatusValue } from './loan-ledger.js';
import { LoansService } from './loans.service.js';

const POSITIVE_MONEY = new DecimalArg({ ...MONEY, min: '0', exclusiveMin: true });

@Resolver(() => GreenLoanModel)
export class LoansResolver {
  constructor(
    private readonly loans: LoansService,
    private readonly identity: IdentityService,
    private readonly enterprises: EnterprisesService,
    private readonly projects: ProjectsService,
    private readonly reference: ReferenceService,
  ) {}

  @Mutation(() => GreenLoanModel, { description: 'A bank registers a green loan it granted.' })
  registerGreenLoan(
    @Ctx() ctx: RequestContext,
    @Args('input') input: GreenLoanInput,
    @Args('idempotencyKey', { nullable: true }) idempotencyKey?: string,
  ) {
    return this.loans.register(ctx, input, idempotencyKey);
  }

  @Mutation(() => LoanEventModel, { description: 'The lending bank records money paid out under the loan.' })
  recordLoanDisbursement(
    @Ctx() ctx: RequestContext,
    @Args('loanId', { type: () => ID }, UuidPipe) loanId: string,
    @Args('amount', { type: () => DecimalScalar }, POSITIVE_MONEY) amount: string,
    @Args('on', { type: () => DateScalar }) on: string,
    @Args('idempotencyKey', { nullable: true }) idempotencyKey?: string,
  ) {
    return this.loans.recordEvent(ctx, loanId, 'DISBURSEMENT', amount, on, idempotencyKey);
  }

  @Mutation(() => LoanEventModel, { description: 'The lending bank records money paid back.' })
  recordLoanRepayment(
    @Ctx() ctx: RequestContext,
    @Args('loanId', { type: () => ID }, UuidPipe) loanId: string,
    @Args('amount', { type: () => DecimalScalar }, POSITIVE_MONEY) amount: string,
    @Args('on', { type: () => DateScalar }) on: string,
    @Args('idempotencyKey', { nullable: true }) idempotencyKey?: string,
  ) {
    return this.loans.recordEvent(ctx, loanId, 'REPAYMENT', amount, on, idempotencyKey);
  }

  @Query(() => GreenLoanModel, { nullable: true })
  greenLoan(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, UuidPipe) id: string) {
    return this.loans.get(ctx, id);
  }

  @Query(() => GreenLoanConnection, { description: 'A bank sees its own loans, an enterprise the loans to it, the regulator all.' })
  greenLoans(@Ctx() ctx: RequestContext, @Args('filter', { nullable: true }) filter: GreenLoanFilter, @Args() page: PageArgs) {
    return this.loans.list(ctx, filter, page);
  }

  @LeanField('GreenLoan')
  @ResolveField(() => DecimalScalar, { description: 'Σ disbursed − Σ repaid on or before asOf (default: today).' })
  outstandingBalance(
    @Ctx() ctx: RequestContext,
    @Parent() loan: GreenLoanModel,
    @Args('asOf', { type: () => DateScalar, nullable: true }) asOf?: string | null,
  ) {
    return this.loans.outstandingBalance(ctx, loan, asOf);
  }

  @LeanField('GreenLoan')
  @ResolveField(() => LoanStatusValue)
  status(
    @Ctx() ctx: RequestContext,
    @Parent() loan: GreenLoanModel,
    @Args('asOf', { type: () => DateScalar, nullable: true }) asOf?: string | null,
  ) {
    return this.loans.status(ctx, loan, asOf);
  }

  @LeanField('GreenLoan')
  @ResolveField(() => LoanEventConnection, { description: 'Disbursements and repayments in date order.' })
  events(@Ctx() ctx: RequestContext, @Parent() loan: GreenLoanModel, @Args() page: PageArgs) {
    return this.loans.events(ctx, loan.id, page);
  }

  @LeanField('GreenLoan')
  @ResolveField(() => OrganizationModel)
  bank(@Ctx() ctx: RequestContext, @Parent() loan: GreenLoanModel) {
    return this.identity.counterparty(ctx, loan.bankOrganizationId);
  }

  @LeanField('GreenLoan')
  @ResolveField(() => EnterpriseModel, { nullable: true })
  borrower(@Ctx() ctx: RequestContext, @Parent() loan: GreenLoanModel) {
    return this.enterprises.get(ctx, loan.borrowerEnterpriseId);
  }

  @LeanField('GreenLoan')
  @ResolveField(() => ProjectModel, { nullable: true })
  project(@Ctx() ctx: RequestContext, @Parent() loan: GreenLoanModel) {
    return loan.projectId ? this.projects.get(ctx, loan.projectId) : null;
  }

  @LeanField('GreenLoan')
  @ResolveField(() => TaxonomyCategoryModel)
  taxonomy(@Ctx() ctx: RequestContext, @Parent() loan: GreenLoanModel) {
    return this.reference.categoryOf(ctx, loan.taxonomyCatalogue, loan.taxonomyCode);
  }

  @LeanField('GreenLoan')
  @ResolveField(() => DivisionModel)
  district(@Ctx() ctx: RequestContext, @Parent() loan: GreenLoanModel) {
    return this.reference.divisionOf(ctx, loan.districtCode);
  }
}

/** `Enterprise.loans`: the loans to this enterprise that the caller may see. */
@Resolver(() => EnterpriseModel)
export class EnterpriseLoansResolver {
  constructor(private readonly service: LoansService) {}

  @LeanField('Enterprise')
  @ResolveField(() => GreenLoanConnection, { description: 'Loans to this enterprise the caller may see.' })
  loans(@Ctx() ctx: RequestContext, @Parent() e: EnterpriseModel, @Args() page: PageArgs) {
    return this.service.ofBorrower(ctx, e.id, page);
  }
}
