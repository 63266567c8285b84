/**
 * Who may do what in the admin: the owner, a cashier at the counter, a reseller selling the shop's codes.
 * Pure data and lookups (no Express): src/web/middleware/roles.ts enforces them on every admin request, pages
 * and API alike, before anything else looks at the request.
 *
 * Two tables. CAPABILITIES says which roles hold each capability. ADMIN_ROUTES says which capability each
 * admin address needs (paths under /admin, `:name` matching one path segment). An address that no row names
 * needs `owner`: a route added later is refused to cashiers and resellers until a row here lets them in, and
 * an owner-only route may be written down as one row with the `owner` capability (ROUTES_OWNER_ONLY below)
 * so the tests that walk the refusals cover it too.
 */

export const ROLES = ['owner', 'cashier', 'reseller'] as const;
export type Role = (typeof ROLES)[number];
/** The roles an account made by the owner may have (the owner is ADMIN_USERNAME, or the terminal). */
export const ACCOUNT_ROLES = ['cashier', 'reseller'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export const CAPABILITIES = {
  /** Everything: profiles, settings, sites, the router, accounts, backups, notifications, bandwidth, audit. */
  owner: ['owner'],
  /** The dashboard, each role its own, and the router's connection banner. */
  dashboard: ['owner', 'cashier', 'reseller'],
  /** Voucher lists, a voucher's page and JSON (a reseller: its own only). */
  'vouchers.view': ['owner', 'cashier', 'reseller'],
  /** Batches (a reseller: of its allowed profiles, at the profile's price, within its credit). */
  'vouchers.generate': ['owner', 'cashier', 'reseller'],
  /** Printed sheets, one card, the CSV of codes (a reseller: its own only). */
  'vouchers.print': ['owner', 'cashier', 'reseller'],
  /** Selling at the counter: more time, extra data at the cap, and their receipts. */
  'vouchers.sell': ['owner', 'cashier'],
  /** Voiding a counter sale: the owner any; a cashier its own of today (the service checks whose and when). */
  'vouchers.void': ['owner', 'cashier'],
  /** The end-of-shift slip: the caller's own vouchers first used since a time. */
  'sales.shift': ['owner', 'cashier', 'reseller'],
  /** A reseller's balance: the owner reads anyone's, a reseller its own (the route checks whose). */
  'accounts.balance': ['owner', 'reseller'],
  /** Subscribers on monthly plans and their invoices, listed and shown (without passwords); changes are the owner's. */
  'subscribers.view': ['owner', 'cashier'],
  /** Taking a subscriber's payment (cash at the counter, a transfer seen): the owner and a cashier. */
  'subscribers.pay': ['owner', 'cashier'],
} as const satisfies Record<string, readonly Role[]>;
export type Capability = keyof typeof CAPABILITIES;

type RouteRule = readonly [method: 'GET' | 'POST' | 'PUT' | 'DELETE' | '*', path: string, Capability];

/**
 * Owner-only addresses written down (they would be refused anyway, being unlisted above): the ones a reader
 * looks for, and the list the tests walk for every role. A new owner-only page or endpoint is one row here.
 */
export const ROUTES_OWNER_ONLY: ReadonlyArray<readonly [RouteRule[0], string]> = [
  // API
  ['GET', '/api/profiles'],
  ['POST', '/api/profiles'],
  ['PUT', '/api/profiles/:name'],
  ['POST', '/api/profiles/import'],
  ['POST', '/api/profiles/:name/archive'],
  ['POST', '/api/profiles/:name/restore'],
  ['POST', '/api/vouchers/:code/revoke'],
  ['POST', '/api/vouchers/:code/profile'],
  ['GET', '/api/vouchers/:code/profile-change'],
  ['GET', '/api/user-traffic'],
  ['POST', '/api/set-bandwidth'],
  ['POST', '/api/remove-bandwidth'],
  ['POST', '/api/reset-bandwidth'],
  ['GET', '/api/queues'],
  ['POST', '/api/users/:mac/kick'],
  ['GET', '/api/sites'],
  ['POST', '/api/sites'],
  ['GET', '/api/sites/:id'],
  ['PUT', '/api/sites/:id'],
  ['DELETE', '/api/sites/:id'],
  ['POST', '/api/sites/:id/adopt'],
  ['GET', '/api/sites/:id/addresses'],
  ['GET', '/api/vendos'],
  ['POST', '/api/vendos'],
  ['GET', '/api/notifications'],
  ['PUT', '/api/notifications'],
  ['POST', '/api/notifications/test'],
  ['GET', '/api/backups'],
  ['POST', '/api/backups'],
  ['GET', '/api/backups/:name'],
  ['GET', '/api/router/traffic'],
  ['GET', '/api/dashboard'],
  ['GET', '/api/accounts'],
  ['POST', '/api/accounts'],
  ['PUT', '/api/accounts/:username'],
  ['DELETE', '/api/accounts/:username'],
  ['POST', '/api/accounts/:username/remittances'],
  ['GET', '/api/accounts/:username/remittances'],
  ['POST', '/api/accounts/:username/remittances/:id/void'],
  ['GET', '/api/audit'],
  ['GET', '/api/payments'],
  ['GET', '/api/payments/settings'],
  ['PUT', '/api/payments/settings'],
  ['POST', '/api/subscribers'],
  ['POST', '/api/subscribers/import'],
  ['GET', '/api/subscribers/adoptable'],
  ['POST', '/api/subscribers/adopt'],
  ['PUT', '/api/subscribers/:id'],
  ['DELETE', '/api/subscribers/:id'],
  ['POST', '/api/subscribers/:id/suspend'],
  ['POST', '/api/subscribers/:id/resume'],
  ['POST', '/api/subscribers/:id/activate'],
  ['POST', '/api/subscribers/:id/unlock'],
  ['POST', '/api/invoices/:number/void'],
  ['POST', '/api/subscribers/:id/payments/:paymentId/void'],
  ['GET', '/api/reports/billing'],
  ['POST', '/api/billing/run'],
  ['GET', '/api/billing/settings'],
  ['PUT', '/api/billing/settings'],
  // Pages and their forms
  ['GET', '/profiles'],
  ['GET', '/profiles/new'],
  ['POST', '/profiles'],
  ['POST', '/profiles/:name'],
  ['GET', '/settings'],
  ['POST', '/settings/general'],
  ['POST', '/settings/password'],
  ['POST', '/settings/shop'],
  ['POST', '/settings/billing'],
  ['POST', '/settings/notifications'],
  ['GET', '/sites'],
  ['POST', '/sites'],
  ['GET', '/router'],
  ['GET', '/router/reboot'],
  ['POST', '/router/reboot'],
  ['GET', '/router/setup'],
  ['POST', '/router/setup'],
  ['GET', '/bandwidth'],
  ['POST', '/bandwidth/limit'],
  ['GET', '/users'],
  ['GET', '/reports'],
  ['GET', '/reports/sales.csv'],
  ['GET', '/backups'],
  ['POST', '/backups'],
  ['GET', '/vendos'],
  ['GET', '/cards'],
  ['GET', '/audit'],
  ['GET', '/accounts'],
  ['POST', '/accounts'],
  ['POST', '/accounts/:username/remove'],
  ['POST', '/accounts/:username/remittances'],
  ['POST', '/accounts/:username/remittances/:id/void'],
  ['POST', '/vouchers/:code/revoke'],
  ['GET', '/payments'],
  ['POST', '/payments/settings'],
  ['GET', '/subscribers/:id/open-as'],
  ['GET', '/subscribers/new'],
  ['GET', '/subscribers/adopt'],
  ['POST', '/subscribers/adopt'],
  ['POST', '/subscribers'],
  ['GET', '/subscribers/import'],
  ['POST', '/subscribers/import'],
  ['GET', '/subscribers/:id/edit'],
  ['POST', '/subscribers/:id'],
  ['POST', '/subscribers/:id/suspend'],
  ['POST', '/subscribers/:id/resume'],
  ['POST', '/subscribers/:id/activate'],
  ['POST', '/subscribers/:id/unlock'],
  ['POST', '/subscribers/:id/end'],
  ['POST', '/invoices/:number/void'],
  ['POST', '/subscribers/:id/payments/:paymentId/void'],
];

/** Addresses a cashier or a reseller may reach (paths under /admin). */
export const ADMIN_ROUTES: readonly RouteRule[] = [
  ['GET', '/', 'dashboard'],
  ['GET', '/api/router-status', 'dashboard'],
  ['GET', '/vouchers', 'vouchers.view'],
  ['GET', '/vouchers/batches/:id', 'vouchers.view'],
  ['GET', '/vouchers/batches/:id/print', 'vouchers.print'],
  ['GET', '/vouchers/export.csv', 'vouchers.print'],
  ['GET', '/vouchers/:code', 'vouchers.view'],
  ['GET', '/vouchers/:code/print', 'vouchers.print'],
  ['POST', '/vouchers/generate', 'vouchers.generate'],
  ['POST', '/quick-print', 'vouchers.generate'],
  ['POST', '/vouchers/:code/extend', 'vouchers.sell'],
  ['POST', '/vouchers/:code/overage', 'vouchers.sell'],
  ['GET', '/vouchers/:code/charges/:id/receipt', 'vouchers.sell'],
  ['POST', '/vouchers/:code/charges/:id/void', 'vouchers.void'],
  ['GET', '/shift', 'sales.shift'],
  ['GET', '/api/vouchers', 'vouchers.view'],
  ['GET', '/api/vouchers/:code', 'vouchers.view'],
  ['POST', '/api/vouchers', 'vouchers.generate'],
  ['GET', '/api/code-style', 'vouchers.generate'],
  ['POST', '/api/vouchers/:code/extend', 'vouchers.sell'],
  ['POST', '/api/vouchers/:code/overage', 'vouchers.sell'],
  ['POST', '/api/vouchers/:code/charges/:id/void', 'vouchers.void'],
  ['GET', '/api/reports/shift', 'sales.shift'],
  ['GET', '/api/accounts/:username/balance', 'accounts.balance'],
  ['GET', '/api/subscribers', 'subscribers.view'],
  // Before `/api/subscribers/:id`, which would match it: the router's secrets are the owner's.
  ['GET', '/api/subscribers/adoptable', 'owner'],
  ['GET', '/api/subscribers/:id', 'subscribers.view'],
  ['GET', '/api/subscribers/:id/invoices', 'subscribers.view'],
  ['GET', '/api/subscribers/:id/payments', 'subscribers.view'],
  ['GET', '/api/subscribers/:id/usage', 'subscribers.view'],
  ['POST', '/api/subscribers/:id/payments', 'subscribers.pay'],
  ['GET', '/api/invoices', 'subscribers.view'],
  ['GET', '/api/invoices/:number', 'subscribers.view'],
  ['GET', '/subscribers', 'subscribers.view'],
  // Before `/subscribers/:id`, which would match it: the add form is the owner's.
  ['GET', '/subscribers/new', 'owner'],
  ['GET', '/subscribers/import', 'owner'],
  ['GET', '/subscribers/adopt', 'owner'],
  ['GET', '/subscribers/:id', 'subscribers.view'],
  ['POST', '/subscribers/:id/payments', 'subscribers.pay'],
  // A payment's receipt: whoever sees the subscriber's payments.
  ['GET', '/subscribers/:id/payments/:paymentId/receipt', 'subscribers.view'],
  ['GET', '/invoices', 'subscribers.view'],
  ['GET', '/invoices/:number', 'subscribers.view'],
  ['GET', '/invoices/:number/print', 'subscribers.view'],
  ...ROUTES_OWNER_ONLY.map(([m, p]) => [m, p, 'owner'] as const),
];

interface CompiledRule {
  method: RouteRule[0];
  re: RegExp;
  capability: Capability;
}

const compile = ([method, path, capability]: RouteRule): CompiledRule => ({
  method,
  // As Express 5 routes the same address (path-to-regexp 8, the app's defaults): `:name` is one segment, the rest
  // literal in any letter case (`/subscribers/NEW` is the owner's add form, not `/subscribers/:id`), one trailing
  // slash allowed and no more. test/accounts/roles-match-express.test.ts holds the two to the same answers.
  re: new RegExp(
    `^${path
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}/?$`,
    'i',
  ),
  capability,
});

const COMPILED = ADMIN_ROUTES.map(compile);

/** The capability an admin request needs (`path` under /admin, without the query); unlisted: `owner`. */
export function capabilityFor(method: string, path: string): Capability {
  const m = method === 'HEAD' ? 'GET' : method.toUpperCase();
  // Earlier rows win: the literal `/vouchers/batches/:id` before `/vouchers/:code`.
  for (const rule of COMPILED) {
    if ((rule.method === '*' || rule.method === m) && rule.re.test(path)) return rule.capability;
  }
  return 'owner';
}

export function roleHas(role: Role, capability: Capability): boolean {
  return (CAPABILITIES[capability] as readonly Role[]).includes(role);
}

/** Whether `role` may make this request. */
export function mayRequest(role: Role, method: string, path: string): boolean {
  return role === 'owner' || roleHas(role, capabilityFor(method, path));
}

/** The admin menu's sections and the capability each needs (views/partials/nav.ejs shows the allowed ones). */
const MENU: ReadonlyArray<readonly [key: string, href: string, label: string, Capability]> = [
  ['dashboard', '/admin', 'Dashboard', 'dashboard'],
  ['vouchers', '/admin/vouchers', 'Vouchers', 'vouchers.view'],
  ['shift', '/admin/shift', 'My sales', 'sales.shift'],
  ['subscribers', '/admin/subscribers', 'Subscribers', 'subscribers.view'],
  ['profiles', '/admin/profiles', 'Profiles', 'owner'],
  ['bandwidth', '/admin/bandwidth', 'Bandwidth', 'owner'],
  ['users', '/admin/users', 'Users', 'owner'],
  ['reports', '/admin/reports', 'Reports', 'owner'],
  ['vendos', '/admin/vendos', 'Vendos', 'owner'],
  ['payments', '/admin/payments', 'Payments', 'owner'],
  ['sites', '/admin/sites', 'Sites', 'owner'],
  ['router', '/admin/router', 'Router', 'owner'],
  ['accounts', '/admin/accounts', 'Accounts', 'owner'],
  ['settings', '/admin/settings', 'Settings', 'owner'],
  ['audit', '/admin/audit', 'Audit', 'owner'],
];

export function menuFor(role: Role): Array<[string, string, string]> {
  return MENU.filter(([key, , , cap]) => roleHas(role, cap) && !(role === 'owner' && key === 'shift')).map(
    ([k, h, l]) => [k, h, l],
  );
}

/**
 * A batch request's fields a cashier or a reseller may not set: the price, a staff (free) code, the speeds.
 * Empty form fields and `false` are "not set". Returns the fields that were set.
 */
export function batchOverrides(body: Record<string, unknown>): string[] {
  const set = (v: unknown) => v !== undefined && v !== null && v !== '' && v !== false && v !== 'false';
  return ['price', 'staff', 'rate_up', 'rate_down'].filter((f) => set(body[f]));
}
