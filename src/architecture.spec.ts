import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/*
 * The house drawn from imports: every top-level folder of src/ is a node, every relative import (types included) an
 * edge. The graph must have no cycle, so each folder can be read knowing only the folders below it.
 */
const SRC = resolve(process.cwd(), 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The folder (or root file) a path under src/ belongs to. */
const nodeOf = (path: string) => relative(SRC, path).split(sep)[0].replace(/\.(ts|js)$/, '');

function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SRC)) {
    const from = nodeOf(file);
    const edges = graph.get(from) ?? new Map<string, string>();
    graph.set(from, edges);
    // `import … from '…'`, `export … from '…'`, a bare `import '…'` and a dynamic `import('…')`.
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC + sep)) continue;
      const to = nodeOf(target);
      if (to !== from && !edges.has(to)) edges.set(to, relative(SRC, file));
    }
  }
  return graph;
}

/** Every cycle's path, found by depth-first search (each reported once, from its smallest node). */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (start: string, node: string, path: string[]) => {
    for (const next of graph.get(node)?.keys() ?? []) {
      if (next === start) {
        const cycle = [...path, start];
        const key = [...path].sort().join('>');
        if (!found.has(key)) found.set(key, cycle);
      } else if (!path.includes(next) && next > start) {
        visit(start, next, [...path, next]);
      }
    }
  };
  for (const node of [...graph.keys()].sort()) visit(node, node, [node]);
  return [...found.values()];
}

describe('module layering', () => {
  const graph = folderGraph();

  it('has no import cycle between the folders of src/', () => {
    const described = cycles(graph).map((c) =>
      c
        .slice(1)
        .map((to, i) => `${c[i]} -> ${to} (${graph.get(c[i])!.get(to)})`)
        .join(', '),
    );
    expect(described).toEqual([]);
  });

  it('keeps the shared layers free of features', () => {
    const features = ['enterprises', 'projects', 'loans', 'bonds'];
    for (const layer of ['common', 'access', 'audit', 'mutation', 'auth', 'uscc', 'inclusion', 'reference', 'config']) {
      const reaches = [...(graph.get(layer)?.keys() ?? [])].filter((to) => features.includes(to));
      expect({ layer, reaches }).toEqual({ layer, reaches: [] });
    }
  });

  it('finds the edges it checks (the scan is not empty)', () => {
    expect(graph.get('loans')?.has('mutation')).toBe(true);
    expect(graph.get('auth')?.has('uscc')).toBe(true);
  });

  it('detects a cycle when there is one', () => {
    const looped = new Map([
      ['a', new Map([['b', 'a.ts']])],
      ['b', new Map([['a', 'b.ts']])],
    ]);
    expect(cycles(looped)).toEqual([['a', 'b', 'a']]);
  });
});
