/**
 * A redemption whose claim commits late (a loaded database) while the controller's own background work runs
 * beside it. The users check reads the router's users, then the database, and puts back what the vouchers
 * call for: a one-device code's binding must never be written from a voucher row read before the claim
 * committed, or the code works on a second device until the next check. The poll adopts sessions it did not
 * start: the redemption's own session, seen before its claim committed, is not one of them.
 */
import { createHarness, Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { onPostgres } from '../helpers/test-db';
import { addDevice, makeVouchers, voucherRow } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

/**
 * Holds the voucher's activation in the database until the returned function is called: on PostgreSQL a
 * lock on its row (its claim's UPDATE waits, reads do not), on SQLite a transaction holding the one writing
 * connection (the claim's statements wait in the pool's queue, and so does anything queued after them).
 */
async function holdActivation(voucherId: number, lock = 'FOR NO KEY UPDATE'): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const holding = new Promise<void>((r) => (held = r));
  const trx = h.core!.db.transaction(async (t) => {
    if (onPostgres) await t.raw(`SELECT id FROM vouchers WHERE id = ? ${lock}`, [voucherId]);
    else await t('vouchers').where({ id: voucherId }).first('id');
    held();
    await released;
  });
  await holding;
  return async () => {
    release();
    await trx;
  };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

test('a users check reading the router after the login and the database before the claim leaves the binding to the redemption', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, 1);
  const v = await voucherRow(h, code);
  const release = await holdActivation(Number(v.id));

  const redeemed = h.core!.services.redemption.redeem({ code, ...phone });
  redeemed.catch(() => undefined);
  // The router's side went ahead of the claim: the device is online with its queue.
  await until('the login and the queue', () =>
    h.sim.rows('/queue/simple').some((q) => q.name === `pisonet-${phone.mac}`),
  );

  // The check prints the users now, and reads the vouchers while the claim has not committed.
  const prints = () => h.sim.stats.commandsByPath['/ip/hotspot/user/print'] ?? 0;
  const printed = prints();
  const checked = h.core!.defaultStack.hotspotUsers!.check();
  checked.catch(() => undefined);
  await until('the users check to print the users', () => prints() > printed);
  await new Promise((r) => setTimeout(r, 100)); // its voucher read is on its way (SQLite: queued)

  await release();
  expect(await redeemed).toMatchObject({ code, relogin: false });
  await checked;
  await h.core!.services.redemption.settled();

  expect(await voucherRow(h, code)).toMatchObject({ status: 'active', bound_mac: phone.mac });
  const user = h.sim.rows('/ip/hotspot/user').find((u) => u.name === code);
  expect(user?.['mac-address']).toBe(phone.mac);
  // And the next check finds nothing to put back.
  expect(await h.core!.defaultStack.hotspotUsers!.check()).toMatchObject({ fixed: 0, added: 0 });
});

describePostgresOnly('a poll beside a redemption whose claim commits late', () => {
  test('does not activate the voucher from the session that redemption is logging in', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const phone = addDevice(h, 1);
    const v = await voucherRow(h, code);
    // FOR UPDATE: the claim's first statement (its device row, whose foreign key shares the voucher's row)
    // waits too, so the whole claim is late.
    const release = await holdActivation(Number(v.id), 'FOR UPDATE');

    const redeemed = h.core!.services.redemption.redeem({ code, ...phone });
    redeemed.catch(() => undefined);
    await until('the login', () => h.sim.rows('/ip/hotspot/active').some((a) => a.user === code));

    // The poll sees the session of an unused voucher: a first login on the router's own page, as far as it knows.
    const cycle = h.core!.services.usage.runCycle();
    cycle.catch(() => undefined);
    // The poll either finishes, or waits on the voucher's row beside the claim: it is activating it.
    const waiting = async () =>
      Number(
        (
          (await h.core!.db.raw('SELECT count(*) AS n FROM pg_locks WHERE NOT granted')) as {
            rows: Array<{ n: string }>;
          }
        ).rows[0].n,
      );
    let over = false;
    void cycle.finally(() => (over = true)).catch(() => undefined);
    for (let i = 0; i < 500 && !over && (await waiting()) < 2; i++)
      await new Promise((r) => setTimeout(r, 10));

    await release();
    expect(await redeemed).toMatchObject({ code, relogin: false });
    await cycle;
    await h.core!.services.redemption.settled();

    expect(await voucherRow(h, code)).toMatchObject({ status: 'active', bound_mac: phone.mac });
    const user = h.sim.rows('/ip/hotspot/user').find((u) => u.name === code);
    expect(user?.['mac-address']).toBe(phone.mac);
    // A portal sale, and the customer's login stood: never logged out and in again.
    const events = await h.core!.services.events.list({ voucherCode: code });
    expect(events.map((e) => e.kind)).not.toContain('activated-on-router');
    expect(h.sim.stats.commandsByPath['/ip/hotspot/active/remove'] ?? 0).toBe(0);
  });
});
