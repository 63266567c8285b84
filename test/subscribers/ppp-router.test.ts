/**
 * Subscribers on the router (API mode), from outside: plans and subscribers made through the admin API become
 * `/ppp/profile` and `/ppp/secret` on the simulated router within seconds; a CPE dials with those credentials;
 * edits follow, an ended subscriber's secret and session go; what a hand removes or changes is put back at the
 * next check, a same-named object that is not ours is never touched, and a reset or an unreachable router
 * converges when it is back.
 */
import { createLogger } from '../../src/lib/logger';
import type { PppSubscribers } from '../../src/services/network/ppp-subscribers';
import { createHarness, type Harness } from '../helpers/harness';
import { routerBack } from '../usage/helpers';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';
import { pppoeSetUp } from '../helpers/pppoe';
import { waitFor } from '../helpers/wait';

const logged: string[] = [];
const log = createLogger('debug', { write: (s: string) => void logged.push(s) });

const CPE = 'aa:bb:cc:00:00:01';
const CPE2 = 'aa:bb:cc:00:00:02';

let h: Harness;
let juanId: number;
const ppp = (): PppSubscribers => h.core!.defaultStack.pppSubscribers!;
const profile = (name: string) => h.sim.rows('/ppp/profile').find((r) => r.name === name);
const secret = (name: string) => h.sim.rows('/ppp/secret').find((r) => r.name === name);
const secrets = (name: string) => h.sim.rows('/ppp/secret').filter((r) => r.name === name);
const active = (name: string) => h.sim.rows('/ppp/active').filter((r) => r.name === name);

/** The owner's PPPoE set-up: a pool for the server's default profile and for HOME25, and a server. */
async function ownersSetUp(): Promise<void> {
  await pppoeSetUp(h, '10.10.0.2-10.10.0.20');
}

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES, log });
  await ownersSetUp();
});
afterAll(async () => {
  await h.close();
});

