/**
 * Fixed addresses, from outside (SQLite, and PostgreSQL with `npm run test:pg`): a site's static pool set through
 * the API (the .env router's site too), a subscriber given an address or `auto` (the lowest free one), never two
 * on one address (20 at once included), never one in a router /ip/pool or of the router itself, the router down:
 * refused with nothing written. On the router: the secret's remote-address, a PPPoE session taking it, a change
 * ending the session once and the CPE back at the new address; an ended subscriber frees its address.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, ownersSetUp, PROFILES } from './helpers';
import { waitFor } from '../helpers/wait';

let h: Harness;
let seq = 0;

const secret = (name: string) => h.sim.rows('/ppp/secret').find((r) => r.name === name);
const session = (name: string) => h.sim.rows('/ppp/active').find((r) => r.name === name);
const ends = () => h.sim.stats.commandsByPath['/ppp/active/remove'] ?? 0;
const ppp = () => h.core!.defaultStack.pppSubscribers!;

/** A new subscriber with its own username and mobile number. */
async function add(extra: Record<string, unknown> = {}) {
  seq++;
  return addSubscriber(h, {
    username: `sub${seq}`,
    mobile: `0917${String(10000000 + seq).slice(1)}`,
    password: `sub${seq}-pass-1`,
    ...extra,
  });
}

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await ownersSetUp(h);
  // The router's own address on the LAN side, inside the range the shop means for fixed addresses.
  await h.router.add('/ip/address', { address: '10.20.0.1/24', interface: 'ether2' });
  // A pool of the router's that overlaps that range (DHCP for the office, say).
  await h.router.add('/ip/pool', { name: 'office', ranges: '10.20.0.100-10.20.0.149' });
});
afterAll(async () => {
  await h.close();
});

describe("a site's static pool", () => {
  it("is set on the .env router's site through the API, and nothing else of it is", async () => {
    const res = await adminApi(h, 'PUT', '/sites/1', { static_pool: '10.20.0.0/24' });
    expect(res.status).toBe(200);
    expect(res.json.site).toMatchObject({ name: 'default', static_pool: '10.20.0.0/24' });
    expect((await adminApi(h, 'PUT', '/sites/1', { host: '10.9.9.9' })).json.code).toBe('SITE_DEFAULT_FIXED');
    const bad = await adminApi(h, 'PUT', '/sites/1', { static_pool: '10.20.0.0/8x' });
    expect(bad.status).toBe(400);
    expect(bad.json.fields.static_pool).toMatch(/is not an address pool; use a network like 10.20.0.0\/24/);
    expect((await adminApi(h, 'GET', '/sites/1')).json.site.static_pool).toBe('10.20.0.0/24');
  });
});

