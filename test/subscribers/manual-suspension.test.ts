/**
 * A suspension by hand from outside (API mode, the simulator, a fake clock), as the suspended customer's phone
 * sees it: without `until_paid` its page gives the shop's reason and contact and never promises that a payment
 * brings the service back (it does not); with it, paying what is past due lifts it as billing's own. Billing's
 * reason is said in the reader's language. The CPEs' pool is in 127.0.0.0/8, so requests come from the very
 * address the CPE was given.
 */
import http from 'node:http';
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';
import { pppoeSetUp } from '../helpers/pppoe';
import { waitFor } from '../helpers/wait';

const CPE = 'aa:bb:cc:00:04:01';
const LIST = 'pisonet-suspended';
const manila = (at: string) => Date.parse(`${at}+08:00`);
let h: Harness;
let juan: { id: number };
let address: string;

/** A plain HTTP GET from the CPE's address, with the Host a browser would send for another site. */
function from(path: string, headers: Record<string, string> = {}): Promise<string> {
  const u = new URL(h.app!.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path,
        localAddress: address,
        headers: { host: 'example.com', ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function payCash(amount: number) {
  const res = await adminApi(h, 'POST', `/subscribers/${juan.id}/payments`, { amount, method: 'cash' });
  expect(res.status).toBe(201);
}

const statusOf = async () => (await adminApi(h, 'GET', `/subscribers/${juan.id}`)).json.subscriber;
const listed = () => h.sim.rows('/ip/firewall/address-list').filter((r) => r.list === LIST);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
  await pppoeSetUp(h, '127.0.0.2-127.0.0.9');
  await h.core!.services.settings.set('shop.name', 'Mang Tonyo WiFi', SYSTEM);
  // INV-000001, ₱466.20, due 2026-11-28.
  juan = await addSubscriber(h, { username: 'tonyo', password: 'Tonyo-pass-123' });
  await waitFor(() => h.sim.rows('/ppp/secret').some((r) => r.name === 'tonyo'));
  const dialled = await h.sim.pppoe.dial({ mac: CPE, user: 'tonyo', password: 'Tonyo-pass-123' });
  if (!dialled.ok || !dialled.address) throw new Error(`not dialled: ${dialled.reason}`);
  address = dialled.address;
});
afterAll(async () => {
  await h.close();
});

describe("the shop's contact mobile", () => {
  it('is a Philippine mobile number, and the owner’s to set (a cashier is refused in the service)', async () => {
    const shop = h.core!.services.shopSettings;
    await expect(shop.update({ contact_mobile: '12345' }, SYSTEM)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      errors: [expect.objectContaining({ field: 'contact_mobile' })],
    });
    const cashier = {
      name: 'ana',
      via: 'admin' as const,
      account: { id: 7, role: 'cashier' as const, profiles: [], commissionBp: 0, creditLimit: null },
    };
    await expect(shop.update({ contact_mobile: '09181234567' }, cashier)).rejects.toMatchObject({
      code: 'FORBIDDEN_ROLE',
      status: 403,
    });
    expect((await shop.view()).effective.contact_mobile).toBe('');
  });
});

