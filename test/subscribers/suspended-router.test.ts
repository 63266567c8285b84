/**
 * Suspension on the router (API mode), from outside: a suspended subscriber's running session keeps going and
 * its address is in `pisonet-suspended` within one check of the suspend; the entry follows a CPE that dials
 * again onto a new address, goes within seconds of the resume, is put back when removed by hand, comes back after
 * an outage and a reset; an entry of the list that is not ours is never touched.
 */
import { loadConfig } from '../../src/config/env';
import { PPP_CHECK_EVERY_SECONDS, type PppSubscribers } from '../../src/services/network/ppp-subscribers';
import { createHarness, type Harness } from '../helpers/harness';
import { routerBack } from '../usage/helpers';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';
import { pppoeSetUp } from '../helpers/pppoe';
import { waitFor } from '../helpers/wait';

const LIST = 'pisonet-suspended';
const CPE = 'aa:bb:cc:00:01:01';
const CPE2 = 'aa:bb:cc:00:01:02';

let h: Harness;
let rosa: { id: number; account_no: string };
const ppp = (): PppSubscribers => h.core!.defaultStack.pppSubscribers!;
const listed = () => h.sim.rows('/ip/firewall/address-list').filter((r) => r.list === LIST);
const session = (name: string) => h.sim.rows('/ppp/active').find((r) => r.name === name);

/** The owner's PPPoE set-up: a pool on the server's default profile, and a server. */
async function ownersSetUp(): Promise<void> {
  await pppoeSetUp(h, '10.10.0.2-10.10.0.20');
}

const suspend = async (id: number) =>
  expect((await adminApi(h, 'POST', `/subscribers/${id}/suspend`, { reason: 'unpaid' })).status).toBe(200);

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await ownersSetUp();
  rosa = await addSubscriber(h, { username: 'rosa', password: 'Rosa-pass-1' });
  await addSubscriber(h, { username: 'juan.dc', password: 'Juan-pass-1', mobile: '09171234568' });
  await waitFor(() => h.sim.rows('/ppp/secret').length === 2);
  expect(await h.sim.pppoe.dial({ mac: CPE, user: 'rosa', password: 'Rosa-pass-1' })).toMatchObject({
    ok: true,
  });
  expect(await h.sim.pppoe.dial({ mac: CPE2, user: 'juan.dc', password: 'Juan-pass-1' })).toMatchObject({
    ok: true,
  });
});
afterAll(async () => {
  await h.close();
});

