import { createHarness, Harness } from '../helpers/harness';
import { addDevice } from '../portal/helpers';
import { adminApi, makeVendo, Phone } from './helpers';

describe('admin API for vendos', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses bad input with every field named, and nothing is written', async () => {
    const res = await adminApi(h, 'POST', '/vendos', {
      name: '',
      profile: 'NOPE',
      rates: [{ amount: 0, validity: '10m' }, { amount: 5 }],
      window_seconds: 5,
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_INPUT');
    expect(Object.keys(res.json.fields).sort()).toEqual(
      ['name', 'profile', 'rates[0].amount', 'rates[1].validity', 'window_seconds'].sort(),
    );
    expect(await h.core!.db('vendos')).toHaveLength(0);
    // Without the token: 401.
    const anon = await fetch(`${h.app!.url}/admin/api/vendos`);
    expect(anon.status).toBe(401);
  });

  it('PUT changes rates, name and on/off; a vendo switched off is refused to its board and left off the portal', async () => {
    const { id, board } = await makeVendo(h);
    const dup = await adminApi(h, 'POST', '/vendos', {
      name: 'vendo 1',
      profile: 'BASIC',
      rates: [{ amount: 1, validity: '10m' }],
    });
    expect(dup.status).toBe(409);
    expect(dup.json.code).toBe('VENDO_NAME_TAKEN');

    const put = await adminApi(h, 'PUT', `/vendos/${id}`, {
      name: 'Door box',
      rates: [{ amount: 2, validity: '30m' }],
      location: '',
    });
    expect(put.status).toBe(200);
    expect(put.json.vendo).toMatchObject({
      name: 'Door box',
      location: null,
      rates: [{ amount: 2, validity: '30m', seconds: 1800 }],
    });
    expect(put.json.vendo.secret).toBeUndefined();
    // The new rates apply to the next coin.
    await board.poll();
    const phone = new Phone(h, addDevice(h, 1));
    const s = await phone.start(id);
    await board.poll();
    expect((await board.insertCoin(5)).json).toMatchObject({ credit: 5, seconds: 2 * 1800 });
    await phone.finish(s.json.session);

    expect((await adminApi(h, 'PUT', `/vendos/${id}`, { enabled: false })).json.vendo.enabled).toBe(false);
    const refused = await board.poll();
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('VENDO_DISABLED');
    expect((await phone.call('GET', '/api/portal/vendos')).json.vendos).toEqual([]);
    expect((await adminApi(h, 'PUT', '/vendos/vendo-none', { enabled: true })).status).toBe(404);
    // Every change is in the audit log.
    const actions = (await h.core!.db('audit_log').select('action')).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['vendo.create', 'vendo.update']));
  });
});
