import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** Where the ordinary `pg` driver reaches it: a unix socket directory (host) and the socket's port number. */
  socketDir: string;
  port: number;
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
/** The number in the socket file's name, which `pg` derives from the port it is given. */
const SOCKET_PORT = 5432;

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
  let socketDir: string | undefined;
  try {
    db = await PGlite.create(location);
    // A unix socket in a fresh owner-only directory: the embedded server has no passwords, so no TCP port, and no
    // other local user, may reach it. (Kept short: socket paths are limited to about 100 bytes.)
    socketDir = mkdtempSync(join(tmpdir(), 'gfr-pg-'));
    chmodSync(socketDir, 0o700);
    const server = new PGLiteSocketServer({ db, path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), maxConnections: SERVER_CONNECTIONS });
    await server.start();
    const dir = socketDir;
    return {
      socketDir: dir,
      port: SOCKET_PORT,
      maxConnections: APP_CONNECTIONS,
      async stop() {
        await server.stop();
        await db!.close();
        rmSync(dir, { recursive: true, force: true });
        releaseLock();
      },
    };
  } catch (err) {
    await db?.close().catch(() => undefined);
    if (socketDir) rmSync(socketDir, { recursive: true, force: true });
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
