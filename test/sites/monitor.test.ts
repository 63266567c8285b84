/**
 * The site monitor on its own: it reads each router by itself on its interval (no one asking), keeps the result
 * on the site's row for the terminal, and follows edits and removals.
 */
import { createLogger } from '../../src/lib/logger';
import { createSiteMonitor, type SiteMonitor } from '../../src/services/network/site-monitor';
import { openCredentialsBox } from '../../src/services/business/sites/credentials';
import type { Actor } from '../../src/services/types';
import type { RouterSimulator } from '../../src/simulator';
import { createHarness, type Harness } from '../helpers/harness';
import { startRouter } from './helpers';

const ACTOR: Actor = { name: 'owner', via: 'cli' };

describe('site monitor', () => {
  let h: Harness;
  let r: { sim: RouterSimulator; port: number };
  let monitor: SiteMonitor;
  beforeAll(async () => {
    h = await createHarness(); // the terminal's core: no monitor of its own
    r = await startRouter({ identity: 'Hill-Site', password: 'pw-hill', devices: 2 });
  });
  afterAll(async () => {
    await monitor?.close();
    await h.close();
    await r.sim.stop();
  });

  const activeReads = () => r.sim.stats.commandsByPath['/ip/hotspot/active/print'] ?? 0;
  async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
    while (!(await cond())) await new Promise((res) => setTimeout(res, 20));
  }

  it('reads every interval by itself, two round trips a read, and stores what it read for the terminal', async () => {
    const site = await h.core!.services.sites.add(
      { name: 'hill', host: '127.0.0.1', port: r.port, user: 'pisonet', password: 'pw-hill' },
      ACTOR,
    );
    expect(h.core!.siteMonitor).toBeUndefined();
    monitor = createSiteMonitor({
      config: h.config,
      db: h.core!.db,
      clock: h.clock,
      log: createLogger('silent'),
      box: openCredentialsBox(h.config, createLogger('silent')),
      readSeconds: 0.05,
    });
    await monitor.start();
    await until(() => activeReads() >= 1);
    const commandsBefore = r.sim.stats.commands;
    const readsBefore = activeReads();
    await until(() => activeReads() >= readsBefore + 3);
    // Each read is /system/identity + /ip/hotspot/active: two commands (the keepalive aside).
    const reads = activeReads() - readsBefore;
    const identityReads = r.sim.stats.commandsByPath['/system/identity/print'] ?? 0;
    expect(identityReads).toBeGreaterThanOrEqual(reads);
    expect(r.sim.stats.commands - commandsBefore).toBeLessThanOrEqual(2 * (reads + 1) + 2);

    h.clock.advance(5000);
    const at = h.clock.now();
    await until(
      async () => Number((await h.core!.db('sites').where({ id: site.id }).first()).last_poll_at) === at,
    );
    const row = await h.core!.db('sites').where({ id: site.id }).first();
    expect(row).toMatchObject({ identity: 'Hill-Site', online: 2, last_error_code: null });
    // The terminal's service shows the stored read.
    const seen = await h.core!.services.sites.get('hill');
    expect(seen.status).toMatchObject({ live: false, connected: true, identity: 'Hill-Site', online: 2 });
  });

  it('a device logging out shows at the next read; a site removed elsewhere is let go and no longer read', async () => {
    const site = await h.core!.services.sites.get('hill');
    r.sim.removeDevice('02:66:00:00:00:01');
    await until(() => monitor.status(site.id)?.online === 1);
    // Removed by another process (this service is the terminal's: it does not tell the monitor).
    await h.core!.services.sites.remove('hill', ACTOR);
    await until(() => monitor.status(site.id) === undefined);
    const after = activeReads();
    await new Promise((res) => setTimeout(res, 200)); // four intervals
    expect(activeReads()).toBe(after);
  });

  it('a site added elsewhere (the terminal) is connected and read at the next interval', async () => {
    const site = await h.core!.services.sites.add(
      { name: 'hill-2', host: '127.0.0.1', port: r.port, user: 'pisonet', password: 'pw-hill' },
      ACTOR,
    );
    // Read once (the identity alone is known at connect, before the first read; the count comes with the read).
    await until(() => monitor.status(site.id)?.lastPollAt != null);
    expect(monitor.status(site.id)).toMatchObject({
      connected: true,
      identity: 'Hill-Site',
      online: 1,
      error: null,
    });
    // A password changed elsewhere: the monitor reconnects with it (the router refuses the wrong one).
    await h.core!.services.sites.update('hill-2', { password: 'not-it' }, ACTOR);
    await until(() => monitor.status(site.id)?.error?.code === 'ROUTER_LOGIN_FAILED');
  });
});
