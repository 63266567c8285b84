/**
 * A code in use moves to another phone only for its owner: the browser that redeemed it (its device cookie)
 * moves it, confirming while the old address is online; any other phone is refused (CODE_IN_USE, in the
 * customer's language) and the owner stays online, until every device of the code has been offline for the
 * shop's delay. Moves off (moves_per_day 0) refuses everyone.
 */
import { SYSTEM } from '../../src/services/types';
import { createHarness, Harness } from '../helpers/harness';
import { advance } from '../usage/helpers';
import { addDevice, makeVouchers, openForm, voucherRow } from './helpers';

const PROFILES = [
  { name: 'HOUR', price: 10, validity: '3h', users: 1, rate_up: '512K', rate_down: '1M', data_cap: '100M' },
];

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
});
afterEach(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();
const sessionMacs = () => h.sim.rows('/ip/hotspot/active').map((s) => s['mac-address']);
const deviceMacs = async (code: string) =>
  (
    (await h
      .core!.db('voucher_devices')
      .where({ voucher_id: (await voucherRow(h, code)).id })
      .select('mac')) as Array<{ mac: string }>
  ).map((x) => x.mac);

async function redeem(
  body: Record<string, unknown>,
  cookie?: string,
): Promise<{ status: number; json: Record<string, unknown>; cookie: string | undefined }> {
  const res = await fetch(`${h.app!.url}/api/portal/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const set = res.headers.getSetCookie().find((c) => c.startsWith('pisonet_device='));
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    cookie: set?.split(';')[0],
  };
}

/** The login form as a phone's browser sends it (its own form token; `device`: its device cookie, if any). */
async function redeemForm(
  d: { mac: string; ip: string },
  code: string,
  lang: string,
  opts: { device?: string; confirm?: boolean } = {},
): Promise<{ status: number; html: string }> {
  const { cookie, token } = await openForm(`${h.app!.url}/portal?mac=${d.mac}&ip=${d.ip}&lang=${lang}`);
  const res = await fetch(`${h.app!.url}/portal/redeem`, {
    method: 'POST',
    body: new URLSearchParams({
      code,
      ...d,
      lang,
      _csrf: token,
      ...(opts.confirm ? { confirm_move: '1' } : {}),
    }),
    headers: { cookie: [cookie, opts.device].filter(Boolean).join('; ') },
    redirect: 'manual',
  });
  return { status: res.status, html: res.status === 303 ? '' : await res.text() };
}

describe('another phone typing a code in use', () => {
  it('is refused while the owner is online, in English and Filipino, and the owner stays online', async () => {
    const [code] = await makeVouchers(h, 'HOUR', 1);
    const owner = addDevice(h, 1);
    expect((await redeem({ code, ...owner })).status).toBe(200);
    const other = addDevice(h, 2);

    // Never asked to confirm, and confirming anyway changes nothing.
    for (const confirm_move of [false, true]) {
      const res = await redeem({ code, ...other, confirm_move });
      expect([res.status, res.json.code]).toEqual([409, 'CODE_IN_USE']);
      expect(res.json.confirm_move).toBeUndefined();
      expect(res.json.error).toBe(
        'This code is in use on another phone. Ask the shop for help, or wait until the other phone has been offline for 10 minutes.',
      );
    }
    const fil = await redeemForm(other, code, 'fil');
    expect(fil.status).toBe(409);
    expect(fil.html).toContain(
      'Ginagamit ang code na ito sa ibang phone. Humingi ng tulong sa tindahan, o maghintay hanggang naka-offline ang kabilang phone nang 10 minuto.',
    );
    expect(fil.html).not.toContain('name="confirm_move"');
    const en = await redeemForm(other, code, 'en', { confirm: true });
    expect(en.status).toBe(409);
    expect(en.html).toContain('wait until the other phone has been offline for 10 minutes.');

    expect(sessionMacs()).toEqual([owner.mac]);
    expect(await deviceMacs(code)).toEqual([owner.mac]);
    expect(await voucherRow(h, code)).toMatchObject({ status: 'active', bound_mac: owner.mac });
    expect(await h.core!.db('events').where({ kind: 'move' })).toHaveLength(0);
  });

  it('may take it once every device has been offline for the delay, not before', async () => {
    const [code] = await makeVouchers(h, 'HOUR', 1);
    const owner = addDevice(h, 1);
    await redeem({ code, ...owner });
    await cycle();
    // The owner's phone leaves the WiFi; the next poll sees it gone.
    await h.router.hotspotLogout(String(h.sim.rows('/ip/hotspot/active')[0]['.id']));
    h.sim.removeDevice(owner.mac);
    const other = addDevice(h, 2);
    // Gone, but the poll has not seen it leave yet: as good as online.
    expect((await redeem({ code, ...other })).json.code).toBe('CODE_IN_USE');
    await cycle();
    advance(h, 9 * 60);
    await cycle();
    const early = await redeem({ code, ...other });
    expect([early.status, early.json.code]).toEqual([409, 'CODE_IN_USE']);
    expect(await deviceMacs(code)).toEqual([owner.mac]);

    advance(h, 60);
    const taken = await redeem({ code, ...other });
    expect([taken.status, taken.json.moved]).toEqual([200, true]);
    expect(sessionMacs()).toEqual([other.mac]);
    expect(await deviceMacs(code)).toEqual([other.mac]);
    const [event] = await h.core!.db('events').where({ kind: 'move' });
    expect(event.message).toContain('after all its devices were offline');
  });

  it('follows the delay the shop set, and says it', async () => {
    await h.core!.services.selfService.setMoveOfflineMinutes('30', SYSTEM);
    const [code] = await makeVouchers(h, 'HOUR', 1);
    const owner = addDevice(h, 1);
    await redeem({ code, ...owner });
    await h.router.hotspotLogout(String(h.sim.rows('/ip/hotspot/active')[0]['.id']));
    await cycle();
    advance(h, 20 * 60);
    const other = addDevice(h, 2);
    const early = await redeem({ code, ...other });
    expect(early.json.error).toMatch(/offline for 30 minutes\.$/);
    advance(h, 10 * 60);
    expect((await redeem({ code, ...other })).json.moved).toBe(true);
  });
});

/** A code redeemed by a phone's browser whose phone has left the WiFi; the same browser now at a new address. */
async function ownerLeft(): Promise<{
  code: string;
  cookie: string | undefined;
  fresh: { mac: string; ip: string };
}> {
  const [code] = await makeVouchers(h, 'HOUR', 1);
  const old = addDevice(h, 1);
  const { cookie } = await redeem({ code, ...old });
  await h.router.hotspotLogout(String(h.sim.rows('/ip/hotspot/active')[0]['.id']));
  h.sim.removeDevice(old.mac);
  return { code, cookie, fresh: addDevice(h, 2) };
}

describe("the owner's own browser with a new address", () => {
  it('is asked to confirm while the old address is online (in its language), then moves', async () => {
    const [code] = await makeVouchers(h, 'HOUR', 1);
    const old = addDevice(h, 1);
    const { cookie } = await redeem({ code, ...old });
    const fresh = addDevice(h, 2);
    const ask = await redeemForm(fresh, code, 'fil', { device: cookie });
    expect(ask.status).toBe(409);
    expect(ask.html).toContain('Ilipat ito sa device na ito? Mala-logout ang kabilang device.');
    expect(ask.html).toContain('name="confirm_move" value="1"');
    expect(sessionMacs()).toEqual([old.mac]);
    const moved = await redeemForm(fresh, code, 'fil', { device: cookie, confirm: true });
    expect(moved.status).toBe(303);
    expect(sessionMacs()).toEqual([fresh.mac]);
    expect(await deviceMacs(code)).toEqual([fresh.mac]);
    const [event] = await h.core!.db('events').where({ kind: 'move' });
    expect(event.message).toContain('by the browser that redeemed it (the old device was logged out)');
  });

  it('moves at once, with no question, when the old address has left', async () => {
    const { code, cookie, fresh } = await ownerLeft();
    const res = await redeem({ code, ...fresh }, cookie);
    expect([res.status, res.json.moved]).toEqual([200, true]);
    expect(sessionMacs()).toEqual([fresh.mac]);
  });
});

describe('a move whose login the router does not answer in time', () => {
  it('stands: the new phone is told to check, the move is counted, and entering the code again finishes it', async () => {
    const { code, cookie, fresh } = await ownerLeft();
    // The login is sent and never answered (the controller gives up after ROUTER_TIMEOUT_SECONDS, 3 s here).
    h.sim.faults.hangOn('/ip/hotspot/active/login');
    const late = await redeem({ code, ...fresh }, cookie);
    h.sim.faults.clear();
    await h.router.waitConnected(10_000);
    expect([late.status, late.json.code]).toEqual([503, 'LOGIN_UNCONFIRMED']);
    // The router may have let the phone in: the move is not put back, and it counts as one.
    expect(await deviceMacs(code)).toEqual([fresh.mac]);
    expect(await h.core!.db('events').where({ kind: 'move' })).toHaveLength(1);
    const again = await redeem({ code, ...fresh }, cookie);
    expect([again.status, again.json.relogin]).toEqual([200, true]);
    expect(sessionMacs()).toEqual([fresh.mac]);
    expect(h.sim.rows('/queue/simple').map((q) => q.name)).toEqual([`pisonet-${fresh.mac}`]);
  });
});

describe('moves off (moves_per_day 0)', () => {
  it('refuses every other address, the owner too and after any delay, with words that do not say wait', async () => {
    await h.core!.services.selfService.setMovesPerDay(0, SYSTEM);
    const [code] = await makeVouchers(h, 'HOUR', 1);
    const old = addDevice(h, 1);
    const { cookie } = await redeem({ code, ...old });
    const fresh = addDevice(h, 2);
    const own = await redeem({ code, ...fresh, confirm_move: true }, cookie);
    expect([own.status, own.json.code, own.json.error]).toEqual([
      409,
      'CODE_IN_USE',
      'This code is in use on another phone. Ask the shop for help.',
    ]);
    await h.router.hotspotLogout(String(h.sim.rows('/ip/hotspot/active')[0]['.id']));
    await cycle();
    advance(h, 60 * 60);
    expect((await redeem({ code, ...fresh }, cookie)).json.code).toBe('CODE_IN_USE');
    expect((await redeem({ code, ...addDevice(h, 3) })).json.code).toBe('CODE_IN_USE');
    const fil = await redeemForm(fresh, code, 'fil', { device: cookie });
    expect(fil.html).toContain('Ginagamit ang code na ito sa ibang phone. Humingi ng tulong sa tindahan.');
    expect(fil.html).not.toContain('maghintay');
    expect(await deviceMacs(code)).toEqual([old.mac]);
  });
});

describe('the phone the code moved away from', () => {
  it('is told where its code went and when, in English and Filipino, for a day; no one else is', async () => {
    const [code] = await makeVouchers(h, 'HOUR', 1);
    const old = addDevice(h, 1);
    const { cookie } = await redeem({ code, ...old });
    await h.router.hotspotLogout(String(h.sim.rows('/ip/hotspot/active')[0]['.id']));
    await cycle();
    advance(h, 10 * 60);
    expect((await redeem({ code, ...addDevice(h, 2) })).json.moved).toBe(true);
    const masked = `${code.slice(0, 2)}…${code.slice(-2)}`;
    const status = async (by?: string) =>
      (await (
        await fetch(`${h.app!.url}/api/portal/status?mac=${old.mac}`, { headers: by ? { cookie: by } : {} })
      ).json()) as Record<string, unknown>;
    const page = async (lang: string) =>
      (
        await fetch(`${h.app!.url}/portal/status?mac=${old.mac}&lang=${lang}`, {
          headers: { cookie: cookie! },
        })
      ).text();

    // Its own browser: the code, masked, and the shop's time of the move (12:10 PM in Manila).
    expect((await status(cookie)).moved_away).toEqual({ code: masked, at: expect.any(String) });
    expect(Date.parse(String(((await status(cookie)).moved_away as { at: string }).at))).toBe(h.clock.now());
    expect(await page('en')).toContain(
      `Your code ${masked} moved to another phone at 12:10 PM. If that was not you, ask the shop.`,
    );
    expect(await page('fil')).toContain(
      `Nailipat ang code mong ${masked} sa ibang phone noong 12:10 PM. Kung hindi ikaw iyon, magtanong sa tindahan.`,
    );
    // Anyone else asking about that address learns nothing.
    expect((await status()).moved_away).toBeNull();
    // The next day, with the date.
    advance(h, 23 * 3600);
    expect(await page('en')).toContain(`moved to another phone at Nov 21, 12:10 PM.`);
    advance(h, 3600);
    expect((await status(cookie)).moved_away).toBeNull();
    expect(await page('en')).not.toContain('moved to another phone');
  });
});
