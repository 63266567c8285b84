import {
  ADMIN_ROUTES,
  CAPABILITIES,
  ROUTES_OWNER_ONLY,
  batchOverrides,
  capabilityFor,
  mayRequest,
  menuFor,
} from '../../src/domain/roles';
import { spellings } from '../accounts/role-spellings';

describe('the role table', () => {
  test('addresses map to their capability; an unlisted one is the owner’s', () => {
    expect(capabilityFor('GET', '/api/vouchers/ABCD1234')).toBe('vouchers.view');
    expect(capabilityFor('HEAD', '/vouchers')).toBe('vouchers.view');
    expect(capabilityFor('GET', '/vouchers/batches/12/print')).toBe('vouchers.print');
    expect(capabilityFor('GET', '/vouchers/ABCD/move')).toBe('owner');
    expect(capabilityFor('POST', '/api/vouchers/ABCD/revoke')).toBe('owner');
    expect(capabilityFor('GET', '/api/router/setup')).toBe('owner'); // a page added later
    expect(capabilityFor('GET', '/api/vouchers/')).toBe('vouchers.view'); // a trailing slash
  });

  test('a cashier sells at the counter; a reseller does not', () => {
    expect(mayRequest('cashier', 'POST', '/api/vouchers/AB/extend')).toBe(true);
    expect(mayRequest('reseller', 'POST', '/api/vouchers/AB/extend')).toBe(false);
    expect(mayRequest('reseller', 'POST', '/api/vouchers')).toBe(true);
    expect(mayRequest('owner', 'POST', '/api/anything/at/all')).toBe(true);
  });

  test('every owner-only row is refused to the other roles', () => {
    for (const [m, p] of ROUTES_OWNER_ONLY) {
      expect(mayRequest('cashier', m, p.replace(/:\w+/g, 'x'))).toBe(false);
      expect(mayRequest('reseller', m, p.replace(/:\w+/g, 'x'))).toBe(false);
    }
    expect(ADMIN_ROUTES.every(([, , cap]) => cap in CAPABILITIES)).toBe(true);
  });

  test('an owner-only row in any letter case or with a trailing slash is still the owner’s', () => {
    expect(capabilityFor('GET', '/subscribers/NEW')).toBe('owner');
    expect(capabilityFor('GET', '/subscribers/12')).toBe('subscribers.view');
    for (const [m, p, cap] of ADMIN_ROUTES) {
      for (const spelt of spellings(p.replace(/:\w+/g, 'x')))
        expect({ m, spelt, cap: capabilityFor(m === '*' ? 'POST' : m, spelt) }).toEqual({ m, spelt, cap });
    }
    // Two trailing slashes are another address, as in Express: unlisted, the owner's.
    expect(capabilityFor('GET', '/subscribers//')).toBe('owner');
  });

  test('menus show only what the role may use', () => {
    // A cashier also looks up subscribers (to answer one at the counter), without their passwords.
    expect(menuFor('cashier').map(([k]) => k)).toEqual(['dashboard', 'vouchers', 'shift', 'subscribers']);
    expect(menuFor('reseller').map(([k]) => k)).toEqual(['dashboard', 'vouchers', 'shift']);
    expect(menuFor('owner').map(([k]) => k)).toContain('accounts');
    expect(menuFor('owner').map(([k]) => k)).toContain('subscribers');
    expect(menuFor('owner').map(([k]) => k)).not.toContain('shift');
  });

  test('a batch’s overrides: empty fields and false are not set', () => {
    expect(batchOverrides({ price: '', staff: 'false', rate_up: undefined })).toEqual([]);
    expect(batchOverrides({ price: 0, staff: true, rate_down: '1M' })).toEqual([
      'price',
      'staff',
      'rate_down',
    ]);
  });
});
