/**
 * A redemption's claim not confirmed yet owns its device's queue: a poll that runs meanwhile does not add one for
 * the claimed device (a lost race deletes that row a moment later, and the queue would be left behind), and takes
 * the queue over once the claim is confirmed, or once it is older than a redemption can take.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { CLAIM_OWNS_QUEUE_MS } from '../../src/services/network/usage/decisions';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true });
});
afterAll(() => h.close());

const queueOf = (mac: string) => h.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${mac}`);

/**
 * Device n mid-claim, as a racing redemption leaves it: online on the hotspot, its row marked as a claim in
 * progress, its queue not added yet. Returns its MAC and a way to set the claim's mark.
 */
async function deviceMidClaim(n: number) {
  // The server's own poll at connect (src/app.ts) is over first: a cycle that read the state before the mark
  // below and the router after the queue is removed would put the queue back, whatever the code does.
  await h.core!.services.usage.runCycle();
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, n);
  expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
  await h.core!.services.redemption.settled();
  const v = await h.core!.db('vouchers').where({ code }).first();
  await h.router.remove('/queue/simple', queueOf(phone.mac)!['.id']);
  const mark = (at: number | null) =>
    h
      .core!.db('voucher_devices')
      .where({ voucher_id: v.id, mac: phone.mac })
      .update({ login_pending_at: at });
  await mark(h.clock.now());
  return { mac: phone.mac, mark };
}

test('a poll beside a pending claim leaves that device’s queue to the redemption, then takes it over', async () => {
  const { mac, mark } = await deviceMidClaim(1);
  expect((await h.core!.services.usage.runCycle()).skipped).toBeUndefined();
  expect(queueOf(mac)).toBeUndefined();
  // Confirmed (record() clears the mark): from then on the poll owns the queue and puts it back.
  await mark(null);
  await h.core!.services.usage.runCycle();
  expect(queueOf(mac)?.['max-limit']).toBe('512000/1000000');
});

test('a claim still marked after a redemption could have finished (a controller killed mid-way): the poll takes its queue over', async () => {
  const { mac } = await deviceMidClaim(2);
  h.clock.advance(CLAIM_OWNS_QUEUE_MS);
  await h.core!.services.usage.runCycle();
  // Online without a queue is online unmetered: the poll puts the queue back at once.
  expect(queueOf(mac)?.['max-limit']).toBe('512000/1000000');
});