describe('a suspension by hand', () => {
  it('until paid is refused while nothing is past due, and until_paid must be true or false', async () => {
    const early = await adminApi(h, 'POST', `/subscribers/${juan.id}/suspend`, {
      reason: 'pay first',
      until_paid: true,
    });
    expect(early.status).toBe(409);
    expect(early.json).toMatchObject({ code: 'NOTHING_PAST_DUE' });
    const bad = await adminApi(h, 'POST', `/subscribers/${juan.id}/suspend`, {
      reason: 'x y z',
      until_paid: 'maybe',
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'INVALID_INPUT', fields: { until_paid: expect.any(String) } });
    expect((await statusOf()).status).toBe('active');
  });

  it("tells the shop's reason and contact, and never promises that a payment brings the service back", async () => {
    expect(await h.core!.services.shopSettings.update({ contact_mobile: '0918 123 4567' }, SYSTEM)).toEqual([
      'contact_mobile',
    ]);
    const res = await adminApi(h, 'POST', `/subscribers/${juan.id}/suspend`, { reason: 'Cable tampering' });
    expect(res.status).toBe(200);
    expect(res.json.subscriber.suspension).toEqual({ cause: 'manual', until_paid: false });
    await waitFor(() => listed().length === 1, 5_000);

    const page = text(await from('/'));
    expect(page).toContain('suspended by the shop');
    expect(page).toContain('Reason: Cable tampering');
    expect(page).toContain('₱466.20');
    expect(page).toContain('You can pay at Mang Tonyo WiFi; the shop will restore your service.');
    expect(page).toContain('Please contact Mang Tonyo WiFi at 0918 123 4567.');
    expect(page).not.toMatch(/comes back/i);
    expect(page).toContain('Due on'); // the invoice's own date, never "due since" a date still to come
    // With the contact's name set, the customer is told whom to ask for.
    await h.core!.services.shopSettings.update({ contact_name: 'Aling Rosa' }, SYSTEM);
    expect(text(await from('/'))).toContain('Please contact Mang Tonyo WiFi (Aling Rosa) at 0918 123 4567.');
    await h.core!.services.shopSettings.update({ contact_name: '' }, SYSTEM);
    const fil = text(await from('/?lang=fil'));
    expect(fil).toContain('Dahilan: Cable tampering');
    expect(fil).toContain('Makipag-ugnayan sa Mang Tonyo WiFi sa 0918 123 4567.');
    expect(fil).not.toContain('Babalik ang iyong serbisyo');
    const account = text(await from('/portal/account'));
    expect(account).toContain('Your service is suspended. Reason: Cable tampering');
    expect(account).toContain('the shop will restore it; paying does not end this suspension.');
    expect(account).toContain('Please contact Mang Tonyo WiFi at 0918 123 4567.');

    // Paid in full: still suspended (only a hand lifts it), and the page says so, with whom to contact.
    await payCash(466.2);
    await h.core!.services.suspensions.enforce(juan.id);
    expect((await statusOf()).status).toBe('suspended');
    expect(listed()).toHaveLength(1);
    const after = text(await from('/'));
    expect(after).toContain('₱0.00');
    expect(after).toContain('Please contact Mang Tonyo WiFi at 0918 123 4567.');
    expect(after).not.toMatch(/comes back/i);
    expect((await adminApi(h, 'POST', `/subscribers/${juan.id}/resume`)).status).toBe(200);
    await waitFor(() => listed().length === 0, 5_000);
  });

  it("says billing's reason in Filipino on the Filipino page, from its cause, never the stored English", async () => {
    // INV-000002 (₱999.00, issued 2026-12-05) was due 2026-12-12: suspended on the 13th.
    h.clock.set(manila('2026-12-13T00:00:05'));
    await adminApi(h, 'POST', '/billing/run');
    await waitFor(async () => (await statusOf()).status === 'suspended', 5_000);
    expect((await statusOf()).status_reason).toBe('Unpaid: INV-000002 was due 2026-12-12');
    const fil = text(await from('/?lang=fil'));
    expect(fil).toContain('Hindi pa bayad: ang invoice INV-000002 ay dapat nabayaran noong 2026-12-12.');
    expect(fil).not.toContain('Unpaid:');
    expect(text(await from('/portal/account?lang=fil'))).toContain(
      'Suspendido ang serbisyo mo. Hindi pa bayad: ang invoice INV-000002',
    );
    expect(text(await from('/'))).toContain('Unpaid: invoice INV-000002 was due on 2026-12-12.');
  });

  it('until paid is lifted as billing’s own once nothing is past due: out of pisonet-suspended', async () => {
    // The owner takes over billing's suspension: resumed by hand, then suspended by hand until paid.
    expect((await adminApi(h, 'POST', `/subscribers/${juan.id}/resume`)).status).toBe(200);
    const res = await adminApi(h, 'POST', `/subscribers/${juan.id}/suspend`, {
      reason: 'Pay the December bill',
      until_paid: true,
    });
    expect(res.status).toBe(200);
    expect(res.json.subscriber.suspension).toEqual({ cause: 'manual', until_paid: true });
    await h.core!.services.suspensions.enforce(juan.id);
    expect((await statusOf()).status).toBe('suspended');
    await waitFor(() => listed().length === 1, 5_000);
    const page = text(await from('/'));
    expect(page).toContain('until what is past due is paid');
    expect(page).toContain('Reason: Pay the December bill');
    expect(page).toContain('Your service comes back as soon as the payment is recorded.');

    await payCash(999);
    await waitFor(async () => (await statusOf()).status === 'active', 5_000);
    await waitFor(() => listed().length === 0, 5_000);
    const rows = await h.core!.db('subscriber_suspensions').where({ subscriber_id: juan.id }).orderBy('id');
    expect(rows.at(-1)).toMatchObject({ cause: 'manual', ended_by: 'billing' });
    expect(Boolean(rows.at(-1).until_paid)).toBe(true);
  });
});
