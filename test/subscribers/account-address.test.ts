/**
 * `/portal/account` found by the PPPoE session's address (the request's source address): a dialled CPE's address
 * opens its subscriber's page without a password, in English and Filipino; another address, a hung-up CPE and an
 * ended service get the sign-in form; a router that is down gets the sign-in form with a line saying why (no
 * 500). On a RADIUS site (PostgreSQL) the open accounting session's Framed-IP-Address finds the subscriber.
 * The CPEs' pool is in 127.0.0.0/8, so the test can send from the very address the CPE was given.
 */
import http from 'node:http';
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { api } from '../sites/helpers';
import { addSubscriber, PROFILES } from './helpers';
import { pppoeSetUp } from '../helpers/pppoe';
import { waitFor } from '../helpers/wait';

const CPE = 'aa:bb:cc:00:00:11';

let h: Harness;

/** GET the account page from `from` (a loopback address, as the CPE's). */
function pageFrom(from: string, query = ''): Promise<{ status: number; body: string }> {
  const url = new URL(`${h.app!.url}/portal/account${query}`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, localAddress: from },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const signInForm = (body: string) => body.includes('id="account-sign-in"');

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  // The owner's PPPoE set-up: the server's default profile hands out the pool's addresses.
  await pppoeSetUp(h, '127.0.0.2-127.0.0.9');
});
afterAll(async () => {
  await h.close();
});

describe('the account page by the PPPoE session’s address (API site)', () => {
  let address: string;

  it('opens the dialled CPE’s account without a password, in English and in Filipino', async () => {
    await addSubscriber(h, { name: 'Aling Nena', username: 'nena', password: 'Nena-pass-123' });
    await waitFor(() => h.sim.rows('/ppp/secret').some((r) => r.name === 'nena'));
    const dialled = await h.sim.pppoe.dial({ mac: CPE, user: 'nena', password: 'Nena-pass-123' });
    if (!dialled.ok || !dialled.address) throw new Error(`not dialled: ${dialled.reason}`);
    address = dialled.address;
    expect(address).toMatch(/^127\.0\.0\.\d$/);

    const en = await pageFrom(address, '?lang=en');
    expect(en.status).toBe(200);
    expect(signInForm(en.body)).toBe(false);
    expect(en.body).toContain('Aling Nena');
    expect(en.body).toContain('Found by your connection.');
    expect(en.body).toContain('id="account-status">Active');
    // Found by its address, the page has no sign-out (there is no sign-in to end) and never shows the password.
    expect(en.body).not.toContain('account-sign-out');
    expect(en.body).not.toContain('Nena-pass-123');

    const fil = await pageFrom(address, '?lang=fil');
    expect(fil.status).toBe(200);
    expect(fil.body).toContain('Nakilala sa koneksyon mo.');
    expect(fil.body).toContain('id="account-status">Aktibo');
  });

  it('says the speed it has now: past its cap, the cap’s speed and until when', async () => {
    expect((await pageFrom(address, '?lang=en')).body).toMatch(/id="account-speed">10 Mbps ↓ \/ 5 Mbps ↑</);
    // What the meter would have booked: 100.5 GB of its first cycle, Nov 21 (the day it was added) – Dec 4 (HOME10's
    // cap is 100 GB, throttle). The meter may have the row already: a poll after the subscriber was added opens a
    // cycle that began today at zero (the server's first poll, still going on a loaded PostgreSQL, or one after the
    // router's reconnection), so the bytes are set on it, not inserted beside it.
    const s = await h.core!.services.subscribers.get('nena');
    await h
      .core!.db('subscriber_usage')
      .insert({
        subscriber_id: s.id,
        cycle_start: s.cycle.start,
        cycle_end: s.cycle.end,
        counted_bytes: 100_500_000_000,
        updated_at: h.clock.now(),
      })
      .onConflict(['subscriber_id', 'cycle_start'])
      .merge(['counted_bytes', 'updated_at']);
    try {
      const en = await pageFrom(address, '?lang=en');
      expect(en.body).toMatch(
        /id="account-speed">1 Mbps ↓ \/ 512 kbps ↑: slower after the data cap, until 2026-12-05</,
      );
      const fil = await pageFrom(address, '?lang=fil');
      expect(fil.body).toContain('bumagal dahil naabot ang data cap, hanggang 2026-12-05');
    } finally {
      await h.core!.db('subscriber_usage').where({ subscriber_id: s.id }).del();
    }
  });

  it('gives another address the sign-in form, with no line about the connection', async () => {
    const other = await pageFrom('127.0.0.10');
    expect(other.status).toBe(200);
    expect(signInForm(other.body)).toBe(true);
    expect(other.body).not.toContain('Aling Nena');
    expect(other.body).not.toContain('account-unchecked');
  });

  it('a router that is down: the sign-in form and a clear line, in both languages (never a 500)', async () => {
    h.sim.setReachable(false);
    await waitFor(() => !h.router.status.connected);
    try {
      const en = await pageFrom(address, '?lang=en');
      expect(en.status).toBe(200);
      expect(signInForm(en.body)).toBe(true);
      expect(en.body).not.toContain('Aling Nena');
      expect(en.body).toContain('We could not check your connection just now.');
      const fil = await pageFrom(address, '?lang=fil');
      expect(fil.status).toBe(200);
      expect(fil.body).toContain('Hindi ma-check ang koneksyon mo ngayon.');
    } finally {
      h.sim.setReachable(true);
    }
    await h.router.waitConnected(5000);
    // Connected is not yet checked: the page finds the session again once the router is the site's once more.
    await waitFor(async () => (await pageFrom(address)).body.includes('Aling Nena'), 10_000);
  });

  it('a CPE that hung up, and an ended service, no longer open the page', async () => {
    h.sim.pppoe.hangUp(CPE);
    expect(signInForm((await pageFrom(address)).body)).toBe(true);
    const again = await h.sim.pppoe.dial({ mac: CPE, user: 'nena', password: 'Nena-pass-123' });
    if (!again.ok || !again.address) throw new Error(`not dialled: ${again.reason}`);
    expect((await pageFrom(again.address)).body).toContain('Aling Nena');
    await h.core!.services.subscribers.end('nena', SYSTEM);
    expect(signInForm((await pageFrom(again.address)).body)).toBe(true);
  });
});

