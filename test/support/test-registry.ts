import { randomBytes } from 'node:crypto';
import type { Type } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import { createRegistry, type Registry } from '../../src/bootstrap.js';

export const TEST_JWT_SECRET = 'test-secret-' + 'x'.repeat(40);
export const ADMIN_EMAIL = 'admin@regulator.test';
export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors?: { message: string; path?: string[]; extensions: { code: string; fields?: { path: string; message: string }[]; requestId?: string } }[];
}

export interface TestRegistry {
  registry: Registry;
  /** Runs one GraphQL operation over HTTP. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  http(): request.Agent;
  /** Logs in and returns the access token (and the whole payload). */
  login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }>;
  adminToken: string;
  /** Direct SQL on the test database, for assertions and setup. */
  sql<R = any>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * A registry on a database of its own: with DATABASE_URL, a fresh database on that server (dropped afterwards);
 * without, an in-memory embedded PostgreSQL. Migrations run as on a real start.
 */
export async function startTestRegistry(options: { extraModules?: Type[]; env?: Record<string, string> } = {}): Promise<TestRegistry> {
  const baseUrl = process.env.DATABASE_URL;
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (baseUrl) {
    const name = `gfr_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  const registry = await createRegistry(env, { inMemory: !databaseUrl, extraModules: options.extraModules });
  const server = registry.app.getHttpServer();

  const gql = async <T,>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>> => {
    const req = request(server).post('/graphql').set('Content-Type', 'application/json');
    if (token) req.set('Authorization', `Bearer ${token}`);
    const res = await req.send({ query, variables });
    return { status: res.status, data: res.body.data ?? null, errors: res.body.errors };
  };
  const login = async (email: string, password: string) => {
    const res = await gql<{ login: { accessToken: string; refreshToken: string } }>(
      `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }`,
      { e: email, p: password },
    );
    if (!res.data) throw new Error(`login failed: ${JSON.stringify(res.errors)}`);
    return res.data.login;
  };
  const adminToken = (await login(ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;
  return {
    registry,
    gql,
    http: () => request.agent(server),
    login,
    adminToken,
    sql: (text, params) => registry.dataSource.query(text, params),
    async close() {
      await registry.close();
      await dropDatabase?.();
    },
  };
}

/** The error code of the first error, for terse assertions. */
export function errorCode(res: GqlResult): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}

let counter = 0;
/** A unique suffix for names and e-mails within one test file. */
export function unique(label: string): string {
  counter += 1;
  return `${label}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** Creates an organisation and its administrator as the regulator, and logs the administrator in. */
export async function createOrgWithAdmin(t: TestRegistry, kind: 'BANK' | 'ENTERPRISE' | 'REGULATOR' | 'VERIFIER', role: 'ORG_ADMIN' | 'STAFF' = 'ORG_ADMIN') {
  const org = await t.gql<{ createOrganization: { id: string } }>(
    `mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }`,
    { i: { kind, name: unique(kind.toLowerCase()) } },
    t.adminToken,
  );
  if (!org.data) throw new Error(JSON.stringify(org.errors));
  const email = `${unique('user')}@example.test`;
  const password = 'a sufficiently long password';
  const user = await t.gql<{ createUser: { id: string } }>(
    `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
    { i: { organizationId: org.data.createOrganization.id, email, displayName: 'Test User', password, role } },
    t.adminToken,
  );
  if (!user.data) throw new Error(JSON.stringify(user.errors));
  const { accessToken, refreshToken } = await t.login(email, password);
  return { organizationId: org.data.createOrganization.id, userId: user.data.createUser.id, email, password, token: accessToken, refreshToken };
}

/** Runs `work` and counts the SQL statements the registry sent meanwhile (to prove a query has no N+1). */
export async function countStatements<T>(t: TestRegistry, work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const logger = t.registry.dataSource.logger;
  const original = logger.logQuery.bind(logger);
  let statements = 0;
  logger.logQuery = (...args: Parameters<typeof original>) => {
    statements++;
    return original(...args);
  };
  try {
    return { result: await work(), statements };
  } finally {
    logger.logQuery = original;
  }
}
