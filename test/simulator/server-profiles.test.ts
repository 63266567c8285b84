/** `/ip/hotspot/profile`: the hotspot server profiles, whose `dns-name` printed vouchers' QR codes use. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRouterClient } from '../../src/router';
import { readHotspotLoginName } from '../../src/router/hotspot-login';
import { RouterSimulator } from '../../src/simulator';
import { createLogger } from '../../src/lib/logger';
import { RawClient } from './raw-client';

describe('hotspot server profiles', () => {
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

  it('a fresh hotspot setup has default and hsprof1, without a DNS name', async () => {
    const rows = sim.rows('/ip/hotspot/profile');
    expect(rows.map((r) => r.name)).toEqual(['default', 'hsprof1']);
    expect(rows[1]).toMatchObject({
      'dns-name': '',
      'hotspot-address': '10.5.50.1',
      'html-directory': 'hotspot',
    });
    expect(sim.rows('/ip/hotspot')[0]).toMatchObject({ name: 'hotspot1', profile: 'hsprof1' });
  });

  it('a setup given a DNS name (the demo router’s) puts it on hsprof1, again after a reset; a kept state wins', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routersim-dnsname-'));
    const file = path.join(dir, 'state.json');
    const named = new RouterSimulator({ hotspotDnsName: 'pisonet.wifi', stateFile: file });
    try {
      await named.start();
      expect(named.rows('/ip/hotspot/profile').map((r) => [r.name, r['dns-name']])).toEqual([
        ['default', ''],
        ['hsprof1', 'pisonet.wifi'],
      ]);
      const d = await RawClient.login(named.port);
      await d.command(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=dns-name=']);
      await d.close();
      await named.stop();
      // The owner's change is the router's now: the setup's answer does not come back at the next start.
      const again = new RouterSimulator({ hotspotDnsName: 'pisonet.wifi', stateFile: file });
      expect(again.rows('/ip/hotspot/profile')[1]['dns-name']).toBe('');
      await again.resetConfiguration();
      expect(again.rows('/ip/hotspot/profile')[1]['dns-name']).toBe('pisonet.wifi');
      await again.stop();
    } finally {
      await named.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sets dns-name and checks the values RouterOS checks', async () => {
    expect(await c.command(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=dns-name=wifi.shop'])).toEqual([
      ['!done'],
    ]);
    expect(sim.rows('/ip/hotspot/profile')[1]['dns-name']).toBe('wifi.shop');
    const bad = await c.command(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=hotspot-address=10.5.50']);
    expect(bad[0][0]).toBe('!trap');
    const login = await c.command(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=login-by=cookie,magic']);
    expect(login[0][0]).toBe('!trap');
    expect(await c.command(['/ip/hotspot/profile/add', '=name=hsprof1'])).toEqual([
      ['!trap', '=category=4', '=message=failure: already have such name'],
      ['!done'],
    ]);
  });

  it('the router layer finds the login name of the vouchers’ server, skipping disabled servers', async () => {
    const router = createRouterClient({
      host: '127.0.0.1',
      port: sim.port,
      user: 'admin',
      password: '',
      tls: false,
      timeoutSeconds: 3,
      logger: createLogger('silent'),
    });
    await router.start();
    try {
      await router.waitConnected(3000);
      expect(await readHotspotLoginName(router, 'all')).toBeNull();
      await c.command(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=dns-name=wifi.shop']);
      expect(await readHotspotLoginName(router, 'all')).toEqual({
        server: 'hotspot1',
        profile: 'hsprof1',
        dnsName: 'wifi.shop',
      });
      expect(await readHotspotLoginName(router, 'hotspot2')).toBeNull();
      await c.command(['/ip/hotspot/disable', '=numbers=hotspot1']);
      expect(await readHotspotLoginName(router, 'all')).toBeNull();
    } finally {
      await router.stop();
    }
  });

  it('keeps them in the state file; a file from before server profiles gets the setup’s ones', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routersim-hsprof-'));
    try {
      const file = path.join(dir, 'state.json');
      const a = new RouterSimulator({ stateFile: file });
      const d = await RawClient.login((await a.start()).port);
      await d.command(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=dns-name=login.wifi']);
      await d.close();
      await a.stop();
      expect(new RouterSimulator({ stateFile: file }).rows('/ip/hotspot/profile')[1]['dns-name']).toBe(
        'login.wifi',
      );
      const old = JSON.parse(fs.readFileSync(file, 'utf8'));
      delete old.tables.serverProfiles;
      fs.writeFileSync(file, JSON.stringify(old));
      const rows = new RouterSimulator({ stateFile: file }).rows('/ip/hotspot/profile');
      expect(rows.map((r) => r.name)).toEqual(['default', 'hsprof1']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
