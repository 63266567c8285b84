import { answerOf, sessionAction, subscriberRows } from '../../src/domain/radius-subscriber';

const plan = { rateUp: 5_000_000, rateDown: 10_000_000 };

describe("a subscriber's FreeRADIUS rows", () => {
  it('a PPP-only login with the plan speeds (upload first) and the interim interval', () => {
    expect(subscriberRows({ password: 'Pass-word-1', plan, suspended: false })).toEqual({
      check: [
        { attribute: 'Cleartext-Password', op: ':=', value: 'Pass-word-1' },
        { attribute: 'Service-Type', op: '==', value: 'Framed-User' },
        { attribute: 'Framed-Protocol', op: '==', value: 'PPP' },
      ],
      reply: [
        { attribute: 'Mikrotik-Rate-Limit', op: ':=', value: '5000000/10000000' },
        { attribute: 'Acct-Interim-Interval', op: ':=', value: '60' },
      ],
    });
  });

  it("suspended: the address list; the plan's pool; a throttle's speeds; blocked: refused", () => {
    const r = subscriberRows({
      password: 'Pass-word-1',
      plan: { ...plan, pppPool: 'home-pool' },
      suspended: true,
      speeds: {
        state: 'capped-throttle',
        rateUp: 512_000,
        rateDown: 1_000_000,
        offpeak: false,
        reason: 'cap',
      },
    });
    expect(r.reply).toEqual(
      expect.arrayContaining([
        { attribute: 'Mikrotik-Rate-Limit', op: ':=', value: '512000/1000000' },
        { attribute: 'Framed-Pool', op: ':=', value: 'home-pool' },
        { attribute: 'Mikrotik-Address-List', op: ':=', value: 'pisonet-suspended' },
      ]),
    );
    const blocked = subscriberRows({ password: 'x', plan, suspended: false, blocked: 'Data cap reached' });
    expect(blocked.check).toEqual([{ attribute: 'Auth-Type', op: ':=', value: 'Reject' }]);
    expect(answerOf(blocked)).toBeNull();
  });
});

describe('what a running session is sent', () => {
  const on = { rate: '5000000/10000000', suspended: false };
  it('nothing when it has what its login would get', () => {
    expect(sessionAction(on, on, false)).toEqual({ kind: 'none' });
  });
  it('a CoA with the new rate, or the suspended list; a Disconnect to leave the list or to end', () => {
    expect(sessionAction(on, { ...on, rate: '1/1' }, false)).toEqual({
      kind: 'coa',
      attributes: [['Mikrotik-Rate-Limit', '1/1']],
    });
    expect(sessionAction(on, { ...on, suspended: true }, false)).toEqual({
      kind: 'coa',
      attributes: [['Mikrotik-Address-List', 'pisonet-suspended']],
    });
    expect(sessionAction({ ...on, suspended: true }, on, false)).toEqual({
      kind: 'disconnect',
      why: 'resumed',
    });
    expect(sessionAction(on, null, true)).toEqual({ kind: 'disconnect', why: 'ended' });
    expect(sessionAction(on, null, false)).toEqual({ kind: 'disconnect', why: 'blocked' });
  });
});
