/**
 * No import cycle in src/: a module that imports, even for a type, a module that imports it back is one
 * module in two files, and a hub of types that imports its services turns them all into one. madge reads every
 * import (type-only ones too) with the project's tsconfig; a cycle fails the test with its path.
 */
import path from 'node:path';

type Madge = (
  root: string,
  config: { fileExtensions: string[]; tsConfig: string },
) => Promise<{ circular(): string[][] }>;
// madge ships no type declarations.
const madge = require('madge') as Madge;

test('src/ has no import cycle', async () => {
  const root = path.join(__dirname, '..', '..');
  const graph = await madge(path.join(root, 'src'), {
    fileExtensions: ['ts'],
    tsConfig: path.join(root, 'tsconfig.json'),
  });
  const cycles = graph.circular().map((cycle) => cycle.join(' > '));
  expect(cycles).toEqual([]);
});
