import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/errors.js';
import { IS_PUBLIC, requestOf } from '../common/context.decorators.js';
import { TokenService } from './token.service.js';

/** Global and default-deny: every operation needs a valid bearer credential unless marked `@Public()`. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const req = requestOf(context);
    // Several root fields in one request authenticate once.
    if (req.actor === undefined) req.actor = await this.tokens.authenticate(req.headers.authorization);
    if (!req.actor) throw AppError.unauthenticated();
    return true;
  }
}
