/**
 * A login refused with a text no real router is known to send (docs/routeros.md "Login refusals") is decided by
 * what the router holds for the device, never by the text: online with this code is a relogin, online with
 * another code ends that session and logs in again, not online (or online at another address) lets the refusal
 * stand. The simulator answers with any text through its one-shot trap fault.
 */
import { loginDevice, type DeviceLogin } from '../../src/router/hotspot/device-login';
import { classifyLoginRefusal, confirmedLoginRefusal, heldLogin } from '../../src/router/login-refusals';
import type { HardenedRouterClient } from '../../src/router';
import { RouterSimulator } from '../../src/simulator';
import { captureLogger, localRouterClient } from './helpers';

const LOGIN = '/ip/hotspot/active/login';
const PLACEMENT = { hotspotServer: 'all', hotspotUserProfile: 'default' };

function deviceLogin(code: string, mac: string, ip: string): DeviceLogin {
  return {
    code,
    mac,
    ip,
    bindMac: false,
    routerUserId: null,
    user: { id: 1, code, password: null, profileName: 'BASIC', limitSeconds: 3600, mac: null },
    queue: {
      name: `pisonet-${mac}`,
      target: `${ip}/32`,
      maxLimit: '512000/1000000',
      comment: code,
      voucherCode: code,
      mac,
    },
    firstDynamicQueue: Promise.resolve(undefined),
  };
}

describe('which refusal texts are read, and what a refused login finds on the router', () => {
  it.each([
    'user ABCD2345 has reached uptime limit',
    'user ABCD2345 has reached traffic limit',
    'no more sessions are allowed for user ABCD2345',
    'user ABCD2345 is not allowed to log in from this MAC address',
    'invalid username (02:AA:00:00:00:09): this MAC address is not yours',
    'unknown host IP 10.5.50.11',
    'wrong MAC provided',
    'invalid username or password',
  ])('%j is read from its text', (text) => {
    expect(confirmedLoginRefusal(text)).toBe(classifyLoginRefusal(text));
  });

  it.each([
    'already authorized',
    'already logged in',
    'uptime limit reached',
    'traffic limit reached',
    'your MAC address is not allowed',
    'no hotspot server for this address',
    'user is disabled',
    'already authorizing, retry later',
    'something nobody expected',
  ])('%j is not: the router is read', (text) => {
    expect(confirmedLoginRefusal(text)).toBeUndefined();
  });

  const mac = '02:AA:00:00:00:01';
  const login = { code: 'AAAA2345', mac, ip: '10.5.50.11' };
  const host = { mac, address: '10.5.50.11' };
  it.each<[string, ReturnType<typeof heldLogin>, Parameters<typeof heldLogin>[1]]>([
    ['online with this code', 'this-code', { sessions: [{ user: 'AAAA2345', mac }], hosts: [host] }],
    ['online with another code', 'another-code', { sessions: [{ user: 'BBBB2345', mac }], hosts: [host] }],
    ['seen, not logged in', 'not-online', { sessions: [], hosts: [host] }],
    ['not seen at all', 'not-online', { sessions: [], hosts: [] }],
    [
      'a session, but the hotspot sees the device at another address',
      'not-online',
      { sessions: [{ user: 'AAAA2345', mac }], hosts: [{ mac, address: '10.5.50.99' }] },
    ],
  ])('%s → %s', (_what, expected, held) => {
    expect(heldLogin(login, held)).toBe(expected);
  });
});

describe('a refused login against the simulator', () => {
  const A = { mac: '02:AA:00:00:00:01', ip: '10.5.50.11' };
  const B = { mac: '02:AA:00:00:00:02', ip: '10.5.50.12' };
  let sim: RouterSimulator;
  let router: HardenedRouterClient;

  beforeEach(async () => {
    sim = new RouterSimulator({ port: 0 });
    const { port } = await sim.start();
    router = localRouterClient(port, { timeoutSeconds: 3, logger: captureLogger() });
    await router.start();
    await router.waitConnected(5000);
    sim.addDevice(A);
    sim.addDevice(B);
    await loginDevice(router, PLACEMENT, deviceLogin('CODEA234', A.mac, A.ip));
  });

  afterEach(async () => {
    await router.stop();
    await sim.stop();
  });

  const sessions = () => sim.rows('/ip/hotspot/active').map((s) => [s['mac-address'], s.user]);

  it("the simulator's own refusal of a device logged in already: with the same code it is a relogin", async () => {
    const again = await loginDevice(router, PLACEMENT, deviceLogin('CODEA234', A.mac, A.ip));
    expect(again.loggedIn).toBe(false);
    expect(sessions()).toEqual([[A.mac, 'CODEA234']]);
  });

  it('an unknown text for a device online with this code: treated as logged in', async () => {
    sim.faults.trapOn(LOGIN, 'something nobody expected');
    const again = await loginDevice(router, PLACEMENT, deviceLogin('CODEA234', A.mac, A.ip));
    expect(again).toMatchObject({ loggedIn: false, queueId: expect.any(String) });
    expect(sessions()).toEqual([[A.mac, 'CODEA234']]);
  });

  it('an unknown text for a device online with another code: that session ends, this code logs in', async () => {
    sim.faults.trapOn(LOGIN, 'something nobody expected');
    const out = await loginDevice(router, PLACEMENT, deviceLogin('CODEB234', A.mac, A.ip));
    expect(out.loggedIn).toBe(true);
    expect(sessions()).toEqual([[A.mac, 'CODEB234']]);
  });

  it('an unknown text, or a guessed "already" text, for a device not online: the refusal stands', async () => {
    for (const text of ['something nobody expected', 'already authorized', 'already logged in']) {
      sim.faults.trapOn(LOGIN, text);
      await expect(
        loginDevice(router, PLACEMENT, deviceLogin('CODEB234', B.mac, B.ip)),
      ).rejects.toMatchObject({ routerMessage: text });
    }
    // Nothing of the refused logins stays: device A's session and queue only.
    expect(sessions()).toEqual([[A.mac, 'CODEA234']]);
    expect(sim.rows('/queue/simple').map((q) => q.name)).toEqual([`pisonet-${A.mac}`]);
  });

  it('a session the hotspot sees at another address than the login names is no proof: the refusal stands', async () => {
    sim.faults.trapOn(LOGIN, 'something nobody expected');
    await expect(
      loginDevice(router, PLACEMENT, deviceLogin('CODEA234', A.mac, '10.5.50.99')),
    ).rejects.toMatchObject({ routerMessage: 'something nobody expected' });
    expect(sessions()).toEqual([[A.mac, 'CODEA234']]);
  });
});
