import { ConfigError } from './config/app-config.js';
import { DataDirLockedError } from './database/embedded-postgres.js';
import { createRegistry } from './bootstrap.js';

async function main(): Promise<void> {
  const registry = await createRegistry();
  const { app, config, logger, firstAdmin } = registry;
  await app.listen(config.port, config.host);
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  logger.log({ msg: 'registry listening', graphql: `${url}/graphql`, health: `${url}/health/ready` }, 'Main');
  if (firstAdmin?.generatedPassword) {
    // Shown once, on the terminal only: the local administrator created for a first start without ADMIN_EMAIL/ADMIN_PASSWORD.
    process.stdout.write(
      `\nFirst start: created the local administrator\n  e-mail:   ${firstAdmin.email}\n  password: ${firstAdmin.generatedPassword}\n` +
        `Keep it now; it is not shown again.\n\n`,
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'shutting down', signal }, 'Main');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await registry.close();
      process.exit(0);
    } catch (err) {
      logger.error({ msg: 'shutdown failed', error: err }, 'Main');
      process.exit(1);
    }
  };
  // `on`, not `once`: a supervisor that signals the whole process group (and `npm start`, which forwards the signal
  // to its child) delivers it twice; a second one must not kill the process halfway through closing the database.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`The registry could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
