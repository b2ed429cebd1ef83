import { randomBytes, randomUUID } from 'node:crypto';
import { housekeepingSettings, runHousekeeping } from '../src/housekeeping/housekeeping.js';
import { HousekeepingService } from '../src/housekeeping/housekeeping.service.js';
import { compiledCli } from './support/cli.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, errorCode, startTestRegistry, type TestRegistry } from './support/test-registry.js';

const ME = `{ me { id } }`;
const REFRESH = `mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken } }`;

let t: TestRegistry;
let adminUserId: string;
let adminOrgId: string;
beforeAll(async () => {
  t = await startTestRegistry();
  [{ id: adminUserId, organization_id: adminOrgId }] = await t.sql(`SELECT id, organization_id FROM app_user WHERE email = $1`, [ADMIN_EMAIL]);
});
afterAll(async () => {
  await t?.close();
});

const service = () => t.registry.app.get(HousekeepingService);

/** Idempotency keys of the regulator, created `hoursAgo` hours ago. */
async function idempotencyKeys(hoursAgo: number, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    await t.sql(
      `INSERT INTO idempotency_key (organization_id, key, operation, request_hash, created_at)
       VALUES ($1, $2, 'test', 'hash', now() - make_interval(hours => $3))`,
      [adminOrgId, key, hoursAgo],
    );
  }
}

