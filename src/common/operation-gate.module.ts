import { Inject, Injectable, Module, type MiddlewareConsumer, type NestMiddleware, type NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { wideSelectionGate } from './operation-limits.js';

/** Runs after the body is parsed and before the GraphQL server sees the request (see `wideSelectionGate`). */
@Injectable()
export class WideSelectionMiddleware implements NestMiddleware {
  private readonly gate: ReturnType<typeof wideSelectionGate>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.gate = wideSelectionGate({ maxSelections: config.graphql.maxSelections, maxTokens: config.graphql.maxTokens });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.gate(req, res, next);
  }
}

@Module({})
export class OperationGateModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(WideSelectionMiddleware).forRoutes('graphql');
  }
}
