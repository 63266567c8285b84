/**
 * A coin window is opened for the MAC the page names. Only the device itself (its portal cookie, or asking from
 * the address the hotspot gives that MAC) sees or spends its saved credit, or closes its window at another box;
 * someone on the WiFi naming another device's MAC gains nothing and takes nothing from it.
 */
import { createHarness, Harness } from '../helpers/harness';
import { addDevice } from '../portal/helpers';
import { addProvenDevice, makeVendo, Phone } from './helpers';

describe('coin windows opened for a device that did not prove itself', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  /** The owner's phone leaves 6 pesos of saved credit (a window that timed out). */
  async function savedCreditOf6(id: string, board: Awaited<ReturnType<typeof makeVendo>>['board']) {
    const owner = new Phone(h, addProvenDevice(h, 1));
    await board.poll();
    const first = await owner.start(id);
    expect(first.json).toMatchObject({ success: true, saved_credit: 0 });
    await board.poll();
    await board.insertCoin(5);
    await board.insertCoin(1);
    h.clock.advance(61_000);
    await board.poll();
    return owner;
  }

  it('someone naming the device sees none of its saved credit and cannot spend it without paying', async () => {
    const { id, board } = await makeVendo(h);
    const owner = await savedCreditOf6(id, board);
    const nosy = new Phone(h, owner.device, '127.0.0.2');
    const s = await nosy.start(id);
    expect(s.json).toMatchObject({ success: true, saved_credit: 0 });
    expect((await nosy.session(s.json.session)).json).toMatchObject({ credit: 0, saved_credit: 0 });
    // Its window's cookie is no proof of the device either.
    const list = await nosy.call('GET', `/api/portal/vendos?mac=${encodeURIComponent(owner.device.mac)}`);
    expect(list.json.saved_credit).toBe(0);
    const done = await nosy.finish(s.json.session);
    expect(done.json).toMatchObject({ success: false, code: 'NO_CREDIT' });
    // The owner still has all of it, and spends it.
    h.clock.advance(61_000);
    await board.poll();
    const again = await owner.start(id);
    expect(again.json).toMatchObject({ success: true, saved_credit: 6 });
    expect((await owner.finish(again.json.session)).json).toMatchObject({ success: true, credit: 6 });
  });

  it('someone naming the device cannot close its open window at another box', async () => {
    const a = await makeVendo(h, { name: 'Box A' });
    const b = await makeVendo(h, { name: 'Box B' });
    const owner = new Phone(h, addProvenDevice(h, 1));
    await a.board.poll();
    await b.board.poll();
    const open = await owner.start(a.id);
    expect(open.json.success).toBe(true);
    const nosy = new Phone(h, owner.device, '127.0.0.2');
    const refused = await nosy.start(b.id);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ success: false, code: 'VENDO_DEVICE_BUSY' });
    expect(refused.json.error).toContain('Box A');
    expect((await owner.session(open.json.session)).json.state).toBe('armed');
    // The device itself may move to the other box: its window at A closes.
    const moved = await owner.start(b.id);
    expect(moved.json.success).toBe(true);
    const atA = await h.core!.db('vendo_sessions').where({ id: open.json.session }).first('state');
    expect(atA.state).toBe('expired');
  });

  it('a customer whose phone cannot prove itself (a NATed portal) gets the saved credit with the next coin', async () => {
    const { id, board } = await makeVendo(h);
    const phone = new Phone(h, addDevice(h, 3), '127.0.0.4');
    await board.poll();
    await phone.start(id);
    await board.poll();
    await board.insertCoin(5);
    h.clock.advance(61_000);
    await board.poll();
    const next = await phone.start(id);
    // Not shown (the portal cannot tell it is that phone), but not lost either: a coin paid for this device
    // makes the Done a real purchase for it, and the router checks the device at the login.
    expect(next.json.saved_credit).toBe(0);
    expect((await phone.finish(next.json.session)).json.code).toBe('NO_CREDIT');
    await board.poll();
    await board.insertCoin(1);
    const done = await phone.finish(next.json.session);
    expect(done.json).toMatchObject({ success: true, credit: 6 });
  });

  it('a proof given later (a reload from the hotspot address) proves the window from then on', async () => {
    const { id, board } = await makeVendo(h);
    const owner = await savedCreditOf6(id, board);
    // The same device, first from elsewhere (unproven), then from its hotspot address.
    const elsewhere = new Phone(h, owner.device, '127.0.0.5');
    const s = await elsewhere.start(id);
    expect(s.json.saved_credit).toBe(0);
    owner.cookies = new Map(elsewhere.cookies);
    const reload = await owner.start(id);
    expect(reload.json).toMatchObject({ success: true, session: s.json.session, saved_credit: 6 });
    expect((await owner.finish(s.json.session)).json).toMatchObject({ success: true, credit: 6 });
  });
});
