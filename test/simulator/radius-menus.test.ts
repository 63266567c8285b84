/**
 * `/radius`, `/radius/incoming` and the hotspot server profile's RADIUS settings: what they print, what they
 * refuse, and that they outlive a restart like the rest of the configuration.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

let sim: RouterSimulator;
let c: RawClient;

beforeEach(async () => {
  sim = new RouterSimulator();
  c = await RawClient.login((await sim.start()).port);
});

afterEach(async () => {
  await c.close();
  await sim.stop();
});

async function refusal(words: string[]): Promise<string> {
  const reply = await c.command(words);
  expect(reply.map((s) => s[0])).toEqual(['!trap', '!done']);
  return attrs(reply[0]).message;
}

describe('/radius', () => {
  it('an entry added with an address and a secret prints RouterOS 7.18 defaults', async () => {
    const reply = await c.ok(['/radius/add', '=service=hotspot', '=address=10.0.0.3', '=secret=s3cret']);
    expect(attrs(reply[0]).ret).toBe('*1');
    expect(sim.rows('/radius')).toEqual([
      {
        '.id': '*1',
        service: 'hotspot',
        'called-id': '',
        domain: '',
        address: '10.0.0.3',
        secret: 's3cret',
        'authentication-port': '1812',
        'accounting-port': '1813',
        timeout: '300ms',
        'accounting-backup': 'false',
        realm: '',
        'src-address': '0.0.0.0',
        protocol: 'udp',
        certificate: 'none',
        'require-message-auth': 'yes-for-request-resp',
        disabled: 'false',
      },
    ]);
  });

  it('prints services in RouterOS order, whatever order they were given in', async () => {
    await c.ok(['/radius/add', '=service=hotspot,ppp', '=address=10.0.0.3']);
    expect(sim.rows('/radius')[0].service).toBe('ppp,hotspot');
  });

  it('sets, disables, enables, comments and removes entries', async () => {
    await c.ok(['/radius/add', '=service=hotspot', '=address=10.0.0.3']);
    await c.ok([
      '/radius/set',
      '=numbers=*1',
      '=timeout=1s',
      '=require-message-auth=no',
      '=src-address=10.5.50.1',
    ]);
    await c.ok(['/radius/disable', '=numbers=*1']);
    await c.ok(['/radius/comment', '=numbers=*1', '=comment=aaa']);
    expect(sim.rows('/radius')[0]).toMatchObject({
      timeout: '1s',
      'require-message-auth': 'no',
      'src-address': '10.5.50.1',
      disabled: 'true',
      comment: 'aaa',
    });
    await c.ok(['/radius/enable', '=numbers=*1']);
    expect(sim.rows('/radius')[0].disabled).toBe('false');
    await c.ok(['/radius/remove', '=numbers=*1']);
    expect(sim.rows('/radius')).toEqual([]);
  });

  it('refuses what RouterOS refuses', async () => {
    const add = (...words: string[]): string[] => ['/radius/add', '=address=10.0.0.3', ...words];
    expect(await refusal(add('=service=hotspot,radio'))).toBe('invalid value for argument service');
    expect(await refusal(['/radius/add', '=address=10.0.0'])).toBe('invalid value for argument address');
    expect(await refusal(['/radius/add', '=address=10.0.0.3@vrf1'])).toBe(
      'input does not match any value of vrf',
    );
    expect(await refusal(add('=authentication-port=0'))).toBe(
      'invalid value for argument authentication-port',
    );
    expect(await refusal(add('=accounting-port=65536'))).toBe('invalid value for argument accounting-port');
    expect(await refusal(add('=timeout=5ms'))).toBe('invalid value for argument timeout');
    expect(await refusal(add('=timeout=2m'))).toBe('invalid value for argument timeout');
    expect(await refusal(add('=require-message-auth=yes'))).toBe(
      'invalid value for argument require-message-auth',
    );
    expect(await refusal(add('=src-address=10.5.50'))).toBe('invalid value for argument src-address');
    expect(await refusal(add('=certificate=client.crt'))).toBe(
      'input does not match any value of certificate',
    );
    expect(await refusal(add('=protocol=radsec'))).toBe('not supported by simulator');
    expect(await refusal(add('=accounting-backup=maybe'))).toBe(
      'invalid value for argument accounting-backup',
    );
    expect(await refusal(add('=colour=red'))).toBe('unknown parameter colour');
    expect(sim.rows('/radius')).toEqual([]);
  });

  it('takes an IPv6 address and the main VRF', async () => {
    await c.ok(['/radius/add', '=address=::1']);
    await c.ok(['/radius/add', '=address=10.0.0.3@main']);
    expect(sim.rows('/radius').map((r) => r.address)).toEqual(['::1', '10.0.0.3@main']);
  });

  it('monitor shows the counters of an entry', async () => {
    await c.ok(['/radius/add', '=service=hotspot', '=address=10.0.0.3']);
    const reply = await c.ok(['/radius/monitor', '=numbers=*1', '=once=']);
    expect(attrs(reply[0])).toEqual({
      pending: '0',
      requests: '0',
      accepts: '0',
      rejects: '0',
      resends: '0',
      timeouts: '0',
      'bad-replies': '0',
      'last-request-rtt': '0s',
    });
  });
});

describe('/radius/incoming', () => {
  it('prints accept=no on port 3799 in the main VRF, and sets them', async () => {
    expect(sim.rows('/radius/incoming')).toEqual([{ accept: 'false', port: '3799', vrf: 'main' }]);
    await c.ok(['/radius/incoming/set', '=accept=yes', '=port=1700']);
    expect(sim.rows('/radius/incoming')).toEqual([{ accept: 'true', port: '1700', vrf: 'main' }]);
  });

  it('refuses bad values and unknown arguments', async () => {
    expect(await refusal(['/radius/incoming/set', '=accept=sometimes'])).toBe(
      'invalid value for argument accept',
    );
    expect(await refusal(['/radius/incoming/set', '=port=70000'])).toBe('invalid value for argument port');
    expect(await refusal(['/radius/incoming/set', '=vrf=vrf1'])).toBe(
      'input does not match any value of vrf',
    );
    expect(await refusal(['/radius/incoming/set', '=address=1.2.3.4'])).toBe('unknown parameter address');
    expect(sim.rows('/radius/incoming')[0].accept).toBe('false');
  });
});

describe("the hotspot server profile's RADIUS settings", () => {
  it('are listed only while use-radius is on, with RouterOS defaults', async () => {
    expect(sim.rows('/ip/hotspot/profile')[1]).not.toHaveProperty('radius-accounting');
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=use-radius=yes']);
    expect(sim.rows('/ip/hotspot/profile')[1]).toMatchObject({
      'use-radius': 'true',
      'nas-port-type': 'wireless-802.11',
      'radius-accounting': 'true',
      'radius-default-domain': '',
      'radius-interim-update': 'received',
      'radius-location-id': '',
      'radius-location-name': '',
      'radius-mac-format': 'XX:XX:XX:XX:XX:XX',
    });
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=radius-interim-update=5m']);
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=radius-mac-format=XXXX:XXXX:XXXX']);
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=use-radius=no']);
    expect(sim.rows('/ip/hotspot/profile')[1]).not.toHaveProperty('radius-interim-update');
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=use-radius=yes']);
    expect(sim.rows('/ip/hotspot/profile')[1]).toMatchObject({
      'radius-interim-update': '5m',
      'radius-mac-format': 'XXXX:XXXX:XXXX',
    });
  });

  it('0s interim is the same as received', async () => {
    await c.ok([
      '/ip/hotspot/profile/set',
      '=numbers=hsprof1',
      '=use-radius=yes',
      '=radius-interim-update=0s',
    ]);
    expect(sim.rows('/ip/hotspot/profile')[1]['radius-interim-update']).toBe('received');
  });

  it('refuses values RouterOS refuses', async () => {
    const set = (w: string): string[] => ['/ip/hotspot/profile/set', '=numbers=hsprof1', w];
    expect(await refusal(set('=use-radius=maybe'))).toBe('invalid value for argument use-radius');
    expect(await refusal(set('=radius-accounting=2'))).toBe('invalid value for argument radius-accounting');
    expect(await refusal(set('=radius-interim-update=soon'))).toBe(
      'invalid value for argument radius-interim-update',
    );
    expect(await refusal(set('=radius-mac-format=xx:xx:xx:xx:xx:xx'))).toBe(
      'invalid value for argument radius-mac-format',
    );
    expect(await refusal(set('=nas-port-type=fibre'))).toBe('invalid value for argument nas-port-type');
    expect(await refusal(set('=trial-user-profile=nobody'))).toBe(
      'input does not match any value of trial-user-profile',
    );
  });
});

describe('persistence', () => {
  it('/radius entries and /radius/incoming outlive a restart; a reset configuration forgets them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routersim-radius-'));
    const file = path.join(dir, 'state.json');
    try {
      const a = new RouterSimulator({ stateFile: file, radiusIncomingPort: 0 });
      const ac = await RawClient.login((await a.start()).port);
      await ac.ok(['/radius/add', '=service=hotspot', '=address=10.0.0.3', '=secret=s']);
      await ac.ok(['/radius/incoming/set', '=accept=yes', '=port=1700']);
      await ac.close();
      await a.stop();
      const b = new RouterSimulator({ stateFile: file });
      expect(b.rows('/radius')).toEqual([
        expect.objectContaining({ '.id': '*1', address: '10.0.0.3', secret: 's' }),
      ]);
      expect(b.rows('/radius/incoming')).toEqual([{ accept: 'true', port: '1700', vrf: 'main' }]);
      await b.resetConfiguration();
      expect(b.rows('/radius')).toEqual([]);
      expect(b.rows('/radius/incoming')).toEqual([{ accept: 'false', port: '3799', vrf: 'main' }]);
      await b.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
