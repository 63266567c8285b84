/**
 * Adopting the router's own PPP secrets, from outside: the simulated router holds secrets that are not ours (two
 * online: one already at its plan's speeds, one not); the admin API lists them without passwords, refuses bad
 * entries all at once with nothing written, answers a dry run with the router untouched, and adopts: each secret
 * becomes a subscriber with the router's password, the same secret ours in place, the session at the right speeds
 * kept and the other ended once. Twice adds nothing (409); a RADIUS site is told to use the CSV import.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { api } from '../sites/helpers';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, ownersSetUp, PROFILES } from './helpers';
import { waitFor } from '../helpers/wait';

let h: Harness;
const rows = (menu: string) => h.sim.rows(menu).map((r) => ({ ...r }));
const secrets = (name: string) => h.sim.rows('/ppp/secret').filter((r) => r.name === name);
const active = (name: string) => h.sim.rows('/ppp/active').filter((r) => r.name === name);

/** The shop's customers before us: their own profile at HOME10's speeds, and one on the default profile. */
async function customersBefore(): Promise<void> {
  await h.router.add('/ppp/profile', { name: 'home10', 'rate-limit': '5M/10M', comment: 'old plan' });
  await h.router.add('/ppp/secret', {
    name: 'lito',
    password: 'Lito-pass-1',
    service: 'pppoe',
    profile: 'home10',
  });
  await h.router.add('/ppp/secret', {
    name: 'maria',
    password: 'Maria-pass-1',
    service: 'any',
    profile: 'default',
    comment: 'Maria, Purok 3',
  });
  await h.router.add('/ppp/secret', { name: 'nena', password: 'Nena-pass-1', profile: 'home10' });
  expect(
    await h.sim.pppoe.dial({ mac: 'aa:bb:cc:00:10:01', user: 'lito', password: 'Lito-pass-1' }),
  ).toMatchObject({
    ok: true,
  });
  expect(
    await h.sim.pppoe.dial({ mac: 'aa:bb:cc:00:10:02', user: 'maria', password: 'Maria-pass-1' }),
  ).toMatchObject({ ok: true });
}

const entry = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  plan: 'HOME10',
  billing_day: 5,
  mobile: '09171234500',
  ...extra,
});

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await ownersSetUp(h);
  await customersBefore();
  // One subscriber of ours already: its secret is ours, never adoptable.
  await addSubscriber(h, { username: 'juan.dc', password: 'Juan-pass-1' });
  await waitFor(() => secrets('juan.dc').length === 1);
});
afterAll(async () => {
  await h.close();
});

