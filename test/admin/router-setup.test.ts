/**
 * Router setup from the admin (Router → Setup: items, Fix, Fix all, audited) and from the terminal
 * (`pisonet router setup`: its exit codes, JSON and the refusal to change anything without --yes off a terminal).
 */
import { AdminClient } from './client';
import { runCli } from '../cli/helpers';
import { createHarness, type Harness } from '../helpers/harness';

jest.setTimeout(180_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({
    http: true,
    env: { ADMIN_PASSWORD: 'correct horse battery', PORTAL_URL: 'http://10.5.50.2:5000' },
  });
  // A home router's default FastTrack rule.
  await h.router.add('/ip/firewall/filter', {
    chain: 'forward',
    action: 'fasttrack-connection',
    'connection-state': 'established,related',
    comment: 'defconf: fasttrack',
  });
});
afterAll(() => h.close());

const WRITES = /\/(add|set|unset|remove|disable|enable|comment|move)$|^\/tool\/fetch$/;
const writes = () =>
  Object.entries(h.sim.stats.commandsByPath)
    .filter(([c]) => WRITES.test(c))
    .reduce((n, [, k]) => n + k, 0);

test('the terminal: --check exits 3 with the items as JSON; --apply off a terminal without --yes changes nothing (exit 2)', async () => {
  const check = await runCli(h, ['router', 'setup', '--check', '--json']);
  expect(check.code).toBe(3);
  const json = JSON.parse(check.stdout) as {
    ok: boolean;
    items: { id: string; state: string; fix: string }[];
  };
  expect(json.ok).toBe(false);
  expect(json.items.find((i) => i.id === 'fasttrack')).toEqual(
    expect.objectContaining({ state: 'wrong', fix: expect.stringContaining('/ip firewall filter disable') }),
  );
  for (const i of json.items) expect(Object.keys(i).sort()).toEqual(['detail', 'fix', 'id', 'state']);
  const before = writes();
  const apply = await runCli(h, ['router', 'setup', '--apply']);
  expect(apply.code).toBe(2);
  expect(apply.stderr).toContain('Nothing was changed: add --yes');
  expect(apply.stderr).toContain('fasttrack: /ip firewall filter disable');
  expect(writes()).toBe(before);
});

test('Router → Setup shows each item with its command; Fix all makes them ok, audited; the page then says all set', async () => {
  const admin = new AdminClient(h.app!.url);
  await admin.login();
  const page = await admin.html('/admin/router/setup');
  expect(page).toContain('data-testid="setup-item-fasttrack"');
  expect(page).toMatch(/setup-item-fasttrack[\s\S]*?wrong[\s\S]*?\/ip firewall filter disable/);
  expect(page).toContain('data-testid="setup-fix-all"');
  // Without the CSRF token nothing happens.
  const before = writes();
  const forged = await admin.post('/admin/router/setup', { item: 'all' });
  expect(forged.status).toBe(403);
  expect(writes()).toBe(before);

  const res = await admin.post(
    '/admin/router/setup',
    { item: 'fasttrack' },
    await admin.token('/admin/router/setup'),
  );
  expect(res.status).toBe(303);
  expect(h.sim.rows('/ip/firewall/filter').find((r) => r.action === 'fasttrack-connection')?.disabled).toBe(
    'true',
  );
  const mid = await admin.html('/admin/router/setup');
  expect(mid).toMatch(/setup-item-fasttrack[\s\S]*?ok/);
  expect(mid).toContain('1 change made on the router');

  await admin.post('/admin/router/setup', { item: 'all' }, await admin.token('/admin/router/setup'));
  const after = await admin.html('/admin/router/setup');
  expect(after).toContain('All set:');
  expect(after).not.toContain('data-testid="setup-fix-all"');
  const audit = await h.core!.db('audit_log').where({ action: 'router.setup' });
  expect(audit.length).toBeGreaterThanOrEqual(4);

  const again = await runCli(h, ['router', 'setup', '--check'], {
    env: { PORTAL_URL: 'http://10.5.50.2:5000' },
  });
  expect(again.stdout).not.toMatch(/^(missing|wrong)/m);
  expect(again.code).toBe(0);
});
