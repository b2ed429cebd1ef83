import { ConfigError, loadConfig } from './app-config.js';
import { redact } from '../common/logger.js';

describe('loadConfig', () => {
  it('runs locally with no settings at all (embedded database, generated secret)', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe('./data');
    expect(c.graphql.introspection).toBe(true);
    expect(c.db.poolMax).toBe(10);
  });

  it('refuses a shared database without a signing secret, naming the variable', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/registry' })).toThrow(/JWT_SECRET is required/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/registry' }, { forServer: false })).not.toThrow();
  });

  it('refuses production without a database or with a short secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toThrow(/DATABASE_URL is required/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET must be at least 32 characters/);
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ PORT: 'eighty', MIGRATIONS_RUN: 'maybe', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/MIGRATIONS_RUN/);
      expect((err as Error).message).toMatch(/LOG_LEVEL/);
    }
  });

  it('turns introspection off by default on a shared database, on when asked', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x', JWT_SECRET: 'x'.repeat(40) }).graphql.introspection).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x', JWT_SECRET: 'x'.repeat(40), GRAPHQL_INTROSPECTION: 'true' }).graphql.introspection).toBe(true);
  });

  it('turns introspection off in production by default', () => {
    const c = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', JWT_SECRET: 'x'.repeat(40) });
    expect(c.graphql.introspection).toBe(false);
  });
});

describe('log redaction', () => {
  it('removes credentials at any depth', () => {
    const out = redact({
      headers: { authorization: 'Bearer abc', 'x-api-key': 'gfr_x' },
      variables: { email: 'a@b', password: 'secret', input: { refreshToken: 't' } },
    });
    expect(JSON.stringify(out)).not.toMatch(/Bearer abc|gfr_x|secret"|"t"/);
    expect(out).toMatchObject({ variables: { email: 'a@b', password: '[REDACTED]' } });
  });
});
