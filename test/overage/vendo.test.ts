/**
 * Coins at a vendo for a phone whose voucher waits at its cap: Done buys the plan's extra data (as many whole
 * purchases as the credit covers) instead of time, exactly once; coins not spent stay the phone's saved credit; a
 * credit below the price buys nothing and keeps the coins. The board's protocol does not change.
 */
import type { Harness } from '../helpers/harness';
import { redeemApi } from '../portal/helpers';
import { ledger, makeVendo, Phone } from '../vendos/helpers';
import { advance, routerBack } from '../usage/helpers';
import { cycle, MB, overageHarness, routerUser, sessionOf, usedUp } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await overageHarness();
});
afterEach(async () => {
  await h.close();
});

const row = (code: string) => h.core!.db('vouchers').where({ code }).first();

/** A phone whose CAP voucher is used up, at a coin window of a fresh vendo. */
async function atTheBox() {
  const used = await usedUp(h, 1);
  const vendo = await makeVendo(h, { profile: 'CAP' });
  const phone = new Phone(h, { mac: used.mac, ip: used.ip });
  await vendo.board.poll();
  const start = await phone.start(vendo.id);
  expect(start.status).toBe(200);
  await vendo.board.poll(); // the board sees the window open: its coin acceptor is on
  return { used, phone, ...vendo, session: start.json.session as string };
}

test('₱11 buys 200 MB once: the cap and the router’s limit rise, the phone is online, ₱1 stays saved, the report shows it', async () => {
  const { used, phone, id, board, session } = await atTheBox();
  // The board is answered as always (time by its rate table): its protocol is unchanged.
  expect((await board.insertCoin(5)).json).toMatchObject({ success: true, credit: 5, validity: '1h' });
  await board.insertCoin(5);
  await board.insertCoin(1);
  // The portal shows what Done buys: extra data, not time.
  expect((await phone.session(session)).json).toMatchObject({
    credit: 11,
    extra_data: { offers: 1, bytes: 200 * MB, price: 10, text: '200.0 MB' },
  });

  const done = await phone.finish(session);
  expect(done.status).toBe(200);
  expect(done.json).toMatchObject({
    success: true,
    code: used.code,
    top_up: true,
    seconds: 0,
    relogin: true,
    credit: 10,
    extra_data: { offers: 1, bytes: 200 * MB, amount: 10, saved_credit: 1 },
  });
  const v = await row(used.code);
  expect(Number(v.extra_bytes)).toBe(200 * MB);
  expect(routerUser(h, used.code)!['limit-bytes-total']).toBe(String(700 * MB));
  expect(sessionOf(h, used.mac)).toMatchObject({ user: used.code });
  // The sale, and the coins that paid for it; the ₱1 coin is the phone's saved credit.
  expect(await h.core!.db('voucher_charges')).toMatchObject([
    { kind: 'overage', amount: 1000, voucher_id: v.id, actor: 'vendo Vendo 1' },
  ]);
  expect((await ledger(h, id)).map((c) => [c.amount, c.voucher_id, c.claimed_at !== null])).toEqual([
    [500, v.id, true],
    [500, v.id, true],
    [100, null, false],
  ]);
  expect(await h.core!.services.vendos.savedCredit(used.mac)).toBe(100);
  expect((await board.poll()).json).toEqual({ state: 'idle' });
  expect((await phone.session(session)).json).toMatchObject({ state: 'finished' });
  // Done twice: refused, nothing spent or added again.
  expect((await phone.finish(session)).status).toBe(409);
  expect(Number((await row(used.code)).extra_bytes)).toBe(200 * MB);

  const sources = await h.core!.services.reports.bySource({
    from: h.clock.now() - 86_400_000,
    to: h.clock.now() + 1,
  });
  expect(sources.sources).toContainEqual({ key: 'charge:overage', label: 'Extra data' });
  expect(sources.totals['charge:overage']).toEqual({ count: 1, amount: 1000 });
  expect(sources.totals.topup).toEqual({ count: 0, amount: 0 });
  expect(sources.totals[`vendo:${id}`]).toEqual({ count: 0, amount: 0 });
  const events = await h.core!.db('events').where({ voucher_id: v.id, kind: 'overage' });
  expect(events[0].message).toBe('Extra data bought: 200.0 MB extra data for ₱10.00, by vendo Vendo 1');
});

