/**
 * Extra data sold by mistake is voided: its money leaves the reports and the voucher's totals, and the data it
 * added is taken off the cap as far as it is unused, never below what the phone has already used; the router's
 * byte limit follows at the next poll.
 */
import type { Harness } from '../helpers/harness';
import { AUTH, redeemApi } from '../portal/helpers';
import { advance } from '../usage/helpers';
import { cycle, MB, overageHarness, routerUser, usedUp } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await overageHarness();
});
afterEach(async () => {
  await h.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the replies' JSON loosely
type Json = Record<string, any>;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

test('voided extra data: out of the totals, its unused part taken off the cap, the used part kept', async () => {
  const phone = await usedUp(h, 1);
  const from = h.clock.now();
  const sold = await api('POST', `/vouchers/${phone.code}/overage`);
  expect(sold.status).toBe(200);
  // The phone uses 50 MB of the 200 MB bought.
  expect((await redeemApi(h, { code: phone.code, mac: phone.mac, ip: phone.ip })).status).toBe(200);
  h.sim.addTraffic(phone.mac, { up: 0, down: 50 * MB }, 30);
  advance(h, 30);
  await cycle(h);
  const voided = await api('POST', `/vouchers/${phone.code}/charges/${sold.json.charge.id}/void`, {
    reason: 'sold to the wrong code',
  });
  expect(voided.status).toBe(200);
  expect(voided.json).toMatchObject({
    charge: { kind: 'overage', amount: 1000, void_reason: 'sold to the wrong code' },
    taken_back: { seconds: 0, bytes: 150 * MB },
  });
  const detail = (await api('GET', `/vouchers/${phone.code}`)).json.voucher;
  expect(detail).toMatchObject({
    cap_bytes: 550 * MB,
    added_bytes: 50 * MB,
    overage_bought: { bytes: 0, amount: 0, count: 0 },
  });
  const src = await h.core!.services.reports.bySource({ from, to: h.clock.now() + 1 });
  expect(src.totals['charge:overage'] ?? { count: 0, amount: 0 }).toEqual({ count: 0, amount: 0 });
  // The router's byte limit comes down by the next poll at the latest (the 150 MB taken back are no longer the
  // phone's); the hotspot users' check that follows a change may bring it down before.
  advance(h, 30);
  await cycle(h);
  expect(Number(routerUser(h, phone.code)!['limit-bytes-total'])).toBeLessThan(700 * MB);
});