describePostgresOnly('the account page by address on a RADIUS site', () => {
  it('finds the subscriber by its open accounting session’s Framed-IP-Address at that router', async () => {
    const site = await api(h, 'POST', '/sites', {
      name: 'branch-r',
      mode: 'radius',
      nas_address: '10.20.0.1',
      radius_secret: 'Branch-radius-Secret1',
    });
    expect(site.status).toBe(201);
    await waitFor(() => [...h.core!.siteStacks.values()].some((s) => s.site.name === 'branch-r'));
    await addSubscriber(h, { name: 'Mang Tonyo', username: 'tonyo', site: 'branch-r' });
    const session = (id: string, nas: string, ip: string, stopped: boolean) =>
      h.core!.db.raw(
        `INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, framedipaddress,
           acctstarttime, acctupdatetime, acctstoptime, callingstationid)
         VALUES (?, ?, 'tonyo', ?::inet, ?::inet, now(), now(), ${stopped ? 'now()' : 'NULL'}, '')`,
        [id, `u-${id}`, nas, ip],
      );
    // A finished session and another router's session with the address prove nothing.
    await session('s1', '10.20.0.1', '127.0.0.12', true);
    await session('s2', '10.99.0.1', '127.0.0.13', false);
    expect(signInForm((await pageFrom('127.0.0.12')).body)).toBe(true);
    expect(signInForm((await pageFrom('127.0.0.13')).body)).toBe(true);
    await session('s3', '10.20.0.1', '127.0.0.14', false);
    const page = await pageFrom('127.0.0.14', '?lang=fil');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Mang Tonyo');
    expect(page.body).toContain('Nakilala sa koneksyon mo.');
  });
});
