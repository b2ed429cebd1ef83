import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessModule } from '../access/access.module.js';
import { MutationModule } from '../mutation/mutation.module.js';
import { UsccModule } from '../uscc/uscc.module.js';
import { AuthGuard } from './auth.guard.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { IdentityService } from './identity.service.js';
import { LoginThrottle } from './login-throttle.js';
import { TokenService } from './token.service.js';

/** Identity: organisations, users, API keys, tokens, and the global default-deny guard. Imports no feature. */
@Module({
  imports: [AccessModule, MutationModule, UsccModule],
  providers: [TokenService, AuthService, LoginThrottle, IdentityService, AuthResolver, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [IdentityService],
})
export class AuthModule {}
