// Benchmark of the green-loan bulk import against a plain COPY of the same CSV. Not a test: run by hand.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:import -- --rows 100000
//
// Options: --rows N (default 1,000,000), --enterprises N (admitted borrowers, default 1,000), --batch-size N
// (default the importer's), --rerun (also time a second run of the same file: every row skipped), --keep (keep the
// benchmark database). It creates a fresh database on the DATABASE_URL server, runs the migrations through the
// compiled data source, creates a bank and the enterprises by SQL, writes the CSV to a temp directory, times
// `importLoans`, then times a COPY of the same file into a bare table with the same columns and matching types.
// The importer is imported from dist/, so build first (`npm run bench:import` does).
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../dist/src/config/app-config.js';
import { dataSourceOptions } from '../dist/src/database/data-source-options.js';
import { newId } from '../dist/src/common/ids.js';
import { usccCheckChar, USCC_ALPHABET } from '../dist/src/uscc/uscc.js';
import { importLoans, summaryLine } from '../dist/src/loans/import/import-loans.js';
import { terminalProgress } from '../dist/src/loans/import/progress.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    enterprises: { type: 'string', default: '1000' },
    'batch-size': { type: 'string' },
    rerun: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});
const ROWS = Number(values.rows);
const ENTERPRISES = Number(values.enterprises);
const BATCH = values['batch-size'] ? Number(values['batch-size']) : undefined;
if (!Number.isInteger(ROWS) || ROWS < 1 || !Number.isInteger(ENTERPRISES) || ENTERPRISES < 1) throw new Error('--rows and --enterprises must be positive integers');
const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) {
  process.stderr.write('DATABASE_URL must point at a PostgreSQL server (a fresh database is created on it and dropped afterwards)\n');
  process.exit(1);
}

