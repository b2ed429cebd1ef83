import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestRegistry } from './test-registry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The compiled command-line tools, for tests that run one as an operator would: compiled once per test file into a
 * directory of its own (the shared dist/ may be mid-build by someone else), with this project's node_modules and
 * module type. Call `build()` in a `beforeAll` and `remove()` in an `afterAll`.
 */
export function compiledCli(prefix: string) {
  let dir = '';
  return {
    async build(entry: string): Promise<void> {
      dir = mkdtempSync(join(tmpdir(), `${prefix}-build-`));
      writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      mkdirSync(join(dir, 'dist'));
      await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], {
        cwd: ROOT,
      }).catch((err: { stdout?: string }) => {
        // Type errors elsewhere in the tree still emit JavaScript; only a missing command is fatal.
        if (!existsSync(join(dir, 'dist/src/cli', entry))) throw new Error(`build failed: ${err.stdout ?? err}`);
      });
    },
    remove(): void {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    /** Runs `dist/src/cli/<entry>` against the test registry's database, with nothing else from this environment. */
    run(t: TestRegistry, entry: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolvePromise, reject) => {
        const child = spawn(process.execPath, [join(dir, 'dist/src/cli', entry), ...args], {
          cwd: ROOT,
          env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl(t), ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
      });
    },
  };
}

/** The test database as a child process reaches it: the server's URL, or the embedded database's socket. */
function databaseUrl(t: TestRegistry): string {
  if (t.registry.config.databaseUrl) return t.registry.config.databaseUrl;
  const socketDir = (t.registry.dataSource.options as { host?: string }).host!;
  return `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`;
}
