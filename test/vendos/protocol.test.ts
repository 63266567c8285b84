import { createHarness, Harness } from '../helpers/harness';
import { addDevice } from '../portal/helpers';
import { signedHeaders } from '../../src/services/shop/vendos/signature';
import { addProvenDevice, adminApi, ledger, makeVendo, Phone } from './helpers';
import { insertedId } from '../../src/db/knex';

describe('the board protocol: signatures, retries, duplicates, reordering, delays', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  async function armed() {
    const v = await makeVendo(h);
    const phone = new Phone(h, addProvenDevice(h, 1));
    await v.board.poll();
    const { json } = await phone.start(v.id);
    await v.board.poll();
    return { ...v, phone, session: json.session as string };
  }

  it('the same coin sent three times (lost replies, byte for byte or signed anew) is credited once', async () => {
    const { id, board, session } = await armed();
    const body = board.coinBody(1, 5);
    const first = await board.send('POST', '/api/vendo/v1/coin', body);
    expect(first.json).toMatchObject({ success: true, credit: 5, duplicate: false });
    // The board never saw that reply: it sends the same bytes again, then a freshly signed copy later.
    const again = await board.send('POST', '/api/vendo/v1/coin', body);
    h.clock.advance(3000);
    const resigned = await board.send('POST', '/api/vendo/v1/coin', body);
    for (const r of [again, resigned]) {
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        success: true,
        credit: 5,
        validity: '1h',
        seconds: 3600,
        duplicate: true,
      });
    }
    expect(await ledger(h, id)).toHaveLength(1);
    expect((await board.poll()).json).toMatchObject({ session, credit: 5 });
  });

  it('a coin after Done shows the board only what is unspent: saved, its repeat too', async () => {
    const { board, phone, session } = await armed();
    await board.send('POST', '/api/vendo/v1/coin', board.coinBody(1, 5));
    expect((await phone.finish(session)).json).toMatchObject({ success: true, credit: 5 });
    // A coin the board sent late, after the ₱5 bought an hour: the ₱5 is spent, only the new ₱5 is credit.
    const late = await board.send('POST', '/api/vendo/v1/coin', board.coinBody(2, 5));
    expect(late.json).toMatchObject({ success: true, credit: 5, duplicate: false, saved: true });
    const again = await board.send('POST', '/api/vendo/v1/coin', board.coinBody(2, 5));
    expect(again.json).toMatchObject({ success: true, credit: 5, duplicate: true, saved: true });
  });

  it('a request with an old timestamp or a wrong signature is 401 and credits nothing', async () => {
    const { id, secret, board } = await armed();
    const body = board.coinBody(1, 10);
    const post = (headers: Record<string, string>) =>
      fetch(`${h.app!.url}/api/vendo/v1/coin`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
      });
    const now = h.clock.now() / 1000;
    // A captured request replayed six minutes later.
    const old = await post(signedHeaders(id, secret, 'POST', '/api/vendo/v1/coin', body, now - 360));
    expect(old.status).toBe(401);
    expect(((await old.json()) as { code: string }).code).toBe('VENDO_AUTH');
    // Signed with another secret; signed for another body; signed for another path; no signature at all.
    const cases = [
      signedHeaders(id, 'not-the-secret', 'POST', '/api/vendo/v1/coin', body, now),
      signedHeaders(id, secret, 'POST', '/api/vendo/v1/coin', board.coinBody(1, 20), now),
      signedHeaders(id, secret, 'POST', '/api/vendo/v1/poll', body, now),
      { 'X-Vendo-Id': id },
      signedHeaders('vendo-nobody', secret, 'POST', '/api/vendo/v1/coin', body, now),
    ];
    for (const headers of cases) expect((await post(headers)).status).toBe(401);
    // A GET poll needs its signature too.
    expect((await fetch(`${h.app!.url}/api/vendo/v1/poll`)).status).toBe(401);
    expect(await ledger(h, id)).toHaveLength(0);
    // Any other path under the board's API is still authenticated first.
    expect((await fetch(`${h.app!.url}/api/vendo/v1/anything`)).status).toBe(401);
  });

  it('failures from one address are rate-limited', async () => {
    const { id } = await armed();
    let last = 0;
    for (let i = 0; i < 21; i++) {
      const res = await fetch(`${h.app!.url}/api/vendo/v1/poll`, {
        headers: {
          'X-Vendo-Id': id,
          'X-Vendo-Timestamp': String(Math.floor(h.clock.now() / 1000)),
          'X-Vendo-Signature': '0'.repeat(64),
        },
      });
      last = res.status;
    }
    expect(last).toBe(429);
  });

  it('reordered and delayed coins: each distinct seq credited once; a coin after the window is saved credit', async () => {
    const { id, board, phone, session } = await armed();
    // seq 3 arrives before seq 2, and seq 2 twice.
    expect((await board.send('POST', '/api/vendo/v1/coin', board.coinBody(3, 1))).json).toMatchObject({
      credit: 1,
    });
    expect((await board.send('POST', '/api/vendo/v1/coin', board.coinBody(2, 5))).json).toMatchObject({
      credit: 6,
    });
    expect((await board.send('POST', '/api/vendo/v1/coin', board.coinBody(2, 5))).json).toMatchObject({
      credit: 6,
      duplicate: true,
    });
    // seq 1 was delayed past the window's end (every coin restarted it: it ends 60 s after the last one).
    h.clock.advance(61_000);
    const late = await board.send('POST', '/api/vendo/v1/coin', board.coinBody(1, 10));
    expect(late.json).toMatchObject({ success: true, credit: 16, saved: true });
    expect((await board.poll()).json).toEqual({ state: 'idle' });
    expect((await phone.session(session)).json).toMatchObject({ state: 'expired', credit: 16 });
    expect((await ledger(h, id)).map((c) => [c.seq, c.amount])).toEqual([
      [1, 1000],
      [2, 500],
      [3, 100],
    ]);
    // The next visit claims all of it.
    await board.poll();
    const next = await phone.start(id);
    expect(next.json.saved_credit).toBe(16);
    await board.poll();
    const done = await phone.finish(next.json.session);
    expect(done.json).toMatchObject({ success: true, credit: 16, seconds: 3 * 3600 + 3600 + 600 });
  });

  it('a coin for a window the controller never opened is refused (the board keeps it) and not recorded', async () => {
    const { id, board } = await armed();
    const r = await board.send(
      'POST',
      '/api/vendo/v1/coin',
      JSON.stringify({ session: 'made-up', seq: 1, amount: 5 }),
    );
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('UNKNOWN_SESSION');
    const bad = await board.send(
      'POST',
      '/api/vendo/v1/coin',
      JSON.stringify({ session: 'x', seq: 0, amount: 5 }),
    );
    expect(bad.status).toBe(400);
    const notJson = await board.send('POST', '/api/vendo/v1/coin', 'seq=1');
    expect(notJson.status).toBe(400);
    const tooBig = await board.send('POST', '/api/vendo/v1/coin', board.coinBody(1, 5000));
    expect(tooBig.status).toBe(400);
    expect(await ledger(h, id)).toHaveLength(0);
  });

  it('rotating the secret stops the old one at once', async () => {
    const { id, board } = await armed();
    const rotated = await adminApi(h, 'POST', `/vendos/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.json.vendo.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await board.poll()).status).toBe(401);
    // The secret is shown once: never in the list.
    const list = await adminApi(h, 'GET', '/vendos');
    expect(JSON.stringify(list.json)).not.toContain(rotated.json.vendo.secret);
    // Stored sealed, not as text.
    const row = await h.core!.db('vendos').where({ id }).first();
    expect(row.secret_enc).not.toContain(rotated.json.vendo.secret);
  });
});

describe('the long poll and interrupted Dones', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('an idle long poll is answered as soon as a customer opens a window', async () => {
    const { id, board } = await makeVendo(h);
    await board.poll();
    const held = board.poll(25);
    let answered = false;
    void held.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    const phone = new Phone(h, addDevice(h, 1));
    const { json } = await phone.start(id);
    expect((await held).json).toMatchObject({ state: 'armed', session: json.session, credit: 0 });
  });

  it('a Done stopped half-way (controller killed) is undone at the next start: the coins are saved credit again', async () => {
    const { id, board } = await makeVendo(h);
    const phone = new Phone(h, addProvenDevice(h, 1));
    await board.poll();
    const s = await phone.start(id);
    await board.poll();
    await board.insertCoin(5);
    // What a Done leaves when the controller dies between claiming the coins and the login: the window
    // `finishing`, the coins claimed by a voucher that never became active.
    const db = h.core!.db;
    const now = h.clock.now();
    const voucherId = insertedId(
      await db('vouchers')
        .insert({
          code: 'HALFWAY1',
          profile_id: (await db('profiles').where({ name: 'BASIC' }).first()).id,
          price: 500,
          rate_limit_up: 512000,
          rate_limit_down: 1000000,
          status: 'unused',
          vendo_id: id,
          created_at: now,
          updated_at: now,
        })
        .returning('id'),
    );
    await db('vendo_sessions')
      .where({ id: s.json.session })
      .update({ state: 'finishing', ended_at: now, voucher_id: voucherId });
    await db('vendo_coins').where({ vendo_id: id }).update({ claimed_at: now, voucher_id: voucherId });
    h.clock.advance(2 * 60_000);
    await board.poll();
    const again = await phone.start(id);
    expect(again.json).toMatchObject({ success: true, saved_credit: 5 });
    expect(await db('vouchers').where({ id: voucherId }).first()).toMatchObject({ status: 'revoked' });
    expect((await phone.finish(again.json.session)).json).toMatchObject({
      success: true,
      credit: 5,
      seconds: 3600,
    });
  });
});
