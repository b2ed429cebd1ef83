import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, loadOrCreateLocalSecret, lockDataDir } from './embedded-postgres.js';

describe('data directory lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gfr-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a directory held by a live process, naming it', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dir, 'registry.lock'), String(child.pid));
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by another process \\(pid ${child.pid}\\)`));
    } finally {
      child.kill();
    }
  });

  it('refuses a second opener in the same process, and frees the directory on release', () => {
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(/already open in this process/);
    release();
    expect(existsSync(join(dir, 'registry.lock'))).toBe(false);
    lockDataDir(dir)();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    writeFileSync(join(dir, 'registry.lock'), String(child.pid));
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, 'registry.lock'), 'utf8')).toBe(String(process.pid));
    release();
  });
});

describe('local signing secret', () => {
  it('is generated once, kept owner-readable only, and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gfr-secret-'));
    try {
      const a = loadOrCreateLocalSecret(dir);
      expect(a.length).toBeGreaterThanOrEqual(48);
      expect(loadOrCreateLocalSecret(dir)).toBe(a);
      expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('embedded PostgreSQL', () => {
  it('listens only on a unix socket in an owner-only directory, removed on stop', async () => {
    const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
    const pg = (await import('pg')).default;
    const db = await startEmbeddedPostgres(undefined);
    try {
      expect(statSync(db.socketDir).mode & 0o777).toBe(0o700);
      const client = new pg.Client({ host: db.socketDir, port: db.port, user: 'postgres', database: 'postgres' });
      await client.connect();
      expect((await client.query('SELECT 1 + 1 AS two')).rows[0].two).toBe(2);
      await client.end();
    } finally {
      await db.stop();
    }
    expect(existsSync(db.socketDir)).toBe(false);
  });
});
