/**
 * Subscribers' billing on the admin pages over plain HTTP: the dashboard's line (active, suspended, owed), the
 * Reports page's "Subscribers' billing" section (owed by age, money in by method and day), and the usage per
 * cycle on a subscriber's page. Names are escaped like every other output.
 */
import { SYSTEM } from '../../src/services/types';
import { AdminClient } from '../admin/client';
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';

let h: Harness;
let owner: AdminClient;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
  owner = new AdminClient(h.app!.url);
  await owner.login();
});
afterAll(async () => {
  await h.close();
});

test('the dashboard shows no subscriber line in a shop without subscribers', async () => {
  expect(await owner.html('/admin')).not.toContain('data-testid="subscriber-counts"');
});

test('dashboard counts, the Reports section and the usage table', async () => {
  const a = await addSubscriber(h, { name: '<b>Juan</b>' }); // ₱466.20
  await addSubscriber(h, { username: 'ana', mobile: '09171234568' }); // ₱466.20
  await h.core!.services.subscribers.suspend('ana', 'unpaid (test)', SYSTEM);
  expect(
    (await adminApi(h, 'POST', `/subscribers/${a.id}/payments`, { amount: 100, method: 'gcash' })).status,
  ).toBe(201);
  const dash = await owner.html('/admin');
  expect(dash).toMatch(/data-testid="subscribers-active">1</);
  expect(dash).toMatch(/data-testid="subscribers-suspended">1</);
  expect(dash).toMatch(/data-testid="subscribers-owed">₱832\.40</);

  const reports = await owner.html('/admin/reports?preset=today');
  expect(reports).toContain("Subscribers' billing");
  expect(reports).toMatch(
    /Not yet due<\/td><td data-label="Subscribers" class="num">2<\/td><td data-label="Owed" class="num">₱832\.40/,
  );
  expect(reports).toMatch(/>gcash<\/td><td data-label="Payments" class="num">1<\/td>/);
  expect(reports).toContain('2026-11-21');

  const page = await owner.html(`/admin/subscribers/${a.id}`);
  expect(page).toContain('data-testid="usage-cycles"');
  expect(page).toContain('2026-11-21 – 2026-12-04');
  expect(page).toContain('&lt;b&gt;Juan&lt;/b&gt;');
  expect(page).not.toContain('<b>Juan</b>');
});
