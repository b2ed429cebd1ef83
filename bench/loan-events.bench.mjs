// Benchmark of events on ONE long-lived loan: does recording an event cost more as the loan's history grows? Not a
// test: run by hand.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:events
//
// Options: --events N (default 10,000; half disbursements, then half repayments, every tenth repayment back-dated by
// 60 days), --keep (keep the benchmark database). It creates a fresh database on the DATABASE_URL server, starts the
// compiled registry on it (migrations run on start) listening on a free local port, creates a bank and an admitted
// borrower, registers one loan and records the events one by one through the HTTP API (recordLoanDisbursement /
// recordLoanRepayment), timing each thousand; then imports the same events for a second loan with the bulk importer.
// The registry is imported from dist/, so build first (`npm run bench:events` does).
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createRegistry } from '../dist/src/bootstrap.js';
import { newId } from '../dist/src/common/ids.js';
import { usccCheckChar } from '../dist/src/uscc/uscc.js';
import { importLoans, summaryLine } from '../dist/src/loans/import/import-loans.js';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '10000' }, keep: { type: 'boolean', default: false } },
  strict: true,
});
const EVENTS = Number(values.events);
if (!Number.isInteger(EVENTS) || EVENTS < 2000 || EVENTS % 1000 !== 0) throw new Error('--events must be a multiple of 1,000, at least 2,000');
const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) {
  process.stderr.write('DATABASE_URL must point at a PostgreSQL server (a fresh database is created on it and dropped afterwards)\n');
  process.exit(1);
}

