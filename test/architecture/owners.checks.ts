/**
 * One owner per thing, read from the source with the TypeScript compiler:
 *
 * - hotspot users and their active sessions are written in their room (src/services/network/hotspot-users/) and in the
 *   router module only; the few other calls that remain are listed below with why, so a new one fails here;
 * - the device under a voucher (`voucher_devices`) is written by src/services/shop/voucher-devices/ only: no other
 *   file inserts, updates, deletes or merges its rows, through the query builder or in SQL text.
 *
 * Each failure names the file, the line and what it holds.
 */
import ts from 'typescript';
import { lineOf, source, tsFiles } from './source';

const FILES = [...tsFiles('src'), ...tsFiles('cli')].filter(
  (f) => !f.startsWith('src/router/') && !f.startsWith('src/simulator/'),
);

/** ManagedHotspot's verbs on hotspot users (`/ip/hotspot/user`) and active sessions (`/ip/hotspot/active`). */
const USER_VERBS = new Set([
  'users',
  'addUser',
  'bindUser',
  'updateUserPlan',
  'raiseUserByteLimit',
  'setUserByteLimit',
  'userBytes',
  'removeUsers',
  'removeVoucher',
  'reconcileUsers',
  'loginDevice',
  'logout',
  'logoutDevice',
  'relogin',
  'reloginVoucher',
  'sessionsOfVoucher',
]);
/** Names no other object of ours has: a call to one is a hotspot call whatever the receiver is called. */
const OWN_NAMES = new Set(
  [...USER_VERBS].filter((v) => !['users', 'logout', 'relogin', 'logoutDevice'].includes(v)),
);

/**
 * The calls outside the room that stay, by file, and why. Each is a part of its own seam, not a door around one:
 * the router's enforcer ends the sessions the poll decided in the same pass as their queues (a queue goes only
 * once its device has no session); the API redemption logs a device in (its `DeviceLogin`); the admin logs a MAC
 * out of every voucher; the router binding reads the users once to recognise a router it has seen before.
 */
const STAY: Record<string, readonly string[]> = {
  'src/services/network/usage/enforcer.ts': ['logout'],
  'src/services/shop/redemption/connect.ts': ['loginDevice'],
  'src/services/network/bandwidth/index.ts': ['logoutDevice'],
  'src/services/network/router-binding/index.ts': ['users'],
};

function hotspotCalls(file: string): Array<{ verb: string; line: number }> {
  const sf = source(file);
  const out: Array<{ verb: string; line: number }> = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const verb = n.expression.name.text;
      const receiver = n.expression.expression.getText(sf);
      if (USER_VERBS.has(verb) && (OWN_NAMES.has(verb) || /hotspot$/i.test(receiver)))
        out.push({ verb, line: lineOf(sf, n) });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('only the hotspot users room and the router module call hotspot users and active sessions', () => {
  const stray: string[] = [];
  for (const file of FILES) {
    if (file.startsWith('src/services/network/hotspot-users/')) continue;
    for (const c of hotspotCalls(file))
      if (!STAY[file]?.includes(c.verb)) stray.push(`${file}:${c.line} hotspot.${c.verb}()`);
  }
  expect(stray).toEqual([]);
});

test('the calls listed as staying outside the room are still there (the list does not go stale)', () => {
  for (const [file, verbs] of Object.entries(STAY))
    expect([...new Set(hotspotCalls(file).map((c) => c.verb))].sort()).toEqual([...verbs].sort());
});

/** SQL text that writes the table. */
const SQL_WRITE = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+voucher_devices\b/i;
/** Query builder methods that write. */
const BUILDER_WRITES = new Set([
  'insert',
  'update',
  'delete',
  'del',
  'merge',
  'upsert',
  'truncate',
  'increment',
  'decrement',
]);
const isTableName = (s: string): boolean => /^voucher_devices(\s+as\s+\w+)?$/i.test(s);

/** The methods called on the result of `call`, in order (`db(t).where(…).update(…)`: where, update). */
function chainAfter(call: ts.Node): string[] {
  const out: string[] = [];
  let n: ts.Node = call;
  while (ts.isPropertyAccessExpression(n.parent) && n.parent.expression === n) {
    out.push(n.parent.name.text);
    n = n.parent;
    if (ts.isCallExpression(n.parent) && n.parent.expression === n) n = n.parent;
  }
  return out;
}

function deviceWrites(file: string): string[] {
  const sf = source(file);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (
      ts.isStringLiteral(n) ||
      ts.isNoSubstitutionTemplateLiteral(n) ||
      ts.isTemplateHead(n) ||
      ts.isTemplateMiddle(n) ||
      ts.isTemplateTail(n)
    ) {
      if (SQL_WRITE.test(n.text)) out.push(`${file}:${lineOf(sf, n)} SQL ${n.text.trim().slice(0, 50)}`);
      const call = n.parent;
      if (isTableName(n.text) && ts.isCallExpression(call) && call.arguments.includes(n as ts.Expression)) {
        const callee = ts.isPropertyAccessExpression(call.expression)
          ? call.expression.name.text
          : call.expression.getText(sf);
        // bulkUpdate(trx, 'voucher_devices', …): a helper named for its write.
        if (/insert|update|delete|upsert|merge/i.test(callee))
          out.push(`${file}:${lineOf(sf, n)} ${callee}(… voucher_devices …)`);
        // db('voucher_devices')….update(…); a join or a subquery of another table's query is not its write.
        else if (!/join|from/i.test(callee) && call.arguments[0] === n) {
          const writes = chainAfter(call).filter((m) => BUILDER_WRITES.has(m));
          if (writes.length)
            out.push(`${file}:${lineOf(sf, n)} ${callee}('voucher_devices').${writes.join('.')}()`);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('only src/services/shop/voucher-devices/ writes voucher_devices', () => {
  const stray: string[] = [];
  for (const file of FILES)
    if (!file.startsWith('src/services/shop/voucher-devices/')) stray.push(...deviceWrites(file));
  expect(stray).toEqual([]);
});

test('the voucher_devices check sees every kind of write (the owner holds each)', () => {
  const seen = tsFiles('src/services/shop/voucher-devices').flatMap(deviceWrites).join('\n');
  expect(seen).toMatch(/SQL INSERT INTO voucher_devices/);
  expect(seen).toMatch(/SQL UPDATE voucher_devices/);
  expect(seen).toMatch(/SQL DELETE FROM voucher_devices/);
  expect(seen).toMatch(/'voucher_devices'\)\.insert\.merge\(\)/);
  expect(seen).toMatch(/'voucher_devices'\)\.update\(\)/);
  expect(seen).toMatch(/'voucher_devices'\)\.delete\(\)/);
  expect(seen).toMatch(/bulkUpdate\(… voucher_devices …\)/);
});

/** Who imports a module, by the specifier's end (`…/router/ppp`). */
function importersOf(end: string): string[] {
  const out: string[] = [];
  for (const file of FILES) {
    const sf = source(file);
    for (const s of sf.statements)
      if (
        ts.isImportDeclaration(s) &&
        ts.isStringLiteral(s.moduleSpecifier) &&
        s.moduleSpecifier.text.endsWith(end) &&
        !s.importClause?.isTypeOnly
      )
        out.push(file);
  }
  return out;
}

test("only the PPP room writes subscribers' PPP profiles and secrets (router/ppp.ts)", () => {
  expect(importersOf('/router/ppp')).toEqual(['src/services/network/ppp-subscribers/index.ts']);
});
