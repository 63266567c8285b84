/**
 * The simulator against node-routeros 1.6.9's own RouterOSAPI, without src/router's wrapper (the library as
 * patches/node-routeros+1.6.9.patch leaves it). The simulator answers as RouterOS before 7.18 does, without
 * `!empty` replies (emptyReplies:false).
 */
import { RouterOSAPI } from 'node-routeros';
import { RouterSimulator } from '../../src/simulator';

let sim: RouterSimulator;
let api: RouterOSAPI;

beforeEach(async () => {
  sim = new RouterSimulator({ emptyReplies: false, users: [{ name: 'admin', password: 'pw' }] });
  const { port } = await sim.start();
  api = new RouterOSAPI({ host: '127.0.0.1', port, user: 'admin', password: 'pw', timeout: 5 });
  api.on('error', () => undefined);
  await api.connect();
});

afterEach(async () => {
  await api.close().catch(() => undefined);
  await sim.stop();
});

it('adds, prints, sets and removes queues with normalised values', async () => {
  const [added] = await api.write('/queue/simple/add', [
    '=name=pc-01',
    '=target=10.5.50.10',
    '=max-limit=512K/1M',
    '=disabled=yes',
  ]);
  expect(added).toEqual({ ret: '*1' });
  const rows = await api.write('/queue/simple/print', ['?name=pc-01']);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    '.id': '*1',
    name: 'pc-01',
    target: '10.5.50.10/32',
    'max-limit': '512000/1000000',
    'limit-at': '0/0',
    'burst-time': '0s/0s',
    parent: 'none',
    priority: '8/8',
    queue: 'default-small/default-small',
    bytes: '0/0',
    'total-bytes': '0',
    disabled: 'true',
    dynamic: 'false',
    invalid: 'false',
  });
  await api.write('/queue/simple/set', ['=.id=pc-01', '=max-limit=2M', '=disabled=no']);
  expect(sim.rows('/queue/simple')[0]).toMatchObject({ 'max-limit': '2000000/2000000', disabled: 'false' });
  expect(await api.write('/queue/simple/print', ['=count-only='])).toEqual([{ ret: '1' }]);
  await api.write('/queue/simple/remove', ['=numbers=*1']);
  expect(await api.write('/queue/simple/print')).toEqual([]);
});

it('rejects with RouterOS messages', async () => {
  await api.write('/ip/hotspot/user/add', ['=name=v1', '=password=x']);
  await expect(api.write('/ip/hotspot/user/add', ['=name=v1'])).rejects.toThrow(
    'failure: already have user with this name for this server',
  );
  await expect(api.write('/ip/hotspot/user/add', ['=name=v2', '=profile=gold'])).rejects.toThrow(
    'input does not match any value of profile',
  );
  await expect(api.write('/ip/hotspot/user/remove', ['=.id=*7'])).rejects.toThrow('no such item');
});

it('sets and reads the identity and resources', async () => {
  await api.write('/system/identity/set', ['=name=Shop-1']);
  expect(await api.write('/system/identity/print')).toEqual([{ name: 'Shop-1' }]);
  const [res] = await api.write('/system/resource/print');
  expect(res).toMatchObject({
    version: '7.18.2 (stable)',
    platform: 'MikroTik',
    uptime: expect.stringMatching(/^\d+[wdhms]/),
  });
});

it('fails the login with the wrong password', async () => {
  const bad = new RouterOSAPI({
    host: '127.0.0.1',
    port: sim.port,
    user: 'admin',
    password: 'nope',
    timeout: 5,
  });
  bad.on('error', () => undefined);
  await expect(bad.connect()).rejects.toMatchObject({ errno: 'CANTLOGIN' });
});
