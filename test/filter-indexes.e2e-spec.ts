import { randomUUID } from 'node:crypto';
import { startTestRegistry, type TestRegistry } from './support/test-registry.js';

let t: TestRegistry;
beforeAll(async () => {
  t = await startTestRegistry();
});
afterAll(async () => {
  await t?.close();
});

interface Statement {
  sql: string;
  parameters: unknown[];
}

/** Runs one GraphQL operation as the regulator and returns the SQL statements the registry sent for it. */
async function statementsOf(query: string, variables: Record<string, unknown>): Promise<Statement[]> {
  const logger = t.registry.dataSource.logger;
  const original = logger.logQuery.bind(logger);
  const sent: Statement[] = [];
  logger.logQuery = (...args: Parameters<typeof original>) => {
    sent.push({ sql: args[0], parameters: (args[1] ?? []) as unknown[] });
    return original(...args);
  };
  try {
    const res = await t.gql(query, variables, t.adminToken);
    expect(res.errors).toBeUndefined();
  } finally {
    logger.logQuery = original;
  }
  return sent;
}

/** The plan of a statement with its parameters, with sequential scans priced out (tiny test tables would win them). */
async function planOf({ sql, parameters }: Statement): Promise<string> {
  const qr = t.registry.dataSource.createQueryRunner();
  await qr.startTransaction();
  try {
    await qr.query(`SET LOCAL enable_seqscan = off`);
    const rows: { 'QUERY PLAN': string }[] = await qr.query(`EXPLAIN ${sql}`, parameters);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await qr.rollbackTransaction();
    await qr.release();
  }
}

/** The count and the page statement a connection query sends for its table. */
async function listStatements(query: string, variables: Record<string, unknown>, table: string) {
  // The query builder quotes the table; the hand-written lean lists do not.
  const sent = (await statementsOf(query, variables)).filter((s) => s.sql.includes(`FROM "${table}"`) || new RegExp(`FROM ${table}\\b`).test(s.sql));
  const count = sent.filter((s) => /COUNT\(/i.test(s.sql));
  const page = sent.filter((s) => /ORDER BY/i.test(s.sql) && /LIMIT/i.test(s.sql));
  expect(count).toHaveLength(1);
  expect(page).toHaveLength(1);
  return { count: count[0], page: page[0] };
}

const AUDIT = `query($f: AuditEventFilter) { auditEvents(filter: $f) { totalCount edges { node { id } } } }`;
const LOANS = `query($f: GreenLoanFilter) { greenLoans(filter: $f) { totalCount edges { node { id } } } }`;
const BONDS = `query($f: GreenBondFilter) { greenBonds(filter: $f) { totalCount edges { node { id } } } }`;

describe('each exposed list filter is served by an index', () => {
  const cases: [filter: string, query: string, variables: Record<string, unknown>, table: string, index: string][] = [
    ['auditEvents(entityId)', AUDIT, { f: { entityId: randomUUID() } }, 'audit_event', 'ix_audit_event_entity_id'],
    ['greenLoans(contractNumber) as the regulator', LOANS, { f: { contractNumber: 'XMB-2024-0042' } }, 'green_loan', 'ix_green_loan_contract_number'],
    ['greenBonds(registeredByOrganizationId)', BONDS, { f: { registeredByOrganizationId: randomUUID() } }, 'green_bond', 'ix_green_bond_registrar'],
    ['greenBonds(bondType)', BONDS, { f: { bondType: 'CORPORATE' } }, 'green_bond', 'ix_green_bond_type'],
    ['greenBonds(issuedFrom, issuedTo)', BONDS, { f: { issuedFrom: '2024-01-01', issuedTo: '2024-12-31' } }, 'green_bond', 'ix_green_bond_issued_on'],
  ];

  it.each(cases)('%s: its count uses the index, its page an index', async (_name, query, variables, table, index) => {
    const { count, page } = await listStatements(query, variables, table);
    expect(await planOf(count)).toContain(index);
    // The page orders by id DESC with a LIMIT: the planner may rightly walk the primary key instead.
    expect(await planOf(page)).toMatch(new RegExp(`${index}|${table}_pkey`));
  });
});
