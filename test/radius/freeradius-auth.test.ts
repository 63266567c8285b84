/**
 * Real FreeRADIUS on the product's PostgreSQL database, configured by `pisonet radius freeradius-config`, answering
 * `radclient` (the reference client) for a RADIUS site's vouchers: the plan's rates in RouterOS's syntax (upload
 * first), the time left, the interim interval, the data left of a capped plan, refusals for a wrong password, an
 * unknown or revoked code and a second device on a one-device code, and the validity starting at the first login
 * while the controller does nothing. Accounting Start/Interim/Stop land in radacct, totals only growing.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { radclient, radiusAvailable, startFreeRadius, type FreeRadius } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { TEST_PROFILES } from '../usage/helpers';
import { syncRadiusAccounts } from '../../src/services/network/radius/accounts';

const SECRET = 'Branch-R-secret-1';
const MAC_A = 'AA:BB:CC:00:00:01';
const MAC_B = 'AA:BB:CC:00:00:02';

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)('FreeRADIUS answers for a RADIUS site', () => {
  let h: Harness;
  let fr: FreeRadius;
  const sync = () =>
    syncRadiusAccounts({
      db: h.core!.db,
      profiles: h.core!.services.profiles,
      now: h.clock.now(),
      tz: h.core!.config.tz,
    });
  const auth = (code: string, mac: string, password = code) =>
    radclient('auth', fr.authPort, SECRET, {
      'User-Name': code,
      'User-Password': password,
      'Calling-Station-Id': mac,
      'NAS-IP-Address': '127.0.0.1',
    });

  beforeAll(async () => {
    h = await createHarness({ http: true, profiles: TEST_PROFILES });
    const site = await api(h, 'POST', '/sites', {
      name: 'branch-r',
      mode: 'radius',
      nas_address: '127.0.0.1',
      radius_secret: SECRET,
    });
    expect(site.status).toBe(201);
    fr = await startFreeRadius(h);
  });
  afterAll(async () => {
    await fr?.stop();
    await h?.close();
  });

  const make = async (profile: string) => {
    const made = await api(h, 'POST', '/vouchers', { profile, count: 1, site: 'branch-r' });
    expect(made.status).toBe(201);
    await sync();
    return made.json.vouchers[0].code as string;
  };

  it('accepts an unused code with its plan: rates (upload first), validity, interim interval', async () => {
    const code = await make('BASIC');
    const r = await auth(code, MAC_A);
    expect(r.code).toBe('Access-Accept');
    // Signed, as RouterOS 7.15+ requires (require-message-auth).
    expect(r.attributes['Message-Authenticator']).toBeDefined();
    expect(r.attributes).toMatchObject({
      'Mikrotik-Rate-Limit': '512000/1000000',
      'Session-Timeout': '3600',
      'Acct-Interim-Interval': '60',
    });
    // The validity started at this first login, in the database, without the controller.
    const acc = await h.core!.db('radius_accounts').where({ username: code }).first();
    expect(acc.first_accept_at).not.toBeNull();
    // The same device again: accepted; the time left comes from the expiry FreeRADIUS set.
    const again = await auth(code, MAC_A);
    expect(again.code).toBe('Access-Accept');
    expect(Number(again.attributes['Session-Timeout'])).toBeLessThanOrEqual(3600);
    // A second device on a one-device code: refused, with why.
    const other = await auth(code, MAC_B);
    expect(other.code).toBe('Access-Reject');
    expect(other.attributes['Reply-Message']).toMatch(/another device/);
    expect(other.attributes['Mikrotik-Rate-Limit']).toBeUndefined();
    expect(other.attributes['Message-Authenticator']).toBeDefined();
    const answers = await h.core!.db('radpostauth').where({ username: code }).orderBy('id').pluck('reply');
    expect(answers).toEqual(['Access-Accept', 'Access-Accept', 'Access-Reject']);
  });

  it('refuses a wrong password and an unknown code', async () => {
    const code = await make('BASIC');
    expect((await auth(code, MAC_A, 'WRONG1')).code).toBe('Access-Reject');
    expect((await auth('NOSUCHCODE', MAC_A)).code).toBe('Access-Reject');
  });

  it('a capped plan answers the data left; a revoked code is refused with its reason', async () => {
    const code = await make('FUP');
    const r = await auth(code, MAC_A);
    expect(r.code).toBe('Access-Accept');
    expect(r.attributes).toMatchObject({
      'Mikrotik-Rate-Limit': '2000000/4000000',
      'Mikrotik-Total-Limit': '200000000',
    });
    const revoked = await api(h, 'POST', `/vouchers/${code}/revoke`, {});
    expect(revoked.status).toBe(200);
    await sync();
    const after = await auth(code, MAC_A);
    expect(after.code).toBe('Access-Reject');
    expect(after.attributes['Reply-Message']).toMatch(/no longer valid/);
  });

  it('records accounting Start, Interim-Update and Stop with gigawords, totals only growing', async () => {
    const code = await make('BASIC');
    const base = {
      'User-Name': code,
      'Calling-Station-Id': MAC_A,
      'NAS-IP-Address': '127.0.0.1',
      'Acct-Session-Id': '81a00001',
      'Framed-IP-Address': '10.5.50.2',
    };
    const acct = (extra: Record<string, string | number>) =>
      radclient('acct', fr.acctPort, SECRET, { ...base, ...extra });
    expect((await acct({ 'Acct-Status-Type': 'Start' })).code).toBe('Accounting-Response');
    await acct({
      'Acct-Status-Type': 'Interim-Update',
      'Acct-Input-Octets': 1000,
      'Acct-Output-Octets': 5,
      'Acct-Output-Gigawords': 1,
      'Acct-Session-Time': 60,
    });
    // An older interim arriving late takes nothing back.
    await acct({ 'Acct-Status-Type': 'Interim-Update', 'Acct-Input-Octets': 10, 'Acct-Session-Time': 30 });
    let row = await h.core!.db('radacct').where({ username: code }).first();
    expect([Number(row.acctinputoctets), Number(row.acctoutputoctets)]).toEqual([1000, 2 ** 32 + 5]);
    expect(row.acctstoptime).toBeNull();
    await acct({
      'Acct-Status-Type': 'Stop',
      'Acct-Input-Octets': 2000,
      'Acct-Output-Octets': 7,
      'Acct-Output-Gigawords': 1,
      'Acct-Session-Time': 120,
      'Acct-Terminate-Cause': 'User-Request',
    });
    row = await h.core!.db('radacct').where({ username: code }).first();
    expect([Number(row.acctinputoctets), Number(row.acctoutputoctets)]).toEqual([2000, 2 ** 32 + 7]);
    expect(row.acctstoptime).not.toBeNull();
    expect(row.acctterminatecause).toBe('User-Request');
    // A Stop with no Start (a lost packet) still makes its row.
    await radclient('acct', fr.acctPort, SECRET, {
      ...base,
      'Acct-Session-Id': '81a00002',
      'Acct-Status-Type': 'Stop',
      'Acct-Input-Octets': 10,
      'Acct-Session-Time': 5,
    });
    const [{ n }] = await h.core!.db('radacct').where({ username: code }).count({ n: '*' });
    expect(Number(n)).toBe(2);
  });
});
