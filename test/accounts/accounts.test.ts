/**
 * Accounts end to end over HTTP: making them (with the bad fields named), tokens, a removed account stopping at
 * once, a reseller's batches at wholesale within its credit to the centavo, its own vouchers only, remittances
 * and the balance, a cashier's shift, and the audit log's actor.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { demoDevice } from '../../src/simulator';
import { api, makeAccount } from './helpers';

describe('accounts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(() => h.close());

  test('bad fields are named; the owner’s name and a taken one are ACCOUNT_EXISTS', async () => {
    const bad = await api(h, 'POST', '/admin/api/accounts', {
      username: 'x',
      password: 'short',
      role: 'boss',
      commission_percent: 150,
      credit_limit: 'lots',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('INVALID_INPUT');
    expect(Object.keys(bad.json.fields as object).sort()).toEqual(
      ['commission_percent', 'credit_limit', 'password', 'role', 'username'].sort(),
    );
    const noPlans = await api(h, 'POST', '/admin/api/accounts', {
      username: 'store.b',
      password: 'long-enough-pw',
      role: 'reseller',
      profiles: ['NOPE'],
    });
    expect(noPlans.status).toBe(400);
    expect(noPlans.json.fields).toEqual({ profiles: 'no such profile: NOPE' });
    const owner = await api(h, 'POST', '/admin/api/accounts', {
      username: 'admin',
      password: 'long-enough-pw',
      role: 'cashier',
    });
    expect(owner).toMatchObject({ status: 409, json: { code: 'ACCOUNT_EXISTS' } });
    const first = await api(h, 'POST', '/admin/api/accounts', {
      username: 'maria',
      password: 'long-enough-pw',
      role: 'cashier',
    });
    expect(first.status).toBe(201);
    expect(first.json.account).toMatchObject({ username: 'maria', role: 'cashier' });
    const again = await api(h, 'POST', '/admin/api/accounts', {
      username: 'Maria',
      password: 'long-enough-pw',
      role: 'cashier',
    });
    expect(again).toMatchObject({ status: 409, json: { code: 'ACCOUNT_EXISTS' } });
    const list = await api(h, 'GET', '/admin/api/accounts');
    expect((list.json.accounts as { username: string }[]).map((a) => a.username)).toContain('maria');
    expect(JSON.stringify(list.json)).not.toMatch(/scrypt|password_hash/);
  });

  test('tokens: a wrong password is 401; a removed account’s token and session stop at once', async () => {
    const wrong = await api(
      h,
      'POST',
      '/admin/api/tokens',
      { username: 'maria', password: 'nope-nope-nope' },
      {},
    );
    expect(wrong).toMatchObject({ status: 401, json: { code: 'UNAUTHENTICATED' } });
    const tok = await makeAccount(h, { username: 'temp.cashier', role: 'cashier' });
    const page = new AdminClient(h.app!.url);
    expect((await page.login('temp.cashier', 'counter-pass-123')).status).toBe(303);
    expect((await api(h, 'GET', '/admin/api/vouchers?limit=1', undefined, tok)).status).toBe(200);
    expect((await page.get('/admin/vouchers')).status).toBe(200);

    expect((await api(h, 'DELETE', '/admin/api/accounts/temp.cashier')).status).toBe(200);
    const after = await api(h, 'GET', '/admin/api/vouchers?limit=1', undefined, tok);
    expect(after).toMatchObject({ status: 401, json: { code: 'UNAUTHENTICATED' } });
    const pageAfter = await page.get('/admin/vouchers');
    expect(pageAfter.status).toBe(303);
    expect(pageAfter.headers.get('location')).toMatch(/^\/admin\/login/);
    // The same name made again: the old session and token do not come back with it.
    await makeAccount(h, { username: 'temp.cashier', role: 'cashier' });
    expect((await page.get('/admin/vouchers')).status).toBe(303);
    expect((await api(h, 'GET', '/admin/api/vouchers?limit=1', undefined, tok)).status).toBe(401);
  });

  test('PUT changes the terms; a new password ends the old tokens', async () => {
    const tok = await makeAccount(h, { username: 'store.put', role: 'reseller', profiles: ['BASIC'] });
    const bad = await api(h, 'PUT', '/admin/api/accounts/store.put', { commission_percent: '1.234' });
    expect(bad).toMatchObject({
      status: 400,
      json: { code: 'INVALID_INPUT', fields: { commission_percent: expect.any(String) } },
    });
    const put = await api(h, 'PUT', '/admin/api/accounts/store.put', {
      credit_limit: '250.50',
      commission_percent: 7.5,
      profiles: ['BASIC', 'PREMIUM'],
    });
    expect(put.json.account).toMatchObject({
      credit_limit: 250.5,
      credit_limit_centavos: 25050,
      commission_percent: 7.5,
      profiles: ['BASIC', 'PREMIUM'],
    });
    expect((await api(h, 'GET', '/admin/api/vouchers?limit=1', undefined, tok)).status).toBe(200);
    await api(h, 'PUT', '/admin/api/accounts/store.put', { password: 'a-new-password-1' });
    expect((await api(h, 'GET', '/admin/api/vouchers?limit=1', undefined, tok)).status).toBe(401);
    expect((await api(h, 'PUT', '/admin/api/accounts/nobody', { role: 'cashier' })).json.code).toBe(
      'ACCOUNT_NOT_FOUND',
    );
    expect((await api(h, 'DELETE', '/admin/api/accounts/admin')).status).toBe(404);
  });

  test('a reseller: its profiles only, no overrides, wholesale to the centavo, CREDIT_LIMIT, remittances', async () => {
    // BASIC costs ₱5.00; 12.5% commission: 500 × 0.875 = 437.5 → 438 centavos (halves up).
    const ana = await makeAccount(h, {
      username: 'store.ana',
      role: 'reseller',
      profiles: ['BASIC'],
      commission_percent: 12.5,
      credit_limit: 17.52,
    });
    const other = await api(h, 'POST', '/admin/api/vouchers', { profile: 'PREMIUM', count: 1 }, ana);
    expect(other).toMatchObject({ status: 403, json: { code: 'FORBIDDEN_ROLE' } });
    for (const extra of [{ price: 1 }, { staff: true }, { rate_up: '10M' }]) {
      const r = await api(h, 'POST', '/admin/api/vouchers', { profile: 'BASIC', count: 1, ...extra }, ana);
      expect(r).toMatchObject({ status: 403, json: { code: 'FORBIDDEN_ROLE' } });
    }
    const three = await api(h, 'POST', '/admin/api/vouchers', { profile: 'BASIC', count: 3 }, ana);
    expect(three.status).toBe(201);
    let bal = await api(h, 'GET', '/admin/api/accounts/store.ana/balance', undefined, ana);
    expect(bal.json).toMatchObject({
      owed: 13.14,
      owed_centavos: 1314,
      sold_value: 15,
      sold_value_centavos: 1500,
      commission: 1.86,
      commission_centavos: 186,
      remitted: 0,
      remitted_centavos: 0,
    });
    // 1314 + 2 × 438 = 2190 > 1752: refused, nothing made.
    const batchesBefore = (await h.core!.services.vouchers.batches(500)).length;
    const over = await api(h, 'POST', '/admin/api/vouchers', { profile: 'BASIC', count: 2 }, ana);
    expect(over.status).toBe(409);
    expect(over.json).toMatchObject({
      code: 'CREDIT_LIMIT',
      credit_limit: 17.52,
      credit_limit_centavos: 1752,
      owed: 13.14,
      owed_centavos: 1314,
      batch_cost_centavos: 876,
    });
    expect(over.json.error).toMatch(/₱17\.52/);
    expect(over.json.error).toMatch(/₱13\.14/);
    expect((await h.core!.services.vouchers.batches(500)).length).toBe(batchesBefore);
    // 1314 + 438 = 1752: exactly at the limit is allowed; one centavo more is not.
    expect((await api(h, 'POST', '/admin/api/vouchers', { profile: 'BASIC', count: 1 }, ana)).status).toBe(
      201,
    );
    const atLimit = await api(h, 'POST', '/admin/api/vouchers', { profile: 'BASIC', count: 1 }, ana);
    expect(atLimit).toMatchObject({ status: 409, json: { code: 'CREDIT_LIMIT', owed_centavos: 1752 } });

    const paid = await api(h, 'POST', '/admin/api/accounts/store.ana/remittances', { amount: '10.01' });
    expect(paid.status).toBe(201);
    bal = await api(h, 'GET', '/admin/api/accounts/store.ana/balance');
    expect(bal.json).toMatchObject({
      sold_value_centavos: 2000,
      commission_centavos: 248,
      remitted_centavos: 1001,
      owed_centavos: 751,
      owed: 7.51,
    });
    // Room again: 751 + 2 × 438 = 1627 ≤ 1752.
    expect((await api(h, 'POST', '/admin/api/vouchers', { profile: 'BASIC', count: 2 }, ana)).status).toBe(
      201,
    );
    // A reseller cannot record its own remittance nor read another's balance.
    expect(
      (await api(h, 'POST', '/admin/api/accounts/store.ana/remittances', { amount: 100 }, ana)).json.code,
    ).toBe('FORBIDDEN_ROLE');
    expect((await api(h, 'GET', '/admin/api/accounts/maria/balance', undefined, ana)).json.code).toBe(
      'FORBIDDEN_ROLE',
    );
    const badAmount = await api(h, 'POST', '/admin/api/accounts/store.ana/remittances', { amount: -5 });
    expect(badAmount).toMatchObject({ status: 400, json: { code: 'INVALID_INPUT' } });
  });

  test('a reseller sees only its own vouchers: others’ codes are 404 and absent from lists and downloads', async () => {
    const ben = await makeAccount(h, {
      username: 'store.ben',
      role: 'reseller',
      profiles: ['BASIC', 'STANDARD'],
      commission_percent: 10,
    });
    const own = await api(h, 'POST', '/admin/api/vouchers', { profile: 'STANDARD', count: 2 }, ben);
    const ownCodes = (own.json.vouchers as { code: string }[]).map((v) => v.code);
    const owners = await api(h, 'POST', '/admin/api/vouchers', { profile: 'BASIC', count: 1 });
    const ownersCode = (owners.json.vouchers as { code: string }[])[0].code;
    const ownersBatch = owners.json.batch_id as number;

    expect((await api(h, 'GET', `/admin/api/vouchers/${ownCodes[0]}`, undefined, ben)).status).toBe(200);
    const hidden = await api(h, 'GET', `/admin/api/vouchers/${ownersCode}`, undefined, ben);
    expect(hidden).toMatchObject({ status: 404, json: { code: 'VOUCHER_NOT_FOUND' } });
    const list = await api(h, 'GET', '/admin/api/vouchers?limit=1000', undefined, ben);
    expect((list.json.vouchers as { code: string }[]).map((v) => v.code).sort()).toEqual(
      [...ownCodes].sort(),
    );
    const csv = await fetch(`${h.app!.url}/admin/vouchers/export.csv`, { headers: ben });
    const text = await csv.text();
    expect(text).toContain(ownCodes[0]);
    expect(text).not.toContain(ownersCode);
    for (const path of [
      `/admin/vouchers/batches/${ownersBatch}/print`,
      `/admin/vouchers/${ownersCode}/print`,
    ]) {
      expect((await fetch(h.app!.url + path, { headers: ben })).status).toBe(404);
    }
    // The owner sees them all; a cashier too.
    expect((await api(h, 'GET', `/admin/api/vouchers/${ownCodes[0]}`)).status).toBe(200);
  });

  test('a cashier’s shift: its vouchers first used since a time, with the amount', async () => {
    const cashier = await makeAccount(h, { username: 'counter.1', role: 'cashier' });
    const made = await api(h, 'POST', '/admin/api/vouchers', { profile: 'STANDARD', count: 3 }, cashier);
    expect(made.status).toBe(201);
    const codes = (made.json.vouchers as { code: string }[]).map((v) => v.code);
    const since = new Date(h.clock.now()).toISOString();
    h.clock.advance(60_000);
    for (const [i, code] of codes.slice(0, 2).entries()) {
      const dev = demoDevice(40 + i);
      h.sim.addDevice(dev);
      await h.core!.services.redemption.redeem({ code, mac: dev.mac, ip: dev.ip });
    }
    // The owner's own sale is not on the cashier's slip.
    const owners = await api(h, 'POST', '/admin/api/vouchers', { profile: 'BASIC', count: 1 });
    const dev = demoDevice(45);
    h.sim.addDevice(dev);
    await h.core!.services.redemption.redeem({
      code: (owners.json.vouchers as { code: string }[])[0].code,
      mac: dev.mac,
      ip: dev.ip,
    });
    const shift = await api(
      h,
      'GET',
      `/admin/api/reports/shift?since=${encodeURIComponent(since)}`,
      undefined,
      cashier,
    );
    expect(shift.status).toBe(200);
    expect(shift.json).toMatchObject({ since, count: 2, amount: 20, amount_centavos: 2000 });
    expect((shift.json.sales as { code: string }[]).map((s) => s.code).sort()).toEqual(
      codes.slice(0, 2).sort(),
    );
    expect((shift.json.sales as object[])[0]).toEqual({
      code: expect.any(String),
      profile: 'STANDARD',
      price: 10,
      price_centavos: 1000,
      sold_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    const bad = await api(h, 'GET', '/admin/api/reports/shift?since=yesterday', undefined, cashier);
    expect(bad).toMatchObject({ status: 400, json: { code: 'INVALID_INPUT' } });
    // The default is today 00:00 in the shop's time: today's sales.
    const today = await api(h, 'GET', '/admin/api/reports/shift', undefined, cashier);
    expect(today.json.count).toBe(2);
    // A cashier sells extra time at the counter, and may not revoke.
    expect(
      (await api(h, 'POST', `/admin/api/vouchers/${codes[0]}/extend`, { duration: '30m' }, cashier)).status,
    ).toBe(200);
    expect((await api(h, 'POST', `/admin/api/vouchers/${codes[0]}/revoke`, {}, cashier)).json.code).toBe(
      'FORBIDDEN_ROLE',
    );
  });

  test('the audit log names the actor; the API token’s entries name api-token', async () => {
    const audit = await api(h, 'GET', '/admin/api/audit?limit=100');
    const entries = audit.json.entries as Array<Record<string, unknown>>;
    expect(entries[0]).toEqual({
      id: expect.any(Number),
      ts: expect.stringMatching(/^\d{4}-/),
      actor: expect.any(String),
      via: expect.any(String),
      action: expect.any(String),
      target: expect.anything(),
      details: expect.anything(),
    });
    const extend = entries.find((e) => e.action === 'voucher.extend');
    expect(extend).toMatchObject({ actor: 'counter.1', via: 'api' });
    const gen = entries.find((e) => e.action === 'voucher.generate' && e.actor === 'store.ben');
    expect(gen).toBeDefined();
    const remit = entries.find((e) => e.action === 'account.remittance');
    expect(remit).toMatchObject({ actor: 'api-token', via: 'api', target: 'store.ana' });
    expect(entries.find((e) => e.action === 'account.remove')).toMatchObject({ actor: 'api-token' });
    const limited = await api(h, 'GET', '/admin/api/audit?limit=2');
    expect((limited.json.entries as object[]).length).toBe(2);
  });
});
