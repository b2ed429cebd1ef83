import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Type } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { loadConfig, type AppConfig } from './config/app-config.js';
import { loadOrCreateLocalSecret, startEmbeddedPostgres, type EmbeddedPostgres } from './database/embedded-postgres.js';
import type { DatabaseTarget } from './database/data-source-options.js';
import { ensureFirstAdmin, type FirstAdminResult } from './auth/identity.service.js';
import { JsonLogger } from './common/logger.js';
import { requestScopeMiddleware } from './common/request-scope.js';

export interface Registry {
  app: NestExpressApplication;
  config: AppConfig;
  dataSource: DataSource;
  logger: JsonLogger;
  firstAdmin: FirstAdminResult | null;
  /** Closes the app, then the embedded database if there is one. */
  close(): Promise<void>;
}

export interface RegistryOptions {
  /** Use an in-memory embedded database instead of DATA_DIR (tests). */
  inMemory?: boolean;
  extraModules?: Type[];
}

/** Builds the registry: database (given or embedded), migrations, first administrator, HTTP app (not listening yet). */
export async function createRegistry(env: NodeJS.ProcessEnv = process.env, options: RegistryOptions = {}): Promise<Registry> {
  const config = loadConfig(env);
  const logger = new JsonLogger(config.logLevel);
  let embedded: EmbeddedPostgres | undefined;
  let database: DatabaseTarget;
  let jwtSecret = config.jwt.secret;
  if (config.databaseUrl) {
    database = { url: config.databaseUrl, embedded: false };
  } else {
    embedded = await startEmbeddedPostgres(options.inMemory ? undefined : config.dataDir);
    database = { socketDir: embedded.socketDir, port: embedded.port, maxConnections: embedded.maxConnections, embedded: true };
    jwtSecret ??= options.inMemory ? undefined : loadOrCreateLocalSecret(config.dataDir);
    if (!jwtSecret) throw new Error('JWT_SECRET is required for an in-memory registry');
    logger.log({ msg: 'using the embedded database', dataDir: options.inMemory ? 'memory' : config.dataDir }, 'Database');
  }
  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, database, jwtSecret: jwtSecret!, logger, extraModules: options.extraModules }),
      { logger, bufferLogs: false, abortOnError: false },
    );
    app.use(requestScopeMiddleware(logger));
    app.disable('x-powered-by');
    app.set('trust proxy', false);
    await app.init();
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const firstAdmin = await ensureFirstAdmin(dataSource, config.admin, database.embedded);
    let closed = false;
    return {
      app,
      config,
      dataSource,
      logger,
      firstAdmin,
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}
