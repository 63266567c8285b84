import { parseProfile } from '../../src/domain/profiles';
import { desiredQueues, queueNameForMac, type DesiredQueue } from '../../src/domain/queues';
import { planIsEmpty, planReconcile, type QueueOnRouter } from '../../src/domain/reconcile';
import { queueOnRouter } from '../../src/router/hotspot/snapshot';
import type { VoucherState } from '../../src/domain/vouchers';
import * as quantities from '../../src/domain/quantities';

const TZ = 'Asia/Manila';
const NOON = Date.UTC(2026, 0, 15, 4, 0);
const BASIC = parseProfile({
  name: 'BASIC',
  price: 5,
  validity: '1h',
  users: 2,
  rate_up: '512K',
  rate_down: '1M',
  data_cap: '1G',
  burst: { rate_up: '1M', rate_down: '2M', threshold_up: '384K', threshold_down: '768K', time: '10s' },
});

function voucher(code: string, extra: Partial<VoucherState> = {}): VoucherState {
  return {
    code,
    status: 'active',
    profile: BASIC,
    rateUp: BASIC.rateUp,
    rateDown: BASIC.rateDown,
    activatedAt: NOON,
    uptimeSeconds: 0,
    countedBytes: 0,
    totalBytes: 0,
    ...extra,
  };
}

