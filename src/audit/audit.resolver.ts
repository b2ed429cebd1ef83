import { Args, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../common/actor.js';
import { Ctx } from '../common/context.decorators.js';
import { PageArgs } from '../common/pagination.js';
import { AuditService } from './audit.service.js';
import { AuditEventConnection, AuditEventFilter } from './audit-event.model.js';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditEventConnection, { description: 'The audit trail, newest first (regulator).' })
  auditEvents(
    @Ctx() ctx: RequestContext,
    @Args('filter', { nullable: true }) filter: AuditEventFilter,
    @Args() page: PageArgs,
  ) {
    return this.audit.list(ctx, filter, page);
  }
}
