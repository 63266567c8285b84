/**
 * The portal with the shop's code styles: numbers-only codes (the number pad, redeemed as typed), small-letter
 * codes (never forced to capitals), separate passwords (asked for, checked, and a wrong one counted exactly as a
 * wrong code), and the cards' QR links that carry the password.
 */
import http from 'node:http';
import { createHarness, Harness } from '../helpers/harness';
import { addDevice, makeVouchers, openForm } from './helpers';
import { SYSTEM } from '../../src/services/types';
import { saveShopCodeStyle } from '../../src/services/shop/vouchers/code-style';
import { DEFAULT_CODE_STYLE, type CodeStyle } from '../../src/domain/code-style';
import { cardLink, type CardLinkTarget } from '../../src/services/shop/vouchers/card-link';
import { maskCodesInUrl } from '../../src/lib/logger';
import { RouterError } from '../../src/domain/errors';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true });
});
afterEach(() => h.close());

const shopStyle = (over: Partial<CodeStyle>) =>
  saveShopCodeStyle(h.core!.services.settings, { ...DEFAULT_CODE_STYLE, ...over }, SYSTEM);

/** The login page for a device, then its form posted with `fields` (as a phone's browser does). */
async function submit(
  d: { mac: string; ip: string },
  fields: Record<string, string>,
  lang = 'en',
): Promise<{ status: number; page: string; location: string | null }> {
  const q = new URLSearchParams({ ...d, lang });
  const form = await openForm(`${h.app!.url}/portal?${q}`);
  const res = await fetch(`${h.app!.url}/portal/redeem`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    body: new URLSearchParams({ ...d, lang, _csrf: form.token, ...fields }).toString(),
  });
  return { status: res.status, page: await res.text(), location: res.headers.get('location') };
}

const sessions = () => h.sim.rows('/ip/hotspot/active').map((a) => a.user);
const status = async (code: string) => (await h.core!.db('vouchers').where({ code }).first()).status;

