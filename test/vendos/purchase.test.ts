import { createHarness, Harness } from '../helpers/harness';
import { addDevice, voucherRow } from '../portal/helpers';
import { ledger, makeVendo, Phone } from './helpers';

describe('buying time with coins on a vendo (HTTP, simulated router and board)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('₱1 + ₱5 puts the phone online with the rate table’s time and the profile’s speed', async () => {
    const { id, board } = await makeVendo(h);
    const phone = new Phone(h, addDevice(h, 1));
    expect((await board.poll()).json).toEqual({ state: 'idle' });

    const start = await phone.start(id);
    expect(start.status).toBe(200);
    expect(start.json).toMatchObject({ success: true, expires_in: 60, saved_credit: 0 });
    const session = start.json.session as string;

    expect((await board.poll()).json).toEqual({ state: 'armed', session, expires_in: 60, credit: 0 });
    const one = await board.insertCoin(1);
    expect(one.json).toEqual({
      success: true,
      credit: 1,
      validity: '10m',
      seconds: 600,
      duplicate: false,
      saved: false,
    });
    h.clock.advance(20_000);
    const five = await board.insertCoin(5);
    expect(five.json).toMatchObject({ success: true, credit: 6, validity: '1h10m', seconds: 4200 });
    // Every coin restarts the window.
    expect((await board.poll()).json).toMatchObject({ state: 'armed', expires_in: 60, credit: 6 });
    expect((await phone.session(session)).json).toEqual({
      success: true,
      state: 'armed',
      credit: 6,
      saved_credit: 0,
      validity: '1h10m',
      seconds: 4200,
      expires_in: 60,
    });

    const done = await phone.finish(session);
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      success: true,
      profile: 'BASIC',
      rate_up: 512000,
      rate_down: 1000000,
      credit: 6,
      validity: '1h10m',
      seconds: 4200,
      top_up: false,
      expires_at: new Date(h.clock.now() + 4200_000).toISOString(),
    });
    const code = done.json.code as string;
    // On the router: the session, the device's queue at the profile's speed, the user limited to the bought time.
    const active = h.sim.rows('/ip/hotspot/active').find((a) => a.user === code);
    expect(active).toMatchObject({ 'mac-address': phone.device.mac, address: phone.device.ip });
    const queue = h.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${phone.device.mac}`);
    expect(queue).toMatchObject({ 'max-limit': '512000/1000000', target: `${phone.device.ip}/32` });
    expect(h.sim.rows('/ip/hotspot/user').find((u) => u.name === code)).toMatchObject({
      'limit-uptime': '1h10m',
    });
    // The voucher: sold at the credit, by this vendo; the coins point at it; the window is over.
    const v = await voucherRow(h, code);
    expect(v).toMatchObject({ status: 'active', price: 600, vendo_id: id, bound_mac: phone.device.mac });
    expect((await ledger(h, id)).map((c) => [c.seq, c.amount, c.voucher_id])).toEqual([
      [1, 100, v.id],
      [2, 500, v.id],
    ]);
    expect((await board.poll()).json).toEqual({ state: 'idle' });
    expect((await phone.session(session)).json).toMatchObject({ state: 'finished', credit: 6 });
    // The portal status now shows the device's voucher (the finish set the device cookie).
    const status = await phone.call('GET', `/api/portal/status?mac=${encodeURIComponent(phone.device.mac)}`);
    expect(status.json).toMatchObject({ active: true, profile: 'BASIC', remaining_seconds: 4200 });
    // Done twice: refused, nothing spent again.
    expect((await phone.finish(session)).status).toBe(409);
    // The shop's feed: one entry for the purchase (in the vendo's words) and the login; no generic "Sold" beside it.
    await h.core!.services.redemption.settled();
    const feed = (await h.core!.db('events').where({ voucher_id: v.id }).orderBy('id')) as Array<{
      kind: string;
      message: string;
    }>;
    expect(feed.map((e) => e.kind)).toEqual(['vendo-sale', 'login']);
    expect(feed[0].message).toBe(`Bought with ₱6.00 of coins at Vendo 1: 1h 10m, by ${phone.device.mac}`);
  });

  it('a finish with no coins and no saved credit is a 400 with a message, and the window stays open', async () => {
    const { id, board } = await makeVendo(h);
    const phone = new Phone(h, addDevice(h, 1));
    await board.poll();
    const { json } = await phone.start(id);
    const res = await phone.finish(json.session);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, code: 'NO_CREDIT' });
    expect(res.json.error).toMatch(/Insert a coin/);
    // A Filipino page gets the Filipino wording.
    const fil = await phone.call(
      'POST',
      '/api/portal/vendo/finish',
      { session: json.session },
      { 'accept-language': 'fil' },
    );
    expect(fil.json).toMatchObject({
      code: 'NO_CREDIT',
      error: expect.stringMatching(/Maghulog muna ng barya/),
    });
    expect((await board.poll()).json).toMatchObject({ state: 'armed', session: json.session });
  });

  it('less than the smallest rate buys nothing yet and keeps the coins', async () => {
    const { id, board } = await makeVendo(h, { rates: [{ amount: 5, validity: '1h' }] });
    const phone = new Phone(h, addDevice(h, 1));
    await board.poll();
    const { json } = await phone.start(id);
    await board.poll();
    expect((await board.insertCoin(1)).json).toMatchObject({ credit: 1, seconds: 0, validity: '0s' });
    const res = await phone.finish(json.session);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'CREDIT_TOO_SMALL' });
    expect(res.json.error).toContain('₱5.00');
    await board.insertCoin(5);
    expect((await phone.finish(json.session)).json).toMatchObject({
      success: true,
      credit: 6,
      seconds: 3600,
    });
  });

  it('two phones on one vendo: the second is told it is busy; the first may start again', async () => {
    const { id, board } = await makeVendo(h);
    const a = new Phone(h, addDevice(h, 1));
    const b = new Phone(h, addDevice(h, 2));
    await board.poll();
    const first = await a.start(id);
    expect(first.status).toBe(200);
    const second = await b.start(id);
    expect(second.status).toBe(409);
    expect(second.json).toMatchObject({ success: false, code: 'VENDO_BUSY' });
    expect(second.json.error).toMatch(/Someone else is using Vendo 1/);
    expect((await a.start(id)).json.session).toBe(first.json.session);
    // Once the window times out the box is free for the next customer.
    h.clock.advance(61_000);
    await board.poll();
    expect((await b.start(id)).status).toBe(200);
  });

  it('a window belongs to the browser that started it: nobody else reads or finishes it', async () => {
    const { id, board } = await makeVendo(h);
    const owner = new Phone(h, addDevice(h, 1));
    const stranger = new Phone(h, addDevice(h, 2));
    await board.poll();
    const { json } = await owner.start(id);
    await board.poll();
    await board.insertCoin(5);
    expect((await stranger.session(json.session)).status).toBe(404);
    expect((await stranger.finish(json.session)).status).toBe(404);
    // A forged cookie naming the window is no better.
    stranger.cookies.set('pisonet_vendo', `${json.session}.AAAA`);
    expect((await stranger.finish(json.session)).status).toBe(404);
    expect(await h.core!.db('vendo_coins').whereNotNull('claimed_at')).toHaveLength(0);
    expect((await owner.finish(json.session)).status).toBe(200);
  });

  it('an offline vendo (never polled) cannot be started', async () => {
    const { id } = await makeVendo(h);
    const res = await new Phone(h, addDevice(h, 1)).start(id);
    expect(res.status).toBe(503);
    expect(res.json.code).toBe('VENDO_OFFLINE');
  });
});
