import { ACTIVITY_GROUPS, ACTIVITY_LABELS, activityGroup } from '../../src/domain/activity';

test('every event kind the services write belongs to a feed group', () => {
  const cases: Record<string, string> = {
    sale: 'sale',
    'activated-on-router': 'sale',
    topup: 'sale',
    'vendo-sale': 'sale',
    'vendo-topup': 'sale',
    overage: 'sale',
    extension: 'sale',
    login: 'login',
    logout: 'logout',
    expired: 'expiry',
    exhausted: 'expiry',
    'fup-80': 'alert',
    'fup-100': 'alert',
    'cap-90': 'alert',
    'device-limit': 'alert',
    guessing: 'alert',
    bandwidth: 'bandwidth',
    revoked: 'revoke',
    'router-down': 'router',
    'router-up': 'router',
    'redemption-undone': 'router',
    pause: 'customer',
    resume: 'customer',
    move: 'customer',
  };
  for (const [kind, group] of Object.entries(cases))
    expect([kind, activityGroup(kind)]).toEqual([kind, group]);
  // Unknown kinds are shown, as "Event", never dropped; look-alikes of the alert kinds are not alerts.
  for (const kind of ['something-new', 'fup-', 'cap-x', 'fupx-80', '__proto__', 'constructor'])
    expect([kind, activityGroup(kind)]).toEqual([kind, 'other']);
  for (const g of [...ACTIVITY_GROUPS, 'other' as const]) expect(ACTIVITY_LABELS[g]).toMatch(/^[A-Z]/);
});
