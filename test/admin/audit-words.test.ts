/**
 * The Activity page in the owner's words: money a service recorded in centavos shown as pesos, and each change
 * under the account's own name and role, not "(admin)" for every web account.
 */
import { auditActorText, auditDetailText } from '../../src/web/admin/pages/audit-details';
import { AdminClient } from './client';
import { createHarness, type Harness } from '../helpers/harness';

test('a remittance and a credit limit in pesos, a commission in percent', () => {
  expect(auditDetailText('account.remittance', { amount: 100000, owed: 25050 })).toBe(
    'amount: ₱1,000.00 · owed: ₱250.50',
  );
  expect(
    auditDetailText('account.create', { role: 'reseller', commissionBp: 1250, creditLimit: 500000 }),
  ).toBe('role: reseller · commissionBp: 12.5% · creditLimit: ₱5,000.00');
  // A profile's own price stays pesos, as profiles.json writes it.
  expect(auditDetailText('profile.create', { price: 5 })).toBe('price: ₱5.00');
});

test('who: the account’s name with its role and where it acted', () => {
  const roles = new Map([
    ['maria', 'cashier'],
    ['admin', 'owner'],
  ]);
  expect(auditActorText('maria (admin)', roles)).toBe('maria (cashier, web)');
  expect(auditActorText('admin (admin)', roles)).toBe('admin (owner, web)');
  expect(auditActorText('maria (api)', roles)).toBe('maria (cashier, API)');
  expect(auditActorText('jun (cli)', roles)).toBe('jun (terminal)');
  expect(auditActorText('gone (admin)', roles)).toBe('gone (web)');
  expect(auditActorText('system (system)', roles)).toBe('the controller itself');
});

describe('the Activity page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(async () => {
    await h.close();
  });

  test('shows the owner as the owner and a remittance in pesos', async () => {
    await h.core!.services.audit.record({ name: 'admin', via: 'admin' }, 'account.remittance', 'rey', {
      amount: 100000,
    });
    const admin = new AdminClient(h.app!.url);
    expect((await admin.login()).status).toBe(303);
    const html = await admin.html('/admin/audit');
    expect(html).toContain('admin (owner, web)');
    expect(html).toContain('amount: ₱1,000.00');
    expect(html).not.toContain('amount: 100000');
  });
});
