/**
 * Every site's stack gives back what it took, whatever its mode: an API site and a RADIUS site, both built by
 * createSiteStack, started with a poll job and stopped leave no lease held, no extra database listener and no
 * timer behind, and a redemption in flight is waited for.
 */
import { exclusiveLeases } from '../../src/db/site-leases';
import { createRouterClient } from '../../src/router/client';
import { createAuditService } from '../../src/services/business/audit';
import { createSettingsService } from '../../src/services/business/settings';
import { createSiteStack, type SiteStackBase } from '../../src/services/network/site-stack';
import type { CredentialsBox } from '../../src/services/business/sites/credentials';
import { createHarness, type Harness } from '../helpers/harness';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

function baseOf(): SiteStackBase {
  const { config, db, clock, log } = h.core!;
  const audit = createAuditService(db, clock);
  return { config, db, reader: db, clock, log, audit, settings: createSettingsService(db, clock, audit) };
}

const box = { open: () => 'secret', seal: () => 'sealed' } as unknown as CredentialsBox;

test('an API site and a RADIUS site, started and stopped through the same stack, leave nothing behind', async () => {
  const base = baseOf();
  const leases = exclusiveLeases();
  const shared = { profiles: h.core!.services.profiles, leases, box };
  const listeners = base.db.getMaxListeners();
  const timersBefore = timers();

  // An API site on a connection of its own, with its poll job (it begins at the connection).
  const client = createRouterClient({
    host: '127.0.0.1',
    port: h.sim.port,
    user: 'admin',
    password: '',
    tls: false,
    timeoutSeconds: 5,
    logger: base.log,
  });
  const api = createSiteStack(
    base,
    shared,
    { site: { id: 6, name: 'shop' }, client },
    { ownsClient: true, poll: { begin: 'at-connect' } },
  );
  // A RADIUS site without API access: no connection given, its poll begins at start().
  const radius = createSiteStack(
    base,
    shared,
    { site: { id: 7, name: 'branch' }, mode: 'radius', nasAddress: '127.0.0.9' },
    { ownsClient: false, poll: { begin: 'at-connect' } },
  );
  expect(radius.apiAccess).toBe(false);
  expect(radius.redeemsWithoutRouter).toBe(true);
  expect(api.redeemsWithoutRouter).toBe(false);
  expect(base.db.getMaxListeners()).toBe(listeners + 2);
  await api.start();
  await radius.start();
  for (let i = 0; i < 200 && !client.status.connected; i++) await new Promise((r) => setTimeout(r, 10));
  expect(client.status.connected).toBe(true);
  await api.pollOnce();
  await radius.pollOnce();
  // Each poll took its site's lease.
  expect(leases.held().sort()).toEqual([6, 7]);

  // A redemption in flight on each: stop() waits for it.
  let settledApi = false;
  let settledRadius = false;
  const hold = (s: { redemption: { settled(): Promise<void> } }, done: () => void) => {
    const inner = s.redemption.settled.bind(s.redemption);
    s.redemption.settled = async () => {
      await new Promise((r) => setTimeout(r, 50));
      await inner();
      done();
    };
  };
  hold(api, () => (settledApi = true));
  hold(radius, () => (settledRadius = true));

  await api.stop();
  await radius.stop();
  expect(settledApi).toBe(true);
  expect(settledRadius).toBe(true);
  expect(leases.held()).toEqual([]);
  expect(base.db.getMaxListeners()).toBe(listeners);
  expect(client.status.connected).toBe(false);
  // Stopping twice is the same stop.
  await api.stop();
  await radius.stop();
  expect(timers()).toBeLessThanOrEqual(timersBefore);
});
