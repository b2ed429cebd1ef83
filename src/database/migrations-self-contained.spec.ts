import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));
const ALLOWED_PACKAGES = new Set(['typeorm']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|js|mjs|cjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** What a file imports that a migration may not: application code, or any package but typeorm and node's own. */
export function forbiddenImports(file: string, text: string): string[] {
  // preProcessFile also reports `import type`, re-exports, dynamic import() and require().
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((spec) => {
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = resolve(dirname(file), spec);
        return target !== MIGRATIONS_DIR && !target.startsWith(MIGRATIONS_DIR + sep);
      }
      if (spec.startsWith('node:') || builtinModules.includes(spec)) return false;
      return !ALLOWED_PACKAGES.has(spec);
    });
}

// A migration that imported application code would change what it does whenever that code changes.
describe('migrations are self-contained', () => {
  it('import nothing outside migrations/ but typeorm and node builtins', () => {
    const files = sourceFiles(MIGRATIONS_DIR);
    expect(files.length).toBeGreaterThan(0);
    const offences = files.flatMap((f) => forbiddenImports(f, readFileSync(f, 'utf8')).map((spec) => `${relative(MIGRATIONS_DIR, f)}: ${spec}`));
    expect(offences).toEqual([]);
  });

  it('the check sees every form of import', () => {
    const file = join(MIGRATIONS_DIR, 'x.ts');
    const text = [
      `import type { QueryRunner } from 'typeorm';`,
      `import { createHash } from 'node:crypto';`,
      `import { join } from 'path';`,
      `import { ROWS } from './data/rows.js';`,
      `import { loadTaxonomy } from '../src/reference/taxonomy-loader.js';`,
      `import type { AppConfig } from '../src/config/app-config.js';`,
      `export { parseCsv } from '../src/reference/csv.js';`,
      `const m = await import('../src/x.js');`,
      `import Decimal from 'decimal.js';`,
    ].join('\n');
    expect(forbiddenImports(file, text)).toEqual([
      '../src/reference/taxonomy-loader.js',
      '../src/config/app-config.js',
      '../src/reference/csv.js',
      '../src/x.js',
      'decimal.js',
    ]);
  });
});
