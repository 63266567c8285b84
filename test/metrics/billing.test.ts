/**
 * Subscribers' billing in the metrics: invoices issued and payments (count and pesos by method, voids apart)
 * since the server started, under the subscriber's site, read from the database at the scrape and never going
 * down; suspended subscribers in pisonet_subscribers{status="suspended"}. Every pisonet_ sample carries `site`.
 */
import * as prom from 'prom-client';
import { BillingTally, defineBilling } from '../../src/metrics/billing';
import { createHarness, type Harness } from '../helpers/harness';
import { addSubscriber, PROFILES } from '../subscribers/helpers';
import { adminApi } from '../vendos/helpers';
import { metricsOf, valueOf } from './exposition';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
});
afterAll(async () => {
  await h.close();
});

const pay = async (id: number, body: Record<string, unknown>) => {
  const res = await adminApi(h, 'POST', `/subscribers/${id}/payments`, body);
  expect(res.status).toBe(201);
  return res.json.payment.id as number;
};

test('invoices issued, payments by method and voids apart, from zero; suspended by status', async () => {
  const empty = await metricsOf(h);
  expect(empty.get('pisonet_invoices_issued_total')!.samples.map((s) => [s.labels, s.value])).toEqual([
    [{ site: 'default' }, 0],
  ]);
  expect(
    empty
      .get('pisonet_subscriber_payments_total')!
      .samples.map((s) => [s.labels.site, s.labels.method, s.value]),
  ).toEqual([
    ['default', 'cash', 0],
    ['default', 'gcash', 0],
    ['default', 'maya', 0],
    ['default', 'bank', 0],
    ['default', 'other', 0],
  ]);

  const a = await addSubscriber(h); // INV-000001
  const b = await addSubscriber(h, { username: 'ana', mobile: '09171234568' }); // INV-000002
  h.clock.set(Date.parse('2026-12-05T00:00:00+08:00'));
  await adminApi(h, 'POST', '/billing/run'); // INV-000003, INV-000004
  await pay(a.id, { amount: 100, method: 'cash' });
  const g = await pay(b.id, { amount: '50.50', method: 'gcash' });
  expect(
    (await adminApi(h, 'POST', `/subscribers/${b.id}/payments/${g}/void`, { reason: 'bounced' })).status,
  ).toBe(200);

  const m = await metricsOf(h);
  const site = 'default';
  expect(valueOf(m, 'pisonet_invoices_issued_total', { site })).toBe(4);
  expect(valueOf(m, 'pisonet_subscriber_payments_total', { site, method: 'cash' })).toBe(1);
  expect(valueOf(m, 'pisonet_subscriber_payments_total', { site, method: 'gcash' })).toBe(1);
  expect(valueOf(m, 'pisonet_subscriber_payments_pesos_total', { site, method: 'cash' })).toBe(100);
  expect(valueOf(m, 'pisonet_subscriber_payments_pesos_total', { site, method: 'gcash' })).toBe(50.5);
  expect(valueOf(m, 'pisonet_subscriber_payment_voids_total', { site, method: 'gcash' })).toBe(1);
  // Both still owe their first invoices (due 2026-11-28; A paid ₱100 of it): suspended by billing.
  expect(valueOf(m, 'pisonet_subscribers', { site: 'default', status: 'suspended' })).toBe(2);
  expect(valueOf(m, 'pisonet_subscribers', { site: 'default', status: 'active' })).toBe(0);

  // The monitoring contract (docs/monitoring.md): every pisonet_ series carries the site it is about.
  const unlabelled = [...m.entries()]
    .filter(([name]) => name.startsWith('pisonet_'))
    .flatMap(([, f]) => f.samples)
    .filter((s) => !s.labels.site)
    .map((s) => s.name);
  expect(unlabelled).toEqual([]);
});

test('counts only what came after the start', async () => {
  const registry = new prom.Registry();
  const c = defineBilling(prom, [registry]);
  const tally = new BillingTally(h.core!.db, h.clock.now() + 1);
  const sites = [{ id: 1, name: 'default' }];
  await tally.show(c, sites);
  expect((await c.invoicesIssued.get()).values[0].value).toBe(0);
  expect((await c.payments.get()).values.find((v) => v.labels.method === 'cash')?.value).toBe(0);
  h.clock.advance(1000);
  await adminApi(h, 'POST', '/subscribers', {
    name: 'Pedro',
    mobile: '09171234569',
    profile: 'HOME10',
    billing_day: 5,
    username: 'pedro',
  });
  const [s] = (await adminApi(h, 'GET', '/subscribers?status=active')).json.subscribers;
  await pay(s.id, { amount: 1, method: 'cash' });
  await tally.show(c, sites);
  expect((await c.invoicesIssued.get()).values[0].value).toBe(1);
  expect((await c.payments.get()).values.find((v) => v.labels.method === 'cash')?.value).toBe(1);
});