describe('desiredQueues', () => {
  it('formats no human-readable speed for vouchers that keep their queue (the poll reads no such reason)', () => {
    const spy = jest.spyOn(quantities, 'formatRateHuman');
    try {
      const devices = [{ mac: 'AA:BB:CC:DD:EE:01', ip: '10.5.50.11', connected: true }];
      const items = [{ voucher: voucher('AAAA2222'), devices }];
      expect(desiredQueues(items, NOON, TZ).queues).toHaveLength(1);
      expect(spy).not.toHaveBeenCalled();
      // A voucher that ends still gets its reason, read from the same limits.
      const ended = [{ voucher: voucher('BBBB3333', { activatedAt: NOON - 2 * 3600_000 }), devices }];
      expect(desiredQueues(ended, NOON, TZ).voucherActions).toEqual([
        expect.objectContaining({ code: 'BBBB3333', newStatus: 'expired', reason: 'validity of 1h used up' }),
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('makes one queue per connected device with an IP', () => {
    const { queues, voucherActions } = desiredQueues(
      [
        {
          voucher: voucher('AAAA2222'),
          devices: [
            { mac: 'aa-bb-cc-dd-ee-01', ip: '10.5.50.11', connected: true },
            { mac: 'AA:BB:CC:DD:EE:02', ip: '10.5.50.12', connected: false },
            { mac: 'AA:BB:CC:DD:EE:03', connected: true },
          ],
        },
      ],
      NOON,
      TZ,
    );
    expect(voucherActions).toEqual([]);
    expect(queues).toEqual([
      {
        name: 'pisonet-AA:BB:CC:DD:EE:01',
        target: '10.5.50.11/32',
        maxLimit: '512000/1000000',
        burstLimit: '1000000/2000000',
        burstThreshold: '384000/768000',
        burstTime: '10s/10s',
        comment: 'AAAA2222',
        voucherCode: 'AAAA2222',
        mac: 'AA:BB:CC:DD:EE:01',
        priority: '8/8',
      },
    ]);
  });

  it('ends expired and over-cap vouchers and gives their devices no queue', () => {
    const device = (n: number) => [{ mac: `AA:BB:CC:DD:EE:0${n}`, ip: `10.5.50.${n}`, connected: true }];
    const result = desiredQueues(
      [
        { voucher: voucher('EXPIRED1', { activatedAt: NOON - 3_600_000 }), devices: device(1) },
        { voucher: voucher('CAPPED11', { countedBytes: 1e9 }), devices: device(2) },
        { voucher: voucher('REVOKED1', { status: 'revoked' }), devices: device(3) },
        { voucher: voucher('FINE1111'), devices: device(4) },
      ],
      NOON,
      TZ,
    );
    expect(result.queues.map((q) => q.voucherCode)).toEqual(['FINE1111']);
    expect(result.voucherActions).toEqual([
      {
        code: 'EXPIRED1',
        newStatus: 'expired',
        reason: 'validity of 1h used up',
        logout: true,
        removeRouterUser: true,
      },
      {
        code: 'CAPPED11',
        newStatus: 'exhausted',
        reason: expect.stringMatching(/^data cap reached/),
        logout: true,
        removeRouterUser: true,
      },
    ]);
    const kept = desiredQueues(
      [{ voucher: voucher('EXPIRED1', { activatedAt: 0 }), devices: [] }],
      NOON,
      TZ,
      { keepEndedUsers: true },
    );
    expect(kept.voucherActions[0].removeRouterUser).toBe(false);
  });

  it('gives a MAC seen under two vouchers the most recently activated one', () => {
    const dev = [{ mac: 'AA:BB:CC:DD:EE:01', ip: '10.5.50.11', connected: true }];
    const { queues } = desiredQueues(
      [
        { voucher: voucher('NEWER111', { activatedAt: NOON - 1000 }), devices: dev },
        { voucher: voucher('OLDER111', { activatedAt: NOON - 2000 }), devices: dev },
      ],
      NOON,
      TZ,
    );
    expect(queues.map((q) => q.voucherCode)).toEqual(['NEWER111']);
    // The other way round: the newer voucher's queue replaces the one already made, in place.
    const other = [{ mac: 'AA:BB:CC:DD:EE:00', ip: '10.5.50.10', connected: true }];
    const reversed = desiredQueues(
      [
        { voucher: voucher('OLDER111', { activatedAt: NOON - 2000 }), devices: dev },
        { voucher: voucher('OTHER111', { activatedAt: NOON - 3000 }), devices: other },
        { voucher: voucher('NEWER111', { activatedAt: NOON - 1000 }), devices: dev },
      ],
      NOON,
      TZ,
    );
    expect(reversed.queues.map((q) => [q.name, q.voucherCode, q.comment])).toEqual([
      ['pisonet-AA:BB:CC:DD:EE:00', 'OTHER111', 'OTHER111'],
      ['pisonet-AA:BB:CC:DD:EE:01', 'NEWER111', 'NEWER111'],
    ]);
  });

  it('gives each voucher its own rates when neighbours differ (override, FUP, plain)', () => {
    const FUP = { ...BASIC, fup: { thresholdBytes: 100, rateUp: 128_000, rateDown: 256_000 } };
    const NO_BURST = { ...BASIC, burst: undefined };
    const dev = (n: number) => [{ mac: `AA:BB:CC:DD:EE:0${n}`, ip: `10.5.50.${n}`, connected: true }];
    const { queues } = desiredQueues(
      [
        { voucher: voucher('PLAIN111'), devices: dev(1) },
        { voucher: voucher('PLAIN222'), devices: dev(2) },
        { voucher: voucher('NOBURST1', { profile: NO_BURST }), devices: dev(6) },
        { voucher: voucher('SLOWED11', { profile: FUP, countedBytes: 500 }), devices: dev(3) },
        { voucher: voucher('ADMIN111', { override: { rateUp: 2e6, rateDown: 4e6 } }), devices: dev(4) },
        { voucher: voucher('PLAIN333'), devices: dev(5) },
      ],
      NOON,
      TZ,
    );
    expect(queues.map((q) => [q.comment, q.maxLimit, q.burstLimit ?? null])).toEqual([
      ['PLAIN111', '512000/1000000', '1000000/2000000'],
      ['PLAIN222', '512000/1000000', '1000000/2000000'],
      ['SLOWED11', '128000/256000', null],
      ['ADMIN111', '2000000/4000000', null],
      ['PLAIN333', '512000/1000000', '1000000/2000000'],
      ['NOBURST1', '512000/1000000', null], // in MAC order: …:06
    ]);
  });

  it('keeps the queue of a device whose limit the admin removed, with max-limit 0/0 and no burst', () => {
    const dev = [{ mac: 'AA:BB:CC:DD:EE:01', ip: '10.5.50.11', connected: true }];
    const none = { override: { rateUp: 0, rateDown: 0 } };
    const { queues, voucherActions } = desiredQueues(
      [{ voucher: voucher('AAAA2222', none), devices: dev }],
      NOON,
      TZ,
    );
    expect(voucherActions).toEqual([]);
    expect(queues).toEqual([{ ...WANT, maxLimit: '0/0', priority: '8/8' }]);
    // What RouterOS (and the simulator) print for it: nothing to write, cycle after cycle.
    expect(planIsEmpty(planReconcile(queues, [row('*1', { 'max-limit': '0/0' })]))).toBe(true);
    expect(planReconcile(queues, [row('*1')]).set).toEqual([
      { id: '*1', name: WANT.name, changes: { maxLimit: '0/0' } },
    ]);
    const oneWay = desiredQueues(
      [{ voucher: voucher('AAAA2222', { override: { rateUp: 0, rateDown: 2e6 } }), devices: dev }],
      NOON,
      TZ,
    );
    expect(oneWay.queues.map((q) => [q.maxLimit, q.burstLimit])).toEqual([['0/2000000', undefined]]);
  });

  it('names queues after the upper-case MAC', () => {
    expect(queueNameForMac('aa-bb-cc-dd-ee-ff')).toBe('pisonet-AA:BB:CC:DD:EE:FF');
  });
});

const WANT: DesiredQueue = {
  name: 'pisonet-AA:BB:CC:DD:EE:01',
  target: '10.5.50.11/32',
  maxLimit: '512000/1000000',
  comment: 'AAAA2222',
  voucherCode: 'AAAA2222',
  mac: 'AA:BB:CC:DD:EE:01',
};

/**
 * A row as RouterOS prints it (docs/routeros.md "Queue fields", "Returned format"): rates as bits/s, burst
 * fields zeroed, /32 target.
 */
function row(id: string, fields: Record<string, string> = {}): QueueOnRouter {
  return queueOnRouter({
    '.id': id,
    name: WANT.name,
    target: '10.5.50.11/32',
    'max-limit': '512000/1000000',
    'burst-limit': '0/0',
    'burst-threshold': '0/0',
    'burst-time': '0s/0s',
    comment: 'AAAA2222',
    disabled: 'false',
    dynamic: 'false',
    ...fields,
  });
}

describe('planReconcile', () => {
  it('does nothing when the router already matches, in RouterOS-normalised form', () => {
    const plan = planReconcile([WANT], [row('*1')]);
    expect(plan).toEqual({ add: [], set: [], remove: [] });
    expect(planIsEmpty(plan)).toBe(true);
    // Same values written the human way still count as equal.
    expect(
      planIsEmpty(planReconcile([{ ...WANT, maxLimit: '512K/1M', target: '10.5.50.11' }], [row('*1')])),
    ).toBe(true);
  });

  it('treats burst fields as equal across forms', () => {
    const want = {
      ...WANT,
      burstLimit: '1000000/2000000',
      burstThreshold: '384000/768000',
      burstTime: '10s/10s',
    };
    const actual = row('*1', {
      'burst-limit': '1M/2M',
      'burst-threshold': '384k/768k',
      'burst-time': '10s/10s',
    });
    expect(planIsEmpty(planReconcile([want], [actual]))).toBe(true);
    expect(planReconcile([want], [row('*1')]).set).toEqual([
      {
        id: '*1',
        name: WANT.name,
        changes: {
          burstLimit: '1000000/2000000',
          burstThreshold: '384000/768000',
          burstTime: '10s/10s',
        },
      },
    ]);
  });

  it('puts a hand-edited queue back', () => {
    const edited = row('*1', {
      'max-limit': '10M/10M',
      comment: 'vip',
      'burst-limit': '20M/20M',
      disabled: 'true',
    });
    expect(planReconcile([WANT], [edited]).set).toEqual([
      {
        id: '*1',
        name: WANT.name,
        changes: {
          maxLimit: '512000/1000000',
          burstLimit: '0/0',
          burstThreshold: '0/0',
          burstTime: '0s/0s',
          comment: 'AAAA2222',
          disabled: 'false',
        },
      },
    ]);
  });

  it('moves the target when the device IP changes', () => {
    expect(planReconcile([{ ...WANT, target: '10.5.50.99/32' }], [row('*1')]).set).toEqual([
      { id: '*1', name: WANT.name, changes: { target: '10.5.50.99/32' } },
    ]);
  });

  it('adds missing queues and removes ones no device needs', () => {
    const other = {
      ...WANT,
      name: 'pisonet-AA:BB:CC:DD:EE:02',
      mac: 'AA:BB:CC:DD:EE:02',
      target: '10.5.50.12/32',
    };
    const stale = row('*9', { name: 'pisonet-AA:BB:CC:DD:EE:09' });
    const plan = planReconcile([WANT, other], [row('*1'), stale]);
    expect(plan.add).toEqual([other]);
    expect(plan.remove).toEqual(['*9']);
    expect(plan.set).toEqual([]);
  });

  it('never touches queues it did not create, or dynamic ones', () => {
    const foreignBelow = queueOnRouter({
      '.id': '*20',
      name: 'owner-pc',
      target: '10.5.50.200/32',
      'max-limit': '0/0',
    });
    const dynamic = row('*21', { name: 'pisonet-AA:BB:CC:DD:EE:77', dynamic: 'true' });
    const plan = planReconcile([WANT], [row('*1'), foreignBelow, dynamic]);
    expect(plan.remove).toEqual([]);
    expect(plan.set).toEqual([]);
    expect(plan.move).toBeUndefined();
    expect(plan.placeBefore).toBe('*20');
  });

  it('moves our queues above a shop queue that would catch their traffic first', () => {
    const lan = queueOnRouter({
      '.id': '*5',
      name: 'whole-lan',
      target: '10.5.50.0/24',
      'max-limit': '50M/50M',
    });
    const plan = planReconcile([WANT], [lan, row('*1')]);
    expect(plan.move).toEqual({ ids: ['*1'], destination: '*5' });
    expect(plan.placeBefore).toBe('*5');
    expect(planIsEmpty(plan)).toBe(false);
  });

  it('rewrites an unreadable value', () => {
    expect(planReconcile([WANT], [row('*1', { 'max-limit': 'garbage' })]).set[0].changes).toEqual({
      maxLimit: '512000/1000000',
    });
  });

  it('removes a duplicate of a queue name', () => {
    expect(planReconcile([WANT], [row('*1'), row('*2')]).remove).toEqual(['*2']);
  });
});
