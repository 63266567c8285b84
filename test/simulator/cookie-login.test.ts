/**
 * A device back on the hotspot with its cookie logs in without the code: the browser's own cookie (`cookie` in
 * the server profile's login-by), or any MAC cookie of the device (`mac-cookie`). It is the same login again, with
 * the login information the cookie was made with: a disabled local user is refused, RADIUS is asked and its
 * Access-Reject refuses, and a cookie removed from `/ip/hotspot/cookie` logs nobody in.
 */
import { RouterSimulator } from '../../src/simulator';
import { HOTSPOT_COOKIE } from '../../src/simulator/cookies';
import { apiLogin, attrsOf, FakeAaa, IP, MAC, radiusRouter } from './fake-aaa';
import { RawClient } from './raw-client';

const phone = (mac = MAC): Record<string, string> => ({ 'X-Sim-Client-Mac': mac });
const errorOf = (html: string): string | undefined => /<p id="error">([^<]*)<\/p>/.exec(html)?.[1];

let sim: RouterSimulator;
let c: RawClient;
let base: string;

/** The browser comes back to the hotspot (any page sends it to /login), with its cookie when it has one. */
const comeBack = (token?: string) =>
  fetch(`${base}/login?dst=http%3A%2F%2Fexample.com%2F`, {
    headers: { ...phone(), ...(token ? { cookie: `${HOTSPOT_COOKIE}=${token}` } : {}) },
    redirect: 'manual',
  });

async function typedLogin(user: string, password: string): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { ...phone(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user, password }).toString(),
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  const token = /hotspot-cookie=([0-9a-f]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  expect(token).toBeDefined();
  return token as string;
}

const sessions = () => sim.rows('/ip/hotspot/active');
const logout = async () => {
  for (const s of sessions()) await c.ok(['/ip/hotspot/active/remove', `=numbers=${s['.id']}`]);
};

describe('cookie logins against local users', () => {
  beforeEach(async () => {
    sim = new RouterSimulator({ port: 0, hotspotHttpPort: 0 });
    c = await RawClient.login((await sim.start()).port);
    base = `http://127.0.0.1:${sim.hotspotHttpPort}`;
    sim.addDevice({ mac: MAC, ip: IP });
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=login-by=http-pap,cookie']);
    await c.ok(['/ip/hotspot/user/add', '=name=V1', '=password=V1']);
  });
  afterEach(async () => {
    await c.close();
    await sim.stop();
  });

  it('the browser with its cookie logs in again without the code; without it, the login page', async () => {
    const token = await typedLogin('V1', 'V1');
    await logout();
    expect((await comeBack()).status).toBe(200);
    expect(sessions()).toEqual([]);
    const back = await comeBack(token);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('http://example.com/');
    expect(sessions()).toEqual([expect.objectContaining({ user: 'V1', 'mac-address': MAC })]);
  });

  it('a disabled user is refused, its cookie or not, and logs in again once enabled', async () => {
    const token = await typedLogin('V1', 'V1');
    await logout();
    await c.ok(['/ip/hotspot/user/set', '=numbers=V1', '=disabled=true']);
    const refused = await comeBack(token);
    expect(refused.status).toBe(200);
    expect(errorOf(await refused.text())).toBe('invalid username or password');
    expect(sessions()).toEqual([]);
    await c.ok(['/ip/hotspot/user/set', '=numbers=V1', '=disabled=false']);
    expect((await comeBack(token)).status).toBe(302);
    expect(sessions()).toHaveLength(1);
  });

  it('a removed cookie logs nobody in', async () => {
    const token = await typedLogin('V1', 'V1');
    await logout();
    const [cookie] = sim.rows('/ip/hotspot/cookie');
    await c.ok(['/ip/hotspot/cookie/remove', `=numbers=${cookie['.id']}`]);
    expect((await comeBack(token)).status).toBe(200);
    expect(sessions()).toEqual([]);
  });

  it('mac-cookie: the device logs in with no browser cookie; a disabled user is refused', async () => {
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=login-by=http-pap,cookie,mac-cookie']);
    await c.ok(apiLogin('V1', 'V1'));
    await logout();
    await c.ok(['/ip/hotspot/user/set', '=numbers=V1', '=disabled=true']);
    expect((await comeBack()).status).toBe(200);
    expect(sessions()).toEqual([]);
    await c.ok(['/ip/hotspot/user/set', '=numbers=V1', '=disabled=false']);
    expect((await comeBack()).status).toBe(302);
    expect(sessions()).toEqual([expect.objectContaining({ user: 'V1' })]);
  });

  it('without cookie in login-by, a browser cookie logs nobody in', async () => {
    const token = await typedLogin('V1', 'V1');
    await logout();
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=login-by=http-pap']);
    expect((await comeBack(token)).status).toBe(200);
    expect(sessions()).toEqual([]);
  });
});

describe('cookie logins through RADIUS', () => {
  let aaa: FakeAaa;
  beforeEach(async () => {
    aaa = await FakeAaa.start();
    ({ sim, c } = await radiusRouter(aaa, { hotspotHttpPort: 0 }));
    base = `http://127.0.0.1:${sim.hotspotHttpPort}`;
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=login-by=http-pap,cookie']);
  });
  afterEach(async () => {
    await c.close();
    await sim.stop();
    await aaa.close();
  });

  it('asks RADIUS again with the password the cookie was made with; an Access-Reject refuses it', async () => {
    const token = await typedLogin('V1', 'pin');
    await logout();
    aaa.auth = () => ({ code: 'Access-Reject', attributes: [['Reply-Message', 'This code is paused']] });
    const refused = await comeBack(token);
    expect(errorOf(await refused.text())).toBe('This code is paused');
    expect(sessions()).toEqual([]);
    const asked = aaa.accessRequests();
    expect(asked).toHaveLength(2);
    expect(attrsOf(asked[1])).toMatchObject({ 'User-Name': 'V1', 'User-Password': 'pin' });
  });
});
