import { cliFail, openStandaloneDataSource } from '../database/standalone.js';

/** `npm run migration:run / migration:revert, or node dist/src/cli/migration.js run | revert | show`: schema changes outside the app's own start-up run. */
async function main(command: string | undefined): Promise<void> {
  if (!command || !['run', 'revert', 'show'].includes(command)) {
    throw new Error('usage: npm run migration:run / migration:revert, or node dist/src/cli/migration.js run | revert | show');
  }
  const { dataSource, close } = await openStandaloneDataSource();
  try {
    if (command === 'run') {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      process.stdout.write(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}\n` : 'schema is up to date\n');
    } else if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      process.stdout.write('reverted the last migration\n');
    } else {
      const pending = await dataSource.showMigrations();
      process.stdout.write(pending ? 'there are pending migrations\n' : 'schema is up to date\n');
    }
  } finally {
    await close();
  }
}

main(process.argv[2]).catch(cliFail);
