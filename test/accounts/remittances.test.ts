/**
 * A reseller's remittances as a ledger: more than it owes is refused unless it is an advance (nothing recorded),
 * exactly what it owes is fine, each is listed, and a mistake is voided with a reason (audited with its actor,
 * the balance following); a second void and an unknown id are refused clearly. The Accounts page offers both.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { api, makeAccount } from './helpers';

const R = '/admin/api/accounts/store.cora';

describe('remittances', () => {
  let h: Harness;
  let cora: { authorization: string };
  beforeAll(async () => {
    h = await createHarness({ http: true });
    // STANDARD costs ₱10.00; 20% commission: ₱8.00 each at wholesale. Six of them: ₱48.00 owed.
    cora = await makeAccount(h, {
      username: 'store.cora',
      role: 'reseller',
      profiles: ['STANDARD'],
      commission_percent: 20,
      credit_limit: 50,
    });
    expect(
      (await api(h, 'POST', '/admin/api/vouchers', { profile: 'STANDARD', count: 6 }, cora)).status,
    ).toBe(201);
  });
  afterAll(() => h.close());

  const owed = async () => (await api(h, 'GET', `${R}/balance`)).json.owed_centavos;

  test('more than is owed is refused with the figures and records nothing; exactly owed is fine', async () => {
    expect(await owed()).toBe(4800);
    const typo = await api(h, 'POST', `${R}/remittances`, { amount: 1000 });
    expect(typo).toMatchObject({
      status: 409,
      json: {
        code: 'REMITTANCE_ABOVE_OWED',
        fields: { amount: expect.any(String) },
        owed: 48,
        owed_centavos: 4800,
        amount: 1000,
        amount_centavos: 100000,
      },
    });
    expect(typo.json.error).toMatch(/₱1,000\.00 is more than the ₱48\.00/);
    expect(await owed()).toBe(4800);
    expect((await api(h, 'GET', `${R}/remittances`)).json.remittances).toEqual([]);
    // Its credit limit still holds: ₱48 owed + ₱8 is above ₱50.
    const more = await api(h, 'POST', '/admin/api/vouchers', { profile: 'STANDARD', count: 1 }, cora);
    expect(more.json.code).toBe('CREDIT_LIMIT');

    const exact = await api(h, 'POST', `${R}/remittances`, { amount: '48.00' });
    expect(exact).toMatchObject({ status: 201, json: { owed_centavos: 0, remitted_centavos: 4800 } });
    // Owing nothing, any amount is above what is owed.
    const again = await api(h, 'POST', `${R}/remittances`, { amount: 48 });
    expect(again).toMatchObject({ status: 409, json: { code: 'REMITTANCE_ABOVE_OWED', owed_centavos: 0 } });
  });

  test('an advance is recorded, listed with the others, newest first', async () => {
    const ahead = await api(h, 'POST', `${R}/remittances`, { amount: 20, advance: true });
    expect(ahead).toMatchObject({ status: 201, json: { owed_centavos: -2000, remitted_centavos: 6800 } });
    const list = await api(h, 'GET', `${R}/remittances`);
    expect(list.status).toBe(200);
    expect(list.json.remittances).toEqual([
      {
        id: expect.any(Number),
        amount: 20,
        amount_centavos: 2000,
        advance: true,
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        actor: 'api-token',
        voided_at: null,
        voided_by: null,
        void_reason: null,
      },
      expect.objectContaining({ amount_centavos: 4800, advance: false, voided_at: null }),
    ]);
    // A reseller neither lists nor voids its own remittances.
    expect((await api(h, 'GET', `${R}/remittances`, undefined, cora)).json.code).toBe('FORBIDDEN_ROLE');
  });

  test('a void needs a reason, is audited with its actor, moves the balance, and happens once', async () => {
    const [, exact] = (await api(h, 'GET', `${R}/remittances`)).json.remittances as Array<{ id: number }>;
    const bare = await api(h, 'POST', `${R}/remittances/${exact.id}/void`, {});
    expect(bare).toMatchObject({
      status: 400,
      json: { code: 'INVALID_INPUT', fields: { reason: expect.any(String) } },
    });
    expect(await owed()).toBe(-2000);

    const voided = await api(h, 'POST', `${R}/remittances/${exact.id}/void`, { reason: 'counted twice' });
    expect(voided).toMatchObject({
      status: 200,
      json: {
        remittance: {
          id: exact.id,
          amount_centavos: 4800,
          voided_by: 'api-token',
          void_reason: 'counted twice',
        },
        owed_centavos: 2800,
        remitted_centavos: 2000,
      },
    });
    expect((voided.json.remittance as { voided_at: string }).voided_at).toMatch(/^\d{4}-/);
    expect(await owed()).toBe(2800);
    const audit = (await api(h, 'GET', '/admin/api/audit?limit=20')).json.entries as Array<
      Record<string, unknown>
    >;
    expect(audit.find((e) => e.action === 'remittance.void')).toMatchObject({
      actor: 'api-token',
      via: 'api',
      target: 'store.cora',
      details: expect.objectContaining({ remittance: exact.id, amount: 4800, reason: 'counted twice' }),
    });

    const twice = await api(h, 'POST', `${R}/remittances/${exact.id}/void`, { reason: 'again' });
    expect(twice).toMatchObject({ status: 409, json: { code: 'REMITTANCE_VOIDED' } });
    expect(await owed()).toBe(2800);
    for (const id of ['999999', 'abc']) {
      const unknown = await api(h, 'POST', `${R}/remittances/${id}/void`, { reason: 'typo' });
      expect(unknown).toMatchObject({ status: 404, json: { code: 'REMITTANCE_NOT_FOUND' } });
    }
    // Another reseller's remittance is not this one's to void.
    expect(
      (await api(h, 'POST', `/admin/api/accounts/nobody/remittances/${exact.id}/void`, { reason: 'x' }))
        .status,
    ).toBe(404);
  });

  test('the Accounts page lists them, records an advance and voids with a reason', async () => {
    const owner = new AdminClient(h.app!.url);
    expect((await owner.login()).status).toBe(303);
    const token = await owner.token('/admin/accounts');
    const typo = await owner.post('/admin/accounts/store.cora/remittances', { amount: '1000' }, token);
    expect(typo.status).toBe(303);
    let page = await owner.html('/admin/accounts');
    expect(page).toContain('₱1,000.00 is more than the ₱28.00 store.cora owes now');
    expect(page).toContain('data-testid="owed-store.cora">₱28.00');
    const advance = await owner.post(
      '/admin/accounts/store.cora/remittances',
      { amount: '30', advance: 'yes' },
      token,
    );
    expect(advance.status).toBe(303);
    page = await owner.html('/admin/accounts');
    expect(page).toContain('Recorded as an advance');
    expect(page).toContain('data-testid="owed-store.cora">−₱2.00');
    const rows = page.match(/data-remittance="(\d+)"/g) ?? [];
    expect(rows.length).toBe(3);
    expect(page).toContain('Voided');
    expect(page).toContain('counted twice');
    const newest = Number(/data-remittance="(\d+)"/.exec(page)![1]);
    const noReason = await owner.post(`/admin/accounts/store.cora/remittances/${newest}/void`, {}, token);
    expect(noReason.status).toBe(303);
    expect(await owner.html('/admin/accounts')).toContain('say why');
    const v = await owner.post(
      `/admin/accounts/store.cora/remittances/${newest}/void`,
      { reason: 'typed 30 for 3' },
      token,
    );
    expect(v.status).toBe(303);
    page = await owner.html('/admin/accounts');
    expect(page).toContain('no longer counts; ₱28.00 owed now');
    expect(page).toContain('data-testid="owed-store.cora">₱28.00');
  });
});
