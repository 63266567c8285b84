/** What a site's router should hold for its subscribers over PPPoE, and the difference to write: no I/O. */
import {
  diffPppProfiles,
  diffPppSecrets,
  pppMaxLimit,
  pppProfileFor,
  pppProfilesFor,
  pppRateLimit,
  pppSecretFor,
  sessionsToEnd,
  sessionsToRestart,
  type PppProfileHave,
  type PppSecretHave,
} from '../../src/domain/ppp-plan';
import { parseProfile } from '../../src/domain/profiles';

const HOME10 = parseProfile({
  name: 'HOME10',
  billing: 'monthly',
  price: 999,
  rate_up: '5M',
  rate_down: '10M',
});

const profileHave = (o: Partial<PppProfileHave> = {}): PppProfileHave => ({
  id: '*1',
  name: 'pisonet-HOME10',
  ours: true,
  rateLimit: '5000000/10000000',
  onlyOne: 'yes',
  remoteAddress: '',
  comment: 'pisonet plan HOME10',
  ...o,
});

const secretHave = (o: Partial<PppSecretHave> = {}): PppSecretHave => ({
  id: '*5',
  name: 'juan.dc',
  ours: true,
  password: 'secret-1',
  profile: 'pisonet-HOME10',
  service: 'pppoe',
  disabled: false,
  remoteAddress: '',
  comment: 'pisonet subscriber S-000001',
  ...o,
});

const juan = pppSecretFor({
  username: 'juan.dc',
  password: 'secret-1',
  plan: 'HOME10',
  accountNo: 'S-000001',
});

describe('PPP profiles of monthly plans', () => {
  it('writes the rate limit upload first (the router receives the upload), in bits per second', () => {
    expect(pppRateLimit(HOME10)).toBe('5000000/10000000');
  });

  it('includes the burst: burst rates, thresholds and time, each rx/tx', () => {
    const p = parseProfile({
      name: 'BURST',
      billing: 'monthly',
      price: 999,
      rate_up: '1M',
      rate_down: '2M',
      burst: { rate_up: '2M', rate_down: '4M', threshold_up: '768K', threshold_down: '1500K', time: '10s' },
    });
    expect(pppRateLimit(p)).toBe('1000000/2000000 2000000/4000000 768000/1500000 10s/10s');
  });

  it('names the profile pisonet-<PLAN>, marks it ours and takes the plan pool', () => {
    const pooled = parseProfile({ ...HOME10JSON(), ppp_pool: 'pppoe-pool' });
    expect(pppProfileFor('HOME25', pooled)).toEqual({
      name: 'pisonet-HOME25',
      rateLimit: '5000000/10000000',
      remoteAddress: 'pppoe-pool',
      comment: 'pisonet plan HOME25',
    });
  });

  it('adds a missing profile with only-one=yes, and writes nothing when it matches', () => {
    const want = [pppProfileFor('HOME10', HOME10)];
    expect(diffPppProfiles(want, []).add).toEqual([
      {
        name: 'pisonet-HOME10',
        'rate-limit': '5000000/10000000',
        'only-one': 'yes',
        'remote-address': '',
        comment: 'pisonet plan HOME10',
      },
    ]);
    expect(diffPppProfiles(want, [profileHave()])).toEqual({
      add: [],
      set: [],
      remove: [],
      conflicts: [],
      adopt: [],
    });
  });

  it('puts back only what differs', () => {
    const d = diffPppProfiles(
      [pppProfileFor('HOME10', HOME10)],
      [profileHave({ rateLimit: '1M/1M', onlyOne: 'no' })],
    );
    expect(d.set).toEqual([
      {
        have: expect.objectContaining({ id: '*1' }),
        attrs: { 'rate-limit': '5000000/10000000', 'only-one': 'yes' },
      },
    ]);
    expect(d.add).toEqual([]);
  });

  it('never touches a same-named profile without pisonet, and reports it', () => {
    const d = diffPppProfiles(
      [pppProfileFor('HOME10', HOME10)],
      [profileHave({ ours: false, comment: 'mine' })],
    );
    expect(d).toEqual({ add: [], set: [], remove: [], conflicts: ['pisonet-HOME10'], adopt: [] });
  });

  it('removes a plan profile of ours no longer wanted, never one of ours without the prefix', () => {
    const d = diffPppProfiles(
      [],
      [profileHave(), profileHave({ id: '*2', name: 'other', comment: 'pisonet x' })],
    );
    expect(d.remove.map((h) => h.id)).toEqual(['*1']);
  });
});

