import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvRecordParser, type CsvRecord } from '../src/loans/import/csv-stream.js';
import { importLoans, LoanImportError, summaryLine, type ImportLoansOptions } from '../src/loans/import/import-loans.js';
import { terminalProgress } from '../src/loans/import/progress.js';
import { parseCsv } from '../src/reference/csv.js';
import { admittedEnterprise, REVIEW_PROJECT, submittedProject, validUscc } from './support/library-fixtures.js';
import { compiledCli } from './support/cli.js';
import { createOrgWithAdmin, startTestRegistry, type TestRegistry } from './support/test-registry.js';

type Org = Awaited<ReturnType<typeof createOrgWithAdmin>>;
type Ent = Awaited<ReturnType<typeof admittedEnterprise>> & { uscc: string };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOAN_HEADER = 'contract_number,borrower_uscc,project_id,principal,currency,interest_rate,signed_on,maturity_on,taxonomy_catalogue,taxonomy_code,carbon_benefit';
const EVENT_HEADER = 'contract_number,kind,amount,on,event_ref';
const BALANCE = `query($id: ID!) { greenLoan(id: $id) { outstandingBalance disbursedTotal repaidTotal } }`;

let t: TestRegistry;
let bank: Org;
let bankName: string;
let dir: string;
let borrowerA: Ent;
let borrowerB: Ent;
let pending: Ent;
let projectB: string;

async function enterprise(overrides: Record<string, unknown> = {}, admit = true): Promise<Ent> {
  const uscc = (overrides.uscc as string) ?? validUscc();
  return { ...(await admittedEnterprise(t, { ...overrides, uscc }, admit)), uscc };
}

