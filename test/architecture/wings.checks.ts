/**
 * The services stand in four wings (src/services/<wing>/<room>/), each with a README of its rooms, and a wing
 * imports only the wings below it:
 *
 *   network        what runs each site's router: the stack, the poll, logins, enforcement, the router's rooms
 *   subscriptions  customers on monthly plans: subscribers, their bills, their SMS
 *   shop           what is sold: vouchers and their road, plans, cards, vendos, resellers, payments, sales
 *   business       the shop as a whole: its sites, settings, audit log, events, admins, notices, backups
 *
 * A wing may import the wings listed after it, never one before it; the few arrows that still run back up are
 * named below, room to room, with why, so a new one fails here and a paid one must be struck off. Nothing in
 * src/services imports the faces (src/web/, cli/) or the composition (src/core.ts, src/core/).
 * src/services/deps.ts and src/services/types.ts stand beside the wings, for all of them.
 *
 * Each failure names the file and the import.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT, source, tsFiles } from './source';

/** The wings from top to bottom: each may import the ones after it. */
const ORDER = ['network', 'subscriptions', 'shop', 'business'] as const;
type Wing = (typeof ORDER)[number];

/** Arrows that run back up, 'wing/room -> wing/room', with what they carry. Strike one off when it is gone. */
const AGAINST_THE_ORDER: Record<string, string> = {
  'business/sites -> network/router-binding': 'the RouterBinding type a site service is built with',
  'business/sites -> shop/reports': "a site's figures read the money-in queries",
  'business/sites -> shop/voucher-lifecycle':
    "removing a site ends its vouchers through the voucher's lifecycle",
  'business/backup -> shop/reports': "a backup's summary reads the money-in queries",
  'business/backup -> shop/vendos': "the vendo key file is sealed in the backup with the sites' key",
  'business/notify -> shop/reports': 'the daily message carries the sales report',
  'shop/reports -> subscriptions/billing': "money in lists a subscriber's payment methods",
  'subscriptions/subscribers -> network/usage':
    "who is online comes from the usage room's subscriber sessions",
};

const SERVICES = 'src/services/';

/** Every module a file imports or re-exports (type-only too), and every require() and import(). */
function importsOf(file: string): string[] {
  return ts.preProcessFile(source(file).text, true, true).importedFiles.map((f) => f.fileName);
}

/** An import as a path from the project's root ('src/lib/clock'), or the package it names. */
function resolved(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
}

/** 'src/services/shop/vouchers/state' → shop, vouchers; a file beside the wings (deps.ts, types.ts) has none. */
function placeOf(p: string): { wing: string; room: string } | null {
  if (!p.startsWith(SERVICES)) return null;
  const parts = p.slice(SERVICES.length).split('/');
  return parts.length < 2 ? null : { wing: parts[0], room: parts[1] };
}

const FILES = tsFiles('src/services');

interface Crossing {
  arrow: string;
  from: Wing;
  to: Wing;
  where: string;
}

/** Every import from one wing into another, as 'wing/room -> wing/room' with the file and the specifier. */
function crossings(): Crossing[] {
  const out: Crossing[] = [];
  for (const file of FILES) {
    const here = placeOf(file);
    if (!here) continue;
    for (const spec of importsOf(file)) {
      const there = placeOf(resolved(file, spec));
      if (!there || there.wing === here.wing) continue;
      out.push({
        arrow: `${here.wing}/${here.room} -> ${there.wing}/${there.room}`,
        from: here.wing as Wing,
        to: there.wing as Wing,
        where: `${file} imports ${spec}`,
      });
    }
  }
  return out;
}

test('every folder of src/services is a wing with a README, and only deps.ts and types.ts stand beside them', () => {
  const folders = fs
    .readdirSync(path.join(ROOT, SERVICES), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  expect(folders).toEqual([...ORDER].sort());
  expect(ORDER.filter((wing) => !fs.existsSync(path.join(ROOT, SERVICES, wing, 'README.md')))).toEqual([]);
  expect(FILES.filter((f) => path.posix.dirname(f) === 'src/services').sort()).toEqual([
    'src/services/deps.ts',
    'src/services/types.ts',
  ]);
});

test("each wing's README names every room of its wing", () => {
  const missing: string[] = [];
  for (const wing of ORDER) {
    const readme = fs.readFileSync(path.join(ROOT, SERVICES, wing, 'README.md'), 'utf8');
    for (const e of fs.readdirSync(path.join(ROOT, SERVICES, wing), { withFileTypes: true }))
      if (e.isDirectory() && !readme.includes(`\`${e.name}/\``))
        missing.push(`${wing}/README.md lacks ${e.name}/`);
  }
  expect(missing).toEqual([]);
});

test('nothing in src/services imports the web, the terminal or the composition', () => {
  const stray: string[] = [];
  for (const file of FILES)
    for (const spec of importsOf(file))
      if (/^(src\/web|cli|src\/core)(\/|$)/.test(resolved(file, spec))) stray.push(`${file} imports ${spec}`);
  expect(stray).toEqual([]);
});

test('a wing imports only the wings below it, but for the arrows named against the order', () => {
  const stray = crossings()
    .filter((c) => ORDER.indexOf(c.to) < ORDER.indexOf(c.from) && !(c.arrow in AGAINST_THE_ORDER))
    .map((c) => `${c.where} (${c.from} may not import ${c.to})`);
  expect(stray).toEqual([]);
});

test('every arrow named against the order is still in the code (strike off the paid ones)', () => {
  const seen = new Set(crossings().map((c) => c.arrow));
  expect(Object.keys(AGAINST_THE_ORDER).filter((a) => !seen.has(a))).toEqual([]);
});

/**
 * Rooms that import each other both ways (a room's types.ts left out on either side), with what each direction
 * carries. Billing and the subscribers' room must not become one of them: billing reads the subscribers' store,
 * and the subscribers' room asks billing nothing.
 */
const BOTH_WAYS: Record<string, string> = {
  'network/usage <-> subscriptions/subscribers':
    "the poll reads a subscriber's terms and usage; the subscribers' room asks the usage room who is online",
  'shop/accounts <-> shop/vouchers':
    "a reseller's terms read a voucher's plan; generating for a reseller locks and reads their balance",
  'shop/reports <-> shop/vendos': "the sales report reads the vendos' sales; the vendos' sales read money in",
};

/** Every room-to-room import inside src/services, 'wing/room -> wing/room', types.ts files left out. */
function roomArrows(): Set<string> {
  const arrows = new Set<string>();
  for (const file of FILES.filter((f) => !f.endsWith('/types.ts'))) {
    const here = placeOf(file);
    if (!here) continue;
    for (const spec of importsOf(file)) {
      const to = resolved(file, spec);
      const there = placeOf(to);
      if (!there || to.endsWith('/types') || (there.wing === here.wing && there.room === here.room)) continue;
      arrows.add(`${here.wing}/${here.room} -> ${there.wing}/${there.room}`);
    }
  }
  return arrows;
}

test('rooms import each other both ways only where named (and every pair named is still there)', () => {
  const arrows = roomArrows();
  const pairs = [...arrows]
    .map((a) => a.split(' -> '))
    .filter(([a, b]) => a < b && arrows.has(`${b} -> ${a}`))
    .map(([a, b]) => `${a} <-> ${b}`)
    .sort();
  expect(pairs).toEqual(Object.keys(BOTH_WAYS).sort());
});