describe('PPP secrets of subscribers', () => {
  it('adds a subscriber as a pppoe secret on its plan profile', () => {
    expect(diffPppSecrets([juan], []).add).toEqual([
      {
        name: 'juan.dc',
        password: 'secret-1',
        service: 'pppoe',
        profile: 'pisonet-HOME10',
        comment: 'pisonet subscriber S-000001',
      },
    ]);
  });

  it('follows a new password and plan, and enables a disabled one', () => {
    const d = diffPppSecrets(
      [juan],
      [secretHave({ password: 'old', profile: 'pisonet-HOME25', disabled: true })],
    );
    expect(d.set[0].attrs).toEqual({ password: 'secret-1', profile: 'pisonet-HOME10', disabled: 'no' });
  });

  it('removes a secret of ours no subscriber wants; leaves a foreign one alone', () => {
    const d = diffPppSecrets(
      [juan],
      [secretHave({ name: 'ana' }), secretHave({ id: '*6', ours: false, comment: '' })],
    );
    expect(d.remove.map((h) => h.name)).toEqual(['ana']);
    expect(d.conflicts).toEqual(['juan.dc']);
    expect(d.add).toEqual([]);
    expect(d.set).toEqual([]);
  });

  it('takes over in place the one foreign secret an adopted subscriber came from, by its id; another stays a conflict', () => {
    const adopted = pppSecretFor({
      username: 'juan.dc',
      password: 'secret-1',
      plan: 'HOME10',
      accountNo: 'S-000001',
      adoptedSecret: '*6',
    });
    const foreign = secretHave({
      id: '*6',
      ours: false,
      comment: 'old customer',
      profile: 'home',
      service: 'any',
    });
    const d = diffPppSecrets([adopted], [foreign]);
    expect(d.adopt).toEqual([
      {
        have: foreign,
        attrs: { service: 'pppoe', profile: 'pisonet-HOME10', comment: 'pisonet subscriber S-000001' },
      },
    ]);
    expect(d.add).toEqual([]);
    expect(d.conflicts).toEqual([]);
    // Another secret of that name (not the one adopted, say remade by hand) is someone else's: left alone.
    const other = diffPppSecrets([adopted], [secretHave({ id: '*7', ours: false, comment: '' })]);
    expect(other.adopt).toEqual([]);
    expect(other.conflicts).toEqual(['juan.dc']);
  });

  it('keeps one object per name: a second secret of ours with the same name goes', () => {
    const d = diffPppSecrets([juan], [secretHave(), secretHave({ id: '*9' })]);
    expect(d.remove.map((h) => h.id)).toEqual(['*9']);
    expect(d.set).toEqual([]);
  });
});

describe('sessions to end', () => {
  it("ends an ended subscriber's session, not one whose name is wanted again or someone else's", () => {
    expect(
      sessionsToEnd(['pedro', 'juan.dc', 'ana', 'maria'], ['pedro', 'juan.dc', 'ana'], [juan], ['ana']),
    ).toEqual(['pedro']);
  });
});

function HOME10JSON() {
  return { name: 'HOME10', billing: 'monthly', price: 999, rate_up: '5M', rate_down: '10M' };
}

describe("a plan's speed tiers as PPP profiles", () => {
  const capped = parseProfile({
    ...HOME10JSON(),
    data_cap: '100G',
    cap_policy: 'throttle',
    cap_rate_up: '512K',
    cap_rate_down: '1M',
    fup: { threshold: '50G', rate_up: '2M', rate_down: '4M' },
  });

  it('gives a plan a profile per tier it has, named so no plan can take the name', () => {
    expect(pppProfilesFor('HOME10', capped).map((p) => [p.name, p.rateLimit])).toEqual([
      ['pisonet-HOME10', '5000000/10000000'],
      ['pisonet-HOME10.fup', '2000000/4000000'],
      ['pisonet-HOME10.cap', '512000/1000000'],
    ]);
    expect(pppProfilesFor('HOME10', parseProfile(HOME10JSON())).map((p) => p.name)).toEqual([
      'pisonet-HOME10',
    ]);
    expect(pppMaxLimit(capped, 'cap')).toBe('512000/1000000');
  });

  it('names the tier profile in the secret, and disables the secret of a blocked subscriber', () => {
    const w = pppSecretFor({
      username: 'juan.dc',
      password: 'p',
      plan: 'HOME10',
      accountNo: 'S-1',
      tier: 'cap',
    });
    expect(w.profile).toBe('pisonet-HOME10.cap');
    const blocked = pppSecretFor({
      username: 'juan.dc',
      password: 'p',
      plan: 'HOME10',
      accountNo: 'S-1',
      disabled: true,
    });
    expect(
      diffPppSecrets([blocked], [secretHave({ password: 'p', comment: 'pisonet subscriber S-1' })]).set,
    ).toEqual([{ have: expect.objectContaining({ name: 'juan.dc' }), attrs: { disabled: 'yes' } }]);
    expect(diffPppSecrets([blocked], []).add[0]).toMatchObject({ disabled: 'yes' });
  });
});

describe('sessions to restart for their speeds', () => {
  const want = [
    { name: 'juan.dc', maxLimit: '512000/1000000' },
    { name: 'ana', maxLimit: '10000000/25000000' },
    { name: 'pedro', maxLimit: '2000000/5000000', disabled: true },
  ];

  it('ends a session at other speeds or of a disabled secret, not one at its speeds (however printed)', () => {
    const sessions = [
      { name: 'juan.dc', maxLimit: '5000000/10000000' },
      { name: 'ana', maxLimit: '10M/25M' },
      { name: 'pedro', maxLimit: '2000000/5000000' },
      { name: 'maria', maxLimit: '1/1' },
    ];
    expect(sessionsToRestart(sessions, want, new Map()).map((s) => s.name)).toEqual(['juan.dc', 'pedro']);
  });

  it('ends a session once per change of its wanted speeds, never in a loop', () => {
    const sessions = [{ name: 'juan.dc', maxLimit: '5000000/10000000' }];
    const endedFor = new Map([['juan.dc', '512000/1000000']]);
    expect(sessionsToRestart(sessions, want, endedFor)).toEqual([]);
    endedFor.set('juan.dc', '2000000/4000000');
    expect(sessionsToRestart(sessions, want, endedFor)).toEqual([
      { name: 'juan.dc', maxLimit: '512000/1000000' },
    ]);
  });
});