beforeAll(async () => {
  t = await startTestRegistry();
  bank = await createOrgWithAdmin(t, 'BANK');
  [{ name: bankName }] = await t.sql(`SELECT name FROM organization WHERE id = $1`, [bank.organizationId]);
  borrowerA = await enterprise({ districtCode: '350206' });
  borrowerB = await enterprise({ districtCode: '350203' });
  pending = await enterprise({}, false);
  projectB = await submittedProject(t, borrowerB.token, { districtCode: '350211' });
  await t.gql(REVIEW_PROJECT, { id: projectB, d: 'ADMIT', c: 'ok' }, t.adminToken);
  dir = mkdtempSync(join(tmpdir(), 'loan-import-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\r\n') + '\r\n');
  return path;
}

function run(options: Partial<ImportLoansOptions> & { loansFile: string }) {
  return importLoans({ dataSource: t.registry.dataSource, bank: bank.organizationId, timeZone: t.registry.config.timeZone, ...options });
}

/** The rejects file as `line → reason`, checking its header and that each row keeps the original fields. */
function rejects(path: string, header: string): Map<number, string> {
  const [head, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  expect(head).toEqual(['line', 'reason', ...header.split(',')]);
  return new Map(rows.map((r) => [Number(r[0]), r[1]]));
}

const loanCount = async () => (await t.sql(`SELECT count(*)::int AS n FROM green_loan WHERE bank_organization_id = $1`, [bank.organizationId]))[0].n;
const auditRows = async (action: string) =>
  t.sql(`SELECT entity_type, entity_id, after, organization_id FROM audit_event WHERE action = $1 ORDER BY occurred_at, id`, [action]);

function loanLine(contract: string, uscc: string, overrides: Partial<Record<'project' | 'principal' | 'currency' | 'rate' | 'signed' | 'maturity' | 'catalogue' | 'code' | 'benefit', string>> = {}) {
  const o = { project: '', principal: '1000000.00', currency: 'CNY', rate: '0.0345', signed: '2024-01-15', maturity: '2029-01-15', catalogue: 'GBEPC_2021', code: '3.2.2.2', benefit: 'DIRECT', ...overrides };
  return [contract, uscc, o.project, o.principal, o.currency, o.rate, o.signed, o.maturity, o.catalogue, o.code, o.benefit].join(',');
}

describe('the streaming CSV reader', () => {
  const parse = (text: string, chunk: number) => {
    const parser = new CsvRecordParser();
    const out: CsvRecord[] = [];
    for (let i = 0; i < text.length; i += chunk) parser.push(text.slice(i, i + chunk), out);
    parser.end(out);
    return out;
  };

  it('reads quoted fields, doubled quotes, CRLF and line breaks inside quotes, with each record’s first line, however the text is chunked', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""",\r\n\r\n"two\nlines",2,3\nlast,"",z';
    const expected = [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', ''] },
      { line: 4, fields: ['two\nlines', '2', '3'] },
      { line: 6, fields: ['last', '', 'z'] },
    ];
    for (const chunk of [1, 2, 3, 7, 1000]) expect(parse(text, chunk)).toEqual(expected);
  });

  it('flags a stray quote, text after a closing quote and an unterminated quote', () => {
    const records = parse('ok,1\nab"c,2\n"a"b,3\n"open,4\n', 1);
    expect(records.map((r) => [r.line, !!r.error])).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [4, true],
    ]);
    expect(records[3].error).toMatch(/no closing/);
  });
});

describe('loans file', () => {
  it('loads the good rows, rejects each bad row with its line and reason, and a re-run loads nothing twice', async () => {
    const loansFile = file('loans.csv', [
      LOAN_HEADER, // 1
      loanLine('GL-1', borrowerA.uscc), // 2 good
      loanLine('GL-2', borrowerB.uscc.toLowerCase(), { project: projectB, currency: 'usd', principal: '2500000.50' }), // 3 good
      loanLine('GL-3', borrowerA.uscc, { principal: '1.005' }), // 4 bad principal
      loanLine('GL-4', validUscc()), // 5 unknown borrower
      loanLine('GL-5', pending.uscc), // 6 borrower not admitted
      loanLine('GL-6', borrowerA.uscc, { signed: '2024-05-01', maturity: '2024-04-30' }), // 7 maturity before signing
      loanLine('GL-7', borrowerA.uscc, { code: '9.9.9' }), // 8 unknown taxonomy code
      loanLine('GL-8', borrowerA.uscc, { project: projectB }), // 9 another enterprise's project
      'GL-9,' + borrowerA.uscc + ',,1000.00', // 10 malformed: too few fields
      loanLine('GL-1', borrowerB.uscc), // 11 duplicate of line 2
      `"GL\n10",${borrowerA.uscc},,1.00,CNY,0.01,2024-01-01,2025-01-01,GBEPC_2021,3,DIRECT`, // 12-13 a line break in a contract number
      ` GL-11 , ${borrowerA.uscc} ,, 42.00 ,, 0.05 ,2024-01-01,2025-01-01,GLTIGC_2024,6,INDIRECT`, // 14 good (spaces are ignored)
    ]);
    const first = await run({ loansFile, batchSize: 2 });
    expect(first.loans).toEqual({ loaded: 3, skipped: 0, rejected: 9 });
    expect(summaryLine(first)).toBe('loaded 3, skipped 0, rejected 9');
    expect(first.rejectsFile).toBe(`${loansFile}.rejects.csv`);

    const reasons = rejects(first.rejectsFile, LOAN_HEADER);
    expect([...reasons.keys()]).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(reasons.get(4)).toBe('principal: must have at most 2 decimal places');
    expect(reasons.get(5)).toBe('borrower_uscc: is not an admitted enterprise of the library');
    expect(reasons.get(6)).toBe('borrower_uscc: is not an admitted enterprise of the library');
    expect(reasons.get(7)).toBe('maturity_on: must be after signedOn');
    expect(reasons.get(8)).toBe('taxonomy_code: 9.9.9 is not a category of GBEPC_2021');
    expect(reasons.get(9)).toBe("project_id: is not the borrower's project");
    expect(reasons.get(10)).toBe('malformed row: 4 field(s), expected 11');
    expect(reasons.get(11)).toBe('contract_number: duplicate of line 2 in this file');
    expect(reasons.get(12)).toMatch(/^contract_number: must not contain commas or runs of spaces/);
    // The original row follows the line and the reason.
    const [, bad] = parseCsv(readFileSync(first.rejectsFile, 'utf8'));
    expect(bad.slice(2)).toEqual(loanLine('GL-3', borrowerA.uscc, { principal: '1.005' }).split(','));

    const loans = await t.sql(
      `SELECT contract_number, borrower_enterprise_id, borrower_organization_id, project_id, principal, currency, district_code, taxonomy_catalogue, carbon_benefit
       FROM green_loan WHERE bank_organization_id = $1 ORDER BY contract_number`,
      [bank.organizationId],
    );
    expect(loans).toEqual([
      expect.objectContaining({ contract_number: 'GL-1', borrower_enterprise_id: borrowerA.enterpriseId, borrower_organization_id: borrowerA.organizationId, project_id: null, currency: 'CNY', district_code: '350206' }),
      expect.objectContaining({ contract_number: 'GL-11', principal: '42.00', currency: 'CNY', taxonomy_catalogue: 'GLTIGC_2024', carbon_benefit: 'INDIRECT' }),
      expect.objectContaining({ contract_number: 'GL-2', borrower_enterprise_id: borrowerB.enterpriseId, project_id: projectB, principal: '2500000.50', currency: 'USD', district_code: '350211' }),
    ]);

    // One audit row per batch that loaded something (valid rows 2+3, then 14).
    const audits = await auditRows('greenLoan.import');
    expect(audits).toEqual([
      { entity_type: 'GreenLoanImport', entity_id: first.importId, organization_id: null, after: expect.objectContaining({ file: loansFile, firstLine: 2, lastLine: 3, loaded: 2 }) },
      { entity_type: 'GreenLoanImport', entity_id: first.importId, organization_id: null, after: expect.objectContaining({ file: loansFile, firstLine: 14, lastLine: 14, loaded: 1 }) },
    ]);

    // The same file again: nothing new, the same rejects, no audit row.
    const second = await run({ loansFile, batchSize: 2 });
    expect(second.loans).toEqual({ loaded: 0, skipped: 3, rejected: 9 });
    expect(await loanCount()).toBe(3);
    expect(await auditRows('greenLoan.import')).toHaveLength(2);
    expect([...rejects(second.rejectsFile, LOAN_HEADER).keys()]).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('refuses a file whose columns are unknown or missing before loading anything', async () => {
    const before = await loanCount();
    const unknown = file('unknown-column.csv', [LOAN_HEADER + ',branch', loanLine('GL-X1', borrowerA.uscc) + ',Siming']);
    await expect(run({ loansFile: unknown })).rejects.toThrow(/unknown column\(s\) "branch"/);
    const missing = file('missing-column.csv', ['contract_number,borrower_uscc,principal', `GL-X2,${borrowerA.uscc},1.00`]);
    await expect(run({ loansFile: missing })).rejects.toThrow(/missing column\(s\) interest_rate, signed_on, maturity_on, taxonomy_catalogue, taxonomy_code, carbon_benefit/);
    // A bad events header stops the loans too.
    const loansFile = file('fine.csv', [LOAN_HEADER, loanLine('GL-X3', borrowerA.uscc)]);
    const events = file('bad-events.csv', ['contract_number,kind,amount,date', 'GL-X3,DISBURSEMENT,1.00,2024-02-01']);
    await expect(run({ loansFile, eventsFile: events })).rejects.toThrow(LoanImportError);
    await expect(run({ loansFile: join(dir, 'no-such-file.csv') })).rejects.toThrow(/cannot read/);
    expect(await loanCount()).toBe(before);
    expect(existsSync(`${unknown}.rejects.csv`)).toBe(false);
    expect(existsSync(`${loansFile}.rejects.csv`)).toBe(false);
  });

  it('names the bank by id, USCC or exact name, and refuses an unknown or non-bank organisation', async () => {
    const loansFile = file('by-name.csv', [LOAN_HEADER, loanLine('GL-N1', borrowerA.uscc)]);
    expect((await run({ loansFile, bank: bankName })).loans).toEqual({ loaded: 1, skipped: 0, rejected: 0 });
    const bankUscc = validUscc('350200');
    const created = await t.gql(
      `mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id uscc } }`,
      { i: { kind: 'BANK', name: 'Bank with a USCC', uscc: bankUscc.toLowerCase() } },
      t.adminToken,
    );
    expect(created.data!.createOrganization.uscc).toBe(bankUscc);
    const byUscc = await run({ loansFile: file('by-uscc.csv', [LOAN_HEADER, loanLine('GL-U1', borrowerA.uscc)]), bank: bankUscc });
    expect(byUscc).toMatchObject({ bankOrganizationId: created.data!.createOrganization.id, loans: { loaded: 1, skipped: 0, rejected: 0 } });
    await expect(run({ loansFile, bank: 'No Such Bank' })).rejects.toThrow(/no organisation has the id, USCC or name "No Such Bank"/);
    await expect(run({ loansFile, bank: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(LoanImportError);
    await expect(run({ loansFile, bank: '91350203MA0EXAMP14' })).rejects.toThrow(/no organisation has the id, USCC or name/);
    await expect(run({ loansFile, bank: borrowerA.organizationId })).rejects.toThrow(/is a ENTERPRISE organisation, not a BANK/);
  });

  it('refuses a --bank that names two organisations (one has the USCC, another is named like it), listing both, and takes the id', async () => {
    const uscc = validUscc('350200');
    const create = async (name: string, withUscc: boolean) =>
      (await t.gql(`mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }`, { i: { kind: 'BANK', name, ...(withUscc ? { uscc } : {}) } }, t.adminToken))
        .data!.createOrganization.id as string;
    const holder = await create('Bank holding the USCC', true);
    const namedLikeIt = await create(uscc, false);
    const loansFile = file('ambiguous-bank.csv', [LOAN_HEADER, loanLine('GL-AMB-1', borrowerA.uscc)]);
    const loansOf = async (org: string) => (await t.sql(`SELECT count(*)::int AS n FROM green_loan WHERE bank_organization_id = $1`, [org]))[0].n;

    const refused = await run({ loansFile, bank: uscc }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(LoanImportError);
    const message = (refused as Error).message;
    expect(message).toMatch(new RegExp(`names 2 organisations`));
    expect(message).toContain(`${holder}  "Bank holding the USCC"  USCC ${uscc}  BANK`);
    expect(message).toContain(`${namedLikeIt}  "${uscc}"  USCC (none)  BANK`);
    expect(message).toMatch(/Pass the organisation id of the bank you mean with --bank/);
    expect([await loansOf(holder), await loansOf(namedLikeIt)]).toEqual([0, 0]);
    expect(existsSync(`${loansFile}.rejects.csv`)).toBe(false);

    expect(await run({ loansFile, bank: holder })).toMatchObject({ bankOrganizationId: holder, loans: { loaded: 1, skipped: 0, rejected: 0 } });
    expect([await loansOf(holder), await loansOf(namedLikeIt)]).toEqual([1, 0]);
  });

  it('skips a loan row equal to the stored loan however it is spelled, and refuses one that differs, naming the stored values', async () => {
    const first = file('differ-1.csv', [LOAN_HEADER, loanLine('DF-1', borrowerA.uscc), loanLine('DF-2', borrowerB.uscc, { project: projectB })]);
    expect((await run({ loansFile: first })).loans).toEqual({ loaded: 2, skipped: 0, rejected: 0 });
    const again = file('differ-2.csv', [
      LOAN_HEADER,
      // The same loan: other spellings of the same values.
      loanLine('DF-1', borrowerA.uscc.toLowerCase(), { principal: '1000000', currency: 'cny', rate: '0.034500' }),
      loanLine('DF-2', borrowerB.uscc, { project: projectB, principal: '2000000.00', maturity: '2030-01-15' }),
      loanLine('DF-3', borrowerA.uscc),
    ]);
    const second = await run({ loansFile: again });
    expect(second.loans).toEqual({ loaded: 1, skipped: 1, rejected: 1 });
    expect([...rejects(second.rejectsFile, LOAN_HEADER).entries()]).toEqual([
      [3, 'contract_number: already registered by this bank; this row differs in principal (stored 1000000.00) and maturity_on (stored 2029-01-15)'],
    ]);
    const [stored] = await t.sql(`SELECT principal, maturity_on::text AS maturity_on FROM green_loan WHERE bank_organization_id = $1 AND contract_number = 'DF-2'`, [
      bank.organizationId,
    ]);
    expect(stored).toEqual({ principal: '1000000.00', maturity_on: '2029-01-15' });
  });
});

describe('events file', () => {
  it('applies good events to the balances, rejects over-disbursement, over-repayment and the rest, and skips them on a re-run', async () => {
    const loansFile = file('event-loans.csv', [
      LOAN_HEADER,
      loanLine('EV-1', borrowerA.uscc, { principal: '1000.00', signed: '2024-01-15' }),
      loanLine('EV-2', borrowerB.uscc, { principal: '500.00', signed: '2024-01-15' }),
    ]);
    const eventsFile = file('events.csv', [
      EVENT_HEADER, // 1
      'EV-1,DISBURSEMENT,600.00,2024-02-01,R1', // 2 good
      'EV-1,DISBURSEMENT,500.00,2024-03-01,R2', // 3 over the principal (400 left)
      'EV-1,REPAYMENT,100.00,2024-04-01,R3', // 4 good
      'EV-1,REPAYMENT,600.00,2024-05-01,R4', // 5 over the balance (500)
      'EV-2,DISBURSEMENT,500.00,2024-02-01,R1', // 6 good (a reference is unique per loan)
      'EV-2,REPAYMENT,0.01,2099-01-01,R2', // 7 future
      'EV-1,REPAYMENT,50.00,2024-01-01,R5', // 8 before signing
      'NO-SUCH,DISBURSEMENT,1.00,2024-02-01,R1', // 9 unknown contract
      'EV-1,DISBURSEMENT,1.005,2024-02-01,R6', // 10 bad amount
      'EV-1,DISBURSEMENT,400.00,2024-06-01,R1', // 11 duplicate of line 2
      'EV-1,WITHDRAWAL,1.00,2024-06-01,R7', // 12 bad kind
      'EV-2,REPAYMENT,500.00,2024-06-01,R3', // 13 good: repaid in full
    ]);
    const first = await run({ loansFile, eventsFile, batchSize: 3 });
    expect(first.loans).toEqual({ loaded: 2, skipped: 0, rejected: 0 });
    expect(first.events).toEqual({ loaded: 4, skipped: 0, rejected: 8 });
    expect(summaryLine(first)).toBe('loaded 2, skipped 0, rejected 0; events loaded 4, skipped 0, rejected 8');
    expect(first.eventsRejectsFile).toBe(`${eventsFile}.rejects.csv`);
    const reasons = rejects(first.eventsRejectsFile!, EVENT_HEADER);
    expect([...reasons.keys()]).toEqual([3, 5, 7, 8, 9, 10, 11, 12]);
    expect(reasons.get(3)).toMatch(/^amount: Disbursing 500.00 would exceed the principal: 400.00 is left to draw/);
    expect(reasons.get(5)).toMatch(/^amount: Repaying 600.00 on 2024-05-01 would take the balance below zero: at most 500.00/);
    expect(reasons.get(7)).toMatch(/^on: must not be in the future/);
    expect(reasons.get(8)).toBe('on: must not be before the signing date 2024-01-15');
    expect(reasons.get(9)).toBe('contract_number: this bank has no loan with this contract number');
    expect(reasons.get(10)).toBe('amount: must have at most 2 decimal places');
    expect(reasons.get(11)).toMatch(/^event_ref: duplicate of line 2 in this file/);
    expect(reasons.get(12)).toBe('kind: must be DISBURSEMENT or REPAYMENT');

    const ids = Object.fromEntries(
      (await t.sql(`SELECT contract_number, id FROM green_loan WHERE bank_organization_id = $1 AND contract_number LIKE 'EV-%'`, [bank.organizationId])).map((r) => [
        r.contract_number,
        r.id,
      ]),
    );
    const balance = async (contract: string) => (await t.gql(BALANCE, { id: ids[contract] }, bank.token)).data!.greenLoan;
    const expected = {
      'EV-1': { outstandingBalance: '500.00', disbursedTotal: '600.00', repaidTotal: '100.00' },
      'EV-2': { outstandingBalance: '0.00', disbursedTotal: '500.00', repaidTotal: '500.00' },
    };
    expect({ 'EV-1': await balance('EV-1'), 'EV-2': await balance('EV-2') }).toEqual(expected);
    const refs = await t.sql(`SELECT external_ref FROM loan_event WHERE loan_id = $1 ORDER BY occurred_on`, [ids['EV-1']]);
    expect(refs.map((r) => r.external_ref)).toEqual(['R1', 'R3']);
    const eventAudits = await auditRows('greenLoan.importEvents');
    expect(eventAudits.map((a) => [a.after.firstLine, a.after.lastLine, a.after.loaded])).toEqual([
      [2, 4, 2], // rows 2, 3, 4 checked against the database; 2 and 4 applied
      [5, 8, 1], // 5, 6, 8 (7 was refused on its own); 6 applied
      [9, 13, 1], // 9 and 13; 13 applied
    ]);

    // Again: the loans and events are already there; the same rows are rejected; balances do not move.
    const eventCount = async () => (await t.sql(`SELECT count(*)::int AS n FROM loan_event`))[0].n;
    const events = await eventCount();
    const second = await run({ loansFile, eventsFile, batchSize: 3 });
    expect(second.loans).toEqual({ loaded: 0, skipped: 2, rejected: 0 });
    expect(second.events).toEqual({ loaded: 0, skipped: 4, rejected: 8 });
    expect(await eventCount()).toBe(events);
    expect({ 'EV-1': await balance('EV-1'), 'EV-2': await balance('EV-2') }).toEqual(expected);
    expect(await auditRows('greenLoan.importEvents')).toHaveLength(3);
  });

  it('skips a re-sent event that says the same (amounts compared as decimals) and refuses one that says something else', async () => {
    const loansFile = file('changed-loans.csv', [LOAN_HEADER, loanLine('CH-1', borrowerA.uscc, { principal: '1000.00' })]);
    const sent = file('changed-1.csv', [EVENT_HEADER, 'CH-1,DISBURSEMENT,500.00,2024-02-01,C1', 'CH-1,REPAYMENT,100,2024-03-01,C2']);
    expect((await run({ loansFile, eventsFile: sent })).events).toEqual({ loaded: 2, skipped: 0, rejected: 0 });
    const [{ id }] = await t.sql(`SELECT id FROM green_loan WHERE bank_organization_id = $1 AND contract_number = 'CH-1'`, [bank.organizationId]);
    const before = (await t.gql(BALANCE, { id }, bank.token)).data!.greenLoan;
    expect(before).toEqual({ outstandingBalance: '400.00', disbursedTotal: '500.00', repaidTotal: '100.00' });

    const resent = file('changed-2.csv', [
      EVENT_HEADER,
      'CH-1,DISBURSEMENT,500,2024-02-01,C1', // 2 the same event
      'CH-1,REPAYMENT,100.5,2024-03-01,C2', // 3 another amount
    ]);
    const second = await run({ loansFile, eventsFile: resent });
    expect(second.events).toEqual({ loaded: 0, skipped: 1, rejected: 1 });
    expect([...rejects(second.eventsRejectsFile!, EVENT_HEADER).entries()]).toEqual([
      [3, 'event_ref: already recorded for this loan as REPAYMENT 100.00 on 2024-03-01; this row differs in amount'],
    ]);
    const swapped = file('changed-3.csv', [EVENT_HEADER, 'CH-1,DISBURSEMENT,100.00,2024-03-02,C2', 'CH-1,REPAYMENT,500.00,2024-02-01,C1']);
    const third = await run({ loansFile, eventsFile: swapped });
    expect(third.events).toEqual({ loaded: 0, skipped: 0, rejected: 2 });
    expect([...rejects(third.eventsRejectsFile!, EVENT_HEADER).entries()]).toEqual([
      [2, 'event_ref: already recorded for this loan as REPAYMENT 100.00 on 2024-03-01; this row differs in kind and on'],
      [3, 'event_ref: already recorded for this loan as DISBURSEMENT 500.00 on 2024-02-01; this row differs in kind'],
    ]);
    expect((await t.gql(BALANCE, { id }, bank.token)).data!.greenLoan).toEqual(before);
    expect((await t.sql(`SELECT count(*)::int AS n FROM loan_event WHERE loan_id = $1`, [id]))[0].n).toBe(2);
  });

  it('gives back-dated events, across batches, exactly the API’s verdicts, and writes them as the import (nobody recorded them)', async () => {
    const loansFile = file('dated-loans.csv', [LOAN_HEADER, loanLine('BD-1', borrowerA.uscc, { principal: '1000.00', signed: '2024-01-15' })]);
    const rows = [
      'DISBURSEMENT,1000.00,2024-03-01', // fine
      'REPAYMENT,600.00,2024-05-01', // fine: 400 left from 2024-05-01
      'REPAYMENT,100.00,2024-02-15', // before the drawing: nothing to repay then
      'REPAYMENT,400.01,2024-04-01', // 1000 then, but only 400 from 2024-05-01 on
      'REPAYMENT,300.00,2024-04-01', // fine: 100 left from 2024-05-01
      'REPAYMENT,100.01,2024-03-15',
      'DISBURSEMENT,0.01,2024-06-01', // the principal is drawn
      'REPAYMENT,100.00,2024-03-01', // fine, the same day as the drawing: repaid in full from 2024-05-01
      'REPAYMENT,0.01,2024-06-01',
      'REPAYMENT,0.01,2024-04-30',
    ];
    const eventsFile = file('dated-events.csv', [EVENT_HEADER, ...rows.map((r, i) => `BD-1,${r},BD-R${i}`)]);
    const result = await run({ loansFile, eventsFile, batchSize: 2 });
    const refusedLines = [...rejects(result.eventsRejectsFile!, EVENT_HEADER).keys()];
    expect(result.events).toEqual({ loaded: 4, skipped: 0, rejected: 6 });

    // The same events one by one through the API on a twin loan.
    const twin = await t.gql(
      `mutation($i: GreenLoanInput!) { registerGreenLoan(input: $i) { id } }`,
      {
        i: {
          contractNumber: 'BD-TWIN',
          borrowerEnterpriseId: borrowerA.enterpriseId,
          principal: '1000.00',
          interestRate: '0.0345',
          signedOn: '2024-01-15',
          maturityOn: '2029-01-15',
          taxonomy: { catalogue: 'GBEPC_2021', code: '3.2.2.2' },
          carbonBenefit: 'DIRECT',
        },
      },
      bank.token,
    );
    const twinId = twin.data!.registerGreenLoan.id;
    const apiRefused: number[] = [];
    for (const [i, r] of rows.entries()) {
      const [kind, amount, on] = r.split(',');
      const op = kind === 'DISBURSEMENT' ? 'recordLoanDisbursement' : 'recordLoanRepayment';
      const res = await t.gql(`mutation($l: ID!, $a: Decimal!, $on: Date!) { ${op}(loanId: $l, amount: $a, on: $on) { id } }`, { l: twinId, a: amount, on }, bank.token);
      if (res.errors) apiRefused.push(i + 2);
    }
    expect(refusedLines).toEqual(apiRefused);

    const [loan] = await t.sql(`SELECT id, disbursed_total, repaid_total, updated_at FROM green_loan WHERE bank_organization_id = $1 AND contract_number = 'BD-1'`, [
      bank.organizationId,
    ]);
    expect(loan).toMatchObject({ disbursed_total: '1000.00', repaid_total: '1000.00' });
    const written = await t.sql(`SELECT recorded_by_user_id, recorded_by_api_key_id, recorded_at FROM loan_event WHERE loan_id = $1`, [loan.id]);
    expect(written).toHaveLength(4);
    for (const e of written) expect(e).toEqual({ recorded_by_user_id: null, recorded_by_api_key_id: null, recorded_at: expect.any(Date) });
  });

  it('loads the example files of docs/loan-import.md as documented', async () => {
    for (const [uscc, districtCode] of [
      ['91350203MA0EXAMP14', '350203'],
      ['91350211MA0EXAMP2R', '350211'],
      ['91350206MA0EXAMP3M', '350206'],
    ]) {
      await enterprise({ uscc, districtCode });
    }
    const exampleBank = await createOrgWithAdmin(t, 'BANK');
    const copy = (name: string) => {
      const path = join(dir, name);
      writeFileSync(path, readFileSync(join(ROOT, 'test/import', name)));
      return path;
    };
    const result = await run({ loansFile: copy('loans-example.csv'), eventsFile: copy('loan-events-example.csv'), bank: exampleBank.organizationId });
    expect(summaryLine(result)).toBe('loaded 3, skipped 0, rejected 0; events loaded 5, skipped 0, rejected 0');
    const [loan] = await t.sql(`SELECT id FROM green_loan WHERE bank_organization_id = $1 AND contract_number = 'XMB-GL-2024-0001'`, [exampleBank.organizationId]);
    expect((await t.gql(BALANCE, { id: loan.id }, exampleBank.token)).data!.greenLoan).toEqual({
      outstandingBalance: '45000000.00',
      disbursedTotal: '50000000.00',
      repaidTotal: '5000000.00',
    });
  });
});

describe('progress', () => {
  it('prints plain periodic lines with percent, rows/s and ETA when the output is not a terminal', () => {
    const lines: string[] = [];
    let clock = 0;
    const p = terminalProgress({ write: (s: string) => lines.push(s), isTTY: false }, { now: () => clock });
    p.begin('loans', 1000);
    clock = 1000;
    p.update(100, 50); // under 5 s: nothing
    clock = 5000;
    p.update(250, 500);
    clock = 6000;
    p.update(1000, 800); // 1 s after the last line: nothing
    clock = 8000;
    p.end();
    expect(lines).toEqual(['loans:  25.0%  500 rows  100 rows/s  ETA 0:15 (0.0 MB of 0.0 MB)\n', 'loans: 100.0%  800 rows  100 rows/s  in 0:08 (0.0 MB of 0.0 MB)\n']);
  });
});

describe('the command line', () => {
  const cli = compiledCli('loan-import');
  beforeAll(() => cli.build('import-loans.js'), 300_000);
  afterAll(() => cli.remove());
  const runCli = (args: string[]) => cli.run(t, 'import-loans.js', args, { REGISTRY_TIME_ZONE: t.registry.config.timeZone });

  it('prints the summary as its last line and exits 0 with rejects, 1 when it cannot run', async () => {
    const loansFile = file('cli-loans.csv', [LOAN_HEADER, loanLine('CLI-1', borrowerA.uscc), loanLine('CLI-2', borrowerB.uscc), loanLine('CLI-3', borrowerA.uscc, { principal: '0' })]);
    const rejectsFile = join(dir, 'cli-rejects.csv');
    const ok = await runCli([loansFile, '--bank', bank.organizationId, '--rejects', rejectsFile]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const lines = ok.stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toBe('loaded 2, skipped 0, rejected 1');
    expect(ok.stdout).toMatch(/loans: 100\.0% +3 rows/);
    expect([...rejects(rejectsFile, LOAN_HEADER).entries()]).toEqual([[4, 'principal: must be greater than 0']]);

    const refused = await runCli([loansFile, '--bank', 'No Such Bank']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/no organisation has the id, USCC or name "No Such Bank"/);
  }, 120_000);
});
