/**
 * The wrong-code limiter counts who asks (here: clients without the portal's token, so the address requests
 * come from), not what the body claims, and a success forgives nothing: the three ways around it found by
 * probing the portal are closed.
 */
import http from 'node:http';
import { createHarness, Harness } from '../helpers/harness';
import { addDevice, makeVouchers } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true });
});
afterEach(() => h.close());

/** POST /api/portal/redeem from a given loopback address (127.0.0.x are all this machine). */
function redeemFrom(from: string, body: { code: string; mac: string; ip: string }): Promise<number> {
  const url = new URL(`${h.app!.url}/api/portal/redeem`);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
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
}

const wrong = (i: number) => `WRONG${String(i).padStart(3, '0')}`;

test('(a) wrong codes between re-logins with one’s own active code are still counted', async () => {
  const [own] = await makeVouchers(h, 'BASIC', 1);
  const me = addDevice(h, 1);
  expect(await redeemFrom('127.0.0.2', { code: own, ...me })).toBe(200);
  const statuses: number[] = [];
  for (let round = 0; round < 12; round++) {
    for (let i = 0; i < 4; i++)
      statuses.push(await redeemFrom('127.0.0.2', { code: wrong(round * 4 + i), ...me }));
    await redeemFrom('127.0.0.2', { code: own, ...me }); // the re-login forgives nothing
  }
  // 404 = looked up and wrong; 429 = not looked up. The sixth wrong code is looked up and brings the lock.
  expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(6);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40);
});

test('(b) one client naming many MAC/IP pairs is one asker', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    const d = addDevice(h, 10 + i);
    for (let j = 0; j < 5; j++)
      statuses.push(await redeemFrom('127.0.0.3', { code: wrong(i * 5 + j), ...d }));
  }
  expect(statuses.filter((s) => s === 404).length).toBe(5);
  expect(statuses.filter((s) => s === 429).length).toBe(55);
});

test('(c) wrong codes sent in a victim’s name do not lock the victim out', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const victim = addDevice(h, 30);
  for (let i = 0; i < 6; i++) await redeemFrom('127.0.0.4', { code: wrong(i), ...victim });
  expect(await redeemFrom('127.0.0.5', { code, ...victim })).toBe(200);
});