test('₱25 buys two purchases (400 MB) and keeps ₱5', async () => {
  const { used, phone, board, session } = await atTheBox();
  for (const c of [5, 5, 5, 5, 5]) await board.insertCoin(c);
  const done = await phone.finish(session);
  expect(done.json).toMatchObject({
    extra_data: { offers: 2, bytes: 400 * MB, amount: 20, saved_credit: 5 },
  });
  expect(Number((await row(used.code)).extra_bytes)).toBe(400 * MB);
  expect(await h.core!.services.vendos.savedCredit(used.mac)).toBe(500);
});

test('a credit below the price buys nothing: a clear message, the coins kept and spent with the next ones', async () => {
  const { used, phone, id, board, session } = await atTheBox();
  await board.insertCoin(5);
  const short = await phone.finish(session);
  expect(short.status).toBe(400);
  expect(short.json).toMatchObject({
    code: 'EXTRA_DATA_CREDIT_TOO_SMALL',
    error:
      '₱5.00 is not enough for 200.0 MB of extra data (₱10.00); insert ₱5.00 more. Your coins are kept for this phone.',
  });
  const fil = await phone.call('POST', '/api/portal/vendo/finish', { session }, { 'accept-language': 'fil' });
  expect(fil.json.error).toMatch(/Kulang pa ang iyong credit para sa dagdag na data/);
  expect((await board.poll()).json).toMatchObject({ state: 'armed', session });
  expect(await h.core!.db('voucher_charges')).toHaveLength(0);
  // The window runs out: the ₱5 is the phone's saved credit, and the next window's ₱5 spends it with its own.
  advance(h, 61);
  expect((await board.poll()).json).toEqual({ state: 'idle' });
  expect(await h.core!.services.vendos.savedCredit(used.mac)).toBe(500);
  const again = await phone.start(id);
  await board.poll();
  await board.insertCoin(5);
  const done = await phone.finish(again.json.session);
  expect(done.json).toMatchObject({ extra_data: { offers: 1, amount: 10, saved_credit: 0 } });
  expect(await h.core!.services.vendos.savedCredit(used.mac)).toBe(0);
});

test('two Dones at once spend the coins once', async () => {
  const { used, phone, board, session } = await atTheBox();
  await board.insertCoin(10);
  const replies = await Promise.all([phone.finish(session), phone.finish(session)]);
  expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
  expect(await h.core!.db('voucher_charges')).toHaveLength(1);
  expect(Number((await row(used.code)).extra_bytes)).toBe(200 * MB);
});

test('the router away at Done: the purchase is kept, the poll raises the limit, the phone logs in after', async () => {
  const { used, phone, board, session } = await atTheBox();
  await board.insertCoin(10);
  h.sim.setReachable(false);
  for (let i = 0; i < 200 && h.router.status.connected; i++) await new Promise((r) => setTimeout(r, 10));
  const done = await phone.finish(session);
  expect(done.status).toBe(200);
  expect(done.json).toMatchObject({ relogin: false, extra_data: { bytes: 200 * MB } });
  expect(Number((await row(used.code)).extra_bytes)).toBe(200 * MB);
  expect(routerUser(h, used.code)!['limit-bytes-total']).toBe(String(500 * MB));
  h.sim.setReachable(true);
  await routerBack(h);
  advance(h, 30);
  await cycle(h);
  expect(routerUser(h, used.code)!['limit-bytes-total']).toBe(String(700 * MB));
  const back = await redeemApi(h, { code: used.code, mac: used.mac, ip: used.ip });
  expect(back.status).toBe(200);
  expect(sessionOf(h, used.mac)).toBeDefined();
});
