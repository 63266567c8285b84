/**
 * The hotspot's HTTP login, as a phone reaches it from an external portal: POST or GET `/login`, then on to
 * `dst`; a refusal shows the login page with the error; `/status` and `/logout`. The device is named by the
 * simulator-only `X-Sim-Client-Mac` header, since every test phone connects from 127.0.0.1.
 */
import { RouterSimulator } from '../../src/simulator';
import { attrsOf, FakeAaa, IP, MAC, radiusRouter } from './fake-aaa';
import { RawClient } from './raw-client';

let aaa: FakeAaa;
let sim: RouterSimulator;
let c: RawClient;
let base: string;

beforeEach(async () => {
  aaa = await FakeAaa.start();
  ({ sim, c } = await radiusRouter(aaa, { hotspotHttpPort: 0 }));
  await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=login-by=http-pap,cookie']);
  base = `http://127.0.0.1:${sim.hotspotHttpPort}`;
});

afterEach(async () => {
  await c.close();
  await sim.stop();
  await aaa.close();
});

const phone = (mac = MAC): Record<string, string> => ({ 'X-Sim-Client-Mac': mac });

function post(fields: Record<string, string>, headers = phone()): Promise<Response> {
  return fetch(`${base}/login`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

const errorOf = (html: string): string | undefined => /<p id="error">([^<]*)<\/p>/.exec(html)?.[1];

describe('POST /login', () => {
  it('logs the device in through RADIUS and sends the browser on to dst', async () => {
    const res = await post({ username: 'V1', password: 'pin', dst: 'http://example.com/', popup: 'true' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://example.com/');
    expect(attrsOf(aaa.accessRequests()[0])).toMatchObject({ 'User-Name': 'V1', 'User-Password': 'pin' });
    expect(sim.rows('/ip/hotspot/active')).toEqual([
      expect.objectContaining({ user: 'V1', address: IP, 'mac-address': MAC, radius: 'true' }),
    ]);
  });

  it('without dst: on to the status page, which shows the session', async () => {
    const res = await post({ username: 'V1', password: 'pin' });
    expect(res.headers.get('location')).toBe('/status');
    const status = await (await fetch(`${base}/status`, { headers: phone() })).text();
    expect(status).toContain('<td id="username">V1</td>');
    expect(status).toContain(`<td id="ip">${IP}</td>`);
  });

  it("a refusal: the login page again, with the router's error text and the name typed", async () => {
    aaa.auth = () => ({ code: 'Access-Reject', attributes: [['Reply-Message', 'code expired']] });
    const res = await post({ username: 'V1', password: 'pin', dst: 'http://example.com/' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(errorOf(html)).toBe('code expired');
    expect(html).toContain('name="username" type="text" value="V1"');
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
  });

  it('a local user is tried first, as over the API', async () => {
    await c.ok(['/ip/hotspot/user/add', '=name=staff', '=password=p']);
    const res = await post({ username: 'staff', password: 'p' });
    expect(res.status).toBe(302);
    expect(aaa.accessRequests()).toEqual([]);
  });

  it('a plain password needs http-pap in login-by', async () => {
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=login-by=http-chap,cookie']);
    const res = await post({ username: 'V1', password: 'pin' });
    expect(errorOf(await res.text())).toBe('invalid username or password');
    expect(aaa.accessRequests()).toEqual([]);
  });
});

describe('GET /login', () => {
  it('with username and password in the query logs in like the POST', async () => {
    const q = new URLSearchParams({ username: 'V1', password: 'pin', dst: 'http://example.com/x' });
    const res = await fetch(`${base}/login?${q}`, { headers: phone(), redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://example.com/x');
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
  });

  it('without them: the login page, no error', async () => {
    const res = await fetch(`${base}/login?dst=http://example.com/`, { headers: phone() });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<form name="login" action="/login" method="post">');
    expect(html).toContain('value="http://example.com/"');
    expect(errorOf(html)).toBeUndefined();
  });
});

describe('which device', () => {
  it('from loopback without the header, or naming a MAC the hotspot does not see: refused', async () => {
    expect((await post({ username: 'V1', password: 'pin' }, {})).status).toBe(403);
    expect((await post({ username: 'V1', password: 'pin' }, phone('02:50:00:00:00:63'))).status).toBe(403);
    expect(aaa.accessRequests()).toEqual([]);
  });

  it('a device logged in already gets the refusal text', async () => {
    await post({ username: 'V1', password: 'pin' });
    expect(errorOf(await (await post({ username: 'V2', password: 'pin' })).text())).toBe(
      'already authorized',
    );
  });
});

describe('/logout', () => {
  it("ends the device's session: the customer's own logout, User-Request in the Stop", async () => {
    await post({ username: 'V1', password: 'pin' });
    const res = await fetch(`${base}/logout`, { headers: phone() });
    expect(await res.text()).toContain('you have just logged out');
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    await sim.radiusSettled();
    expect(aaa.statuses()).toEqual(['Start', 'Stop']);
    expect(attrsOf(aaa.accounting()[1])['Acct-Terminate-Cause']).toBe('User-Request');
    const again = await (await fetch(`${base}/status`, { headers: phone() })).text();
    expect(errorOf(again)).toBe(`you are not logged in (ip ${IP})`);
  });
});
