import {
  diffPppSecrets,
  pppSecretFor,
  sessionsToReaddress,
  type PppSecretHave,
} from '../../src/domain/ppp-plan';
import { answerOf, sessionAction, subscriberRows } from '../../src/domain/radius-subscriber';

const plan = { rateUp: 5_000_000, rateDown: 10_000_000, pppPool: 'pppoe-pool' };

describe('a fixed address in what the router and FreeRADIUS hold', () => {
  it("is the secret's remote-address; taking it off asks for an empty one (unset)", () => {
    const want = pppSecretFor({
      username: 'cam',
      password: 'Cam-pass-1',
      plan: 'HOME10',
      accountNo: 'S-000001',
      staticIp: '10.20.0.7',
    });
    expect(diffPppSecrets([want], []).add[0]).toMatchObject({ name: 'cam', 'remote-address': '10.20.0.7' });
    const have: PppSecretHave = {
      id: '*1',
      name: 'cam',
      ours: true,
      password: 'Cam-pass-1',
      profile: 'pisonet-HOME10',
      service: 'pppoe',
      disabled: false,
      remoteAddress: '10.20.0.7',
      comment: 'pisonet subscriber S-000001',
    };
    expect(diffPppSecrets([want], [have]).set).toEqual([]);
    const off = pppSecretFor({
      username: 'cam',
      password: 'Cam-pass-1',
      plan: 'HOME10',
      accountNo: 'S-000001',
      staticIp: null,
    });
    expect(diffPppSecrets([off], [have]).set[0].attrs).toEqual({ 'remote-address': '' });
  });

  it('ends a session not at its fixed address once per address, and one whose address was taken off', () => {
    const want = [{ name: 'cam', remoteAddress: '10.20.0.7' }, { name: 'ana' }];
    const sessions = [
      { name: 'cam', address: '10.10.0.5' },
      { name: 'ana', address: '10.10.0.6' },
    ];
    expect(sessionsToReaddress(sessions, want, new Set(), new Map())).toEqual([
      { name: 'cam', address: '10.20.0.7' },
    ]);
    expect(sessionsToReaddress(sessions, want, new Set(), new Map([['cam', '10.20.0.7']]))).toEqual([]);
    expect(sessionsToReaddress(sessions, want, new Set(['ana']), new Map([['cam', '10.20.0.7']]))).toEqual([
      { name: 'ana', address: '' },
    ]);
  });

  it('is Framed-IP-Address in the reply, in the place of the pool; a change disconnects the session', () => {
    const rows = subscriberRows({ password: 'Cam-pass-1', plan, suspended: false, staticIp: '10.20.0.7' });
    expect(rows.reply).toContainEqual({ attribute: 'Framed-IP-Address', op: ':=', value: '10.20.0.7' });
    expect(rows.reply.find((r) => r.attribute === 'Framed-Pool')).toBeUndefined();
    const pooled = subscriberRows({ password: 'Cam-pass-1', plan, suspended: false });
    expect(pooled.reply).toContainEqual({ attribute: 'Framed-Pool', op: ':=', value: 'pppoe-pool' });
    const given = answerOf(pooled)!;
    expect(sessionAction(given, answerOf(rows), false)).toEqual({ kind: 'disconnect', why: 'readdressed' });
    expect(sessionAction(answerOf(rows)!, answerOf(rows), false)).toEqual({ kind: 'none' });
  });
});
