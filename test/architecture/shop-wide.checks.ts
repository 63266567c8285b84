/**
 * Shop-wide services (payments, reports, accounts, vendos, ...) are built from the shop's deps and never hold a
 * site's router: what one needs of a router (whether a login can be tried now, a device's addresses) is a narrow
 * function its factory names, answered by the site's stack in the composition root (src/core.ts). Read from the
 * source with the TypeScript compiler; each failure names the file, the line and what it holds:
 *
 * - no import from src/router/, and no import of a site's deps (`SiteDeps`) or stack;
 * - no `.router` (but `config.router`, the .env settings) or `.hotspot` read, and no parameter, field or
 *   destructured name `router` or `hotspot`.
 *
 * The type-level half (a site's deps cannot be handed to their factories) is checked by `npm run typecheck` below.
 */
import path from 'node:path';
import ts from 'typescript';
import { lineOf, source, tsFiles } from './source';
import type { ShopDeps, SiteDeps } from '../../src/services/deps';
import type { createPaymentService } from '../../src/services/shop/payments';
import type { createReportService } from '../../src/services/shop/reports';
import type { createAccountService } from '../../src/services/shop/accounts';
import type { createVendoService } from '../../src/services/shop/vendos';

/** The folders of the services that serve the whole shop, whatever site a sale or a customer is on. */
const SHOP_WIDE = [
  'shop/accounts',
  'business/admins',
  'business/audit',
  'business/backup',
  'shop/card-templates',
  'business/events',
  'business/login-delays',
  'business/notify',
  'shop/payments',
  'shop/profiles',
  'shop/reports',
  'business/settings',
  'subscriptions/subscribers',
  'shop/vendos',
];
const FILES = SHOP_WIDE.flatMap((d) => tsFiles(`src/services/${d}`));

function importsOf(file: string): ts.ImportDeclaration[] {
  return source(file).statements.filter(ts.isImportDeclaration);
}

/** What a file of a shop-wide service holds of a router: imports, reads and names. */
export function routerReach(file: string): string[] {
  const sf = source(file);
  const out: string[] = [];
  for (const imp of importsOf(file)) {
    const spec = (imp.moduleSpecifier as ts.StringLiteral).text;
    const to = spec.startsWith('.')
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec))
      : spec;
    if (to.startsWith('src/router/')) out.push(`${file}:${lineOf(sf, imp)} imports ${spec}`);
    const named = imp.importClause?.namedBindings;
    if (named && ts.isNamedImports(named))
      for (const el of named.elements)
        if (el.name.text === 'SiteDeps' || el.name.text === 'SiteStack')
          out.push(`${file}:${lineOf(sf, el)} imports ${el.name.text}`);
  }
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n)) {
      const name = n.name.text;
      if (name === 'hotspot' || (name === 'router' && !/config$/.test(n.expression.getText(sf))))
        out.push(`${file}:${lineOf(sf, n)} reads ${n.getText(sf).slice(0, 60)}`);
    }
    if (
      (ts.isParameter(n) ||
        ts.isPropertySignature(n) ||
        ts.isBindingElement(n) ||
        ts.isPropertyDeclaration(n)) &&
      ts.isIdentifier(n.name) &&
      (n.name.text === 'router' || n.name.text === 'hotspot') &&
      !(ts.isPropertySignature(n) && n.type?.kind === ts.SyntaxKind.NeverKeyword)
    )
      out.push(`${file}:${lineOf(sf, n)} takes ${n.name.text}`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('the shop-wide services are found where this test looks', () => {
  expect(FILES).toEqual(
    expect.arrayContaining([
      'src/services/shop/payments/index.ts',
      'src/services/shop/vendos/window.ts',
      'src/services/shop/reports/index.ts',
      'src/services/shop/accounts/index.ts',
    ]),
  );
});

test("no shop-wide service imports the router's module or a site's deps, or reads or takes a router", () => {
  expect(FILES.flatMap(routerReach)).toEqual([]);
});

test('the check sees a router reached for: an import, a read and a parameter', () => {
  // The check itself, on a file that does all three (the site's stack, which may).
  const found = routerReach('src/services/network/site-stack/index.ts').join('\n');
  expect(found).toMatch(/imports (\.\.\/)+router\//);
  expect(found).toMatch(/reads \w+\.router/);
  expect(found).toMatch(/takes (router|hotspot)/);
  expect(routerReach('src/services/business/admins/index.ts')).toEqual([]); // `config.router` is the .env settings
});

/**
 * Type-level: a site's deps (with its router and hotspot) cannot be handed to a shop-wide factory. Never run;
 * `npm run typecheck` fails if any `@ts-expect-error` below stops being an error.
 */
export function typeChecks(site: SiteDeps, shop: ShopDeps): void {
  const o = {} as Parameters<typeof createPaymentService>[1];
  // @ts-expect-error a site's deps carry a router
  void ({} as typeof createPaymentService)(site, o);
  // @ts-expect-error a site's deps carry a router
  void ({} as typeof createReportService)(site);
  // @ts-expect-error a site's deps carry a router
  void ({} as typeof createAccountService)(site, {} as Parameters<typeof createAccountService>[1]);
  // @ts-expect-error a site's deps carry a router
  void ({} as typeof createVendoService)(site, {} as Parameters<typeof createVendoService>[1]);
  // @ts-expect-error nor can a router be added to the shop's deps
  const withRouter: ShopDeps = { ...shop, router: site.router };
  void withRouter;
  void ({} as typeof createReportService)(shop);
}