describe('a suspended subscriber in pisonet-suspended', () => {
  it("lists the session's address within one check of the suspend; the session stays up", async () => {
    const before = session('rosa')!;
    await suspend(rosa.id);
    // No call from the test and the clock stands: the change's check runs 0.3 s after the suspend (the wide wait is
    // for a loaded machine).
    await waitFor(() => listed().length === 1, 15_000);
    expect(listed()[0]).toMatchObject({
      address: before.address,
      dynamic: 'false',
      disabled: 'false',
      comment: `pisonet suspended ${rosa.account_no}`,
    });
    expect(listed()[0].timeout).toBeUndefined();
    expect(session('rosa')).toMatchObject({ '.id': before['.id'], address: before.address });
    expect(session('juan.dc')).toBeDefined();
    // Nothing more to do: a second check writes nothing.
    expect((await ppp().check()).suspended).toMatchObject({ listed: 0, unlisted: 0, changed: 0, failed: 0 });
  });

  it('follows a CPE that dials again onto a new address at the next check', async () => {
    const old = session('rosa')!.address;
    h.sim.pppoe.hangUp(CPE);
    // Another CPE takes the address back from the pool first, so rosa's next address differs.
    await h.router.add('/ppp/secret', { name: 'guest', password: 'guest-pass', comment: 'owner' });
    expect(
      await h.sim.pppoe.dial({ mac: 'aa:bb:cc:00:01:03', user: 'guest', password: 'guest-pass' }),
    ).toMatchObject({ ok: true });
    expect(await h.sim.pppoe.dial({ mac: CPE, user: 'rosa', password: 'Rosa-pass-1' })).toMatchObject({
      ok: true,
    });
    const now = session('rosa')!.address;
    expect(now).not.toBe(old);
    expect(listed().map((r) => r.address)).toEqual([old]);
    // The periodic check follows it, within one usage poll at the default USAGE_POLL_SECONDS.
    expect(PPP_CHECK_EVERY_SECONDS).toBeLessThanOrEqual(loadConfig({}).usagePollSeconds);
    h.clock.advance(PPP_CHECK_EVERY_SECONDS * 1000);
    await waitFor(() => listed().length === 1 && listed()[0].address === now, 5_000);
  });

  it('puts back an entry removed by hand, and never touches an entry that is not ours', async () => {
    // The periodic check the last test set going may still be writing: let it end, or it puts the entry back
    // before the check below and that one finds nothing to do.
    await ppp().check();
    await h.router.add('/ip/firewall/address-list', {
      list: LIST,
      address: '192.168.88.50',
      comment: 'owner: the printer',
    });
    await h.router.remove(
      '/ip/firewall/address-list',
      listed().find((r) => r.comment?.includes('pisonet'))!['.id'],
    );
    const report = await ppp().check();
    expect(report.suspended).toMatchObject({ listed: 1, unlisted: 0, failed: 0 });
    expect(
      listed()
        .map((r) => r.address)
        .sort(),
    ).toEqual(['192.168.88.50', session('rosa')!.address].sort());
    expect(listed().find((r) => r.address === '192.168.88.50')).toMatchObject({
      comment: 'owner: the printer',
    });
  });

  it("takes the address out at the resume's own check; the entry that is not ours stays", async () => {
    // The shop's clock stands still here, so no periodic check runs: only the check the resume asks for (0.3 s
    // after it) can take the entry out. It took 5.2 s on a loaded CI machine, hence the wide wait.
    const clockAt = h.clock.now();
    expect((await adminApi(h, 'POST', `/subscribers/${rosa.id}/resume`)).status).toBe(200);
    await waitFor(() => listed().length === 1, 15_000);
    expect(h.clock.now()).toBe(clockAt);
    expect(listed()[0]).toMatchObject({ address: '192.168.88.50', comment: 'owner: the printer' });
    expect(session('rosa')).toBeDefined();
  });

  it('lists a subscriber suspended while the router was down once it is back', async () => {
    h.sim.setReachable(false);
    await waitFor(() => !h.router.status.connected);
    await suspend(rosa.id);
    await new Promise((r) => setTimeout(r, 500)); // the change's check runs, and fails
    h.sim.setReachable(true);
    await waitFor(() => listed().some((r) => r.address === session('rosa')?.address));
  });

  it('lists it again after a reboot, once its CPE has dialled in again', async () => {
    await h.sim.reboot();
    expect(session('rosa')).toBeUndefined();
    await routerBack(h);
    expect(await h.sim.pppoe.dial({ mac: CPE, user: 'rosa', password: 'Rosa-pass-1' })).toMatchObject({
      ok: true,
    });
    h.clock.advance(30_000);
    await waitFor(() => listed().some((r) => r.address === session('rosa')?.address), 5_000);
    // The address it had before the reboot, if another, is no longer listed.
    expect(listed().filter((r) => r.comment?.includes('pisonet'))).toHaveLength(1);
  });

  it('lists it again after a reset of the router, once its CPE has dialled in again', async () => {
    await h.sim.resetConfiguration();
    expect(listed().filter((r) => r.comment?.includes('pisonet'))).toEqual([]);
    await routerBack(h);
    await ownersSetUp();
    await waitFor(() => h.sim.rows('/ppp/secret').some((r) => r.name === 'rosa'));
    expect(await h.sim.pppoe.dial({ mac: CPE, user: 'rosa', password: 'Rosa-pass-1' })).toMatchObject({
      ok: true,
    });
    h.clock.advance(30_000);
    await waitFor(() => listed().some((r) => r.address === session('rosa')?.address), 5_000);
    expect(listed().find((r) => r.address === session('rosa')?.address)).toMatchObject({
      comment: `pisonet suspended ${rosa.account_no}`,
      dynamic: 'false',
    });
  });
});