const say = (s) => process.stdout.write(`${s}\n`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const seconds = (ms) => (ms / 1000).toFixed(2);

// The events: two a day from the day after signing, so 10,000 of them end in 2018 (none in the future). Disbursements
// of 10,000.00 first, then repayments of 5,000.00; every tenth repayment is dated 60 days back, among ~120 later events.
const SIGNED = Date.UTC(2005, 0, 1);
const day = (n) => new Date(SIGNED + (n + 1) * 86_400_000).toISOString().slice(0, 10);
const events = Array.from({ length: EVENTS }, (_, i) => {
  const disbursement = i < EVENTS / 2;
  const backDated = !disbursement && (i - EVENTS / 2) % 10 === 9;
  return { kind: disbursement ? 'DISBURSEMENT' : 'REPAYMENT', amount: disbursement ? '10000.00' : '5000.00', on: day(Math.floor(i / 2) - (backDated ? 60 : 0)), ref: `EV-${i + 1}` };
});
const principal = (EVENTS / 2) * 10000;

const dbName = `gfr_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
const admin = new pg.Client({ connectionString: baseUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const url = new URL(baseUrl);
url.pathname = `/${dbName}`;
const work = mkdtempSync(join(tmpdir(), 'gfr-bench-events-'));
let registry;

try {
  const env = {
    ...process.env,
    DATABASE_URL: url.toString(),
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    JWT_SECRET: randomBytes(48).toString('base64'),
    ADMIN_EMAIL: 'bench-admin@registry.test',
    ADMIN_PASSWORD: 'bench administrator password',
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    DB_STATEMENT_TIMEOUT_MS: '0',
  };
  registry = await createRegistry(env);
  await registry.app.listen(0, '127.0.0.1');
  const endpoint = `http://127.0.0.1:${registry.app.getHttpServer().address().port}/graphql`;
  const { dataSource } = registry;
  const server = (await dataSource.query(`SHOW server_version`))[0].server_version;
  say(`database ${dbName} (PostgreSQL ${server}), registry listening at ${endpoint}`);

  const gql = async (query, variables, token) => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const login = async (email, password) =>
    (await gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: email, p: password })).login.accessToken;

  // A bank with a user, through the API; an admitted borrower straight into the tables.
  const adminToken = await login(env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
  const bankId = (await gql(`mutation { createOrganization(input: { kind: BANK, name: "Bench Bank" }) { id } }`, {}, adminToken)).createOrganization.id;
  await gql(
    `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
    { i: { organizationId: bankId, email: 'bench@bank.test', displayName: 'Bench', password: 'bench bank password', role: 'ORG_ADMIN' } },
    adminToken,
  );
  const token = await login('bench@bank.test', 'bench bank password');
  const stem = '91350203MA0BENCH0';
  const uscc = stem + usccCheckChar(stem);
  const [orgId, enterpriseId] = [newId(), newId()];
  await dataSource.query(`INSERT INTO organization (id, kind, name) VALUES ($1, 'ENTERPRISE', 'Bench borrower')`, [orgId]);
  await dataSource.query(
    `INSERT INTO enterprise (id, organization_id, name, uscc, district_code, industry, green_revenue_share, environmental_credit_rating, marine, status,
                             green_score, green_grade, submitted_at, decided_at)
     VALUES ($1, $2, 'Bench borrower', $3, '350203', 'solar power generation', 0.8, 'GREEN', false, 'ADMITTED', 80, 'A', now(), now())`,
    [enterpriseId, orgId, uscc],
  );
  const loan = {
    contractNumber: 'BENCH-API',
    borrowerEnterpriseId: enterpriseId,
    principal: principal.toFixed(2),
    interestRate: '0.0345',
    signedOn: day(-1),
    maturityOn: '2040-01-01',
    taxonomy: { catalogue: 'GBEPC_2021', code: '3.2.2.2' },
    carbonBenefit: 'DIRECT',
  };
  const loanId = (await gql(`mutation($i: GreenLoanInput!) { registerGreenLoan(input: $i) { id } }`, { i: loan }, token)).registerGreenLoan.id;
  const backDated = events.filter((e, i) => i > 0 && e.on < events[i - 1].on).length;
  say(`one loan of ${fmt(principal)}.00; ${fmt(EVENTS)} events (${fmt(EVENTS / 2)} disbursements, then ${fmt(EVENTS / 2)} repayments, ${fmt(backDated)} of them back-dated)`);

  // Through the API, one request per event, timed per thousand.
  const DISBURSE = `mutation($l: ID!, $a: Decimal!, $on: Date!) { recordLoanDisbursement(loanId: $l, amount: $a, on: $on) { id } }`;
  const REPAY = `mutation($l: ID!, $a: Decimal!, $on: Date!) { recordLoanRepayment(loanId: $l, amount: $a, on: $on) { id } }`;
  const perThousand = [];
  let t0 = performance.now();
  const apiStart = t0;
  for (const [i, e] of events.entries()) {
    await gql(e.kind === 'DISBURSEMENT' ? DISBURSE : REPAY, { l: loanId, a: e.amount, on: e.on }, token);
    if ((i + 1) % 1000 === 0) {
      const now = performance.now();
      perThousand.push(now - t0);
      process.stdout.write(`  API: ${fmt(i + 1)} events, the last thousand at ${fmt(1000 / ((now - t0) / 1000))} events/s\n`);
      t0 = now;
    }
  }
  const apiMs = performance.now() - apiStart;

  // The same events for a second loan, through the importer.
  const loansFile = join(work, 'loans.csv');
  const eventsFile = join(work, 'events.csv');
  writeFileSync(
    loansFile,
    'contract_number,borrower_uscc,project_id,principal,currency,interest_rate,signed_on,maturity_on,taxonomy_catalogue,taxonomy_code,carbon_benefit\n' +
      `BENCH-IMPORT,${uscc},,${loan.principal},CNY,0.0345,${loan.signedOn},${loan.maturityOn},GBEPC_2021,3.2.2.2,DIRECT\n`,
  );
  writeFileSync(eventsFile, 'contract_number,kind,amount,on,event_ref\n' + events.map((e) => `BENCH-IMPORT,${e.kind},${e.amount},${e.on},${e.ref}\n`).join(''));
  const i0 = performance.now();
  const imported = await importLoans({ dataSource, bank: bankId, loansFile, eventsFile, timeZone: registry.config.timeZone });
  const importMs = performance.now() - i0;
  say(`  import: ${summaryLine(imported)}`);
  if (imported.events.loaded !== EVENTS) throw new Error(`expected ${EVENTS} events loaded (see ${imported.eventsRejectsFile})`);

  const totals = await dataSource.query(`SELECT contract_number, disbursed_total::text AS d, repaid_total::text AS r FROM green_loan ORDER BY contract_number`);
  const same = totals.length === 2 && totals[0].d === totals[1].d && totals[0].r === totals[1].r;
  if (!same) throw new Error(`the two loans disagree: ${JSON.stringify(totals)}`);

  const rate = (n, ms) => `${fmt(n / (ms / 1000))} events/s`;
  say('');
  say(`| path | events | time | rate |`);
  say(`|---|---|---|---|`);
  say(`| API, events 1–1,000 (history 0 → 1,000) | 1,000 | ${seconds(perThousand[0])} s | ${rate(1000, perThousand[0])} |`);
  const last = perThousand[perThousand.length - 1];
  say(`| API, events ${fmt(EVENTS - 999)}–${fmt(EVENTS)} (history ${fmt(EVENTS - 1000)} → ${fmt(EVENTS)}) | 1,000 | ${seconds(last)} s | ${rate(1000, last)} |`);
  say(`| API, all | ${fmt(EVENTS)} | ${seconds(apiMs)} s | ${rate(EVENTS, apiMs)} |`);
  say(`| import (one file, default batch size) | ${fmt(EVENTS)} | ${seconds(importMs)} s | ${rate(EVENTS, importMs)} |`);
  say('');
  say(`both loans end at disbursed ${totals[0].d}, repaid ${totals[0].r}`);
} finally {
  await registry?.close().catch(() => undefined);
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
