/**
 * A suspended subscriber pays only what is past due online, from `/portal/account`: beside the whole balance, a
 * "Pay ₱X past due" button whose checkout (the fake PayMongo on loopback) is for exactly that; its payment,
 * told by two webhooks, a poll and the return page, is recorded once and lifts the suspension, while what is not
 * yet due stays owed. Billing day 1, joined 2026-11-22 in Manila: INV-000001 ₱299.70 due 2026-11-29; INV-000002
 * ₱999.00 issued 2026-12-01, due 2026-12-08.
 */
import { openForm } from '../portal/helpers';
import { addSubscriber, PROFILES } from '../subscribers/helpers';
import { adminApi } from '../vendos/helpers';
import { payRig, type PayRig } from './helpers';
import { waitFor } from '../helpers/wait';

const PASSWORD = 'Sikreto-pass-123';
const manila = (at: string) => Date.parse(`${at}+08:00`);
let rig: PayRig;
let sub: { id: number };
let cookie = '';
let token = '';

const accountPage = async (lang = 'en') =>
  (await fetch(`${rig.h.app!.url}/portal/account?lang=${lang}`, { headers: { cookie } })).text();

async function press(part?: string) {
  const res = await fetch(`${rig.h.app!.url}/portal/account/pay`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ lang: 'en', _csrf: token, ...(part ? { part } : {}) }).toString(),
  });
  return { status: res.status, location: res.headers.get('location') ?? '', body: await res.text() };
}

/** Signs in on a new browser (a sign-in lasts 12 hours of the shop's clock). */
async function signIn() {
  const base = rig.h.app!.url;
  const form = await openForm(`${base}/portal/account`);
  const res = await fetch(`${base}/portal/account`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    body: new URLSearchParams({ username: 'pastdue', password: PASSWORD, _csrf: form.token }).toString(),
  });
  expect(res.status).toBe(303);
  const account = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  cookie = `${form.cookie}; ${account}`;
  token = form.token;
}

const statusOf = async () => (await adminApi(rig.h, 'GET', `/subscribers/${sub.id}`)).json.subscriber;

beforeAll(async () => {
  rig = await payRig({ profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
  rig.h.clock.set(manila('2026-11-22T12:00:00'));
  sub = await addSubscriber(rig.h, { username: 'pastdue', password: PASSWORD, billing_day: 1 });
  await signIn();
});
afterAll(async () => {
  await rig.close();
});

describe('paying what is past due', () => {
  it('offers only the whole balance while it is all past due, or none of it is', async () => {
    const page = await accountPage();
    expect(page).toContain('Pay ₱299.70 with GCash / Maya');
    expect(page).not.toContain('past due');
    expect((await press('past-due')).body).toContain('Nothing is past due now');
  });

  it('offers "Pay ₱299.70 past due" beside the whole ₱1,298.70 once the next invoice is out', async () => {
    rig.h.clock.set(manila('2026-12-02T09:00:00'));
    await adminApi(rig.h, 'POST', '/billing/run');
    await waitFor(async () => (await statusOf()).status === 'suspended', 5_000);
    await signIn();
    const page = await accountPage();
    expect(page).toContain('Pay ₱299.70 past due');
    expect(page).toContain('Pay ₱1,298.70 with GCash / Maya');
    expect(page).toContain('name="part" value="past-due"');
    expect(await accountPage('fil')).toContain('Bayaran ang ₱299.70 na lampas na sa takdang araw');
  });

  it('checks out exactly what is past due; its payment is recorded once and lifts the suspension', async () => {
    const out = await press('past-due');
    expect(out.status).toBe(303);
    const id = /\/checkout\/(cs_[0-9a-f]+)$/.exec(out.location)?.[1];
    if (!id) throw new Error(`not sent to a checkout: ${out.location} ${out.body.slice(0, 300)}`);
    const sent = rig.fake.requests.filter((r) => r.method === 'POST').at(-1)!.body as {
      data: { attributes: { line_items: Array<{ amount: number; name: string }> } };
    };
    expect(sent.data.attributes.line_items).toEqual([
      expect.objectContaining({ amount: 29_970, name: expect.stringContaining('past due') }),
    ]);
    const row = (await rig.h.core!.db('payments').where({ session_id: id }).first()) as { reference: string };

    rig.fake.pay(id, { method: 'gcash' });
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    await rig.h.core!.services.payments.poll();
    const back = await fetch(`${rig.h.app!.url}/portal/account/pay/return?ref=${row.reference}`);
    expect(await back.text()).toContain('Payment received (₱299.70).');

    const ledger = await rig.h.core!.services.invoices.payments(sub.id);
    expect(ledger.payments).toHaveLength(1);
    expect(ledger.payments[0]).toMatchObject({ amount: 29_970, method: 'gcash' });
    expect(ledger.owed).toBe(99_900);
    await waitFor(async () => (await statusOf()).status === 'active', 5_000);
    // What is not due yet stays owed: one button again, for it.
    const page = await accountPage();
    expect(page).toContain('Pay ₱999.00 with GCash / Maya');
    expect(page).not.toContain('past due');
  });
});
