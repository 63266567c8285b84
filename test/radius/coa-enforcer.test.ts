/**
 * The CoA enforcer reports what it did not do: logins it could not write are an error in its outcome (the poll
 * logs it and the next poll writes them again), and it never reports a removal it did not make.
 */
import { coaEnforcer } from '../../src/services/network/radius/coa-enforcer';
import { createLogger } from '../../src/lib/logger';
import { decision } from '../usage/contracts';

test('logins it could not write are reported, and no removal is claimed', async () => {
  const d = decision('RADU0001', '02:00:00:00:0D:01', '10.5.50.30');
  const enforcer = coaEnforcer({
    // No session to look up, no packet to send: neither the database nor the router is asked.
    db: undefined as never,
    target: () => Promise.reject(new Error('not asked')),
    log: createLogger('silent'),
    writeLogins: () => Promise.reject(new Error('connection refused')),
  });
  const out = await enforcer.apply(
    {
      devices: [],
      vouchers: () => new Map([[d.code, d.limits]]),
      logout: [],
      removeLogins: ['RADU0002'],
      claimed: new Set(),
      byteCaps: async () => [{ code: d.code, password: d.code, left: 1_000_000 }],
    },
    { counters: [], sessions: [], countersStartedAt: undefined, loginsMissed: () => new Set() },
  );
  expect(out.errors).toEqual([
    expect.objectContaining({
      code: 'LOGINS_NOT_WRITTEN',
      transient: false,
      message: expect.stringMatching(/connection refused/),
    }),
  ]);
  expect(out.loginsRemoved).toEqual([]);
  expect(out.byteLimitsSet).toBeUndefined();
});
