import { parseArgs } from 'node:util';
import { loadConfig } from '../config/app-config.js';
import { cliFail, openStandaloneDataSource } from '../database/standalone.js';
import { housekeepingSettings, runHousekeeping } from '../housekeeping/housekeeping.js';

const USAGE = 'usage: npm run housekeeping [-- --batch-size N]';

/**
 * One housekeeping pass (what the API runs every HOUSEKEEPING_INTERVAL_SECONDS), for deployments that turn the
 * in-process job off and schedule this instead. Same settings as the API: IDEMPOTENCY_KEY_RETENTION_HOURS and
 * ACCESS_TOKEN_TTL_SECONDS.
 */
async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { 'batch-size': { type: 'string' } }, strict: true }));
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  const config = loadConfig(process.env, { forServer: false });
  const { dataSource, close } = await openStandaloneDataSource();
  try {
    const removed = await runHousekeeping(dataSource, { ...housekeepingSettings(config), batchSize });
    process.stdout.write(`idempotency keys removed: ${removed.idempotencyKeys}\nrefresh tokens removed: ${removed.refreshTokens}\n`);
  } finally {
    await close();
  }
}

main().catch(cliFail);
