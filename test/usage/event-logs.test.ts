/**
 * The shop's log tells the day's story: each redemption on the portal, each login on the router's own
 * page, each voucher that ends, at info and with the code masked (a full code is a customer's key).
 */
import { maskCode } from '../../src/lib/logger';
import { createRedemptionService } from '../../src/services/shop/redemption';
import {
  advance,
  capturingLogger,
  depsOf,
  freshUsage,
  Harness,
  loginOnRouter,
  seedVoucher,
  usageHarness,
  voucher,
} from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await usageHarness();
});
afterEach(async () => {
  await h.close();
});

const withEvent = (lines: Array<Record<string, unknown>>, event: string) =>
  lines.filter((l) => l.event === event);

test('portal redemptions and re-logins are logged at info with the code masked', async () => {
  const { log, lines } = capturingLogger();
  const core = h.core!;
  const redemption = createRedemptionService(depsOf(h, log));
  // The router's user profile must allow several sessions per user (docs/router-setup.md).
  const [def] = await h.router.print('/ip/hotspot/user/profile', { query: ['name=default'] });
  await h.router.set('/ip/hotspot/user/profile', def['.id'], { 'shared-users': 'unlimited' });
  const { vouchers } = await core.services.vouchers.generate(
    { profile: 'MULTI', count: 1 },
    { name: 'test', via: 'system' },
  );
  const code = vouchers[0].code;
  h.sim.addDevice({ mac: '02:00:00:00:00:11', ip: '10.5.50.11' });
  h.sim.addDevice({ mac: '02:00:00:00:00:12', ip: '10.5.50.12' });

  await redemption.redeem({ code, mac: '02:00:00:00:00:11', ip: '10.5.50.11' });
  await redemption.redeem({ code, mac: '02:00:00:00:00:12', ip: '10.5.50.12' });
  await redemption.redeem({ code, mac: '02:00:00:00:00:11', ip: '10.5.50.11' });

  const redeems = withEvent(lines, 'redeem');
  expect(redeems).toHaveLength(2);
  expect(redeems[0]).toMatchObject({
    level: 30,
    module: 'portal',
    voucher: maskCode(code),
    mac: '02:00:00:00:00:11',
    ip: '10.5.50.11',
    msg: `voucher ${maskCode(code)} redeemed on the portal (MULTI) by 02:00:00:00:00:11`,
  });
  expect(redeems[1]).toMatchObject({ mac: '02:00:00:00:00:12' });
  expect(withEvent(lines, 'login')).toEqual([
    expect.objectContaining({ level: 30, voucher: maskCode(code), mac: '02:00:00:00:00:11' }),
  ]);
  expect(JSON.stringify(lines)).not.toContain(code);
});

test('a login on the router’s own page and the voucher’s end are logged, code masked', async () => {
  const { log, lines } = capturingLogger();
  const usage = freshUsage(h, log);
  const code = await seedVoucher(h, 'BASIC', 'ROUTER9Q4M');
  await loginOnRouter(h, code, '02:00:00:00:00:21', '10.5.50.21');
  await usage.runCycle();
  expect(withEvent(lines, 'login')).toEqual([
    expect.objectContaining({
      level: 30,
      module: 'usage',
      voucher: maskCode(code),
      mac: '02:00:00:00:00:21',
      first: true,
    }),
  ]);

  advance(h, 3601); // BASIC is valid for an hour
  await usage.runCycle();
  expect((await voucher(h, code)).status).toBe('expired');
  expect(withEvent(lines, 'expired')).toEqual([
    expect.objectContaining({ level: 30, voucher: maskCode(code), status: 'expired' }),
  ]);

  // A data cap used up: exhausted.
  const capped = await seedVoucher(h, 'FUP', 'CAPPED3W8R');
  await loginOnRouter(h, capped, '02:00:00:00:00:22', '10.5.50.22');
  await usage.runCycle();
  // Within the queue's speeds: over the FUP threshold first, then past the 200M cap.
  h.sim.addTraffic('02:00:00:00:00:22', { up: 0, down: 150_000_000 }, 300);
  advance(h, 300);
  await usage.runCycle();
  h.sim.addTraffic('02:00:00:00:00:22', { up: 0, down: 60_000_000 }, 1_000);
  advance(h, 1_000);
  await usage.runCycle();
  expect((await voucher(h, capped)).status).toBe('exhausted');
  expect(withEvent(lines, 'exhausted')).toEqual([
    expect.objectContaining({ level: 30, voucher: maskCode(capped) }),
  ]);

  const all = JSON.stringify(lines);
  expect(all).not.toContain(code);
  expect(all).not.toContain(capped);
});
