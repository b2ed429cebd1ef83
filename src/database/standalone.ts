import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

/**
 * A DataSource for command-line tools: DATABASE_URL, or the embedded database under DATA_DIR (which must not be in
 * use by a running registry). `close` also stops the embedded database.
 */
export async function openStandaloneDataSource(): Promise<{ dataSource: DataSource; close(): Promise<void> }> {
  const config = loadConfig(process.env, { forServer: false });
  let embedded: EmbeddedPostgres | undefined;
  const target = config.databaseUrl
    ? { url: config.databaseUrl, embedded: false }
    : ((embedded = await startEmbeddedPostgres(config.dataDir)), { socketDir: embedded.socketDir, port: embedded.port, maxConnections: embedded.maxConnections, embedded: true });
  const dataSource = new DataSource(dataSourceOptions(config, target));
  try {
    await dataSource.initialize();
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    async close() {
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/** Prints a command-line tool's failure without a stack for expected errors, and sets the exit code. */
export function cliFail(err: unknown): void {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
