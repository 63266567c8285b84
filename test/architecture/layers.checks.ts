/**
 * The layers the folder layout promises, read from the source with the TypeScript compiler (imports, string
 * literals), beside the no-cycles test:
 *
 * - src/domain/ is pure: it imports src/lib/ and itself, nothing else of ours, and no package but node's own;
 * - the terminal (cli/) is a face of the services, as the web is: it never imports src/web/;
 * - only src/router/ (and the simulator, which is a router) names a RouterOS menu, for a command or a fix to type
 *   at the router's terminal; everything else asks the router module in the shop's words;
 * - src/db/, src/router/, src/domain/ and src/lib/ lie under the services: they import nothing from src/services/
 *   or src/web/;
 * - a site's mode ('api', 'radius') is told apart in src/domain/site-mode.ts only: everything else asks the site
 *   its neutral questions there; the site stack's own (`asksRadius`, `RADIUS_SITES`), which choose a mode's
 *   parts, stay inside src/services/network/site-stack/.
 *
 * Each failure names the file and what it holds.
 */
import path from 'node:path';
import ts from 'typescript';
import { literalsOf, source, tsFiles } from './source';

/** Every module a file imports or re-exports (type-only too), and every require() and import(). */
function importsOf(file: string): string[] {
  return ts.preProcessFile(source(file).text, true, true).importedFiles.map((f) => f.fileName);
}

/** An import as a path from the project's root ('src/lib/clock'), or the package it names ('knex', 'node:fs'). */
function resolved(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
}

const SRC = tsFiles('src');
const CLI = tsFiles('cli');

test('src/domain/ imports only src/lib/, itself and node', () => {
  const stray: string[] = [];
  for (const file of SRC.filter((f) => f.startsWith('src/domain/')))
    for (const spec of importsOf(file)) {
      const to = resolved(file, spec);
      const ok = to.startsWith('src/domain/') || to.startsWith('src/lib/') || to.startsWith('node:');
      if (!ok) stray.push(`${file} imports ${spec}`);
    }
  expect(stray).toEqual([]);
});

test('the terminal (cli/) never imports the web (src/web/)', () => {
  const stray: string[] = [];
  for (const file of CLI)
    for (const spec of importsOf(file))
      if (resolved(file, spec).startsWith('src/web/')) stray.push(`${file} imports ${spec}`);
  expect(stray).toEqual([]);
});

const LOWER_LAYERS = ['src/db/', 'src/router/', 'src/domain/', 'src/lib/'];

test('src/db/, src/router/, src/domain/ and src/lib/ import nothing from src/services/ or src/web/', () => {
  const stray: string[] = [];
  for (const file of SRC.filter((f) => LOWER_LAYERS.some((l) => f.startsWith(l))))
    for (const spec of importsOf(file)) {
      const to = resolved(file, spec);
      if (to.startsWith('src/services/') || to.startsWith('src/web/')) stray.push(`${file} imports ${spec}`);
    }
  expect(stray).toEqual([]);
});

/** A RouterOS menu as the API spells it (`/ip/hotspot/active`) or as its terminal does (`/queue simple set`). */
const MENU =
  /^\/(ip|ipv6|queue|system|interface|radius|ppp|tool|file|routing|user|certificate|log|snmp)(\/|\s|$)/;

test('only src/router/ and the simulator name RouterOS menus', () => {
  const stray: string[] = [];
  for (const file of [...SRC, ...CLI]) {
    if (file.startsWith('src/router/') || file.startsWith('src/simulator/')) continue;
    for (const { text, line } of literalsOf(file))
      if (MENU.test(text)) stray.push(`${file}:${line} ${text.slice(0, 60)}`);
  }
  expect(stray).toEqual([]);
});

test("a site's mode is told apart in domain/site-mode.ts only", () => {
  const stray: string[] = [];
  for (const file of [...SRC, ...CLI]) {
    if (file === 'src/domain/site-mode.ts') continue;
    const text = source(file).text;
    const lines = text.split('\n');
    lines.forEach((l, i) => {
      // A comparison with a mode's name, or a query for the sites of one.
      if (
        /mode\s*[!=]==?\s*'(api|radius)'|'(api|radius)'\s*[!=]==?\s*[\w.?]*mode\b|where\w*\(.*mode'?\s*[:,]\s*'(api|radius)'/.test(
          l,
        )
      )
        stray.push(`${file}:${i + 1} ${l.trim().slice(0, 80)}`);
    });
  }
  expect(stray).toEqual([]);
});

test("the site stack's questions of a mode (asksRadius, RADIUS_SITES) stay inside site-stack/", () => {
  const stray: string[] = [];
  for (const file of [...SRC, ...CLI]) {
    // The simulator is a router: whether it asks RADIUS at a login is its own setting, not a site's mode.
    if (file.startsWith('src/services/network/site-stack/') || file.startsWith('src/simulator/')) continue;
    source(file)
      .text.split('\n')
      .forEach((l, i) => {
        if (/\b(asksRadius|RADIUS_SITES)\b/.test(l)) stray.push(`${file}:${i + 1} ${l.trim().slice(0, 80)}`);
      });
  }
  expect(stray).toEqual([]);
});

/** Files under about 400 lines: a file past it holds more than one thing (STYLE, "Size and naming"). */
const MAX_LINES = 400;

test(`every file in src/ and cli/ is under ${MAX_LINES} lines`, () => {
  const long: string[] = [];
  for (const file of [...SRC, ...CLI]) {
    const text = source(file).text;
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines >= MAX_LINES) long.push(`${file}: ${lines} lines`);
  }
  expect(long).toEqual([]);
});