describe("adopting the router's PPP secrets", () => {
  it('lists the secrets that are not ours, online ones with their address, never a password', async () => {
    const res = await adminApi(h, 'GET', '/subscribers/adoptable?site=default');
    expect(res.status).toBe(200);
    const list = res.json.secrets as Array<Record<string, unknown>>;
    expect(list.map((s) => s.name)).toEqual(['lito', 'maria', 'nena']);
    expect(list[1]).toMatchObject({
      name: 'maria',
      profile: 'default',
      service: 'any',
      disabled: false,
      comment: 'Maria, Purok 3',
      online: true,
      taken_by: null,
    });
    expect(list[1].address).toBe(active('maria')[0].address);
    expect(list[2]).toMatchObject({ name: 'nena', online: false, address: null });
    expect(JSON.stringify(res.json)).not.toMatch(/pass-1|password/i);
  });

  it('refuses bad entries all at once, naming each entry and field, and writes nothing', async () => {
    const before = { secrets: rows('/ppp/secret'), active: rows('/ppp/active') };
    const count = (await adminApi(h, 'GET', '/subscribers')).json.subscribers.length;
    const res = await adminApi(h, 'POST', '/subscribers/adopt', {
      site: 'default',
      secrets: [
        entry('lito', { plan: 'NOPE' }),
        entry('ghost'),
        entry('nena', { billing_day: 31 }),
        entry('juan.dc'),
        entry('maria', { mobile: '12345' }),
        entry('lito'),
      ],
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.fields as object).sort()).toEqual([
      'secrets[0].plan',
      'secrets[1].name',
      'secrets[2].billing_day',
      'secrets[3].name',
      'secrets[4].mobile',
      'secrets[5].name',
    ]);
    expect(res.json.fields['secrets[1].name']).toMatch(/no PPP secret ghost/);
    expect(res.json.fields['secrets[3].name']).toMatch(/ours already/);
    expect((await adminApi(h, 'GET', '/subscribers')).json.subscribers).toHaveLength(count);
    expect(rows('/ppp/secret')).toEqual(before.secrets);
    expect(rows('/ppp/active')).toEqual(before.active);
  });

  it('answers a dry run with what would change on the router, changing nothing', async () => {
    const before = {
      secrets: rows('/ppp/secret'),
      active: rows('/ppp/active'),
      queues: rows('/queue/simple'),
    };
    const res = await adminApi(h, 'POST', '/subscribers/adopt', {
      site: 'default',
      dry_run: true,
      secrets: [entry('lito'), entry('maria'), entry('nena')],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ dry_run: true, applied: 'unchanged' });
    const [lito, maria, nena] = res.json.secrets as Array<Record<string, unknown>>;
    expect(lito).toMatchObject({
      name: 'lito',
      comment: { from: '', to: 'pisonet subscriber S-000002' },
      profile: { from: 'home10', to: 'pisonet-HOME10' },
      session: 'kept',
    });
    expect(maria).toMatchObject({
      profile: { from: 'default', to: 'pisonet-HOME10' },
      service: { from: 'any', to: 'pppoe' },
      session: 'ended',
    });
    expect(nena).toMatchObject({ session: 'offline', address: null });
    expect(rows('/ppp/secret')).toEqual(before.secrets);
    expect(rows('/ppp/active')).toEqual(before.active);
    expect(rows('/queue/simple')).toEqual(before.queues);
    expect((await adminApi(h, 'GET', '/subscribers')).json.subscribers).toHaveLength(1);
  });

  it("adopts: subscribers with the router's password, the same secrets ours in place, a session ended only when its speeds differ", async () => {
    const litoSession = active('lito')[0]['.id'];
    const ids = Object.fromEntries(['lito', 'maria', 'nena'].map((n) => [n, secrets(n)[0]['.id']]));
    const res = await adminApi(h, 'POST', '/subscribers/adopt', {
      site: 'default',
      secrets: [
        entry('lito', { customer_name: 'Lito Reyes' }),
        entry('maria', { language: 'fil' }),
        entry('nena'),
      ],
    });
    expect(res.status).toBe(201);
    expect(res.json.applied).toBe('done');
    const out = res.json.secrets as Array<{
      name: string;
      session: string;
      subscriber: { id: number; account_no: string };
    }>;
    expect(out.map((s) => [s.name, s.session])).toEqual([
      ['lito', 'kept'],
      ['maria', 'ended'],
      ['nena', 'offline'],
    ]);
    // Each is a subscriber with the router's username and password (sealed at rest, opening to it).
    const lito = (await adminApi(h, 'GET', `/subscribers/${out[0].subscriber.id}`)).json.subscriber;
    expect(lito).toMatchObject({
      name: 'Lito Reyes',
      username: 'lito',
      password: 'Lito-pass-1',
      profile: 'HOME10',
    });
    const stored = await h
      .core!.db('subscribers')
      .where({ username: 'maria' })
      .first('password_enc', 'language');
    expect(stored.password_enc).not.toContain('Maria-pass-1');
    expect(stored.language).toBe('fil');
    const account = await h.core!.services.subscribers.signIn('maria', 'Maria-pass-1', {
      peerIp: '10.0.0.9',
    });
    expect(account.username).toBe('maria');
    // The same secrets, now ours: one of each name, same id, our comment and profile, the router's password.
    for (const [n, s] of [
      ['lito', out[0]],
      ['maria', out[1]],
      ['nena', out[2]],
    ] as const) {
      expect(secrets(n)).toHaveLength(1);
      expect(secrets(n)[0]).toMatchObject({
        '.id': ids[n],
        comment: `pisonet subscriber ${s.subscriber.account_no}`,
        profile: 'pisonet-HOME10',
        service: 'pppoe',
        password: `${n[0].toUpperCase()}${n.slice(1)}-pass-1`,
      });
    }
    // lito ran at HOME10's speeds: its session is the same one; maria's ran unlimited: ended to redial.
    expect(active('lito').map((a) => a['.id'])).toEqual([litoSession]);
    expect(active('maria')).toHaveLength(0);
    // maria's CPE dials again onto the plan's profile; the next checks leave that session alone.
    expect(
      await h.sim.pppoe.dial({ mac: 'aa:bb:cc:00:10:02', user: 'maria', password: 'Maria-pass-1' }),
    ).toMatchObject({ ok: true });
    const again = await h.core!.defaultStack.pppSubscribers.check();
    expect(again).toMatchObject({ added: 0, changed: 0, restarted: 0, conflicts: [] });
    expect(active('maria')).toHaveLength(1);
    expect((await adminApi(h, 'GET', '/subscribers/adoptable')).json.secrets).toEqual([]);
  });

  it('adds nothing the second time: 409 naming each secret adopted already', async () => {
    const count = (await adminApi(h, 'GET', '/subscribers')).json.subscribers.length;
    const res = await adminApi(h, 'POST', '/subscribers/adopt', {
      site: 'default',
      secrets: [entry('lito'), entry('nena')],
    });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('SUBSCRIBER_ADOPTED');
    expect(res.json.fields).toEqual({
      'secrets[0].name': expect.stringMatching(/lito was adopted already, as S-\d{6}/),
      'secrets[1].name': expect.stringMatching(/nena was adopted already/),
    });
    expect((await adminApi(h, 'GET', '/subscribers')).json.subscribers).toHaveLength(count);
  });

  it('keeps a disabled secret off: its subscriber starts suspended by hand, its session sees the suspension page', async () => {
    await h.router.add('/ppp/secret', {
      name: 'rosa',
      password: 'Rosa-pass-1',
      profile: 'home10',
      disabled: 'yes',
    });
    const dry = await adminApi(h, 'POST', '/subscribers/adopt', {
      site: 'default',
      dry_run: true,
      secrets: [entry('rosa')],
    });
    expect(dry.json.secrets[0]).toMatchObject({
      disabled: { from: true, to: false },
      suspended: 'Disabled on the router before it was adopted',
    });
    const res = await adminApi(h, 'POST', '/subscribers/adopt', {
      site: 'default',
      secrets: [entry('rosa')],
    });
    expect(res.status).toBe(201);
    const rosa = (await adminApi(h, 'GET', `/subscribers/${res.json.secrets[0].subscriber.id}`)).json
      .subscriber;
    expect(rosa).toMatchObject({
      username: 'rosa',
      status: 'suspended',
      status_reason: 'Disabled on the router before it was adopted',
    });
    const open = await h
      .core!.db('subscriber_suspensions')
      .where({ subscriber_id: rosa.id })
      .whereNull('ended_at')
      .select('cause', 'until_paid', 'started_by');
    expect(open).toEqual([
      { cause: 'manual', until_paid: expect.anything(), started_by: expect.any(String) },
    ]);
    expect(Boolean(open[0].until_paid)).toBe(false);
    // The secret is ours and enabled only with the suspension in force: a dial lands on the suspension page.
    await waitFor(() => secrets('rosa')[0]?.comment?.startsWith('pisonet subscriber') === true);
    expect(secrets('rosa')[0].disabled).toBe('false');
    expect(
      await h.sim.pppoe.dial({ mac: 'aa:bb:cc:00:10:07', user: 'rosa', password: 'Rosa-pass-1' }),
    ).toMatchObject({ ok: true });
    await h.core!.defaultStack.pppSubscribers.check();
    const address = active('rosa')[0].address;
    await waitFor(() =>
      h.sim
        .rows('/ip/firewall/address-list')
        .some((r) => r.list === 'pisonet-suspended' && r.address === address),
    );
  });

  it('passes paid_until and opening_balance to the create path: billed from the day after, the balance brought forward', async () => {
    await h.router.add('/ppp/secret', { name: 'pepe', password: 'Pepe-pass-1', profile: 'default' });
    const today = new Date(h.clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const paidUntil = new Date(Date.parse(today) + 10 * 86_400_000).toISOString().slice(0, 10);
    const bad = await adminApi(h, 'POST', '/subscribers/adopt', {
      site: 'default',
      secrets: [entry('pepe', { paid_until: '2026-02-30', opening_balance: 'a lot' })],
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.fields as object).sort()).toEqual([
      'secrets[0].opening_balance',
      'secrets[0].paid_until',
    ]);
    const res = await adminApi(h, 'POST', '/subscribers/adopt', {
      site: 'default',
      secrets: [entry('pepe', { paid_until: paidUntil, opening_balance: 1500.5 })],
    });
    expect(res.status).toBe(201);
    const pepe = (await adminApi(h, 'GET', `/subscribers/${res.json.secrets[0].subscriber.id}`)).json
      .subscriber;
    expect(pepe).toMatchObject({
      username: 'pepe',
      password: 'Pepe-pass-1',
      paid_until: paidUntil,
      opening_balance: 1500.5,
      opening_balance_centavos: 150050,
    });
  });
});

describePostgresOnly('adopting on a RADIUS site', () => {
  it('is refused (409 SITE_MODE) naming the CSV import', async () => {
    const site = await api(h, 'POST', '/sites', {
      name: 'branch-r',
      mode: 'radius',
      nas_address: '10.20.0.1',
      radius_secret: 'Branch-radius-Secret1',
    });
    expect(site.status).toBe(201);
    for (const res of [
      await adminApi(h, 'GET', '/subscribers/adoptable?site=branch-r'),
      await adminApi(h, 'POST', '/subscribers/adopt', { site: 'branch-r', secrets: [entry('lito')] }),
    ]) {
      expect(res.status).toBe(409);
      expect(res.json.code).toBe('SITE_MODE');
      expect(res.json.error).toMatch(/CSV import/);
    }
  });
});