describe("a subscriber's fixed address", () => {
  it("auto takes the lowest free address of the pool, past the router's own", async () => {
    const a = await add({ static_ip: 'auto' });
    expect(a.static_ip).toBe('10.20.0.2'); // .1 is the router's
    const b = await add({ static_ip: 'auto' });
    expect(b.static_ip).toBe('10.20.0.3');
  });

  it('refuses an address another subscriber of the site holds, naming who', async () => {
    const res = await adminApi(h, 'POST', '/subscribers', {
      name: 'Pedro',
      mobile: '09181234567',
      profile: 'HOME10',
      billing_day: 5,
      username: 'pedro.taken',
      static_ip: '10.20.0.2',
    });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ code: 'STATIC_IP_TAKEN' });
    expect(res.json.error).toMatch(/10.20.0.2 is already held by the subscriber sub1/);
    expect(
      (await adminApi(h, 'GET', '/subscribers')).json.subscribers.map(
        (s: { username: string }) => s.username,
      ),
    ).not.toContain('pedro.taken');
  });

  it("refuses an address in one of the router's /ip/pool ranges, naming the pool", async () => {
    const res = await adminApi(h, 'POST', '/subscribers', {
      name: 'Pedro',
      mobile: '09181234567',
      profile: 'HOME10',
      billing_day: 5,
      username: 'pedro.pool',
      static_ip: '10.20.0.120',
    });
    expect(res.status).toBe(400);
    expect(res.json.fields.static_ip).toMatch(/10.20.0.120 is in the router's pool office/);
    const ppoe = await adminApi(h, 'POST', '/subscribers', {
      name: 'Pedro',
      mobile: '09181234567',
      profile: 'HOME10',
      billing_day: 5,
      username: 'pedro.pool',
      static_ip: '10.10.0.5',
    });
    expect(ppoe.json.fields.static_ip).toMatch(/in the router's pool pppoe-pool/);
  });

  it("refuses the router's own address", async () => {
    const s = await add();
    const res = await adminApi(h, 'PUT', `/subscribers/${s.id}`, { static_ip: '10.20.0.1' });
    expect(res.status).toBe(400);
    expect(res.json.fields.static_ip).toMatch(/10.20.0.1 is one of the router's own addresses/);
    expect((await adminApi(h, 'GET', `/subscribers/${s.id}`)).json.subscriber.static_ip).toBeNull();
  });

  it('refuses what is no address, and auto on a site without a pool', async () => {
    const res = await adminApi(h, 'POST', '/subscribers', {
      name: 'Pedro',
      mobile: '09181234567',
      profile: 'HOME10',
      billing_day: 5,
      username: 'pedro.bad',
      static_ip: '10.20.0.0/24',
    });
    expect(res.status).toBe(400);
    expect(res.json.fields.static_ip).toMatch(/is not a fixed address; give an IPv4 address/);
    expect((await adminApi(h, 'PUT', '/sites/1', { static_pool: '' })).json.site.static_pool).toBeNull();
    try {
      const s = await add();
      const auto = await adminApi(h, 'PUT', `/subscribers/${s.id}`, { static_ip: 'auto' });
      expect(auto.status).toBe(400);
      expect(auto.json.fields.static_ip).toMatch(
        /The site default has no static pool to take an address from/,
      );
    } finally {
      await adminApi(h, 'PUT', '/sites/1', { static_pool: '10.20.0.0/24' });
    }
  });

  it('gives 20 subscribers added at once 20 different addresses', async () => {
    const made = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        adminApi(h, 'POST', '/subscribers', {
          name: `Crowd ${i}`,
          mobile: `0919${String(10000000 + i).slice(1)}`,
          profile: 'HOME10',
          billing_day: 5,
          username: `crowd${i}`,
          static_ip: 'auto',
        }),
      ),
    );
    expect(made.map((r) => r.status)).toEqual(Array(20).fill(201));
    const ips = made.map((r) => r.json.subscriber.static_ip as string);
    expect(new Set(ips).size).toBe(20);
  });

  it('gives 20 subscribers changed to auto at once 20 different addresses', async () => {
    const subs = [];
    for (let i = 0; i < 20; i++) subs.push(await add());
    const changed = await Promise.all(
      subs.map((s) => adminApi(h, 'PUT', `/subscribers/${s.id}`, { static_ip: 'auto' })),
    );
    expect(changed.map((r) => r.status)).toEqual(Array(20).fill(200));
    const ips = changed.map((r) => r.json.subscriber.static_ip as string);
    expect(new Set(ips).size).toBe(20);
    const all = (await adminApi(h, 'GET', '/sites/1/addresses')).json;
    expect(new Set(all.addresses.map((a: { ip: string }) => a.ip)).size).toBe(all.addresses.length);
  });

  it('refuses with nothing written while the router cannot be read', async () => {
    const before = (await adminApi(h, 'GET', '/subscribers')).json.subscribers.length;
    h.sim.setReachable(false);
    await waitFor(() => !h.router.status.connected);
    try {
      const res = await adminApi(h, 'POST', '/subscribers', {
        name: 'Pedro',
        mobile: '09181234567',
        profile: 'HOME10',
        billing_day: 5,
        username: 'pedro.down',
        static_ip: 'auto',
      });
      expect(res.status).toBe(503);
      expect(res.json.error).toMatch(/The router of the site default could not be read .*Nothing was saved/);
    } finally {
      h.sim.setReachable(true);
    }
    expect((await adminApi(h, 'GET', '/subscribers')).json.subscribers.length).toBe(before);
    await waitFor(() => h.router.status.connected);
  });
});

