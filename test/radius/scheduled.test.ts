/**
 * A scheduled subscriber on a RADIUS site (real FreeRADIUS on PostgreSQL): no rows in radcheck/radreply while it
 * waits for its day, so its CPE is refused; "activate now" writes its rows within a second and it dials in.
 */
import { addDays, localDate } from '../../src/domain/calendar';
import { describePostgresOnly } from '../helpers/engine-describe';
import { radiusAvailable } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { JUAN, PROFILES } from '../subscribers/helpers';
import { addRadiusSubscriber, pppAuth, startPppSite, until, type PppSite } from './ppp-site';

const CPE = 'AA:BB:CC:00:63:01';

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)('a scheduled subscriber on a RADIUS site', () => {
  let p: PppSite;
  beforeAll(async () => {
    p = await startPppSite(PROFILES);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('has no FreeRADIUS rows until it is activated', async () => {
    const db = p.h.core!.db;
    const today = localDate(p.h.clock.now(), p.h.config.tz);
    const res = await api(p.h, 'POST', '/subscribers', {
      ...JUAN,
      site: 'branch-p',
      username: 'later.r',
      password: 'Later-pass-1',
      starts_on: addDays(today, 10),
    });
    expect(res.status).toBe(201);
    expect(res.json.subscriber.status).toBe('scheduled');
    // A subscriber added after it gets its rows: the sync that wrote them left the scheduled one out.
    await addRadiusSubscriber(p, { username: 'now.r', password: 'Now-pass-123' });
    expect(await db('radcheck').where({ username: 'later.r' })).toEqual([]);
    expect(await db('radreply').where({ username: 'later.r' })).toEqual([]);
    expect((await pppAuth(p, 'later.r', 'Later-pass-1', CPE)).code).toBe('Access-Reject');

    const on = await api(p.h, 'POST', `/subscribers/${res.json.subscriber.id}/activate`);
    expect(on.status).toBe(200);
    await until(async () => Boolean(await db('radcheck').where({ username: 'later.r' }).first()), 2000);
    expect((await pppAuth(p, 'later.r', 'Later-pass-1', CPE)).code).toBe('Access-Accept');
  });
});