const say = (s) => process.stdout.write(`${s}\n`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const seconds = (ms) => (ms / 1000).toFixed(2);

// A deterministic generator, so runs are comparable.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (list) => list[Math.floor(rand() * list.length)];

const dbName = `gfr_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
const admin = new pg.Client({ connectionString: baseUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const url = new URL(baseUrl);
url.pathname = `/${dbName}`;
const dbUrl = url.toString();
const work = mkdtempSync(join(tmpdir(), 'gfr-bench-'));
let dataSource;

try {
  const config = loadConfig({ ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'silent', DB_STATEMENT_TIMEOUT_MS: '0' }, { forServer: false });
  dataSource = new DataSource(dataSourceOptions(config, { url: dbUrl, embedded: false }));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const server = (await dataSource.query(`SHOW server_version`))[0].server_version;
  say(`database ${dbName} (PostgreSQL ${server}), migrated`);

  // A bank and the admitted borrowers, straight into the tables.
  const bankId = newId();
  await dataSource.query(`INSERT INTO organization (id, kind, name) VALUES ($1, 'BANK', 'Bench Bank')`, [bankId]);
  const districts = ['350203', '350205', '350206', '350211', '350212', '350213'];
  const usccs = [];
  const orgIds = [];
  const entIds = [];
  for (let i = 0; i < ENTERPRISES; i++) {
    let n = i;
    let tail = '';
    for (let k = 0; k < 8; k++) {
      tail = USCC_ALPHABET[n % 31] + tail;
      n = Math.floor(n / 31);
    }
    const stem = `91${pick(districts)}M${tail}`;
    usccs.push(stem + usccCheckChar(stem));
    orgIds.push(newId());
    entIds.push(newId());
  }
  await dataSource.query(`INSERT INTO organization (id, kind, name) SELECT id, 'ENTERPRISE', 'Bench enterprise ' || n FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)`, [orgIds]);
  await dataSource.query(
    `INSERT INTO enterprise (id, organization_id, name, uscc, district_code, industry, green_revenue_share, environmental_credit_rating, marine, status,
                             green_score, green_grade, submitted_at, decided_at)
     SELECT e, o, 'Bench enterprise', u, substr(u, 3, 6), 'solar power generation', 0.8, 'GREEN', false, 'ADMITTED', 80, 'A', now(), now()
     FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS x(e, o, u)`,
    [entIds, orgIds, usccs],
  );
  const codes = (await dataSource.query(`SELECT code FROM taxonomy_category WHERE catalogue = 'GBEPC_2021' AND level = 4`)).map((r) => r.code);
  say(`bank and ${fmt(ENTERPRISES)} admitted enterprises created`);

  // The CSV.
  const file = join(work, 'loans.csv');
  const out = createWriteStream(file);
  out.write('contract_number,borrower_uscc,project_id,principal,currency,interest_rate,signed_on,maturity_on,taxonomy_catalogue,taxonomy_code,carbon_benefit\n');
  let buf = '';
  const t0 = performance.now();
  for (let i = 1; i <= ROWS; i++) {
    const principal = (Math.floor(rand() * 1e10) + 100000) / 100;
    const year = 2015 + Math.floor(rand() * 10);
    const month = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
    const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
    const rate = (0.02 + rand() * 0.04).toFixed(4);
    buf += `BENCH-${String(i).padStart(8, '0')},${pick(usccs)},,${principal.toFixed(2)},CNY,${rate},${year}-${month}-${day},${year + 1 + Math.floor(rand() * 10)}-${month}-${day},GBEPC_2021,${pick(codes)},${rand() < 0.7 ? 'DIRECT' : 'INDIRECT'}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  const size = statSync(file).size;
  say(`${fmt(ROWS)} rows written to ${file} (${(size / 1048576).toFixed(1)} MB) in ${seconds(performance.now() - t0)} s`);

  // The import.
  const i0 = performance.now();
  const result = await importLoans({ dataSource, bank: bankId, loansFile: file, timeZone: config.timeZone, batchSize: BATCH, progress: terminalProgress(process.stdout) });
  const importMs = performance.now() - i0;
  say(`import: ${summaryLine(result)} in ${seconds(importMs)} s`);
  if (result.loans.loaded !== ROWS) throw new Error(`expected ${ROWS} loaded, got ${result.loans.loaded} (see ${result.rejectsFile})`);

  let rerunMs = null;
  if (values.rerun) {
    const r0 = performance.now();
    const again = await importLoans({ dataSource, bank: bankId, loansFile: file, timeZone: config.timeZone, batchSize: BATCH, progress: terminalProgress(process.stdout) });
    rerunMs = performance.now() - r0;
    say(`re-run: ${summaryLine(again)} in ${seconds(rerunMs)} s`);
  }

  // A plain COPY of the same file into a bare table with the same columns.
  await dataSource.query(`
    CREATE TABLE bench_copy (
      contract_number text, borrower_uscc varchar(18), project_id uuid, principal numeric(20,2), currency char(3), interest_rate numeric(9,6),
      signed_on date, maturity_on date, taxonomy_catalogue text, taxonomy_code text, carbon_benefit text)`);
  const copySql = `COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)`;
  let how;
  const c0 = performance.now();
  const psql = spawnSync('psql', ['--version'], { encoding: 'utf8' });
  if (psql.status === 0) {
    // Client-side, like the import: the file travels over the connection.
    const res = spawnSync('psql', [dbUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy bench_copy FROM '${file.replace(/'/g, "''")}' WITH (FORMAT csv, HEADER true)`], {
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new Error(`psql \\copy failed: ${res.stderr}`);
    how = 'psql \\copy (COPY FROM STDIN)';
  } else {
    // No psql: the server reads the file itself (needs a superuser or pg_read_server_files, and the server on this host).
    await dataSource.query(copySql.replace('STDIN', `'${file.replace(/'/g, "''")}'`));
    how = 'server-side COPY FROM file';
  }
  const copyMs = performance.now() - c0;
  const copied = Number((await dataSource.query(`SELECT count(*) AS n FROM bench_copy`))[0].n);
  if (copied !== ROWS) throw new Error(`COPY loaded ${copied} rows, expected ${ROWS}`);

  // For scale: the database's own cost of the real table (its indexes, checks and foreign keys), with no validation and
  // no client in the way: the same rows moved from the bare table into green_loan for a second bank, in one statement.
  const otherBank = newId();
  await dataSource.query(`INSERT INTO organization (id, kind, name) VALUES ($1, 'BANK', 'Bench Bank 2')`, [otherBank]);
  const s0 = performance.now();
  await dataSource.query(
    `INSERT INTO green_loan (id, bank_organization_id, contract_number, borrower_enterprise_id, borrower_organization_id, project_id, principal, currency,
                             interest_rate, signed_on, maturity_on, taxonomy_catalogue, taxonomy_code, carbon_benefit, district_code)
     SELECT gen_random_uuid(), $1, c.contract_number, e.id, e.organization_id, c.project_id, c.principal, c.currency, c.interest_rate, c.signed_on,
            c.maturity_on, c.taxonomy_catalogue, c.taxonomy_code, c.carbon_benefit, e.district_code
     FROM bench_copy c JOIN enterprise e ON e.uscc = c.borrower_uscc`,
    [otherBank],
  );
  const sqlMs = performance.now() - s0;

  const importRate = ROWS / (importMs / 1000);
  const copyRate = ROWS / (copyMs / 1000);
  say('');
  say(`rows:    ${fmt(ROWS)} (${(size / 1048576).toFixed(1)} MB), ${fmt(ENTERPRISES)} borrowers, batch size ${BATCH ?? 'default'}`);
  say(`import:  ${seconds(importMs)} s, ${fmt(importRate)} rows/s`);
  if (rerunMs !== null) say(`re-run:  ${seconds(rerunMs)} s, ${fmt(ROWS / (rerunMs / 1000))} rows/s (all skipped)`);
  say(`COPY:    ${seconds(copyMs)} s, ${fmt(copyRate)} rows/s (${how}, bare table, no indexes)`);
  say(`SQL:     ${seconds(sqlMs)} s, ${fmt(ROWS / (sqlMs / 1000))} rows/s (one INSERT … SELECT from the bare table into green_loan: the real table's cost, no validation)`);
  say(`memory:  peak RSS of this process ${fmt(process.resourceUsage().maxRSS / 1024)} MB (the CSV generation included)`);
  say(`ratio:   COPY is ${(copyRate / importRate).toFixed(1)}x the import's rate; the in-database INSERT … SELECT ${(ROWS / (sqlMs / 1000) / importRate).toFixed(1)}x`);
} finally {
  await dataSource?.destroy().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
  if (!values.keep) {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
  } else {
    say(`kept database ${dbName}`);
  }
}
