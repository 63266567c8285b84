import { createHarness, Harness } from '../helpers/harness';
import { AUTH, addDevice } from '../portal/helpers';
import { makeVendo, Phone } from '../vendos/helpers';
import { SYSTEM } from '../../src/services/types';
import { saleCodeStyle, saveShopCodeStyle } from '../../src/services/shop/vouchers/code-style';
import { DEFAULT_CODE_STYLE } from '../../src/domain/code-style';
import { RouterError } from '../../src/domain/errors';
import { AdminClient } from '../admin/client';
import { storedCodeStyle } from '../../src/services/shop/vouchers/code-style';

const errorUnder = (html: string, id: string) => new RegExp(`id="f-${id}-err"[^>]*>([^<]+)<`).exec(html)?.[1];

/** Code styles end to end: the batch's codes and passwords in the database, on the router and in the API. */
describe('voucher code styles', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  const post = (body: Record<string, unknown>) =>
    fetch(`${h.app!.url}/admin/api/vouchers`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: 'BASIC', count: 20, ...body }),
    });
  const routerUser = (name: string) => h.sim.rows('/ip/hotspot/user').find((u) => u.name === name);

  it('makes numbers-only codes, each its hotspot user with the code as its password', async () => {
    const res = await post({ alphabet: 'digits', length: 12, prefix: '55' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { vouchers: Array<{ code: string; password: string | null }> };
    expect(body.vouchers).toHaveLength(20);
    for (const v of body.vouchers) {
      expect(v.code).toMatch(/^55\d{12}$/);
      expect(v.password).toBeNull();
      expect(routerUser(v.code)).toMatchObject({ password: v.code, comment: 'pisonet BASIC' });
    }
  });

  it('makes separate passwords: stored with the voucher, set on the router, shown to the owner', async () => {
    const res = await post({
      alphabet: 'lowercase',
      length: 8,
      password_alphabet: 'digits',
      password_length: 6,
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { vouchers: Array<{ code: string; password: string }> };
    for (const v of body.vouchers) {
      expect(v.code).toMatch(/^[abcdefghjkmnpqrstuvwxyz2-9]{8}$/);
      expect(v.password).toMatch(/^\d{6}$/);
      // The router checks the password, not the code.
      expect(routerUser(v.code)).toMatchObject({ password: v.password });
    }
    const one = body.vouchers[0];
    // The owner's view of one voucher, found by its code in any case.
    const got = (await (
      await fetch(`${h.app!.url}/admin/api/vouchers/${one.code.toUpperCase()}`, { headers: AUTH })
    ).json()) as { voucher: { code: string; password: string } };
    expect(got.voucher).toMatchObject({ code: one.code, password: one.password });
    const list = (await (
      await fetch(`${h.app!.url}/admin/api/vouchers?limit=1`, { headers: AUTH })
    ).json()) as {
      vouchers: Array<{ password: string | null }>;
    };
    expect(list.vouchers[0].password).toMatch(/^\d{6}$/);
  });

  it('refuses a style under the guessing floor, saying why, and makes nothing', async () => {
    const res = await post({ alphabet: 'digits', length: 8 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; fields: Record<string, string> };
    expect(body.code).toBe('INVALID_INPUT');
    expect(body.fields.length).toMatch(
      /^8 digits is 100 million possible codes: at the portal's limit of 5 wrong codes a minute, .* within 3 hours .* Use at least 12 digits/,
    );
    const wrong = await post({ alphabet: 'hex', password_alphabet: 'digits', password_length: 2 });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { fields: Record<string, string> }).fields).toMatchObject({
      alphabet: expect.stringMatching(/use one of uppercase, lowercase, digits/),
      password_length: expect.stringMatching(/use 4 to 16 characters/),
    });
    expect(await h.core!.db('vouchers').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(h.sim.rows('/ip/hotspot/user')).toHaveLength(0);
  });

  it('uses the shop’s default style, which a batch overrides', async () => {
    await saveShopCodeStyle(
      h.core!.services.settings,
      { ...DEFAULT_CODE_STYLE, alphabet: 'digits', length: 6, password: { alphabet: 'digits', length: 6 } },
      SYSTEM,
    );
    const shop = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 5 }, SYSTEM);
    for (const v of shop.vouchers) {
      expect(v.code).toMatch(/^\d{6}$/);
      expect(v.password).toMatch(/^\d{6}$/);
    }
    const same = await h.core!.services.vouchers.generate(
      { profile: 'BASIC', count: 5, passwordAlphabet: 'same', length: 12 },
      SYSTEM,
    );
    for (const v of same.vouchers) {
      expect(v.code).toMatch(/^\d{12}$/);
      expect(v.password).toBeNull();
    }
    // The figures the batch form shows, from the same domain function.
    const figures = (await (
      await fetch(`${h.app!.url}/admin/api/code-style?password_alphabet=same&length=8`, { headers: AUTH })
    ).json()) as Record<string, unknown>;
    expect(figures).toMatchObject({
      success: true,
      style: { alphabet: 'digits', length: 8, password_alphabet: 'same' },
      possible: 1e8,
      possible_text: '100 million',
      bits: 26.6,
      meets_floor: false,
      min_length: 12,
      problem: expect.stringMatching(/^8 digits is 100 million/),
    });
  });

  it('keeps codes unique whatever their case', async () => {
    const [v] = (await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM)).vouchers;
    const row = await h.core!.db('vouchers').where({ code: v.code }).first();
    const { id: _id, ...copy } = row as Record<string, unknown>;
    await expect(h.core!.db('vouchers').insert({ ...copy, code: v.code.toLowerCase() })).rejects.toThrow(
      /UNIQUE|unique constraint/,
    );
  });

  it('the router refuses a hotspot login with a wrong password, and a name in the wrong case', async () => {
    const out = await h.core!.services.vouchers.generate(
      { profile: 'BASIC', count: 1, alphabet: 'lowercase', passwordAlphabet: 'digits', passwordLength: 6 },
      SYSTEM,
    );
    const v = out.vouchers[0];
    const d = addDevice(h, 1);
    const refused = async (user: string, password: string) => {
      const err = await h.router.hotspotLogin({ user, password, ...d }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RouterError);
      expect((err as RouterError).routerMessage).toBe('invalid username or password');
    };
    await refused(v.code, v.code); // the code is not the password any more
    await refused(v.code, v.password === '000000' ? '111111' : '000000');
    await refused(v.code.toUpperCase(), v.password!); // RouterOS names are case-sensitive
    await h.router.hotspotLogin({ user: v.code, password: v.password!, ...d });
    expect(h.sim.rows('/ip/hotspot/active').map((a) => a.user)).toEqual([v.code]);
  });

  it('puts a separate password back with a user the router lost (the users check)', async () => {
    const out = await h.core!.services.vouchers.generate(
      { profile: 'BASIC', count: 3, passwordAlphabet: 'uppercase', passwordLength: 8 },
      SYSTEM,
    );
    const ids = h.sim.rows('/ip/hotspot/user').map((u) => u['.id']);
    await h.router.remove('/ip/hotspot/user', ids);
    // The users check, now: the server's own poll job may already have run the check due at its start.
    await h.core!.defaultStack.hotspotUsers!.check();
    for (const v of out.vouchers) expect(routerUser(v.code)).toMatchObject({ password: v.password });
  });

  it('Settings keeps the shop’s style: figures shown, a style under the floor refused under its field', async () => {
    const c = new AdminClient(h.app!.url);
    expect((await c.login()).status).toBe(303);
    const page = await c.html('/admin/settings');
    expect(page).toMatch(/data-figures>8 capital letters and numbers: 853 billion possible codes/);
    const token = await c.token('/admin/settings');
    const general = { shop_name: 'Aling Nena WiFi', poll_seconds: '30' };
    const bad = await c.post(
      '/admin/settings/general',
      { ...general, code_alphabet: 'digits', code_length: '8', code_prefix: '', password_alphabet: 'same' },
      token,
    );
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(errorUnder(html, 'code_length')).toMatch(
      /^8 digits is 100 million possible codes: .*Use at least 12 digits/,
    );
    // The figures are those of the style that was sent.
    expect(html).toMatch(/data-figures>8 digits: 100 million possible codes/);
    const letters = await c.post(
      '/admin/settings/general',
      {
        ...general,
        code_alphabet: 'digits',
        code_length: '12',
        code_prefix: 'WIFI',
        password_alphabet: 'same',
      },
      token,
    );
    expect(errorUnder(await letters.text(), 'code_prefix')).toMatch(/use up to 8 digits/);
    expect((await storedCodeStyle(h.core!.services.settings)).alphabet).toBe('uppercase');
    const ok = await c.post(
      '/admin/settings/general',
      {
        ...general,
        code_alphabet: 'digits',
        code_length: '6',
        code_prefix: '',
        password_alphabet: 'digits',
        password_length: '6',
      },
      token,
    );
    expect(ok.status).toBe(303);
    expect(await storedCodeStyle(h.core!.services.settings)).toEqual({
      alphabet: 'digits',
      length: 6,
      prefix: '',
      password: { alphabet: 'digits', length: 6 },
    });
    // The batch form starts from the shop's style.
    const vouchers = await c.html('/admin/vouchers');
    expect(vouchers).toMatch(/<option value="digits" selected>Numbers only/);
    expect(vouchers).toMatch(
      /data-figures>6 digits with a separate 6-digit password: 1 trillion possible codes/,
    );
  });

  it('the voucher page shows a separate password to the owner', async () => {
    const out = await h.core!.services.vouchers.generate(
      { profile: 'BASIC', count: 1, passwordAlphabet: 'digits', passwordLength: 6 },
      SYSTEM,
    );
    const v = out.vouchers[0];
    const c = new AdminClient(h.app!.url);
    await c.login();
    const html = await c.html(`/admin/vouchers/${v.code}`);
    expect(html).toMatch(new RegExp(`<dt>Password</dt><dd[^>]*>${v.password}</dd>`));
  });

  it('a vendo sells in the shop’s style, a stored style from before the floor lengthened rather than refused', async () => {
    const stored = (values: Record<string, unknown>) => ({
      get: async <T>(key: string, fallback: T) => (key in values ? (values[key] as T) : fallback),
    });
    // A shop that chose 6 characters and a letter prefix, then numbers only, before the floor existed.
    expect(
      await saleCodeStyle(
        stored({ 'voucher.code_length': 6, 'voucher.prefix': 'WIFI', 'voucher.code_alphabet': 'digits' }),
      ),
    ).toEqual({ alphabet: 'digits', length: 12, prefix: '', password: null });
    expect(await saleCodeStyle(stored({ 'voucher.code_length': 6 }))).toMatchObject({
      alphabet: 'uppercase',
      length: 8,
    });
    // A style that meets the floor is sold as it is, its password too.
    expect(
      await saleCodeStyle(
        stored({
          'voucher.code_alphabet': 'digits',
          'voucher.code_length': 6,
          'voucher.pass_alphabet': 'digits',
          'voucher.pass_length': 6,
        }),
      ),
    ).toEqual({ alphabet: 'digits', length: 6, prefix: '', password: { alphabet: 'digits', length: 6 } });
  });

  it('a coin sale in a style with passwords: the voucher has one, the router checks it, the phone is online', async () => {
    await saveShopCodeStyle(
      h.core!.services.settings,
      { ...DEFAULT_CODE_STYLE, alphabet: 'digits', length: 6, password: { alphabet: 'digits', length: 6 } },
      SYSTEM,
    );
    const { id, board } = await makeVendo(h);
    const phone = new Phone(h, addDevice(h, 1));
    await board.poll(); // the box is online
    const session = (await phone.start(id)).json.session as string;
    await board.poll(); // it learns of the window, as it does every second
    await board.insertCoin(5);
    const done = await phone.finish(session);
    expect(done.status).toBe(200);
    const code = done.json.code as string;
    const row = await h.core!.db('vouchers').where({ code }).first();
    expect(row.code).toMatch(/^\d{6}$/);
    expect(row.password).toMatch(/^\d{6}$/);
    expect(routerUser(code)).toMatchObject({ password: row.password });
    expect(h.sim.rows('/ip/hotspot/active').map((a) => a.user)).toEqual([code]);
  });
});