describe('on the router', () => {
  let id: number;

  it("puts the address in the secret's remote-address, and a PPPoE session takes it", async () => {
    const s = await add({ username: 'cctv.shop', password: 'Cctv-pass-1', static_ip: '10.20.0.77' });
    id = s.id;
    await waitFor(() => secret('cctv.shop')?.['remote-address'] === '10.20.0.77');
    const dial = await h.sim.pppoe.autoRedial(
      { mac: 'aa:bb:cc:00:06:01', user: 'cctv.shop', password: 'Cctv-pass-1' },
      100,
    );
    expect(dial).toEqual({ ok: true, address: '10.20.0.77' });
    expect(session('cctv.shop')).toMatchObject({ address: '10.20.0.77' });
  });

  it('a change ends the session once and the CPE comes back at the new address', async () => {
    const before = ends();
    const res = await adminApi(h, 'PUT', `/subscribers/${id}`, { static_ip: '10.20.0.78' });
    expect(res.status).toBe(200);
    await waitFor(() => session('cctv.shop')?.address === '10.20.0.78');
    expect(secret('cctv.shop')).toMatchObject({ 'remote-address': '10.20.0.78' });
    expect(ends() - before).toBe(1);
    await ppp().check();
    await ppp().check();
    expect(ends() - before).toBe(1);
  });

  it('taking the address off unsets it on the secret, and the session comes back from the pool', async () => {
    const before = ends();
    const res = await adminApi(h, 'PUT', `/subscribers/${id}`, { static_ip: '' });
    expect(res.json.subscriber.static_ip).toBeNull();
    await waitFor(
      () => secret('cctv.shop') !== undefined && secret('cctv.shop')!['remote-address'] === undefined,
    );
    await waitFor(() => /^10\.10\.0\./.test(session('cctv.shop')?.address ?? ''));
    expect(ends() - before).toBe(1);
  });

  it('ending a subscriber frees its address for the next one', async () => {
    const s = await add({ static_ip: '10.20.0.90' });
    const taken = await adminApi(h, 'POST', '/subscribers', {
      name: 'Next',
      mobile: '09181234599',
      profile: 'HOME10',
      billing_day: 5,
      username: 'next.one',
      static_ip: '10.20.0.90',
    });
    expect(taken.status).toBe(409);
    const ended = await adminApi(h, 'DELETE', `/subscribers/${s.id}`);
    // The record keeps the address it had.
    expect(ended.json.subscriber).toMatchObject({ status: 'ended', static_ip: '10.20.0.90' });
    const next = await adminApi(h, 'POST', '/subscribers', {
      name: 'Next',
      mobile: '09181234599',
      profile: 'HOME10',
      billing_day: 5,
      username: 'next.one',
      static_ip: '10.20.0.90',
    });
    expect(next.status).toBe(201);
  });

  it('lists the site addresses: pool, used, free, what the router holds of it, and who holds each', async () => {
    const res = await adminApi(h, 'GET', '/sites/1/addresses');
    expect(res.status).toBe(200);
    const { pool, used, free, addresses } = res.json;
    expect(pool).toBe('10.20.0.0/24');
    expect(used).toBe(addresses.length);
    // The router's own 10.20.0.1 and its office pool's 50 are not free: auto skips them.
    expect(res.json.on_router).toBe(51);
    expect(free).toBe(254 - used - 51);
    expect(addresses[0]).toMatchObject({ ip: '10.20.0.2', subscriber: { username: 'sub1' } });
    expect(addresses.find((a: { ip: string }) => a.ip === '10.20.0.90').subscriber.username).toBe('next.one');
    expect((await adminApi(h, 'GET', '/sites/nowhere/addresses')).status).toBe(404);
  });
});

describe("the router's own secrets, not ours yet", () => {
  it('hold their fixed addresses: a typed one is refused naming the secret, auto skips it', async () => {
    const s = await add({ static_ip: 'auto' });
    const next = s.static_ip as string; // the lowest free address, freed again for the secret below
    await adminApi(h, 'PUT', `/subscribers/${s.id}`, { static_ip: '' });
    await h.router.add('/ppp/secret', {
      name: 'cctv.before',
      password: 'Cctv-before-1',
      profile: 'default',
      'remote-address': next,
      comment: 'CCTV, before us',
    });
    const typed = await adminApi(h, 'PUT', `/subscribers/${s.id}`, { static_ip: next });
    expect(typed.status).toBe(400);
    expect(typed.json.fields.static_ip).toBe(
      `${next} is the fixed address (remote-address) of the router's PPP secret cctv.before on default, not ours: adopt that secret, or pick another`,
    );
    const auto = await adminApi(h, 'PUT', `/subscribers/${s.id}`, { static_ip: 'auto' });
    expect(auto.status).toBe(200);
    expect(auto.json.subscriber.static_ip).not.toBe(next);
  });
});
