/**
 * The factory-like router that `pisonet router demo-reset` makes to try the router setup on: MikroTik's default
 * FastTrack rule first in the filter list, the hotspot server back, and nothing the controller had added.
 */
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

test('factoryReset: the default FastTrack rule, the hotspot server, and nothing of the controller left', async () => {
  const sim = new RouterSimulator({ port: 0 });
  let c = await RawClient.login((await sim.start()).port);
  try {
    await c.ok([
      '/ip/hotspot/walled-garden/ip/add',
      '=action=accept',
      '=dst-address=10.5.50.2',
      '=comment=pisonet: portal',
    ]);
    await c.ok(['/ip/firewall/filter/add', '=chain=forward', '=action=accept', '=comment=pisonet bypass']);
    c.close();
    await sim.factoryReset();
    c = await RawClient.login(sim.port);
    const filters = (await c.ok(['/ip/firewall/filter/print'])).map(attrs);
    const statics = filters.filter((f) => f.chain && f.dynamic !== 'true');
    // MikroTik's default rule comes first, as a home router's default configuration has it.
    expect(statics[0]).toEqual(
      expect.objectContaining({
        chain: 'forward',
        action: 'fasttrack-connection',
        'connection-state': 'established,related',
        comment: 'defconf: fasttrack',
      }),
    );
    expect(statics.filter((f) => (f.comment ?? '').includes('pisonet'))).toEqual([]);
    expect((await c.ok(['/ip/hotspot/walled-garden/ip/print'])).map(attrs).filter((r) => r['.id'])).toEqual(
      [],
    );
    const servers = (await c.ok(['/ip/hotspot/print'])).map(attrs).filter((r) => r['.id']);
    expect(servers.length).toBeGreaterThan(0);
    expect(servers.every((s) => s.disabled !== 'true')).toBe(true);
  } finally {
    c.close();
    await sim.stop();
  }
});
