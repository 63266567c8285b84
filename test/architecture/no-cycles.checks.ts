/**
 * No import cycle in src/: a module that imports, even for a type, a module that imports it back is one
 * module in two files, and a hub of types that imports its services turns them all into one. Every import is
 * read with TypeScript's own pre-processor: `import` and `export … from` (type-only ones too), `import x =
 * require()`, `require()` and `import()` calls. A cycle fails the test with its path.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT, tsFiles } from './source';

/** The project file a relative specifier names, as TypeScript resolves it ('./x' → x.ts or x/index.ts). */
function resolve(from: string, spec: string, known: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.join(path.posix.dirname(from), spec).replace(/\.js$/, '');
  return [base, `${base}.ts`, `${base}/index.ts`].find((f) => known.has(f));
}

/** Each src file's imports of other src files. */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    const to = info.importedFiles
      .map((i) => resolve(file, i.fileName, known))
      .filter((f): f is string => f !== undefined);
    graph.set(file, [...new Set(to)]);
  }
  return graph;
}

/** The graph's cycles: each strongly connected group of two or more files (or a file importing itself), with a path around it. */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(pathAround(graph, new Set(group), v));
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** A path from `start` back to itself inside `group`, to name in the failure. */
function pathAround(
  graph: ReadonlyMap<string, readonly string[]>,
  group: ReadonlySet<string>,
  start: string,
): string {
  const seen = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!group.has(w)) continue;
      if (w === start) {
        const trail = [v];
        while (trail[0] !== start) trail.unshift(seen.get(trail[0])!);
        return [...trail, start].join(' > ');
      }
      if (!seen.has(w)) {
        seen.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...group].join(' > ');
}

test('src/ has no import cycle', () => {
  expect(cyclesOf(importGraph(tsFiles('src')))).toEqual([]);
});

test('a cycle is found whatever kind of import closes it, with its path', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts']],
    ['e.ts', ['e.ts']],
  ]);
  expect(cyclesOf(graph).sort()).toEqual(['a.ts > b.ts > c.ts > a.ts', 'e.ts > e.ts'].sort());
  // The reader sees type-only imports, re-exports, require() and import() as imports.
  const text = [
    "import type { A } from './a';",
    "export { B } from './b';",
    "import c = require('./c');",
    "const d = require('./d');",
    "const e = import('./e');",
  ].join('\n');
  const names = ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName);
  expect(names.sort()).toEqual(['./a', './b', './c', './d', './e']);
});