/** A refresh-token row (a family of its own) expiring `seconds` from now (negative: in the past); returns its id. */
async function refreshToken(seconds: number): Promise<string> {
  const id = randomUUID();
  await t.sql(
    `INSERT INTO refresh_token (id, family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
    [id, randomUUID(), adminUserId, randomBytes(32).toString('hex'), seconds],
  );
  return id;
}

async function remainingKeys(prefix: string): Promise<string[]> {
  const rows = await t.sql(`SELECT key FROM idempotency_key WHERE key LIKE $1 ORDER BY key`, [`${prefix}%`]);
  return rows.map((r) => r.key);
}

const purgeAudits = async () => t.sql(`SELECT entity_id, actor_user_id, request_id, after FROM audit_event WHERE action = 'housekeeping.purge' ORDER BY id`);

describe('a housekeeping pass', () => {
  it('removes idempotency keys older than the retention (168 hours by default) and keeps younger ones', async () => {
    await idempotencyKeys(24 * 30, 'ik-old-1');
    await idempotencyKeys(169, 'ik-old-2');
    await idempotencyKeys(167, 'ik-fresh-1');
    await idempotencyKeys(0, 'ik-fresh-2');
    const removed = await service().runOnce();
    expect(removed).toEqual({ idempotencyKeys: 2, refreshTokens: 0 });
    expect(await remainingKeys('ik-')).toEqual(['ik-fresh-1', 'ik-fresh-2']);
  });

  it('removes refresh tokens expired more than the access-token lifetime ago, keeps recently expired and live ones', async () => {
    const ttl = t.registry.config.jwt.accessTtlSeconds;
    const longExpired = [await refreshToken(-30 * 86_400), await refreshToken(-(ttl + 60))];
    const kept = [await refreshToken(-(ttl - 60)), await refreshToken(-1), await refreshToken(86_400)];
    const removed = await service().runOnce();
    expect(removed).toEqual({ idempotencyKeys: 0, refreshTokens: 2 });
    const left = (await t.sql(`SELECT id FROM refresh_token WHERE id = ANY($1::uuid[])`, [[...longExpired, ...kept]])).map((r) => r.id);
    expect(left.sort()).toEqual([...kept].sort());
  });

  it('keeps a revoked session refusing its access token while its rows are within the grace period', async () => {
    const first = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const rotated = (await t.gql(REFRESH, { r: first.refreshToken })).data!.refreshToken;
    expect((await t.gql(ME, {}, rotated.accessToken)).data).not.toBeNull();
    // A second use of the first refresh token revokes the whole family, and with it the live access token.
    expect(errorCode(await t.gql(REFRESH, { r: first.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql(ME, {}, rotated.accessToken))).toBe('UNAUTHENTICATED');

    const familyId = JSON.parse(Buffer.from(rotated.accessToken.split('.')[1], 'base64url').toString('utf8')).sid;
    // Every row of the family expired, but less than the access-token lifetime ago: the access token may still be live.
    await t.sql(`UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE family_id = $1`, [familyId]);
    await service().runOnce();
    expect((await t.sql(`SELECT count(*)::int AS n FROM refresh_token WHERE family_id = $1`, [familyId]))[0].n).toBe(2);
    expect(errorCode(await t.gql(ME, {}, rotated.accessToken))).toBe('UNAUTHENTICATED');

    // What the grace prevents: without the family's revoked rows, the same access token is accepted again.
    await t.sql(`DELETE FROM refresh_token WHERE family_id = $1`, [familyId]);
    expect((await t.gql(ME, {}, rotated.accessToken)).data).not.toBeNull();
  });

  it("keeps a live session's old, used rows, so replaying a stolen old token still revokes the session", async () => {
    const first = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const rotated = (await t.gql(REFRESH, { r: first.refreshToken })).data!.refreshToken;
    const familyId = JSON.parse(Buffer.from(rotated.accessToken.split('.')[1], 'base64url').toString('utf8')).sid;
    // The first (used) row expired long ago; the session lives on in its newest row.
    await t.sql(`UPDATE refresh_token SET expires_at = now() - interval '40 days' WHERE family_id = $1 AND used_at IS NOT NULL`, [familyId]);
    await service().runOnce();
    expect((await t.sql(`SELECT count(*)::int AS n FROM refresh_token WHERE family_id = $1`, [familyId]))[0].n).toBe(2);
    expect(errorCode(await t.gql(REFRESH, { r: first.refreshToken }))).toBe('UNAUTHENTICATED');
    expect((await t.sql(`SELECT count(*)::int AS n FROM refresh_token WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]))[0].n).toBe(0);
    expect(errorCode(await t.gql(ME, {}, rotated.accessToken))).toBe('UNAUTHENTICATED');
  });

  it('writes one audit row when it removed something, and none when it did not', async () => {
    const before = (await purgeAudits()).length;
    expect(before).toBeGreaterThan(0);
    expect(await service().runOnce()).toEqual({ idempotencyKeys: 0, refreshTokens: 0 });
    expect(await purgeAudits()).toHaveLength(before);

    await idempotencyKeys(200, 'audit-old-1', 'audit-old-2');
    await refreshToken(-86_400);
    await service().runOnce();
    const audits = await purgeAudits();
    expect(audits).toHaveLength(before + 1);
    expect(audits[audits.length - 1]).toEqual({
      entity_id: null,
      actor_user_id: null,
      request_id: 'housekeeping',
      after: { idempotencyKeys: 2, refreshTokens: 1, idempotencyKeyRetentionHours: 168, refreshTokenGraceSeconds: t.registry.config.jwt.accessTtlSeconds },
    });
  });

  it('deletes in bounded batches: 5 old rows with a batch size of 2 go in 3 statements', async () => {
    await idempotencyKeys(200, 'batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5');
    const logger = t.registry.dataSource.logger;
    const original = logger.logQuery.bind(logger);
    const deletes: string[] = [];
    logger.logQuery = (...args: Parameters<typeof original>) => {
      if (/^\s*DELETE FROM idempotency_key/.test(args[0])) deletes.push(args[0]);
      return original(...args);
    };
    let removed;
    try {
      removed = await runHousekeeping(t.registry.dataSource, { ...housekeepingSettings(t.registry.config), batchSize: 2 });
    } finally {
      logger.logQuery = original;
    }
    expect(removed.idempotencyKeys).toBe(5);
    expect(deletes).toHaveLength(3);
    expect(await remainingKeys('batch-')).toEqual([]);
  });
});

describe('the in-process job', () => {
  it('is scheduled on start by default, and not at all with HOUSEKEEPING_INTERVAL_SECONDS=0', async () => {
    expect(t.registry.config.housekeeping.intervalSeconds).toBe(3600);
    expect(service().scheduled).toBe(true);
    const off = await startTestRegistry({ env: { HOUSEKEEPING_INTERVAL_SECONDS: '0' } });
    try {
      expect(off.registry.app.get(HousekeepingService).scheduled).toBe(false);
    } finally {
      await off.close();
    }
  });
});

describe('npm run housekeeping', () => {
  const cli = compiledCli('housekeeping');
  beforeAll(() => cli.build('housekeeping.js'), 300_000);
  afterAll(() => cli.remove());
  const runCli = () => cli.run(t, 'housekeeping.js');

  it('runs one pass and prints how many rows of each kind it removed', async () => {
    await idempotencyKeys(200, 'cli-old-1', 'cli-old-2');
    await idempotencyKeys(1, 'cli-fresh');
    await refreshToken(-86_400);
    const run = await runCli();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('idempotency keys removed: 2\nrefresh tokens removed: 1\n');
    expect(await remainingKeys('cli-')).toEqual(['cli-fresh']);
  }, 120_000);
});
