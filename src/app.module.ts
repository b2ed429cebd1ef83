import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions, type DatabaseTarget } from './database/data-source-options.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { depthLimitRule, operationLimitsPlugin, operationShapeRule } from './common/operation-limits.js';
import { DEFAULT_PAGE_SIZE } from './common/pagination.js';
import { OperationGateModule } from './common/operation-gate.module.js';
import { LeanFieldsModule } from './common/lean-fields.js';
import { createErrorFormatter } from './common/errors.js';
import { JsonLogger } from './common/logger.js';
import { RegistryValidationPipe } from './common/validation.js';
import { HealthController } from './health/health.controller.js';
import { ReferenceModule } from './reference/reference.module.js';
import { UsccModule } from './uscc/uscc.module.js';
import { EnterprisesModule } from './enterprises/enterprises.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { LoansModule } from './loans/loans.module.js';
import { BondsModule } from './bonds/bonds.module.js';
import { HousekeepingModule } from './housekeeping/housekeeping.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  database: DatabaseTarget;
  jwtSecret: string;
  logger: JsonLogger;
  /** More modules to mount (the test suite mounts fixtures that exercise the shared pieces). */
  extraModules?: Type[];
}

/**
 * The registry's modules. Each imports what it uses (access, mutation, inclusion, reference, uscc, auth, features
 * below it); nothing is global but the settings. The layering is checked by src/architecture.spec.ts.
 */
const MODULES = [AuthModule, AuditModule, ReferenceModule, UsccModule, EnterprisesModule, ProjectsModule, LoansModule, BondsModule, HousekeepingModule];

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, options.jwtSecret),
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
          // Every operation's limits hold before it runs: tokens at parsing, selection-set width before validation
          // (OperationGateModule), depth and root fields in validation (linear), cost once its variables are known.
          parseOptions: { maxTokens: config.graphql.maxTokens },
          validationRules: [depthLimitRule(config.graphql.maxDepth), operationShapeRule(config.graphql.maxRootFields)],
          plugins: [
            // No per-field instrumentation: HTTP caching hints and traces are not used, and they wrap every resolver.
            ApolloServerPluginCacheControlDisabled(),
            ApolloServerPluginInlineTraceDisabled(),
            operationLimitsPlugin({
              maxCost: config.graphql.maxCost,
              maxPageSize: config.graphql.maxPageSize,
              defaultPageSize: DEFAULT_PAGE_SIZE,
              maxSelections: config.graphql.maxSelections,
            }),
          ],
          // Without introspection, error messages do not suggest field names either.
          hideSchemaDetailsFromClientErrors: !config.graphql.introspection,
          formatError: createErrorFormatter(options.logger),
          context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
        }),
        OperationGateModule,
        LeanFieldsModule,
        ...MODULES,
        ...(options.extraModules ?? []),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_PIPE, useClass: RegistryValidationPipe }],
    };
  }
}
