import { parseArgs } from 'node:util';
import { loadConfig } from '../config/app-config.js';
import { cliFail, openStandaloneDataSource } from '../database/standalone.js';
import { importLoans, summaryLine } from '../loans/import/import-loans.js';
import { terminalProgress } from '../loans/import/progress.js';

const USAGE =
  'usage: npm run import:loans -- FILE.csv --bank BANK_ORG_ID_OR_USCC_OR_NAME [--events EVENTS.csv] [--rejects REJECTS.csv] [--events-rejects REJECTS.csv] [--batch-size N]';

/**
 * Imports a bank's green loans (and optionally their disbursements and repayments) from CSV; see docs/loan-import.md.
 * Exit code 0 when the import ran, rejected rows or not; 1 when it could not run.
 */
async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        bank: { type: 'string' },
        events: { type: 'string' },
        rejects: { type: 'string' },
        'events-rejects': { type: 'string' },
        'batch-size': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !values.bank) throw new Error(USAGE);
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  const config = loadConfig(process.env, { forServer: false });
  const { dataSource, close } = await openStandaloneDataSource();
  try {
    const result = await importLoans({
      dataSource,
      bank: values.bank,
      loansFile: positionals[0],
      eventsFile: values.events,
      rejectsFile: values.rejects,
      eventsRejectsFile: values['events-rejects'],
      timeZone: config.timeZone,
      batchSize,
      progress: terminalProgress(process.stdout),
    });
    const out = [`loans: loaded ${result.loans.loaded}, skipped ${result.loans.skipped} (already present), rejected ${result.loans.rejected} (see ${result.rejectsFile})`];
    if (result.events) {
      out.push(`events: loaded ${result.events.loaded}, skipped ${result.events.skipped} (already present), rejected ${result.events.rejected} (see ${result.eventsRejectsFile})`);
    }
    out.push(summaryLine(result));
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await close();
  }
}

main().catch(cliFail);
