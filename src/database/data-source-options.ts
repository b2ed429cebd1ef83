import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';

// Calendar dates stay 'YYYY-MM-DD' strings (a JS Date would shift them by the time zone);
// NUMERIC already arrives as an exact string.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);

/** A server by URL, or the embedded database by its unix socket directory and port. */
export interface DatabaseTarget {
  url?: string;
  socketDir?: string;
  port?: number;
  /**
   * Embedded mode caps the pool at one connection. Hence a rule for all code: inside a transaction, query only through
   * its EntityManager; a query on another pooled connection would wait for the one the transaction holds.
   */
  maxConnections?: number;
  embedded: boolean;
}

export function dataSourceOptions(config: AppConfig, target: DatabaseTarget): DataSourceOptions {
  const poolMax = Math.min(config.db.poolMax, target.maxConnections ?? Number.MAX_SAFE_INTEGER);
  return {
    type: 'postgres',
    ...(target.url ? { url: target.url } : { host: target.socketDir, port: target.port, username: 'postgres', database: 'postgres' }),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: poolMax,
      connectionTimeoutMillis: config.db.connectTimeoutMs,
      // Sent as startup parameters; the embedded single-backend server has no use for them.
      ...(target.embedded
        ? {}
        : {
            statement_timeout: config.db.statementTimeoutMs,
            idle_in_transaction_session_timeout: config.db.idleInTransactionTimeoutMs,
          }),
      application_name: 'green-finance-registry',
    },
  };
}
