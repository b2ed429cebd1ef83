import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../common/actor.js';
import { AuthService } from './auth.service.js';
import { CreateOrganizationInput, CreateUserInput } from './dto/identity.inputs.js';
import { IdentityService } from './identity.service.js';
import { ApiKeyModel, AuthPayloadModel, CreatedApiKeyModel, OrganizationModel, UserModel } from './models.js';
import { ClientAddress, Ctx, Public, RequestId } from '../common/context.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly identity: IdentityService,
  ) {}

  @Public()
  @Mutation(() => AuthPayloadModel)
  login(
    @Args('email') email: string,
    @Args('password') password: string,
    @RequestId() requestId: string,
    @ClientAddress() clientAddress: string,
  ) {
    return this.auth.login(email, password, requestId, clientAddress);
  }

  @Public()
  @Mutation(() => AuthPayloadModel)
  refreshToken(@Args('refreshToken') refreshToken: string, @RequestId() requestId: string) {
    return this.auth.refresh(refreshToken, requestId);
  }

  @Query(() => UserModel)
  me(@Ctx() ctx: RequestContext) {
    return this.identity.me(ctx);
  }

  @Query(() => OrganizationModel)
  organization(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, UuidPipe) id: string) {
    return this.identity.organization(ctx, id);
  }

  @Mutation(() => OrganizationModel)
  createOrganization(@Ctx() ctx: RequestContext, @Args('input') input: CreateOrganizationInput) {
    return this.identity.createOrganization(ctx, input);
  }

  @Mutation(() => UserModel)
  createUser(@Ctx() ctx: RequestContext, @Args('input') input: CreateUserInput) {
    return this.identity.createUser(ctx, input);
  }

  @Query(() => [ApiKeyModel], { description: "The caller's organisation's API keys (administrators)." })
  apiKeys(@Ctx() ctx: RequestContext) {
    return this.identity.apiKeys(ctx);
  }

  @Mutation(() => CreatedApiKeyModel)
  createApiKey(@Ctx() ctx: RequestContext, @Args('name') name: string) {
    return this.identity.createApiKey(ctx, name);
  }

  @Mutation(() => ApiKeyModel)
  revokeApiKey(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, UuidPipe) id: string) {
    return this.identity.revokeApiKey(ctx, id);
  }
}