describe('numbers-only codes', () => {
  beforeEach(() => shopStyle({ alphabet: 'digits', length: 12 }));

  it('the login form shows the number pad; the right code logs in, typed with spaces or dashes', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 2);
    expect(code).toMatch(/^\d{12}$/);
    const d = addDevice(h, 1);
    const { page } = await openForm(`${h.app!.url}/portal?${new URLSearchParams(d)}`);
    expect(page).toMatch(
      /<input id="code" name="code" value="" placeholder="1234-5678-9012"[^>]*inputmode="numeric"/,
    );
    expect(page).not.toContain('name="password"');
    const typed = `${code.slice(0, 4)} ${code.slice(4, 8)}-${code.slice(8)}`;
    const res = await submit(d, { code: typed });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/portal\/status\?/);
    expect(sessions()).toEqual([code]);
    expect(await status(code)).toBe('active');
  });

  it('a wrong code is refused (404 on the API) and uses nothing', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 2);
    const other = code.slice(0, 11) + String((Number(code[11]) + 1) % 10);
    const res = await fetch(`${h.app!.url}/api/portal/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: other, ...d }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      code: 'INVALID_CODE',
      error: 'That code is not valid. Check it and try again.',
    });
    expect(sessions()).toEqual([]);
    expect(await status(code)).toBe('unused');
  });

  it('the router refuses its hotspot login with a wrong password (the code is the password)', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 3);
    const err = await h.router
      .hotspotLogin({ user: code, password: code.slice(0, 11), ...d })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RouterError);
    expect((err as RouterError).routerMessage).toBe('invalid username or password');
    await h.router.hotspotLogin({ user: code, password: code, ...d });
    expect(sessions()).toEqual([code]);
  });
});

describe('small-letter codes', () => {
  it('are not forced to capitals, and work typed in either case', async () => {
    await shopStyle({ alphabet: 'lowercase' });
    const [a, b] = await makeVouchers(h, 'BASIC', 2);
    expect(a).toMatch(/^[a-z2-9]{8}$/);
    const d1 = addDevice(h, 1);
    const { page } = await openForm(`${h.app!.url}/portal?${new URLSearchParams(d1)}`);
    expect(page).toMatch(
      /<input id="code" name="code" value="" placeholder="abcd-efgh"[^>]*autocapitalize="none"/,
    );
    expect(page).not.toMatch(/id="code"[^>]*class="upper"/);
    expect((await submit(d1, { code: a })).status).toBe(303);
    // A phone that capitalised what was typed: the voucher is found; the router gets the code as it is.
    const d2 = addDevice(h, 2);
    expect((await submit(d2, { code: b.toUpperCase() })).status).toBe(303);
    expect(sessions().sort()).toEqual([a, b].sort());
  });
});

describe('separate passwords', () => {
  beforeEach(() => shopStyle({ alphabet: 'digits', length: 6, password: { alphabet: 'digits', length: 6 } }));
  const voucher = async () => {
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM);
    return out.vouchers[0] as { code: string; password: string };
  };
  const wrongOf = (p: string) => (p === '000000' ? '111111' : '000000');

  it('the form asks for both, in English and Filipino', async () => {
    const d = addDevice(h, 1);
    for (const [lang, intro] of [
      ['en', 'Enter the code and the password printed on your voucher.'],
      ['fil', 'Ilagay ang code at ang password na nakalimbag sa iyong voucher.'],
    ]) {
      const { page } = await openForm(`${h.app!.url}/portal?${new URLSearchParams({ ...d, lang })}`);
      expect(page).toContain(intro);
      expect(page).toMatch(
        /<label for="password">Password<\/label>\s*<input id="password" name="password" value="" required/,
      );
      expect(page).toMatch(/id="password"[^>]*inputmode="numeric"/);
    }
  });

  it('the right code and password log in; a wrong password is a wrong code and uses nothing', async () => {
    const v = await voucher();
    const d = addDevice(h, 1);
    const wrong = await submit(d, { code: v.code, password: wrongOf(v.password) });
    expect(wrong.status).toBe(404);
    expect(wrong.page).toContain('That code or password is not valid. Check them and try again.');
    const fil = await submit(d, { code: v.code, password: '' }, 'fil');
    expect(fil.status).toBe(404);
    expect(fil.page).toContain('Hindi tama ang code o password na iyan.');
    // A wrong code with the right password: the same answer.
    expect((await submit(d, { code: '999999', password: v.password })).page).toContain(
      'That code or password is not valid.',
    );
    expect(sessions()).toEqual([]);
    expect(await status(v.code)).toBe('unused');
    const right = await submit(d, { code: v.code, password: v.password });
    expect(right.status).toBe(303);
    expect(sessions()).toEqual([v.code]);
    // On the router too: the hotspot user's password is the voucher's, not its code.
    expect(h.sim.rows('/ip/hotspot/user').find((u) => u.name === v.code)).toMatchObject({
      password: v.password,
    });
  });

  it('the API takes the password; a wrong one is 404 like a wrong code', async () => {
    const v = await voucher();
    const d = addDevice(h, 1);
    const post = (body: Record<string, string>) =>
      fetch(`${h.app!.url}/api/portal/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...d, ...body }),
      });
    const wrong = await post({ code: v.code, password: wrongOf(v.password) });
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toMatchObject({
      code: 'INVALID_CODE',
      error: 'That code or password is not valid. Check them and try again.',
    });
    expect((await post({ code: v.code })).status).toBe(404);
    expect((await post({ code: v.code, password: v.password })).status).toBe(200);
  });

  it('a second code tops up the running one only with its password', async () => {
    const first = await voucher();
    const second = await voucher();
    const d = addDevice(h, 1);
    const post = (body: Record<string, string>) =>
      fetch(`${h.app!.url}/api/portal/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...d, ...body }),
      });
    expect((await post({ code: first.code, password: first.password })).status).toBe(200);
    // Without its password a second code is no top-up (nor a move, nor a queued start): a wrong code.
    const wrong = await post({ code: second.code, password: wrongOf(second.password) });
    expect(wrong.status).toBe(404);
    expect(await status(second.code)).toBe('unused');
    const right = await post({ code: second.code, password: second.password });
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ success: true, topped_up: { code: expect.any(String) } });
  });

  it('a wrong password counts in the guess limiter exactly as a wrong code does', async () => {
    const v = await voucher();
    /** POST /api/portal/redeem from a loopback address of its own: one asker each (no browser token). */
    const from = (address: string, body: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(`${h.app!.url}/api/portal/redeem`);
        const data = JSON.stringify(body);
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            localAddress: address,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(data);
      });
    const d = addDevice(h, 1);
    const codes: number[] = [];
    const passwords: number[] = [];
    for (let i = 0; i < 8; i++) {
      codes.push(await from('127.0.0.2', { code: `99999${i}`, password: v.password, ...d }));
      passwords.push(await from('127.0.0.3', { code: v.code, password: wrongOf(v.password), ...d }));
    }
    // Five looked up and wrong, then the asker waits (429: not looked up at all).
    expect(codes).toEqual([404, 404, 404, 404, 404, 429, 429, 429]);
    expect(passwords).toEqual(codes);
    // Locked out, even with the right password now: nothing tells a guesser the code was right.
    expect(await from('127.0.0.3', { code: v.code, password: v.password, ...d })).toBe(429);
    expect(await status(v.code)).toBe('unused');
  });

  it('a card’s QR link carries the password: the page logs the phone in at once; without it, it waits', async () => {
    const v = await voucher();
    const target: CardLinkTarget = {
      kind: 'portal',
      base: h.app!.url,
      source: 'portal',
      sample: '',
      problem: null,
      warning: null,
    };
    const link = cardLink(target, v.code, v.password);
    expect(link).toBe(`${h.app!.url}/portal?code=${v.code}&password=${v.password}`);
    // The request log never shows it.
    expect(maskCodesInUrl(`/portal?code=${v.code}&password=${v.password}`)).toBe(
      `/portal?code=${v.code.slice(0, 2)}%E2%80%A6${v.code.slice(-2)}&password=[redacted]`,
    );
    const d = addDevice(h, 1);
    const scanned = await (await fetch(`${link}&${new URLSearchParams(d)}`)).text();
    expect(scanned).toContain('data-auto-redeem');
    expect(scanned).toMatch(new RegExp(`id="password" name="password" value="${v.password}"`));
    // A login page from before passwords drops it: the form waits for the customer instead of failing a guess.
    const older = await (
      await fetch(`${h.app!.url}/portal?${new URLSearchParams({ code: v.code, ...d })}`)
    ).text();
    expect(older).not.toContain('data-auto-redeem');
  });

  it('keeps asking for passwords while cards that have one are still sold, after the shop stops using them', async () => {
    await voucher();
    await shopStyle({ alphabet: 'digits', length: 12 });
    const d = addDevice(h, 1);
    const { page } = await openForm(`${h.app!.url}/portal?${new URLSearchParams(d)}`);
    expect(page).toContain('name="password"');
    // Only some cards carry one now: the field says so and is not required; a card without one connects alone.
    expect(page).toContain('Enter the code printed on your voucher, and its password if it has one.');
    expect(page).toMatch(
      /<label for="password">Password \(if your voucher has one\)<\/label>\s*<input id="password" name="password" value="" aria-describedby/,
    );
    const [plain] = await makeVouchers(h, 'BASIC', 1);
    expect((await submit(d, { code: plain, password: '' })).status).toBe(303);
    expect(sessions()).toEqual([plain]);
    await h.core!.db('vouchers').update({ status: 'revoked' });
    expect((await openForm(`${h.app!.url}/portal?${new URLSearchParams(d)}`)).page).not.toContain(
      'name="password"',
    );
  });
});

describe('codes made before styles', () => {
  it('still work without a password field, typed in small letters', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 1);
    const { page } = await openForm(`${h.app!.url}/portal?${new URLSearchParams(d)}`);
    expect(page).toMatch(
      /id="code" name="code" class="upper"[^>]*inputmode="text" autocapitalize="characters"/,
    );
    expect((await submit(d, { code: code.toLowerCase() })).status).toBe(303);
    expect(sessions()).toEqual([code]);
  });
});
