import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the ordinary `pg` driver. */
  url: string;
  /** How many pooled connections the app may hold: one (see below). */
  maxConnections: number;
  stop(): Promise<void>;
}

/*
 * PGlite is a single backend session. The socket server queues protocol messages from its connections one by one and
 * keeps an open transaction to its own connection, but outside a transaction the messages of two connections'
 * extended-protocol queries (Parse/Bind/Execute/Sync) can interleave in that one session. So the app holds a single
 * connection: statements and transactions are serialised in the pool, and nothing can interleave. The server accepts
 * one spare connection so a reconnect is not refused before the old socket's close is noticed.
 */
const APP_CONNECTIONS = 1;
const SERVER_CONNECTIONS = APP_CONNECTIONS + 1;

export class DataDirLockedError extends Error {}

/**
 * Starts PostgreSQL (PGlite, in-process WebAssembly) and serves it on a loopback port so the app talks to it
 * through `pg`, exactly as to a server. `dataDir` undefined keeps everything in memory (tests).
 */
export async function startEmbeddedPostgres(dataDir: string | undefined): Promise<EmbeddedPostgres> {
  let releaseLock = () => {};
  let location = 'memory://';
  if (dataDir) {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    releaseLock = lockDataDir(dir);
    location = join(dir, 'pg');
  }
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(location);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: SERVER_CONNECTIONS });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      maxConnections: APP_CONNECTIONS,
      async stop() {
        await server.stop();
        await db!.close();
        releaseLock();
      },
    };
  } catch (err) {
    await db?.close().catch(() => undefined);
    releaseLock();
    throw err;
  }
}

const heldHere = new Set<string>();

/**
 * One opener per data directory (a second PGlite on the same files would corrupt them): a lock file holds the owner's
 * pid. A lock left by a process that is gone is taken over.
 */
export function lockDataDir(dir: string): () => void {
  const lockFile = join(dir, 'registry.lock');
  if (heldHere.has(lockFile)) {
    throw new DataDirLockedError(`The data directory ${dir} is already open in this process.`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      heldHere.add(lockFile);
      return () => {
        heldHere.delete(lockFile);
        rmSync(lockFile, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      // Our own pid in a lock we do not hold is a leftover of an earlier process that had the same pid.
      if (Number.isInteger(holder) && holder !== process.pid && processAlive(holder)) {
        throw new DataDirLockedError(
          `The data directory ${dir} is in use by another process (pid ${holder}). Stop that process, or set DATA_DIR to another directory.`,
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dir}.`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** In local embedded mode the JWT secret is generated once and kept beside the data, readable by the owner only. */
export function loadOrCreateLocalSecret(dataDir: string): string {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
