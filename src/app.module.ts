import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from './config/app-config.js';
import { APP_CONFIG, JWT_SIGNING_SECRET } from './config/config.tokens.js';
import { dataSourceOptions, type DatabaseTarget } from './database/data-source-options.js';
import { AccessPolicy } from './auth/access-policy.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthResolver } from './auth/auth.resolver.js';
import { AuthService } from './auth/auth.service.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { IdentityService } from './auth/identity.service.js';
import { TokenService } from './auth/token.service.js';
import { AuditResolver } from './audit/audit.resolver.js';
import { AuditService } from './audit/audit.service.js';
import { depthLimitRule, operationShapeRule } from './common/depth-limit.js';
import { createErrorFormatter } from './common/errors.js';
import { IdempotencyService } from './common/idempotency/idempotency.service.js';
import { JsonLogger } from './common/logger.js';
import { RegistryValidationPipe } from './common/validation.js';
import { HealthController } from './health/health.controller.js';
import { ReferenceResolver } from './reference/reference.resolver.js';
import { ReferenceService } from './reference/reference.service.js';
import { InclusionService } from './inclusion/inclusion.service.js';
import { EnterprisesModule } from './enterprises/enterprises.module.js';
import { UsccAllowlistService } from './enterprises/uscc-allowlist.service.js';
import { ProjectsModule } from './projects/projects.module.js';
import { LoansModule } from './loans/loans.module.js';
import { BondsModule } from './bonds/bonds.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  database: DatabaseTarget;
  jwtSecret: string;
  logger: JsonLogger;
  /** More modules to mount (the test suite mounts fixtures that exercise the shared pieces). */
  extraModules?: Type[];
}

/** Shared pieces every feature module may inject. */
const SHARED_PROVIDERS = [
  AccessPolicy,
  AuditService,
  IdempotencyService,
  TokenService,
  InclusionService,
  ReferenceService,
  IdentityService,
  UsccAllowlistService,
];

/** The registry's features, each in its own module. */
const FEATURE_MODULES = [EnterprisesModule, ProjectsModule, LoansModule, BondsModule];

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: AppModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(config, options.database), migrationsRun: config.runMigrations, retryAttempts: 0 }),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          buildSchemaOptions: { dateScalarMode: 'isoDate' },
          introspection: config.graphql.introspection,
          playground: false,
          graphiql: false,
          csrfPrevention: true,
          allowBatchedHttpRequests: false,
          includeStacktraceInErrorResponses: false,
          validationRules: [depthLimitRule(config.graphql.maxDepth), operationShapeRule(config.graphql.maxRootFields)],
          // Without introspection, error messages do not suggest field names either.
          hideSchemaDetailsFromClientErrors: !config.graphql.introspection,
          formatError: createErrorFormatter(options.logger),
          context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
        }),
        ...FEATURE_MODULES,
        ...(options.extraModules ?? []),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: JWT_SIGNING_SECRET, useValue: options.jwtSecret },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useClass: RegistryValidationPipe },
        ...SHARED_PROVIDERS,
        AuthService,
        LoginThrottle,
        AuthResolver,
        AuditResolver,
        ReferenceResolver,
      ],
      exports: [APP_CONFIG, ...SHARED_PROVIDERS],
    };
  }

}