describe('subscribers as PPP secrets on the router', () => {
  it('puts a new subscriber and its plan on the router within seconds of the change', async () => {
    const s = await addSubscriber(h, { username: 'juan.dc', password: 'Juan-pass-1' });
    juanId = s.id;
    // No call from the test: the subscriber service's change runs the check.
    await waitFor(() => secret('juan.dc') !== undefined);
    expect(secret('juan.dc')).toMatchObject({
      password: 'Juan-pass-1',
      service: 'pppoe',
      profile: 'pisonet-HOME10',
      comment: `pisonet subscriber ${s.account_no}`,
    });
    expect(profile('pisonet-HOME10')).toMatchObject({
      'rate-limit': '5000000/10000000',
      'only-one': 'yes',
      'remote-address': '',
    });
    expect(profile('pisonet-HOME10')!.comment).toContain('pisonet');
    // Every monthly plan sold at the site, with its pool when it names one; never a prepaid profile.
    expect(profile('pisonet-HOME25')).toMatchObject({
      'rate-limit': '10000000/25000000',
      'only-one': 'yes',
      'remote-address': 'pppoe-pool',
    });
    expect(profile('pisonet-BASIC')).toBeUndefined();
  });

  it('lets a CPE dial in with those credentials, once at a time; a wrong password is refused', async () => {
    expect(await h.sim.pppoe.dial({ mac: CPE, user: 'juan.dc', password: 'wrong' })).toEqual({
      ok: false,
      reason: 'authentication-failed',
    });
    const up = await h.sim.pppoe.dial({ mac: CPE, user: 'juan.dc', password: 'Juan-pass-1' });
    expect(up).toMatchObject({ ok: true });
    expect(await h.sim.pppoe.dial({ mac: CPE2, user: 'juan.dc', password: 'Juan-pass-1' })).toEqual({
      ok: false,
      reason: 'only-one',
    });
    expect(active('juan.dc')).toHaveLength(1);
  });

  it('follows a new password and a new plan', async () => {
    const s = await addSubscriber(h, { username: 'ana', password: 'Ana-pass-1', mobile: '09171234568' });
    await waitFor(() => secret('ana') !== undefined);
    const res = await adminApi(h, 'PUT', `/subscribers/${s.id}`, {
      password: 'Ana-pass-2',
      profile: 'HOME25',
    });
    expect(res.status).toBe(200);
    await waitFor(() => secret('ana')?.password === 'Ana-pass-2');
    expect(secret('ana')).toMatchObject({ profile: 'pisonet-HOME25' });
    expect(await h.sim.pppoe.dial({ mac: CPE2, user: 'ana', password: 'Ana-pass-2' })).toMatchObject({
      ok: true,
    });
  });

  it('keeps a suspended subscriber its secret', async () => {
    const s = await addSubscriber(h, { username: 'rosa', password: 'Rosa-pass-1', mobile: '09171234569' });
    await waitFor(() => secret('rosa') !== undefined);
    expect((await adminApi(h, 'POST', `/subscribers/${s.id}/suspend`, { reason: 'unpaid' })).status).toBe(
      200,
    );
    await ppp().check();
    expect(secret('rosa')).toMatchObject({ password: 'Rosa-pass-1', disabled: 'false' });
  });

  it("removes an ended subscriber's secret and ends its running session", async () => {
    const s = await addSubscriber(h, { username: 'pedro', password: 'Pedro-pass-1', mobile: '09171234570' });
    await waitFor(() => secret('pedro') !== undefined);
    expect(
      await h.sim.pppoe.dial({ mac: 'aa:bb:cc:00:00:03', user: 'pedro', password: 'Pedro-pass-1' }),
    ).toMatchObject({ ok: true });
    expect((await adminApi(h, 'DELETE', `/subscribers/${s.id}`)).status).toBe(200);
    await waitFor(() => secret('pedro') === undefined && active('pedro').length === 0);
    expect(active('juan.dc')).toHaveLength(1); // the others stay online
  });

  it('puts back a secret removed by hand and a profile and a secret changed by hand at the next check', async () => {
    await h.router.remove('/ppp/secret', secret('juan.dc')!['.id']);
    await h.router.set('/ppp/secret', secret('ana')!['.id'], { password: 'hacked', profile: 'default' });
    await h.router.set('/ppp/profile', profile('pisonet-HOME10')!['.id'], {
      'rate-limit': '50M/50M',
      'only-one': 'no',
    });
    const report = await ppp().check();
    expect(report).toMatchObject({ added: 1, changed: 2, failed: 0 });
    expect(secret('juan.dc')).toMatchObject({ password: 'Juan-pass-1', profile: 'pisonet-HOME10' });
    expect(secret('ana')).toMatchObject({ password: 'Ana-pass-2', profile: 'pisonet-HOME25' });
    expect(profile('pisonet-HOME10')).toMatchObject({ 'rate-limit': '5000000/10000000', 'only-one': 'yes' });
    // Nothing differs now: a second check writes nothing, in four reads sent at once (profiles, secrets, sessions,
    // the sessions' queues for their speeds), and the suspension step's two (rosa is suspended: the sessions'
    // addresses, the suspended list).
    const before = h.router.stats.commands;
    expect(await ppp().check()).toMatchObject({ added: 0, changed: 0, removed: 0, ended: 0 });
    expect(h.router.stats.commands - before).toBe(4 + 2);
  });

  it('puts back a secret removed by hand within the minute, with no one asking', async () => {
    await h.router.remove('/ppp/secret', secret('ana')!['.id']);
    h.clock.advance(30_000);
    await waitFor(() => secret('ana') !== undefined, 5_000);
    expect(secret('ana')).toMatchObject({ password: 'Ana-pass-2' });
  });

  it('never touches a same-named object without pisonet in its comment, and says so in the log', async () => {
    await h.router.add('/ppp/secret', {
      name: 'maria',
      password: 'owners',
      profile: 'default',
      comment: 'boss',
    });
    await addSubscriber(h, { username: 'maria', password: 'Maria-pass-1', mobile: '09171234571' });
    const report = await ppp().check();
    expect(report.conflicts).toEqual(['secret maria']);
    expect(secrets('maria')).toEqual([
      expect.objectContaining({ password: 'owners', profile: 'default', comment: 'boss', service: 'any' }),
    ]);
    expect(logged.join('\n')).toMatch(/PPP secret maria on the router has no \\"pisonet\\" in its comment/);
    // Never in the log: a subscriber's password.
    expect(logged.join('\n')).not.toMatch(/Maria-pass-1|Juan-pass-1/);
  });

  it('puts everything back after a reset of the router, at the reconnect', async () => {
    await h.sim.resetConfiguration();
    expect(secret('juan.dc')).toBeUndefined();
    await routerBack(h);
    await waitFor(() => secret('juan.dc') !== undefined && profile('pisonet-HOME10') !== undefined);
    expect(secret('juan.dc')).toMatchObject({ password: 'Juan-pass-1', profile: 'pisonet-HOME10' });
    // HOME25 names a pool the reset took: back once the owner sets the pool up again.
    await ownersSetUp();
    h.clock.advance(30_000);
    await waitFor(() => secret('ana') !== undefined && profile('pisonet-HOME25') !== undefined, 5_000);
    expect(await h.sim.pppoe.dial({ mac: CPE, user: 'juan.dc', password: 'Juan-pass-1' })).toMatchObject({
      ok: true,
    });
  });

  it('writes a change made while the router was down once it is back', async () => {
    h.sim.setReachable(false);
    await waitFor(() => !h.router.status.connected);
    const res = await adminApi(h, 'PUT', `/subscribers/${juanId}`, { password: 'Juan-pass-2' });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500)); // the change's check runs, and fails
    expect(secret('juan.dc')).toMatchObject({ password: 'Juan-pass-1' });
    h.sim.setReachable(true);
    await waitFor(() => secret('juan.dc')?.password === 'Juan-pass-2');
  });
});
