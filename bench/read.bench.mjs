// Read-path benchmark: this API against PostGraphile 4 (installed under bench/peer on first use) on the same database and the same logical queries. Not a
// test: run by hand (numbers go to the README's performance section).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:read [-- --loans 100000 --seconds 10 --rounds 3]
//
// It creates a fresh database on the DATABASE_URL server, starts the API (production settings, its own process) so
// its migrations build the schema, loads loans, borrowers, events and organisations by SQL, starts PostGraphile 4 (a
// process of its own) on the same database, checks that both servers answer every query with the same rows, then
// runs each query with autocannon in alternating rounds (API, peer, API, peer, …) and prints req/s, p50 and p99 (the
// median over the rounds) and the ratio API/peer. Options: --connections N (default 20), --keep (keep the database).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    loans: { type: 'string', default: '100000' },
    enterprises: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});
const LOANS = Number(values.loans);
const ENTERPRISES = Number(values.enterprises);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) {
  process.stderr.write('DATABASE_URL must point at a PostgreSQL server (a fresh database is created on it and dropped afterwards)\n');
  process.exit(1);
}
const say = (s) => process.stdout.write(`${s}\n`);

const freePort = () =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

/** Starts a server process and resolves when `ready` (a line on stdout, or an HTTP answer) says so. */
async function startProcess(name, args, env, readyUrl) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
    try {
      const r = await fetch(readyUrl, { method: readyUrl.endsWith('/graphql') ? 'POST' : 'GET', headers: { 'content-type': 'application/json' }, body: readyUrl.endsWith('/graphql') ? '{"query":"{__typename}"}' : undefined });
      if (r.ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// PostGraphile 4 needs graphql 15 and the registry 16: it lives in a package of its own.
if (!existsSync('bench/peer/node_modules/postgraphile')) {
  say('installing PostGraphile 4 under bench/peer (npm ci) …');
  const r = spawnSync('npm', ['ci', '--prefix', 'bench/peer', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const dbName = `gfr_bench_read_${randomBytes(3).toString('hex')}`;
const admin = new pg.Client({ connectionString: baseUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = new URL(baseUrl);
dbUrl.pathname = `/${dbName}`;
const children = [];
const cleanup = async () => {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  if (!values.keep) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  else say(`kept the database ${dbName}`);
  await admin.end();
};

try {
  // 1. The API, in production mode: its start runs the migrations.
  const apiPort = await freePort();
  const adminEmail = 'bench-admin@registry.test';
  const adminPassword = 'bench admin password';
  const apiEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl.toString(),
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    PORT: String(apiPort),
    LOG_LEVEL: 'warn',
    ACCESS_TOKEN_TTL_SECONDS: '86400',
  };
  children.push(await startProcess('the API', ['dist/src/main.js'], apiEnv, `http://127.0.0.1:${apiPort}/health/ready`));
  const api = `http://127.0.0.1:${apiPort}/graphql`;

  // 2. The data, by SQL: banks, enterprises (organisations and admitted library records), loans and two events each.
  const db = new pg.Client({ connectionString: dbUrl.toString() });
  await db.connect();
  const started = Date.now();
  // UUIDv7-shaped ids (time-ordered), so "newest first" is the id order as in the registry.
  await db.query(`CREATE FUNCTION pg_temp.v7(n bigint, salt text) RETURNS uuid LANGUAGE sql AS $$
    SELECT (lpad(to_hex(1735689600000 + n), 12, '0') || '7' || substr(md5(salt || n), 1, 3) || '8' || substr(md5(salt || n), 4, 15))::uuid $$`);
  await db.query(`INSERT INTO organization (id, kind, name) SELECT pg_temp.v7(i, 'bank'), 'BANK', 'Bank ' || i FROM generate_series(1, 10) i`);
  await db.query(`INSERT INTO organization (id, kind, name) SELECT pg_temp.v7(100 + i, 'org'), 'ENTERPRISE', 'Enterprise org ' || i FROM generate_series(1, $1::int) i`, [ENTERPRISES]);
  await db.query(
    `INSERT INTO enterprise (id, organization_id, name, uscc, district_code, industry, green_revenue_share, environmental_credit_rating,
                             marine, status, green_score, green_grade, submitted_at, decided_at)
     SELECT pg_temp.v7(100000 + i, 'ent'), pg_temp.v7(100 + i, 'org'), '厦门绿色企业' || i || '有限公司',
            '91350203M' || lpad(upper(to_hex(i)), 9, '0'), (ARRAY['350203','350205','350206','350211','350212','350213'])[1 + i % 6],
            'solar power generation', 0.8, 'GREEN', i % 5 = 0, 'ADMITTED', 85, 'A', now(), now()
       FROM generate_series(1, $1::int) i`,
    [ENTERPRISES],
  );
  await db.query(
    `INSERT INTO green_loan (id, bank_organization_id, contract_number, borrower_enterprise_id, borrower_organization_id, principal, currency,
                             interest_rate, signed_on, maturity_on, taxonomy_catalogue, taxonomy_code, carbon_benefit, district_code,
                             disbursed_total, repaid_total)
     SELECT pg_temp.v7(1000000 + i, 'loan'), pg_temp.v7(1 + i % 10, 'bank'), 'GL-' || lpad(i::text, 8, '0'),
            pg_temp.v7(100000 + 1 + i % $2::int, 'ent'), pg_temp.v7(100 + 1 + i % $2::int, 'org'),
            (100000 + (i % 997) * 1000)::numeric(20,2), 'CNY', 0.0345, DATE '2023-01-01' + (i % 365), DATE '2030-01-01',
            'GBEPC_2021', '3.2.2.2', 'DIRECT', (ARRAY['350203','350205','350206','350211','350212','350213'])[1 + (1 + i % $2::int) % 6],
            (100000 + (i % 997) * 1000)::numeric(20,2), 10000
       FROM generate_series(1, $1::int) i`,
    [LOANS, ENTERPRISES],
  );
  await db.query(
    `INSERT INTO loan_event (id, loan_id, kind, amount, occurred_on)
     SELECT pg_temp.v7(2000000 + 2 * i, 'event'), pg_temp.v7(1000000 + i, 'loan'), 'DISBURSEMENT', (100000 + (i % 997) * 1000)::numeric(20,2),
            DATE '2023-01-01' + (i % 365) + 10 FROM generate_series(1, $1::int) i
     UNION ALL
     SELECT pg_temp.v7(2000001 + 2 * i, 'event'), pg_temp.v7(1000000 + i, 'loan'), 'REPAYMENT', 10000, DATE '2023-01-01' + (i % 365) + 200
       FROM generate_series(1, $1::int) i`,
    [LOANS],
  );
  // The peer's view of `outstandingBalance(asOf:)`: a computed column (what a PostGraphile team would write).
  await db.query(`CREATE FUNCTION green_loan_outstanding_balance(l green_loan, as_of date) RETURNS numeric STABLE LANGUAGE sql AS $$
    SELECT coalesce(sum(CASE WHEN e.kind = 'DISBURSEMENT' THEN e.amount ELSE -e.amount END), 0)::numeric(20,2)
      FROM loan_event e WHERE e.loan_id = l.id AND e.occurred_on <= as_of $$`);
  await db.query(`ANALYZE`);
  const [{ n: eventCount }] = (await db.query(`SELECT count(*)::int AS n FROM loan_event`)).rows;
  say(`data: ${LOANS.toLocaleString('en-US')} loans, ${ENTERPRISES.toLocaleString('en-US')} enterprises, ${eventCount.toLocaleString('en-US')} events, 10 banks (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // 3. Callers: the regulator's administrator, and a bank's user (created through the API).
  const gql = async (url, query, token, variables) => {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await r.json();
    if (body.errors) throw new Error(`${url}: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const login = async (email, password) =>
    (await gql(api, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, null, { e: email, p: password })).login.accessToken;
  const regulator = await login(adminEmail, adminPassword);
  const bankId = (await db.query(`SELECT pg_temp.v7(3, 'bank') AS id`)).rows[0].id;
  await gql(api, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, regulator, {
    i: { organizationId: bankId, email: 'bench-bank@bank.test', displayName: 'Bank user', password: 'bench bank password', role: 'STAFF' },
  });
  const bank = await login('bench-bank@bank.test', 'bench bank password');
  const sampleLoan = (await db.query(`SELECT id FROM green_loan ORDER BY id DESC OFFSET 777 LIMIT 1`)).rows[0].id;
  await db.end();

  // 4. The peer.
  const peerPort = await freePort();
  children.push(await startProcess('PostGraphile', ['bench/peer/server.mjs'], { DATABASE_URL: dbUrl.toString(), PORT: String(peerPort) }, `http://127.0.0.1:${peerPort}/graphql`));
  const peer = `http://127.0.0.1:${peerPort}/graphql`;

  // 5. The queries: the same logical question to each server, and how to read both answers as the same rows.
  const loanRows = (edges) => edges.map(({ node: n }) => ({ contractNumber: n.contractNumber, principal: n.principal, borrower: n.borrower.name }));
  const peerLoanRows = (nodes) => nodes.map((n) => ({ contractNumber: n.contractNumber, principal: n.principal, borrower: n.enterpriseByBorrowerEnterpriseId.name }));
  const queries = [
    {
      name: 'regulator: first 50 loans with borrower',
      token: regulator,
      ours: `{ greenLoans(first: 50) { edges { node { contractNumber principal borrower { name } } } } }`,
      theirs: `{ allGreenLoans(first: 50, orderBy: ID_DESC) { nodes { contractNumber principal enterpriseByBorrowerEnterpriseId { name } } } }`,
      oursRows: (d) => loanRows(d.greenLoans.edges),
      theirsRows: (d) => peerLoanRows(d.allGreenLoans.nodes),
    },
    {
      name: "bank: its own book, first 50",
      token: bank,
      ours: `{ greenLoans(first: 50) { edges { node { contractNumber principal borrower { name } } } } }`,
      theirs: `{ allGreenLoans(first: 50, orderBy: ID_DESC, condition: { bankOrganizationId: "${bankId}" }) { nodes { contractNumber principal enterpriseByBorrowerEnterpriseId { name } } } }`,
      oursRows: (d) => loanRows(d.greenLoans.edges),
      theirsRows: (d) => peerLoanRows(d.allGreenLoans.nodes),
    },
    {
      name: 'one loan, its events, balance on a past date',
      token: regulator,
      ours: `{ greenLoan(id: "${sampleLoan}") { contractNumber outstandingBalance(asOf: "2023-09-30") events(first: 20) { edges { node { kind amount on } } } } }`,
      theirs: `{ greenLoanById(id: "${sampleLoan}") { contractNumber outstandingBalance(asOf: "2023-09-30")
                 loanEventsByLoanId(first: 20, orderBy: [OCCURRED_ON_ASC, ID_ASC]) { nodes { kind amount occurredOn } } } }`,
      oursRows: (d) => ({ c: d.greenLoan.contractNumber, b: d.greenLoan.outstandingBalance, e: d.greenLoan.events.edges.map(({ node: e }) => [e.kind, e.amount, e.on]) }),
      theirsRows: (d) => ({ c: d.greenLoanById.contractNumber, b: d.greenLoanById.outstandingBalance, e: d.greenLoanById.loanEventsByLoanId.nodes.map((e) => [e.kind, e.amount, e.occurredOn]) }),
    },
    {
      name: 'enterprises, first 20, each with its first 5 loans',
      token: regulator,
      ours: `{ enterprises(first: 20) { edges { node { name loans(first: 5) { edges { node { contractNumber principal } } } } } } }`,
      theirs: `{ allEnterprises(first: 20, orderBy: ID_DESC) { nodes { name greenLoansByBorrowerEnterpriseId(first: 5, orderBy: ID_DESC) { nodes { contractNumber principal } } } } }`,
      oursRows: (d) => d.enterprises.edges.map(({ node: e }) => ({ name: e.name, loans: e.loans.edges.map(({ node: l }) => [l.contractNumber, l.principal]) })),
      theirsRows: (d) => d.allEnterprises.nodes.map((e) => ({ name: e.name, loans: e.greenLoansByBorrowerEnterpriseId.nodes.map((l) => [l.contractNumber, l.principal]) })),
    },
  ].filter((q, i) => !values.only || values.only.split(',').includes(String(i + 1)));

  // 6. Correctness first.
  for (const q of queries) {
    const a = q.oursRows(await gql(api, q.ours, q.token));
    const b = q.theirsRows(await gql(peer, q.theirs));
    if (!isDeepStrictEqual(a, b)) throw new Error(`${q.name}: the answers differ\nAPI:  ${JSON.stringify(a).slice(0, 500)}\npeer: ${JSON.stringify(b).slice(0, 500)}`);
  }
  say(`answers: the same rows from both servers for all ${queries.length} queries`);

  // 7. Timing, alternating.
  const run = (url, query, token) =>
    new Promise((res, rej) =>
      autocannon(
        {
          url,
          method: 'POST',
          connections: CONNECTIONS,
          duration: SECONDS,
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query }),
        },
        (err, result) => (err ? rej(err) : res(result)),
      ),
    );
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const rows = [];
  for (const q of queries) {
    await run(api, q.ours, q.token); // warm-up
    await run(peer, q.theirs);
    const ours = [];
    const theirs = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = await run(api, q.ours, q.token);
      const b = await run(peer, q.theirs);
      if (a.non2xx || a.errors || b.non2xx || b.errors) throw new Error(`${q.name}: errors during the run (API ${a.non2xx}/${a.errors}, peer ${b.non2xx}/${b.errors})`);
      ours.push(a);
      theirs.push(b);
    }
    const summary = (rs) => ({ rps: median(rs.map((x) => x.requests.average)), p50: median(rs.map((x) => x.latency.p50)), p99: median(rs.map((x) => x.latency.p99)) });
    const a = summary(ours);
    const b = summary(theirs);
    rows.push({ name: q.name, a, b });
    say(`${q.name}: API ${a.rps.toFixed(0)} req/s (p50 ${a.p50} ms, p99 ${a.p99} ms); peer ${b.rps.toFixed(0)} req/s (p50 ${b.p50} ms, p99 ${b.p99} ms)`);
  }
  say('');
  say(`| query | API req/s | API p50 / p99 ms | PostGraphile req/s | PostGraphile p50 / p99 ms | ratio |`);
  say(`|---|---|---|---|---|---|`);
  for (const { name, a, b } of rows) {
    say(`| ${name} | ${a.rps.toFixed(0)} | ${a.p50} / ${a.p99} | ${b.rps.toFixed(0)} | ${b.p50} / ${b.p99} | ${(a.rps / b.rps).toFixed(2)} |`);
  }
  say(`\n${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s each (medians), ${new Date().toISOString().slice(0, 10)}`);
} finally {
  await cleanup();
}
