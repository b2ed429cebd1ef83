import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../common/actor.js';
import { Ctx } from '../common/context.decorators.js';
import { UsccAllowlistEntryModel, UsccAllowlistInput } from './uscc-allowlist.model.js';
import { UsccAllowlistService } from './uscc-allowlist.service.js';

@Resolver(() => UsccAllowlistEntryModel)
export class UsccAllowlistResolver {
  constructor(private readonly allowlist: UsccAllowlistService) {}

  @Query(() => [UsccAllowlistEntryModel], { description: 'USCCs accepted despite a failing check character (regulator).' })
  usccAllowlist(@Ctx() ctx: RequestContext) {
    return this.allowlist.list(ctx);
  }

  @Mutation(() => UsccAllowlistEntryModel)
  addUsccAllowlistEntry(@Ctx() ctx: RequestContext, @Args('input') input: UsccAllowlistInput) {
    return this.allowlist.add(ctx, input.uscc, input.reason);
  }

  @Mutation(() => UsccAllowlistEntryModel)
  removeUsccAllowlistEntry(@Ctx() ctx: RequestContext, @Args('uscc') uscc: string, @Args('reason') reason: string) {
    return this.allowlist.remove(ctx, uscc.trim().toUpperCase(), reason);
  }
}
