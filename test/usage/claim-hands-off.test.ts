/**
 * A redemption's claim not confirmed yet owns its device's queue: a poll that runs meanwhile does not add one for
 * the claimed device (a lost race deletes that row a moment later, and the queue would be left behind), and takes
 * the queue over once the claim is confirmed.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { CLAIM_OWNS_QUEUE_MS } from '../../src/services/usage/enforce';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true });
});
afterAll(() => h.close());

const queueOf = (mac: string) => h.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${mac}`);

test('a poll beside a pending claim leaves that device’s queue to the redemption, then takes it over', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, 1);
  expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
  await h.core!.services.redemption.settled();
  const v = await h.core!.db('vouchers').where({ code }).first();
  // Mid-claim, as a racing redemption leaves it: online on the hotspot, its row marked, its queue not added yet.
  await h.router.remove('/queue/simple', queueOf(phone.mac)!['.id']);
  await h
    .core!.db('voucher_devices')
    .where({ voucher_id: v.id, mac: phone.mac })
    .update({ login_pending_at: h.clock.now() });
  expect((await h.core!.services.usage.runCycle()).skipped).toBeUndefined();
  expect(queueOf(phone.mac)).toBeUndefined();
  // Confirmed (record() clears the mark): from then on the poll owns the queue and puts it back.
  await h
    .core!.db('voucher_devices')
    .where({ voucher_id: v.id, mac: phone.mac })
    .update({ login_pending_at: null });
  await h.core!.services.usage.runCycle();
  expect(queueOf(phone.mac)?.['max-limit']).toBe('512000/1000000');
});

test('a claim still marked after a redemption could have finished (a controller killed mid-way): the poll takes its queue over', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, 2);
  expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
  await h.core!.services.redemption.settled();
  const v = await h.core!.db('vouchers').where({ code }).first();
  await h.router.remove('/queue/simple', queueOf(phone.mac)!['.id']);
  await h
    .core!.db('voucher_devices')
    .where({ voucher_id: v.id, mac: phone.mac })
    .update({ login_pending_at: h.clock.now() });
  h.clock.advance(CLAIM_OWNS_QUEUE_MS);
  await h.core!.services.usage.runCycle();
  // Online without a queue is online unmetered: the poll puts the queue back at once.
  expect(queueOf(phone.mac)?.['max-limit']).toBe('512000/1000000');
});
